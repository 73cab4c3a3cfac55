//! The storage interface's own types, shared by both backends: what an
//! `If-Match` accepts, who uses an email, the CLI's outcomes and demo plans.

use users_api::{UserDetail, UserStatus, SETTINGS_ROLE};

use super::{StoreError, StoreResult};

/// What an `If-Match` header accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// `*`: any current version.
    Any,
    /// One of these versions (an unparsable tag matches none).
    OneOf(Vec<i64>),
}

impl Expected {
    /// Parses an `If-Match` value: `"3"`, `W/"3"`, `3`, lists, or `*`.
    pub fn parse(header: &str) -> Expected {
        if header.trim() == "*" {
            return Expected::Any;
        }
        Expected::OneOf(
            header
                .split(',')
                .filter_map(|tag| {
                    let tag = tag.trim();
                    let tag = tag.strip_prefix("W/").unwrap_or(tag);
                    let tag = tag
                        .strip_prefix('"')
                        .and_then(|t| t.strip_suffix('"'))
                        .unwrap_or(tag);
                    tag.parse().ok()
                })
                .collect(),
        )
    }

    pub fn matches(&self, version: i64) -> bool {
        match self {
            Expected::Any => true,
            Expected::OneOf(versions) => versions.contains(&version),
        }
    }
}

/// Whether a user is an active Settings holder (the last-admin rule).
pub(crate) fn has_settings(user: &UserDetail) -> bool {
    user.summary.status == UserStatus::Active
        && user.summary.roles.iter().any(|r| r.role == SETTINGS_ROLE)
}

/// Whether an email is free, used by an archived user of the company, or taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailUse {
    Free,
    Archived,
    Taken,
}

/// Identity providers every new company starts with (the first is the default).
pub const DEFAULT_PROVIDERS: [&str; 4] = ["Avaamo", "Azure AD", "Google", "Okta"];

/// The outcome of `create-admin`.
#[derive(Clone)]
pub struct AdminUser {
    pub user_id: i64,
    pub company_id: i64,
    pub company_created: bool,
    /// False when an active user with that email already existed.
    pub user_created: bool,
    /// The user's current access token. Never log it.
    pub token: String,
}

impl std::fmt::Debug for AdminUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminUser")
            .field("user_id", &self.user_id)
            .field("company_id", &self.company_id)
            .field("user_created", &self.user_created)
            .finish_non_exhaustive()
    }
}

/// A demo group and the roles it grants.
#[derive(Debug, Clone)]
pub struct DemoGroup {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
}

/// A demo user. `groups` are indexes into [`DemoPlan::groups`].
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub identity_provider: String,
    pub roles: Vec<String>,
    pub groups: Vec<usize>,
    pub agents: Vec<String>,
    pub archived: bool,
}

/// Everything `seed-demo` adds.
#[derive(Debug, Clone, Default)]
pub struct DemoPlan {
    pub groups: Vec<DemoGroup>,
    pub users: Vec<DemoUser>,
}

/// What was added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSummary {
    pub company_id: i64,
    pub users: usize,
    pub archived: usize,
    pub groups: usize,
    pub agents: usize,
}

/// The check behind [`StoreError::WrongTokenKey`]: the stored fingerprint
/// must be the key's own.
pub(crate) fn same_token_key(stored: &str, fingerprint: &str) -> StoreResult<()> {
    if stored == fingerprint {
        Ok(())
    } else {
        Err(StoreError::WrongTokenKey)
    }
}

/// A unique violation on writing a user means its email key is taken
/// (by a transaction that committed first, on either backend).
pub(crate) fn unique_violation_is_email(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::EmailTaken,
        _ => StoreError::Database(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_forms() {
        assert!(Expected::parse("\"3\"").matches(3));
        assert!(Expected::parse("W/\"3\"").matches(3));
        assert!(Expected::parse("3").matches(3));
        assert!(Expected::parse("\"1\", \"3\"").matches(3));
        assert!(!Expected::parse("\"2\"").matches(3));
        assert!(!Expected::parse("\"abc\"").matches(3));
        assert!(Expected::parse("*").matches(3));
    }
}
