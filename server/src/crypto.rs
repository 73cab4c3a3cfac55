//! Access-token cryptography: tokens are generated from the OS CSPRNG,
//! stored encrypted with ChaCha20-Poly1305 and found by an HMAC-SHA256
//! keyed hash. One 32-byte master key (the `token.key` file) yields both
//! sub-keys. Nothing here logs a token or a key.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The file name of the generated key inside the data directory.
pub const KEY_FILE_NAME: &str = "token.key";

/// Why the token key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the token key file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create the token key file {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the token key file {0} must hold 32 bytes, raw or as 64 hex digits")]
    Format(PathBuf),
    #[error("the operating system's random number generator failed: {0}")]
    Random(getrandom::Error),
}

/// The 32-byte master key. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

impl TokenKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenKey(bytes)
    }

    /// A fresh random key (tests, and the first start).
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(KeyError::Random)?;
        Ok(TokenKey(bytes))
    }

    /// The key as 64 hex digits (the `USERS_TOKEN_KEY` variable).
    pub fn from_hex(text: &str) -> Option<Self> {
        let decoded = unhex(text.trim())?;
        <[u8; 32]>::try_from(decoded.as_slice()).ok().map(TokenKey)
    }

    /// Reads the key file at `path`, generating it with mode 0600 when it
    /// does not exist yet (two processes racing to create it share the
    /// winner's key).
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let path = path.to_path_buf();
        if path.exists() {
            return Self::read(&path);
        }
        let key = Self::generate()?;
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let create_err = |source| KeyError::Create {
            path: path.clone(),
            source,
        };
        match options.open(&path) {
            Ok(mut file) => {
                let text = format!("{}\n", hex(&key.0));
                file.write_all(text.as_bytes()).map_err(create_err)?;
                file.sync_all().map_err(create_err)?;
                Ok(key)
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::read(&path),
            Err(e) => Err(create_err(e)),
        }
    }

    fn read(path: &Path) -> Result<Self, KeyError> {
        let bytes = fs::read(path).map_err(|source| KeyError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let format_err = || KeyError::Format(path.to_path_buf());
        if let Ok(raw) = <[u8; 32]>::try_from(bytes.as_slice()) {
            return Ok(TokenKey(raw));
        }
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| format_err())?
            .trim();
        let decoded = unhex(text).ok_or_else(format_err)?;
        let raw = <[u8; 32]>::try_from(decoded.as_slice()).map_err(|_| format_err())?;
        Ok(TokenKey(raw))
    }
}

/// A token sealed for storage.
#[derive(Debug, Clone)]
pub struct SealedToken {
    pub lookup_hash: Vec<u8>,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub hint: String,
}

/// Encrypts, decrypts and hashes tokens with sub-keys of the master key.
#[derive(Clone)]
pub struct TokenCrypto {
    aead: ChaCha20Poly1305,
    lookup_key: [u8; 32],
}

impl std::fmt::Debug for TokenCrypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCrypto(<redacted>)")
    }
}

impl TokenCrypto {
    pub fn new(key: &TokenKey) -> Self {
        let encryption = derive(&key.0, b"users-console/token-encryption/v1");
        let lookup_key = derive(&key.0, b"users-console/token-lookup/v1");
        TokenCrypto {
            aead: ChaCha20Poly1305::new(Key::from_slice(&encryption)),
            lookup_key,
        }
    }

    /// A new token: 256 bits from the OS CSPRNG in the contract's format.
    pub fn generate_token() -> Result<String, KeyError> {
        let mut random = [0u8; 32];
        getrandom::getrandom(&mut random).map_err(KeyError::Random)?;
        Ok(users_api::token::format_token(&random))
    }

    /// Identifies the key without revealing it: stored in the database on
    /// first use, so a server given another key refuses to start.
    pub fn key_fingerprint(&self) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.lookup_key).expect("HMAC takes any key size");
        mac.update(b"users-console/key-fingerprint/v1");
        hex(&mac.finalize().into_bytes()[..16])
    }

    /// The keyed hash a token is found by.
    pub fn lookup_hash(&self, token: &str) -> Vec<u8> {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.lookup_key).expect("HMAC takes any key size");
        mac.update(token.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// Encrypts `token` for `user_id` (bound as associated data, so a
    /// ciphertext moved to another user's row does not decrypt).
    pub fn seal(&self, user_id: i64, token: &str) -> Result<SealedToken, KeyError> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).map_err(KeyError::Random)?;
        let aad = user_id.to_be_bytes();
        let ciphertext = self
            .aead
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: token.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("ChaCha20-Poly1305 encryption of a short message cannot fail");
        Ok(SealedToken {
            lookup_hash: self.lookup_hash(token),
            nonce: nonce.to_vec(),
            ciphertext,
            hint: users_api::token::hint(token),
        })
    }

    /// Decrypts a stored token; `None` when it was not sealed by this key for this user.
    pub fn open(&self, user_id: i64, nonce: &[u8], ciphertext: &[u8]) -> Option<String> {
        if nonce.len() != 12 {
            return None;
        }
        let aad = user_id.to_be_bytes();
        let plain = self
            .aead
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Constant-time equality of two tokens.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC takes any key size");
    mac.update(label);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_open_round_trip_and_bind_the_user() {
        let crypto = TokenCrypto::new(&TokenKey::from_bytes([9; 32]));
        let token = TokenCrypto::generate_token().unwrap();
        assert!(users_api::token::check_format(&token).is_ok());
        let sealed = crypto.seal(7, &token).unwrap();
        assert_eq!(
            crypto.open(7, &sealed.nonce, &sealed.ciphertext).as_deref(),
            Some(token.as_str())
        );
        assert_eq!(crypto.open(8, &sealed.nonce, &sealed.ciphertext), None);
        assert_eq!(sealed.lookup_hash, crypto.lookup_hash(&token));
        let other = TokenCrypto::new(&TokenKey::from_bytes([1; 32]));
        assert_ne!(other.lookup_hash(&token), sealed.lookup_hash);
        assert_eq!(other.open(7, &sealed.nonce, &sealed.ciphertext), None);
    }

    #[test]
    fn key_file_is_created_once_with_mode_0600_and_reread() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE_NAME);
        let first = TokenKey::load_or_create(&path).unwrap();
        let second = TokenKey::load_or_create(&path).unwrap();
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let raw = dir.path().join("raw.key");
        fs::write(&raw, [5u8; 32]).unwrap();
        assert_eq!(TokenKey::load_or_create(&raw).unwrap().0, [5; 32]);
        let bad = dir.path().join("bad.key");
        fs::write(&bad, "not a key").unwrap();
        assert!(matches!(
            TokenKey::load_or_create(&bad),
            Err(KeyError::Format(_))
        ));
    }

    #[test]
    fn keys_read_from_hex_and_fingerprints_tell_keys_apart() {
        let key = TokenKey::from_hex(&format!("{}\n", "ab".repeat(32))).unwrap();
        assert_eq!(key.0, [0xab; 32]);
        assert!(TokenKey::from_hex("abcd").is_none());
        assert!(TokenKey::from_hex(&"zz".repeat(32)).is_none());
        let same = TokenCrypto::new(&key).key_fingerprint();
        assert_eq!(same, TokenCrypto::new(&key).key_fingerprint());
        assert_eq!(same.len(), 32);
        assert_ne!(
            same,
            TokenCrypto::new(&TokenKey::from_bytes([1; 32])).key_fingerprint()
        );
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_equal("uat_abc", "uat_abc"));
        assert!(!tokens_equal("uat_abc", "uat_abd"));
        assert!(!tokens_equal("uat_abc", "uat_ab"));
    }
}
