//! The validation rules as JSON Schema says them, for the published OpenAPI
//! document: built from the same constants [`crate::validation`] uses, and
//! proven to accept exactly what it accepts (the tests below), so the
//! document and the server cannot drift apart.
//!
//! Patterns use only what ECMA-262, Python's `re` and Rust's `regex` read
//! alike: character classes with `\uXXXX` escapes, groups, bounded repeats.
//! Names and emails are trimmed before they are checked, so the patterns
//! allow surrounding white space and bound the trimmed text.

use crate::validation::{INVISIBLE, JOINERS, MAX_EMAIL_CHARS, MAX_NAME_CHARS};

/// The role catalogue, in its order (fixed; the server's database holds the
/// same rows with their descriptions).
pub const ROLE_CATALOGUE: [&str; 5] = [
    "Development",
    "Testing",
    "Staging",
    "Production",
    "Settings",
];

/// Unicode `White_Space` (what `str::trim` removes and `char::is_whitespace` tests).
const WHITE_SPACE: &str =
    r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// Unicode `Cc` (what `char::is_control` tests).
const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

/// A character-class body for `ranges`: `\uXXXX` escapes in the Basic
/// Multilingual Plane, the characters themselves beyond it (no escape is
/// read alike by ECMA-262, Python and Rust there).
fn class_of(ranges: &[(char, char)]) -> String {
    let one = |c: char| {
        if (c as u32) < 0x10000 {
            format!("\\u{:04X}", c as u32)
        } else {
            c.to_string()
        }
    };
    ranges
        .iter()
        .map(|&(from, to)| {
            if from == to {
                one(from)
            } else {
                format!("{}-{}", one(from), one(to))
            }
        })
        .collect()
}

/// A first or last name: 1–100 characters once trimmed, none of them a
/// control, invisible or text-direction character; the zero-width joiners
/// only between other characters.
pub fn name_pattern() -> String {
    let (ws, cc) = (WHITE_SPACE, CONTROL);
    let (inv, join) = (class_of(INVISIBLE), class_of(&[JOINERS]));
    format!(
        "^[{ws}]*[^{ws}{cc}{inv}{join}](?:[^{cc}{inv}]{{0,{inner}}}[^{ws}{cc}{inv}{join}])?[{ws}]*$",
        inner = MAX_NAME_CHARS - 2
    )
}

/// A group description: at most 500 characters once trimmed, line breaks
/// but no other control characters inside.
pub fn description_pattern() -> String {
    let (ws, cc) = (WHITE_SPACE, CONTROL);
    let cc_but_lf = r"\u0000-\u0009\u000B-\u001F\u007F-\u009F";
    format!(
        "^[{ws}]*(?:[^{ws}{cc}](?:[^{cc_but_lf}]{{0,{inner}}}[^{ws}{cc}])?)?[{ws}]*$",
        inner = crate::group::MAX_DESCRIPTION_CHARS - 2
    )
}

/// An email's shape: `local@domain.tld` (one `@`, at least two non-empty
/// domain labels), no white space, control, invisible or text-direction
/// character inside.
pub fn email_shape_pattern() -> String {
    let (ws, cc) = (WHITE_SPACE, CONTROL);
    let no = format!("{ws}{cc}{}{}", class_of(INVISIBLE), class_of(&[JOINERS]));
    format!("^[{ws}]*[^@{no}]+@[^@.{no}]+(?:\\.[^@.{no}]+)+[{ws}]*$")
}

/// An email's length: at most 254 characters once trimmed.
pub fn email_length_pattern() -> String {
    let ws = WHITE_SPACE;
    format!("^[{ws}]*[^{ws}]{{1,{MAX_EMAIL_CHARS}}}[{ws}]*$")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;
    use crate::validation::{Email, PersonName};

    /// Text made of what the rules are about: white space (control and
    /// not), other controls, `@`, `.`, letters, a non-BMP character.
    fn tricky_text(max: usize) -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            ' ',
            '\t',
            '\n',
            '\u{a0}',
            '\u{2028}',
            '\u{3000}',
            '\u{0}',
            '\u{1f}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{200b}',
            '\u{200c}',
            '\u{200d}',
            '\u{202e}',
            '\u{2066}',
            '\u{feff}',
            '\u{fe0f}',
            '\u{e0041}',
            '\u{ad}',
            '@',
            '.',
            'a',
            'Z',
            'é',
            '名',
            '😀',
        ]);
        prop::collection::vec(pieces, 0..max).prop_map(|chars| chars.into_iter().collect())
    }

    fn long_name(n: usize, pad: &str) -> String {
        format!("{pad}{}{pad}", "x".repeat(n))
    }

    #[test]
    fn name_lengths_are_counted_after_trimming() {
        let pattern = Regex::new(&name_pattern()).unwrap();
        for (n, pad) in [
            (1, ""),
            (100, ""),
            (100, " \t"),
            (101, ""),
            (101, "  "),
            (0, " "),
        ] {
            let text = long_name(n, pad);
            assert_eq!(
                pattern.is_match(&text),
                PersonName::parse(&text).is_ok(),
                "{n} {pad:?}"
            );
        }
    }

    #[test]
    fn email_lengths_are_counted_after_trimming() {
        let (shape, length) = (
            Regex::new(&email_shape_pattern()).unwrap(),
            Regex::new(&email_length_pattern()).unwrap(),
        );
        for local in [240, 248, 249, 250] {
            for pad in ["", " ", "\u{3000}\t"] {
                let text = format!("{pad}{}@ex.com{pad}", "a".repeat(local));
                let both = shape.is_match(&text) && length.is_match(&text);
                assert_eq!(both, Email::parse(&text).is_ok(), "{local} {pad:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn the_name_pattern_accepts_exactly_what_validation_accepts(text in tricky_text(12)) {
            let pattern = Regex::new(&name_pattern()).unwrap();
            prop_assert_eq!(pattern.is_match(&text), PersonName::parse(&text).is_ok(), "{:?}", text);
        }

        #[test]
        fn the_email_patterns_accept_exactly_what_validation_accepts(text in tricky_text(12)) {
            let shape = Regex::new(&email_shape_pattern()).unwrap();
            let length = Regex::new(&email_length_pattern()).unwrap();
            let both = shape.is_match(&text) && length.is_match(&text);
            prop_assert_eq!(both, Email::parse(&text).is_ok(), "{:?}", text);
        }
    }
}
