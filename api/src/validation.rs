//! Validation of user input: the one implementation both the browser app and
//! the server run. Every violation is reported, not only the first; messages
//! are fragments that read after the field's label ("Email is already taken").

use crate::error::FieldErrors;
use crate::types::{NewUser, UserPatch};

/// Longest first or last name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest email, in characters.
pub const MAX_EMAIL_CHARS: usize = 254;

/// Characters that show nothing or change how the text around them is
/// shown: zero-width spaces and joiners, direction marks, embeddings,
/// overrides and isolates, line and paragraph separators, the byte-order
/// mark, invisible operators and fillers, tags. They make look-alike
/// identities ("ada@…" and "ada\u{200B}@…"; a name that reads backwards), so
/// names and emails refuse them. The zero-width joiner and non-joiner are
/// listed apart: scripts such as Persian and Devanagari need them inside
/// names, so a name may hold them between other characters.
pub const INVISIBLE: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{034F}', '\u{034F}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{115F}', '\u{1160}'),
    ('\u{17B4}', '\u{17B5}'),
    ('\u{180B}', '\u{180F}'),
    ('\u{200B}', '\u{200B}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{2028}', '\u{202E}'),
    ('\u{2060}', '\u{206F}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FE00}', '\u{FE0F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFA0}', '\u{FFA0}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{E0000}', '\u{E0FFF}'),
];

/// The zero-width non-joiner and joiner: allowed inside a name only.
pub const JOINERS: (char, char) = ('\u{200C}', '\u{200D}');

fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|&(from, to)| (from..=to).contains(&c))
}

fn is_joiner(c: char) -> bool {
    (JOINERS.0..=JOINERS.1).contains(&c)
}

/// A trimmed first or last name: 1–100 characters, no control characters,
/// no invisible or direction-changing characters (joiners only between
/// other characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    /// Checks a raw name; the error lists every violation.
    pub fn parse(raw: &str) -> Result<Self, Vec<String>> {
        let name = raw.trim();
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push("can't be blank".to_string());
        }
        if name.chars().count() > MAX_NAME_CHARS {
            errors.push(format!("is too long (at most {MAX_NAME_CHARS} characters)"));
        }
        if name.chars().any(char::is_control) {
            errors.push("must not contain control characters".to_string());
        }
        let joiner_at_an_end = name.starts_with(is_joiner) || name.ends_with(is_joiner);
        if name.chars().any(is_invisible) || joiner_at_an_end {
            errors.push("must not contain invisible or text-direction characters".to_string());
        }
        if errors.is_empty() {
            Ok(PersonName(name.to_string()))
        } else {
            Err(errors)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as stored: in NFC, so composed and decomposed text are one
    /// name (see [`crate::identity`]).
    pub fn stored(&self) -> String {
        crate::identity::nfc(&self.0)
    }
}

/// A trimmed email address of the form `local@domain.tld`, at most 254
/// characters. Stored as typed (in NFC); compared by [`Email::key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Checks a raw address; the error lists every violation.
    pub fn parse(raw: &str) -> Result<Self, Vec<String>> {
        let email = raw.trim();
        let mut errors = Vec::new();
        if email.is_empty() {
            errors.push("can't be blank".to_string());
            return Err(errors);
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            errors.push(format!(
                "is too long (at most {MAX_EMAIL_CHARS} characters)"
            ));
        }
        if email.chars().any(char::is_whitespace) {
            errors.push("must not contain spaces".to_string());
        }
        if email.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            errors.push("must not contain control characters".to_string());
        }
        if email.chars().any(|c| is_invisible(c) || is_joiner(c)) {
            errors.push("must not contain invisible or text-direction characters".to_string());
        }
        if !has_address_shape(email) {
            errors.push("must look like name@example.com".to_string());
        }
        if errors.is_empty() {
            Ok(Email(email.to_string()))
        } else {
            Err(errors)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical identity of the address (what must be unique):
    /// see [`crate::identity::email_key`].
    pub fn key(&self) -> String {
        crate::identity::email_key(&self.0)
    }

    /// The address as stored: as typed, in NFC.
    pub fn stored(&self) -> String {
        crate::identity::nfc(&self.0)
    }
}

/// `local@domain` with exactly one `@`, a non-empty local part, and a domain
/// of non-empty dot-separated labels (at least two).
fn has_address_shape(email: &str) -> bool {
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && domain.split('.').all(|label| !label.is_empty())
}

/// Checks a set of direct roles against the catalogue (names, in catalogue
/// order) and returns them in catalogue order.
pub fn check_roles(roles: &[String], catalogue: &[String]) -> Result<Vec<String>, Vec<String>> {
    let mut errors = Vec::new();
    for (i, role) in roles.iter().enumerate() {
        let earlier = &roles[..i];
        if earlier.contains(role) {
            // Report a duplicate once, at its second occurrence.
            if earlier.iter().filter(|r| *r == role).count() == 1 && catalogue.contains(role) {
                errors.push(format!("lists {role} more than once"));
            }
        } else if !catalogue.contains(role) {
            errors.push(format!("has an unknown role: {role}"));
        }
    }
    if errors.is_empty() {
        Ok(catalogue
            .iter()
            .filter(|c| roles.contains(c))
            .cloned()
            .collect())
    } else {
        Err(errors)
    }
}

