//! Query parameters of the users list: parsed, bounded and written in one
//! place for the server (strict: 400 on bad values), the app's HTTP client
//! (the API's parameter names), the app's URL state (lenient, defaults left
//! out, the search as `q`) and the in-memory client.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::filter::UserFilter;

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

/// A validated list request: tab, search text, access-review filter, page
/// (1-based) and page size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListQuery {
    pub status: UserStatus,
    pub query: String,
    pub filter: UserFilter,
    pub page: u32,
    pub per_page: u32,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            status: UserStatus::Active,
            query: String::new(),
            filter: UserFilter::default(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// What is wrong with a list query parameter (a 400 on the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError(pub String);

/// What is wrong with a users list request's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListParamError {
    /// Tab or paging (a 400 `bad_request`).
    Bad(QueryError),
    /// The filter's values, by parameter (a 422 `invalid`).
    Invalid(FieldErrors),
}

/// Which parameter names a query is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// The API's: `status`, `query`, `page`, `per_page`, every one given.
    Api,
    /// The console's `/users` URL: the search is `q`, defaults are left out.
    ConsoleUrl,
}

impl ParamStyle {
    pub(crate) fn search_name(self) -> &'static str {
        match self {
            ParamStyle::Api => "query",
            ParamStyle::ConsoleUrl => "q",
        }
    }
}

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
            filter: UserFilter::default(),
            page,
            per_page,
        })
    }

    /// Parses parameters looked up by name in `style`, strictly: tab and
    /// paging first, then the filter.
    pub fn from_params<'a>(
        style: ParamStyle,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, ListParamError> {
        let base = Self::parse(
            get("status"),
            get(style.search_name()),
            get("page"),
            get("per_page"),
        )
        .map_err(ListParamError::Bad)?;
        let filter = UserFilter::from_params(style, &get).map_err(ListParamError::Invalid)?;
        Ok(ListQuery { filter, ..base })
    }

    /// Parses parameters leniently: each one that is not valid takes its
    /// default, so a hand-edited console URL still shows a list.
    pub fn from_params_lenient<'a>(
        style: ParamStyle,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Self {
        let valid = |name: &str| {
            get(name).filter(|value| {
                let one = |n: &str| (n == name).then_some(*value);
                Self::parse(one("status"), None, one("page"), one("per_page")).is_ok()
            })
        };
        let base = Self::parse(
            valid("status"),
            get(style.search_name()),
            valid("page"),
            valid("per_page"),
        )
        .expect("every parameter was checked on its own");
        ListQuery {
            filter: UserFilter::from_params_lenient(style, &get),
            ..base
        }
    }

    /// The parameters that say this query in `style` (not yet URL-encoded).
    pub fn to_params(&self, style: ParamStyle) -> Vec<(&'static str, String)> {
        let all = [
            (
                "status",
                self.status.as_str().to_string(),
                self.status == UserStatus::Active,
            ),
            (
                style.search_name(),
                self.query.clone(),
                self.query.is_empty(),
            ),
            ("page", self.page.to_string(), self.page == 1),
            (
                "per_page",
                self.per_page.to_string(),
                self.per_page == DEFAULT_PER_PAGE,
            ),
        ];
        let mut params: Vec<_> = all
            .into_iter()
            .filter(|(_, _, default)| style == ParamStyle::Api || !default)
            .map(|(name, value, _)| (name, value))
            .collect();
        params.extend(self.filter.to_params(style));
        params
    }

    /// The bounds [`ListQuery::parse`] enforces, for a query built in code.
    pub fn check(&self) -> Result<(), QueryError> {
        let (page, per_page) = (self.page.to_string(), self.per_page.to_string());
        Self::parse(None, None, Some(&page), Some(&per_page)).map(|_| ())
    }

    /// Offset of the first row of this page (saturating for absurd pages).
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

pub(crate) fn parse_bounded(
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
    fn console_urls_round_trip_and_leave_defaults_out() {
        let q = ListQuery {
            status: UserStatus::Archived,
            query: "ann".into(),
            filter: UserFilter {
                role: Some("Production".into()),
                source: Some(crate::filter::SourceFilter::Direct),
                group: Some(4),
                identity_provider: Some("Okta".into()),
            },
            page: 3,
            per_page: 50,
        };
        let params = q.to_params(ParamStyle::ConsoleUrl);
        let get = |name: &str| {
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            ListQuery::from_params_lenient(ParamStyle::ConsoleUrl, get),
            q
        );
        assert!(ListQuery::default()
            .to_params(ParamStyle::ConsoleUrl)
            .is_empty());
        assert_eq!(ListQuery::default().to_params(ParamStyle::Api).len(), 4);
    }

    #[test]
    fn lenient_parsing_defaults_each_bad_parameter_alone() {
        let raw = [
            ("status", "deleted"),
            ("q", " ann "),
            ("page", "0"),
            ("per_page", "50"),
        ];
        let get = |name: &str| raw.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let q = ListQuery::from_params_lenient(ParamStyle::ConsoleUrl, get);
        assert_eq!(
            (q.status, q.query.as_str(), q.page, q.per_page),
            (UserStatus::Active, "ann", 1, 50)
        );
        assert!(ListQuery::from_params(ParamStyle::ConsoleUrl, get).is_err());
    }

    #[test]
    fn check_applies_the_parse_bounds() {
        let mut q = ListQuery::default();
        assert!(q.check().is_ok());
        q.per_page = 101;
        assert!(q.check().is_err());
        q.per_page = 10;
        q.page = 0;
        assert!(q.check().is_err());
    }

    #[test]
    fn offset_is_zero_based() {
        let q = ListQuery::parse(Some("archived"), Some(" ann "), Some("3"), Some("10")).unwrap();
        assert_eq!(q.offset(), 20);
        assert_eq!(q.query, "ann");
        assert_eq!(q.status, UserStatus::Archived);
    }
}
