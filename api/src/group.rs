//! Groups in the v1 contract: their bodies, the query of the groups and
//! members lists, and the validation both the server and the in-memory
//! client run. A group grants its roles to every member; users see each role
//! with the groups it comes from.

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::query::{parse_bounded, ParamStyle, QueryError, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::types::UserId;
use crate::validation::{check_roles, PersonName};

/// A group's id (unique across the installation).
pub type GroupId = i64;

/// Longest group description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 500;
/// Most users one `POST /groups/{id}/members` adds.
pub const MAX_MEMBERS_PER_ADD: usize = 100;
/// The field error of a name another group of the company uses (any case).
pub const GROUP_NAME_TAKEN: &str = "is already used by another group";

/// A group with its roles and how many active users it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub description: String,
    /// Role names, in catalogue order.
    pub roles: Vec<String>,
    /// Active members (archived members keep their membership but are not counted).
    pub member_count: u64,
    /// The group's ETag: changes with its name, description or roles.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// `POST /groups`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub roles: Vec<String>,
}

/// `PATCH /groups/{id}`: only the fields present change; `roles` is the full new set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}

/// An active member of a group, as the members list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupMember {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

/// `POST /groups/{id}/members`: users to add, all or none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AddMembers {
    #[serde(deserialize_with = "crate::types::whole_number::list")]
    pub user_ids: Vec<UserId>,
}

/// A role that active members lose with a group: they have it from no other
/// source (neither directly nor through another group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleLoss {
    pub role: String,
    pub members: u64,
}

/// What deleting a group does (`GET /groups/{id}/deletion`, before) or did
/// (`DELETE /groups/{id}`, after): the group and the roles members lose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupDeletion {
    pub group: Group,
    /// In catalogue order; roles no member loses are left out.
    pub lost_roles: Vec<RoleLoss>,
}

/// A groups or members list request: search text, page (1-based), page size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageQuery {
    pub query: String,
    pub page: u32,
    pub per_page: u32,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            query: String::new(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageQuery {
    /// Parses parameters looked up by name in `style`: strictly (a bad
    /// `page` is an error) or, with `lenient`, each bad one taking its default.
    pub fn from_params<'a>(
        style: ParamStyle,
        lenient: bool,
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<Self, QueryError> {
        let bounded = |name: &str, max: u32, default: u32| {
            let parsed = parse_bounded(name, get(name), 1, max, default);
            if lenient {
                Ok(parsed.unwrap_or(default))
            } else {
                parsed
            }
        };
        Ok(PageQuery {
            query: get(style.search_name()).unwrap_or("").trim().to_string(),
            page: bounded("page", u32::MAX, 1)?,
            per_page: bounded("per_page", MAX_PER_PAGE, DEFAULT_PER_PAGE)?,
        })
    }

    /// The parameters that say this query in `style` (not yet URL-encoded).
    pub fn to_params(&self, style: ParamStyle) -> Vec<(&'static str, String)> {
        [
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
        ]
        .into_iter()
        .filter(|(_, _, default)| style == ParamStyle::Api || !default)
        .map(|(name, value, _)| (name, value))
        .collect()
    }

    /// Offset of the first row of this page (saturating for absurd pages).
    pub fn offset(&self) -> u64 {
        u64::from(self.page.saturating_sub(1)) * u64::from(self.per_page)
    }
}

/// A validated group: name trimmed (stored NFC by whoever stores it),
/// description trimmed, roles in catalogue order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidGroup {
    pub name: PersonName,
    pub description: String,
    pub roles: Vec<String>,
}

/// What a validated group edit changes; `None` leaves a field as is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupChanges {
    pub name: Option<PersonName>,
    pub description: Option<String>,
    pub roles: Option<Vec<String>>,
}