/// Checks an identity provider name against the company's providers.
pub fn check_identity_provider(
    provider: &str,
    providers: &[String],
) -> Result<String, Vec<String>> {
    let provider = provider.trim();
    if provider.is_empty() {
        Err(vec!["can't be blank".to_string()])
    } else if providers.iter().any(|p| p == provider) {
        Ok(provider.to_string())
    } else {
        Err(vec![
            "must be one of the company's identity providers".to_string()
        ])
    }
}

/// What a validated create or edit may change; `None` leaves a field as is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidChanges {
    pub first_name: Option<PersonName>,
    pub last_name: Option<PersonName>,
    pub email: Option<Email>,
    pub identity_provider: Option<String>,
    /// The full new set of direct roles, in catalogue order.
    pub roles: Option<Vec<String>>,
    /// The full new set of groups (ids, ascending, distinct); whether each
    /// is a group of the company is the store's to check.
    pub groups: Option<Vec<crate::group::GroupId>>,
}

/// Everything a new user must have, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewUser {
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub email: Email,
    pub identity_provider: String,
    pub roles: Vec<String>,
}

/// The company data a user's fields are checked against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Role names of the catalogue, in catalogue order.
    pub catalogue: &'a [String],
    /// Names of the company's identity providers.
    pub providers: &'a [String],
}

/// Validates a create request, reporting every violation by field.
pub fn validate_new_user(input: &NewUser, ctx: Context<'_>) -> Result<ValidNewUser, FieldErrors> {
    let first_name = PersonName::parse(&input.first_name);
    let last_name = PersonName::parse(&input.last_name);
    let email = Email::parse(&input.email);
    let provider = check_identity_provider(&input.identity_provider, ctx.providers);
    let roles = check_roles(&input.roles, ctx.catalogue);
    let mut errors = FieldErrors::new();
    record(&mut errors, "first_name", Some(&first_name));
    record(&mut errors, "last_name", Some(&last_name));
    record(&mut errors, "email", Some(&email));
    record(&mut errors, "identity_provider", Some(&provider));
    record(&mut errors, "roles", Some(&roles));
    match (first_name, last_name, email, provider, roles) {
        (Ok(first_name), Ok(last_name), Ok(email), Ok(identity_provider), Ok(roles)) => {
            Ok(ValidNewUser {
                first_name,
                last_name,
                email,
                identity_provider,
                roles,
            })
        }
        _ => Err(errors),
    }
}

/// Validates an edit request: only the fields present are checked.
pub fn validate_patch(input: &UserPatch, ctx: Context<'_>) -> Result<ValidChanges, FieldErrors> {
    let first_name = input.first_name.as_deref().map(PersonName::parse);
    let last_name = input.last_name.as_deref().map(PersonName::parse);
    let email = input.email.as_deref().map(Email::parse);
    let provider = input
        .identity_provider
        .as_deref()
        .map(|p| check_identity_provider(p, ctx.providers));
    let roles = input
        .roles
        .as_deref()
        .map(|r| check_roles(r, ctx.catalogue));
    let groups = input.groups.as_deref().map(crate::group::check_group_ids);
    let mut errors = FieldErrors::new();
    record(&mut errors, "first_name", first_name.as_ref());
    record(&mut errors, "last_name", last_name.as_ref());
    record(&mut errors, "email", email.as_ref());
    record(&mut errors, "identity_provider", provider.as_ref());
    record(&mut errors, "roles", roles.as_ref());
    record(&mut errors, "groups", groups.as_ref());
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidChanges {
        first_name: first_name.and_then(Result::ok),
        last_name: last_name.and_then(Result::ok),
        email: email.and_then(Result::ok),
        identity_provider: provider.and_then(Result::ok),
        roles: roles.and_then(Result::ok),
        groups: groups.and_then(Result::ok),
    })
}

