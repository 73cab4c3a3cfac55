//! How identity text is compared, sorted and searched: the one definition
//! the server's storage and the in-memory client both use.
//!
//! Validation ([`crate::validation`]) only refuses bad text and needs no
//! Unicode tables, so the browser app's bundle stays small. The functions
//! here normalise, and are called by whoever stores or compares: names are
//! kept in NFC (a composed and a decomposed "é" are the same name), and two
//! emails are the same address when their [`email_key`]s are equal.

use unicode_normalization::UnicodeNormalization;

/// Text in Unicode normalisation form C: what a stored name or email holds.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Case- and compatibility-folded text (NFKC, lower case, NFKC again, as a
/// lower-cased character may need recomposing): "Ｃａｓｅ", "CASE" and
/// "case" fold alike. The list is sorted and searched on folded text.
pub fn fold(text: &str) -> String {
    let lowered: String = text.nfkc().collect::<String>().to_lowercase();
    lowered.nfkc().collect()
}

/// The folded "first last" the list is sorted and searched by.
pub fn name_key(first_name: &str, last_name: &str) -> String {
    fold(&format!("{first_name} {last_name}"))
}

/// The canonical identity of an email address: the local part folded
/// ([`fold`]), the domain in its Unicode form per UTS #46 (so
/// `xn--exmple-cua.com` and `exämple.com` are one domain), folded too.
/// A domain that is not valid IDNA is folded as written. Expects a trimmed
/// address; the last `@` separates the domain.
pub fn email_key(email: &str) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) => {
            let (unicode, valid) = idna::domain_to_unicode(domain);
            let domain = if valid.is_ok() {
                unicode
            } else {
                domain.to_string()
            };
            format!("{}@{}", fold(local), fold(&domain))
        }
        None => fold(email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alike_addresses_share_a_key() {
        let real = email_key("case@example.com");
        assert_eq!(email_key("CASE@Example.COM"), real);
        assert_eq!(
            email_key("\u{FF43}\u{FF41}\u{FF53}\u{FF45}@example.com"),
            real
        );
        assert_eq!(
            email_key("idn@xn--exmple-cua.com"),
            email_key("idn@ex\u{E4}mple.com")
        );
        assert_eq!(
            email_key("Ren\u{E9}@example.com"),
            email_key("rene\u{301}@EXAMPLE.com")
        );
        assert_ne!(
            email_key("case@example.com"),
            email_key("cases@example.com")
        );
    }

    #[test]
    fn invalid_idna_domains_still_get_a_key() {
        assert_eq!(email_key("a@XN--ZZ.example"), "a@xn--zz.example");
    }

    #[test]
    fn names_compose_and_fold() {
        assert_eq!(nfc("Zoe\u{301}"), "Zo\u{E9}");
        assert_eq!(name_key("Zoe\u{301}", "ÅBERG"), "zo\u{E9} \u{E5}berg");
        assert_eq!(fold("ADA"), "ada");
    }

    #[test]
    fn ascii_folds_to_lower_case() {
        let text = "Ada.Lovelace-01@Example.org";
        assert_eq!(fold(text), text.to_lowercase());
        assert_eq!(email_key(text), text.to_lowercase());
    }
}
