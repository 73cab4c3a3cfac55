//! The users list's access-review filters — by role (and how it is held),
//! group and identity provider — parsed once for the server (strict: a 422
//! on the named parameter), the app's URL (lenient) and both clients.
//! Whether a named role, group or provider exists is the caller's to check
//! with [`UserFilter::check_known`], against its own catalogue.

use crate::error::FieldErrors;
use crate::group::GroupId;
use crate::query::ParamStyle;

const SOURCE_NEEDS_ROLE: &str = "Filter by source only together with a role.";

/// How a user holds the filtered role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFilter {
    /// Assigned to them directly (they may also have it from a group).
    Direct,
    /// From at least one of their groups (they may also have it directly).
    Group,
}

impl SourceFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFilter::Direct => "direct",
            SourceFilter::Group => "group",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "direct" => Some(SourceFilter::Direct),
            "group" => Some(SourceFilter::Group),
            _ => None,
        }
    }
}

/// Which users of a tab the list keeps; every part is optional and they
/// combine (AND) with each other and with the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct UserFilter {
    /// Users who have this role, by any source unless `source` says.
    pub role: Option<String>,
    /// Only with `role`.
    pub source: Option<SourceFilter>,
    /// Members of this group.
    pub group: Option<GroupId>,
    /// Users who sign in with this identity provider (by name).
    pub identity_provider: Option<String>,
}

/// The parameter that names the identity provider in `style`.
fn provider_param(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Api => "identity_provider",
        ParamStyle::ConsoleUrl => "idp",
    }
}

impl UserFilter {
    /// No filter at all: the whole tab.
    pub fn is_empty(&self) -> bool {
        self == &UserFilter::default()
    }