fn record<T>(errors: &mut FieldErrors, field: &str, result: Option<&Result<T, Vec<String>>>) {
    if let Some(Err(messages)) = result {
        errors.insert(field.to_string(), messages.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn catalogue() -> Vec<String> {
        strings(&[
            "Development",
            "Testing",
            "Staging",
            "Production",
            "Settings",
        ])
    }

    fn providers() -> Vec<String> {
        strings(&["Avaamo", "Okta"])
    }

    fn valid_input() -> NewUser {
        NewUser {
            first_name: " Ada ".into(),
            last_name: "Lovelace".into(),
            email: " Ada@Example.com ".into(),
            identity_provider: "Avaamo".into(),
            roles: strings(&["Testing", "Development"]),
        }
    }

    #[test]
    fn accepts_and_normalises_a_valid_user() {
        let (c, p) = (catalogue(), providers());
        let user = validate_new_user(
            &valid_input(),
            Context {
                catalogue: &c,
                providers: &p,
            },
        )
        .unwrap();
        assert_eq!(user.first_name.as_str(), "Ada");
        assert_eq!(user.email.as_str(), "Ada@Example.com");
        assert_eq!(user.email.key(), "ada@example.com");
        assert_eq!(user.roles, strings(&["Development", "Testing"]));
    }

    #[test]
    fn reports_every_violation_at_once() {
        let (c, p) = (catalogue(), providers());
        let input = NewUser {
            first_name: "  ".into(),
            last_name: "x".repeat(101),
            email: "no at sign".into(),
            identity_provider: "Nope".into(),
            roles: strings(&["Testing", "Root", "Testing", "Testing"]),
        };
        let errors = validate_new_user(
            &input,
            Context {
                catalogue: &c,
                providers: &p,
            },
        )
        .unwrap_err();
        assert_eq!(errors["first_name"], strings(&["can't be blank"]));
        assert_eq!(
            errors["last_name"],
            strings(&["is too long (at most 100 characters)"])
        );
        assert_eq!(
            errors["email"],
            strings(&["must not contain spaces", "must look like name@example.com"])
        );
        assert_eq!(
            errors["identity_provider"],
            strings(&["must be one of the company's identity providers"])
        );
        assert_eq!(
            errors["roles"],
            strings(&["has an unknown role: Root", "lists Testing more than once"])
        );
    }

    #[test]
    fn names_reject_control_characters_and_count_characters_not_bytes() {
        assert!(PersonName::parse("Zoë Ñúñez-O'Brien").is_ok());
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert!(PersonName::parse(&"é".repeat(101)).is_err());
        assert_eq!(
            PersonName::parse("a\u{7}b").unwrap_err(),
            strings(&["must not contain control characters"])
        );
    }

    #[test]
    fn email_shapes() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "A@B.C"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@@b.co", "a@b..co", "a@.b.co", "a@b.co.", "a b@c.de",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.len(), 255);
        assert!(Email::parse(&long).is_err());
        assert!(Email::parse(&long[1..]).is_ok());
    }

    #[test]
    fn empty_roles_are_allowed() {
        assert_eq!(check_roles(&[], &catalogue()), Ok(vec![]));
    }

    #[test]
    fn patch_checks_only_present_fields() {
        let (c, p) = (catalogue(), providers());
        let ctx = Context {
            catalogue: &c,
            providers: &p,
        };
        let ok = validate_patch(
            &UserPatch {
                roles: Some(vec![]),
                ..Default::default()
            },
            ctx,
        )
        .unwrap();
        assert_eq!(ok.roles, Some(vec![]));
        assert_eq!(ok.email, None);
        let err = validate_patch(
            &UserPatch {
                email: Some("x".into()),
                first_name: Some("".into()),
                ..Default::default()
            },
            ctx,
        )
        .unwrap_err();
        assert_eq!(err.keys().collect::<Vec<_>>(), vec!["email", "first_name"]);
    }

    proptest! {
        #[test]
        fn valid_names_round_trip_trimmed(name in "[A-Za-zÀ-ÿ' -]{0,120}") {
            let trimmed = name.trim();
            let n = trimmed.chars().count();
            match PersonName::parse(&name) {
                Ok(p) => {
                    prop_assert_eq!(p.as_str(), trimmed);
                    prop_assert!((1..=MAX_NAME_CHARS).contains(&n));
                }
                Err(_) => prop_assert!(n == 0 || n > MAX_NAME_CHARS),
            }
        }

        #[test]
        fn validation_never_panics_and_errors_name_known_fields(
            first in any::<String>(), last in any::<String>(), email in any::<String>(),
            provider in any::<String>(), roles in proptest::collection::vec(any::<String>(), 0..6),
        ) {
            let (c, p) = (catalogue(), providers());
            let input = NewUser { first_name: first, last_name: last, email, identity_provider: provider, roles };
            if let Err(errors) = validate_new_user(&input, Context { catalogue: &c, providers: &p }) {
                prop_assert!(!errors.is_empty());
                for (field, messages) in &errors {
                    prop_assert!(["first_name", "last_name", "email", "identity_provider", "roles"].contains(&field.as_str()));
                    prop_assert!(!messages.is_empty());
                }
            }
        }

        #[test]
        fn accepted_emails_have_one_at_and_a_dotted_domain(email in "[a-z.@ ]{0,20}") {
            if let Ok(e) = Email::parse(&email) {
                let s = e.as_str();
                prop_assert_eq!(s.matches('@').count(), 1);
                let domain = s.split('@').nth(1).unwrap();
                prop_assert!(domain.contains('.'));
                prop_assert!(!s.contains(' '));
            }
        }
    }
}