/// A description: trimmed, at most 500 characters, line breaks allowed but
/// no other control characters.
fn check_description(raw: &str) -> Result<String, Vec<String>> {
    let text = raw.trim();
    let mut errors = Vec::new();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        errors.push(format!(
            "is too long (at most {MAX_DESCRIPTION_CHARS} characters)"
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        errors.push("must not contain control characters".to_string());
    }
    if errors.is_empty() {
        Ok(text.to_string())
    } else {
        Err(errors)
    }
}

fn note<T>(errors: &mut FieldErrors, field: &str, result: &Option<Result<T, Vec<String>>>) {
    if let Some(Err(messages)) = result {
        errors.insert(field.to_string(), messages.clone());
    }
}

/// Validates a create request against the role catalogue (names, in order).
pub fn validate_new_group(
    input: &NewGroup,
    catalogue: &[String],
) -> Result<ValidGroup, FieldErrors> {
    let changes = validate_group_patch(
        &GroupPatch {
            name: Some(input.name.clone()),
            description: Some(input.description.clone()),
            roles: Some(input.roles.clone()),
        },
        catalogue,
    )?;
    match changes {
        GroupChanges {
            name: Some(name),
            description: Some(description),
            roles: Some(roles),
        } => Ok(ValidGroup {
            name,
            description,
            roles,
        }),
        _ => unreachable!("every field was given"),
    }
}

/// Validates an edit: only the fields present are checked.
pub fn validate_group_patch(
    input: &GroupPatch,
    catalogue: &[String],
) -> Result<GroupChanges, FieldErrors> {
    let name = input.name.as_deref().map(PersonName::parse);
    let description = input.description.as_deref().map(check_description);
    let roles = input.roles.as_deref().map(|r| check_roles(r, catalogue));
    let mut errors = FieldErrors::new();
    note(&mut errors, "name", &name);
    note(&mut errors, "description", &description);
    note(&mut errors, "roles", &roles);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(GroupChanges {
        name: name.and_then(Result::ok),
        description: description.and_then(Result::ok),
        roles: roles.and_then(Result::ok),
    })
}

/// Checks the ids of a members add: 1–100 of them (duplicates are
/// harmless). Returns them sorted and distinct.
pub fn validate_member_ids(ids: &[UserId]) -> Result<Vec<UserId>, FieldErrors> {
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let problem = if ids.is_empty() {
        Some("must list at least one user".to_string())
    } else if let Some(bad) = ids.iter().find(|id| **id < 1) {
        Some(format!("lists an invalid user id: {bad}"))
    } else if ids.len() > MAX_MEMBERS_PER_ADD {
        Some(format!(
            "can list at most {MAX_MEMBERS_PER_ADD} users at once"
        ))
    } else {
        None
    };
    match problem {
        None => Ok(distinct),
        Some(message) => Err(FieldErrors::from([("user_ids".to_string(), vec![message])])),
    }
}

/// Checks the group ids of a user edit: each at least 1 (duplicates are
/// harmless). Returns them sorted and distinct.
pub fn check_group_ids(ids: &[GroupId]) -> Result<Vec<GroupId>, Vec<String>> {
    if let Some(bad) = ids.iter().find(|id| **id < 1) {
        return Err(vec![format!("lists an invalid group id: {bad}")]);
    }
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    Ok(distinct)
}

/// The field error naming ids that are no active user of the company.
pub fn unknown_users_message(ids: &[UserId]) -> String {
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!(
        "has no active user of this company with id {}",
        list.join(", ")
    )
}

/// The field error naming group ids that are no group of the company.
pub fn unknown_groups_message(ids: &[GroupId]) -> String {
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("has no group of this company with id {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Vec<String> {
        ["Development", "Testing", "Settings"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn a_new_group_is_trimmed_and_its_roles_put_in_catalogue_order() {
        let valid = validate_new_group(
            &NewGroup {
                name: "  QA team ".into(),
                description: " Testers\n".into(),
                roles: vec!["Settings".into(), "Testing".into()],
            },
            &catalogue(),
        )
        .unwrap();
        assert_eq!(valid.name.as_str(), "QA team");
        assert_eq!(valid.description, "Testers");
        assert_eq!(valid.roles, ["Testing", "Settings"]);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = validate_new_group(
            &NewGroup {
                name: " ".into(),
                description: "x".repeat(501),
                roles: vec!["Root".into()],
            },
            &catalogue(),
        )
        .unwrap_err();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["description", "name", "roles"]
        );
        assert_eq!(errors["name"], ["can't be blank"]);
        let long = validate_group_patch(
            &GroupPatch {
                name: Some("n".repeat(101)),
                ..GroupPatch::default()
            },
            &catalogue(),
        )
        .unwrap_err();
        assert_eq!(long["name"], ["is too long (at most 100 characters)"]);
    }

    #[test]
    fn member_ids_are_one_to_a_hundred_distinct() {
        assert_eq!(validate_member_ids(&[3, 1, 3]).unwrap(), [1, 3]);
        assert!(validate_member_ids(&[]).is_err());
        let many: Vec<i64> = (1..=101).collect();
        assert!(validate_member_ids(&many).is_err());
        assert!(validate_member_ids(&many[..100]).is_ok());
        assert_eq!(
            validate_member_ids(&[4, 0]).unwrap_err()["user_ids"],
            ["lists an invalid user id: 0"]
        );
    }

    #[test]
    fn ids_may_be_written_as_whole_floats_but_not_as_fractions() {
        let add: AddMembers = serde_json::from_str(r#"{"user_ids": [3, 7.0]}"#).unwrap();
        assert_eq!(add.user_ids, [3, 7]);
        assert!(serde_json::from_str::<AddMembers>(r#"{"user_ids": [7.5]}"#).is_err());
        let patch: crate::UserPatch = serde_json::from_str(r#"{"groups": [2.0]}"#).unwrap();
        assert_eq!(patch.groups, Some(vec![2]));
        assert_eq!(check_group_ids(&[3, 1, 3]), Ok(vec![1, 3]));
        assert!(check_group_ids(&[-1]).is_err());
    }

    #[test]
    fn page_queries_round_trip_and_strict_parsing_refuses_bad_pages() {
        let q = PageQuery {
            query: "qa".into(),
            page: 2,
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
            PageQuery::from_params(ParamStyle::ConsoleUrl, true, get),
            Ok(q)
        );
        let bad = |name: &str| (name == "page").then_some("0");
        assert!(PageQuery::from_params(ParamStyle::Api, false, bad).is_err());
        assert_eq!(
            PageQuery::from_params(ParamStyle::Api, true, bad)
                .unwrap()
                .page,
            1
        );
    }
}
