//! The access-token format: `uat_` + 43 base62 characters carrying 256
//! random bits + a 6-character base62 CRC32 of those 43 characters. The
//! prefix and checksum let secret scanners recognise a leaked token offline.
//! Randomness comes from the caller (the server uses the OS CSPRNG).

/// Every token starts with this.
pub const PREFIX: &str = "uat_";
const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_CHARS: usize = 43;
const CHECKSUM_CHARS: usize = 6;
/// Length of a well-formed token.
pub const TOKEN_CHARS: usize = PREFIX.len() + BODY_CHARS + CHECKSUM_CHARS;

/// Why a string is not a well-formed token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormatError {
    Prefix,
    Length,
    Alphabet,
    Checksum,
}

/// Formats 256 random bits as a token.
pub fn format_token(random: &[u8; 32]) -> String {
    let body = base62_fixed(random, BODY_CHARS);
    let checksum = base62_fixed(&crc32(body.as_bytes()).to_be_bytes(), CHECKSUM_CHARS);
    format!("{PREFIX}{body}{checksum}")
}

/// Checks a token's shape and checksum (not whether it exists).
pub fn check_format(token: &str) -> Result<(), TokenFormatError> {
    let rest = token.strip_prefix(PREFIX).ok_or(TokenFormatError::Prefix)?;
    if rest.len() != BODY_CHARS + CHECKSUM_CHARS {
        return Err(TokenFormatError::Length);
    }
    if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(TokenFormatError::Alphabet);
    }
    let (body, checksum) = rest.split_at(BODY_CHARS);
    let expected = base62_fixed(&crc32(body.as_bytes()).to_be_bytes(), CHECKSUM_CHARS);
    if checksum == expected {
        Ok(())
    } else {
        Err(TokenFormatError::Checksum)
    }
}

/// The part of a token safe to show: `uat_…` and its last four characters.
pub fn hint(token: &str) -> String {
    format!("{PREFIX}…{}", last_four(token))
}

/// The masked form shown by default in the token dialog.
pub fn masked(token_or_hint: &str) -> String {
    format!("{PREFIX}••••••••{}", last_four(token_or_hint))
}

fn last_four(s: &str) -> &str {
    let start = s.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    &s[start..]
}

/// Big-endian bytes as exactly `width` base62 digits (leading zeros kept).
fn base62_fixed(bytes: &[u8], width: usize) -> String {
    let mut number = bytes.to_vec();
    let mut digits = Vec::with_capacity(width);
    for _ in 0..width {
        let mut remainder = 0u32;
        for byte in number.iter_mut() {
            let value = (remainder << 8) | u32::from(*byte);
            *byte = (value / 62) as u8;
            remainder = value % 62;
        }
        digits.push(ALPHABET[remainder as usize]);
    }
    digits.reverse();
    String::from_utf8(digits).expect("base62 alphabet is ASCII")
}

/// CRC-32 (IEEE 802.3, as zlib), bitwise: tokens are short.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base62_covers_256_bits_in_43_digits() {
        assert_eq!(base62_fixed(&[0xff; 32], 43).len(), 43);
        assert_eq!(base62_fixed(&[0; 32], 43), "0".repeat(43));
        assert_eq!(base62_fixed(&[0, 0, 0, 61], 6), "00000z");
        assert_eq!(base62_fixed(&[0, 0, 0, 62], 6), "000010");
    }

    #[test]
    fn hint_and_mask_show_only_the_tail() {
        let token = format_token(&[7; 32]);
        assert_eq!(token.len(), TOKEN_CHARS);
        let tail = &token[token.len() - 4..];
        assert_eq!(hint(&token), format!("uat_…{tail}"));
        assert_eq!(masked(&hint(&token)), format!("uat_••••••••{tail}"));
    }

    #[test]
    fn rejects_malformed_tokens() {
        let token = format_token(&[1; 32]);
        assert_eq!(check_format("abc"), Err(TokenFormatError::Prefix));
        assert_eq!(
            check_format(&token[..TOKEN_CHARS - 1]),
            Err(TokenFormatError::Length)
        );
        let mut bad = token.clone().into_bytes();
        bad[10] = b'-';
        assert_eq!(
            check_format(std::str::from_utf8(&bad).unwrap()),
            Err(TokenFormatError::Alphabet)
        );
    }

    proptest! {
        #[test]
        fn every_formatted_token_checks(bytes in any::<[u8; 32]>()) {
            let token = format_token(&bytes);
            prop_assert_eq!(token.len(), TOKEN_CHARS);
            prop_assert!(check_format(&token).is_ok());
        }

        #[test]
        fn a_changed_character_fails_the_checksum(bytes in any::<[u8; 32]>(), at in 4usize..47, to in 0usize..62) {
            let token = format_token(&bytes);
            let mut chars = token.into_bytes();
            prop_assume!(chars[at] != ALPHABET[to]);
            chars[at] = ALPHABET[to];
            let changed = String::from_utf8(chars).unwrap();
            prop_assert_eq!(check_format(&changed), Err(TokenFormatError::Checksum));
        }
    }
}