    /// Parses the filter's parameters strictly; each bad one is reported
    /// under its own name (the server's 422 `invalid`).
    pub fn from_params<'a>(
        style: ParamStyle,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut fail = |name: &str, message: String| {
            errors.entry(name.to_string()).or_default().push(message);
        };
        let role = get("role").map(str::trim).map(str::to_string);
        if role.as_deref() == Some("") {
            fail("role", "Give a role's name, or leave role out.".into());
        }
        let source = match get("source") {
            None => None,
            Some(raw) => match SourceFilter::parse(raw) {
                Some(source) if role.is_some() => Some(source),
                Some(_) => {
                    fail(
                        "source",
                        "Filter by source only together with a role.".into(),
                    );
                    None
                }
                None => {
                    fail(
                        "source",
                        format!("source must be \"direct\" or \"group\", not {raw:?}."),
                    );
                    None
                }
            },
        };
        let group = match get("group") {
            None => None,
            Some(raw) => match raw.parse::<GroupId>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    fail("group", format!("group must be a group's id, not {raw:?}."));
                    None
                }
            },
        };
        let provider_name = provider_param(style);
        let identity_provider = get(provider_name).map(str::trim).map(str::to_string);
        if identity_provider.as_deref() == Some("") {
            fail(
                provider_name,
                "Give an identity provider's name, or leave it out.".into(),
            );
        }
        if errors.is_empty() {
            Ok(UserFilter {
                role,
                source,
                group,
                identity_provider,
            })
        } else {
            Err(errors)
        }
    }

    /// Parses leniently: a parameter that is not valid on its own is left
    /// out (a hand-edited console URL still shows a list).
    pub fn from_params_lenient<'a>(
        style: ParamStyle,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Self {
        let valid = |name: &str| {
            get(name).filter(|_| {
                let one = |n: &str| {
                    // `source` is judged together with the role it needs.
                    if n == name || (name == "source" && n == "role") {
                        get(n)
                    } else {
                        None
                    }
                };
                Self::from_params(style, one).is_ok()
            })
        };
        Self::from_params(style, valid).unwrap_or_default()
    }

    /// The parameters that say this filter in `style` (absent parts left out).
    pub fn to_params(&self, style: ParamStyle) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(role) = &self.role {
            params.push(("role", role.clone()));
        }
        if let Some(source) = self.source {
            params.push(("source", source.as_str().to_string()));
        }
        if let Some(group) = self.group {
            params.push(("group", group.to_string()));
        }
        if let Some(provider) = &self.identity_provider {
            params.push((provider_param(style), provider.clone()));
        }
        params
    }

    /// Checks that the named role, group and identity provider exist (the
    /// caller says which do) and that a source comes with a role (a filter
    /// built in code skips [`UserFilter::from_params`]); each problem is
    /// reported under its API parameter's name.
    pub fn check_known(
        &self,
        role_exists: impl Fn(&str) -> bool,
        group_exists: impl Fn(GroupId) -> bool,
        provider_exists: impl Fn(&str) -> bool,
    ) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.source.is_some() && self.role.is_none() {
            errors.insert("source".into(), vec![SOURCE_NEEDS_ROLE.into()]);
        }
        if let Some(role) = self.role.as_deref().filter(|r| !role_exists(r)) {
            errors.insert("role".into(), vec![format!("There is no role {role:?}.")]);
        }
        if let Some(group) = self.group.filter(|g| !group_exists(*g)) {
            errors.insert(
                "group".into(),
                vec![format!("There is no group with id {group}.")],
            );
        }
        if let Some(provider) = self
            .identity_provider
            .as_deref()
            .filter(|p| !provider_exists(p))
        {
            errors.insert(
                "identity_provider".into(),
                vec![format!("There is no identity provider {provider:?}.")],
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }

    #[test]
    fn parses_every_part_and_round_trips() {
        let raw = [
            ("role", "Production"),
            ("source", "group"),
            ("group", "7"),
            ("identity_provider", "Okta"),
        ];
        let filter = UserFilter::from_params(ParamStyle::Api, params(&raw)).unwrap();
        assert_eq!(
            filter,
            UserFilter {
                role: Some("Production".into()),
                source: Some(SourceFilter::Group),
                group: Some(7),
                identity_provider: Some("Okta".into()),
            }
        );
        let written = filter.to_params(ParamStyle::ConsoleUrl);
        let get = |name: &str| {
            written
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            UserFilter::from_params(ParamStyle::ConsoleUrl, get).unwrap(),
            filter
        );
        assert!(UserFilter::default().is_empty());
        assert!(UserFilter::default().to_params(ParamStyle::Api).is_empty());
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let raw = [
            ("role", " "),
            ("source", "inherited"),
            ("group", "x"),
            ("identity_provider", ""),
        ];
        let errors = UserFilter::from_params(ParamStyle::Api, params(&raw)).unwrap_err();
        let names: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(names, ["group", "identity_provider", "role", "source"]);
        let negative = [("group", "-3")];
        assert!(UserFilter::from_params(ParamStyle::Api, params(&negative)).is_err());
    }

    #[test]
    fn a_source_needs_a_role() {
        let raw = [("source", "direct")];
        let errors = UserFilter::from_params(ParamStyle::Api, params(&raw)).unwrap_err();
        assert!(errors["source"][0].contains("together with a role"));
        let lenient = UserFilter::from_params_lenient(ParamStyle::ConsoleUrl, params(&raw));
        assert!(lenient.is_empty());
        let with_role = [("source", "direct"), ("role", "Testing")];
        let lenient = UserFilter::from_params_lenient(ParamStyle::ConsoleUrl, params(&with_role));
        assert_eq!(lenient.source, Some(SourceFilter::Direct));
    }

    #[test]
    fn lenient_parsing_drops_each_bad_part_alone() {
        let raw = [("role", "Testing"), ("group", "zero"), ("idp", "Okta")];
        let filter = UserFilter::from_params_lenient(ParamStyle::ConsoleUrl, params(&raw));
        assert_eq!(filter.role.as_deref(), Some("Testing"));
        assert_eq!(filter.group, None);
        assert_eq!(filter.identity_provider.as_deref(), Some("Okta"));
    }

    #[test]
    fn unknown_values_are_reported_under_the_api_names() {
        let filter = UserFilter {
            role: Some("Nope".into()),
            source: None,
            group: Some(9),
            identity_provider: Some("Elsewhere".into()),
        };
        let errors = filter
            .check_known(|r| r == "Testing", |g| g == 1, |p| p == "Okta")
            .unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors.contains_key("identity_provider"));
        let known = UserFilter {
            role: Some("Testing".into()),
            ..UserFilter::default()
        };
        assert!(known
            .check_known(|r| r == "Testing", |_| false, |_| false)
            .is_ok());
    }
}
