//! Query parameters of the users list, parsed and bounded the same way by
//! the server (400 on bad values) and the app (URL state).

use serde::{Deserialize, Serialize};

/// `per_page` when the client gives none.
pub const DEFAULT_PER_PAGE: u32 = 25;
/// Largest `per_page` the server accepts.
pub const MAX_PER_PAGE: u32 = 100;

/// Which users a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    #[default]
    Active,
    Archived,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(UserStatus::Active),
            "archived" => Some(UserStatus::Archived),
            _ => None,
        }
    }
}

/// A validated list request: tab, search text, page (1-based) and page size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListQuery {
    pub status: UserStatus,
    pub query: String,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            status: UserStatus::Active,
            query: String::new(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// What is wrong with a list query parameter (a 400 on the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

impl ListQuery {
    /// Parses raw parameters; `None` means "absent, use the default".
    pub fn parse(
        status: Option<&str>,
        query: Option<&str>,
        page: Option<&str>,
        per_page: Option<&str>,
    ) -> Result<Self, QueryError> {
        // A parameter that is present must be valid (`page=` is a 400, as the
        // published document says); absent means the default.
        let status = match status {
            None => UserStatus::Active,
            Some(s) => UserStatus::parse(s).ok_or_else(|| {
                QueryError(format!(
                    "status must be \"active\" or \"archived\", not {s:?}."
                ))
            })?,
        };
        let page = parse_bounded("page", page, 1, u32::MAX, 1)?;
        let per_page = parse_bounded("per_page", per_page, 1, MAX_PER_PAGE, DEFAULT_PER_PAGE)?;
        Ok(ListQuery {
            status,
            query: query.unwrap_or("").trim().to_string(),
            page,
            per_page,
        })
    }

    /// Offset of the first row of this page (saturating for absurd pages).
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

fn parse_bounded(
    name: &str,
    raw: Option<&str>,
    min: u32,
    max: u32,
    default: u32,
) -> Result<u32, QueryError> {
    match raw {
        None => Ok(default),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(QueryError(format!(
                "{name} must be a whole number from {min} to {max}, not {s:?}."
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_absent() {
        let q = ListQuery::parse(None, None, None, None).unwrap();
        assert_eq!(q, ListQuery::default());
    }

    #[test]
    fn per_page_bounds() {
        assert!(ListQuery::parse(None, None, None, Some("0")).is_err());
        assert!(ListQuery::parse(None, None, None, Some("101")).is_err());
        assert_eq!(
            ListQuery::parse(None, None, None, Some("100"))
                .unwrap()
                .per_page,
            100
        );
        assert!(ListQuery::parse(None, None, Some("0"), None).is_err());
        assert!(ListQuery::parse(None, None, Some("x"), None).is_err());
        assert!(ListQuery::parse(Some("deleted"), None, None, None).is_err());
    }

    #[test]
    fn offset_is_zero_based() {
        let q = ListQuery::parse(Some("archived"), Some(" ann "), Some("3"), Some("10")).unwrap();
        assert_eq!(q.offset(), 20);
        assert_eq!(q.query, "ann");
        assert_eq!(q.status, UserStatus::Archived);
    }
}
