//! Request and response bodies of the v1 contract (the served OpenAPI document is the full reference).
//! Timestamps are RFC 3339 UTC strings. Request bodies reject unknown fields.

use serde::{Deserialize, Serialize};

use crate::query::UserStatus;

/// A user's id (unique across the installation).
pub type UserId = i64;

/// A reference to a group, or to a user by display name (`actor`, `archived_by`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupRef {
    pub id: i64,
    pub name: String,
}

/// Why a user holds a role. On the wire an object tagged by `type`:
/// `{"type":"direct"}` or `{"type":"group","group":{...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
// Read through a plain struct: serde's internally tagged enums buffer every
// object first, which costs the browser app a lot of code.
#[serde(try_from = "RoleSourceWire")]
pub enum RoleSource {
    /// Assigned to the user directly (editable on the user).
    Direct,
    /// Inherited from a group the user belongs to (edited on the group).
    Group { group: GroupRef },
}

/// [`RoleSource`] as read: its tag and, for groups, the group.
#[derive(Deserialize)]
struct RoleSourceWire {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    group: Option<GroupRef>,
}

impl TryFrom<RoleSourceWire> for RoleSource {
    type Error = String;

    fn try_from(wire: RoleSourceWire) -> Result<Self, String> {
        match (wire.kind.as_str(), wire.group) {
            ("direct", _) => Ok(RoleSource::Direct),
            ("group", Some(group)) => Ok(RoleSource::Group { group }),
            ("group", None) => Err("missing field `group`".into()),
            (other, _) => Err(format!(
                "unknown variant `{other}`, expected `direct` or `group`"
            )),
        }
    }
}

/// One role of the union, with every reason the user has it
/// (direct first, then groups by name; never empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EffectiveRole {
    pub role: String,
    pub sources: Vec<RoleSource>,
}

impl EffectiveRole {
    /// Whether the role is assigned directly.
    pub fn is_direct(&self) -> bool {
        self.sources.iter().any(|s| matches!(s, RoleSource::Direct))
    }

    /// The groups the role comes from, in order.
    pub fn groups(&self) -> impl Iterator<Item = &GroupRef> {
        self.sources.iter().filter_map(|s| match s {
            RoleSource::Group { group } => Some(group),
            RoleSource::Direct => None,
        })
    }

    /// A sentence naming every source, e.g.
    /// "Testing: assigned directly; from group QA team".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .sources
            .iter()
            .map(|s| match s {
                RoleSource::Direct => "assigned directly".to_string(),
                RoleSource::Group { group } => format!("from group {}", group.name),
            })
            .collect();
        format!("{}: {}", self.role, parts.join("; "))
    }
}

/// An agent, by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentRef {
    pub id: i64,
    pub name: String,
}

/// A user as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: UserId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub identity_provider: String,
    pub status: UserStatus,
    /// The union of direct and group roles, in catalogue order.
    pub roles: Vec<EffectiveRole>,
    /// Groups the user belongs to, sorted by name.
    pub groups: Vec<GroupRef>,
    pub owned_agents: u32,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<String>,
}

impl UserSummary {
    /// "First Last", as shown everywhere.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The masked view of a user's access token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenHint {
    /// `uat_…` plus the token's last four characters.
    pub hint: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

/// One user with everything the edit form and dialogs need. On the wire one
/// flat object: the summary's members, then the detail's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Read through a flat struct: serde's `flatten` buffers the whole object
// first, which costs the browser app a lot of code.
#[serde(from = "UserDetailWire")]
pub struct UserDetail {
    #[serde(flatten)]
    pub summary: UserSummary,
    /// Roles assigned directly, in catalogue order: the only ones edit changes.
    pub direct_roles: Vec<String>,
    pub agents: Vec<AgentRef>,
    pub access_token: TokenHint,
    pub version: i64,
    pub updated_at: String,
    /// Who archived the user, while archived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_by: Option<GroupRef>,
}

/// [`UserDetail`] as read: every member at the top level.
#[derive(Deserialize)]
struct UserDetailWire {
    id: UserId,
    first_name: String,
    last_name: String,
    email: String,
    identity_provider: String,
    status: UserStatus,
    roles: Vec<EffectiveRole>,
    groups: Vec<GroupRef>,
    owned_agents: u32,
    created_at: String,
    #[serde(default)]
    archived_at: Option<String>,
    direct_roles: Vec<String>,
    agents: Vec<AgentRef>,
    access_token: TokenHint,
    version: i64,
    updated_at: String,
    #[serde(default)]
    archived_by: Option<GroupRef>,
}

impl From<UserDetailWire> for UserDetail {
    fn from(w: UserDetailWire) -> Self {
        UserDetail {
            summary: UserSummary {
                id: w.id,
                first_name: w.first_name,
                last_name: w.last_name,
                email: w.email,
                identity_provider: w.identity_provider,
                status: w.status,
                roles: w.roles,
                groups: w.groups,
                owned_agents: w.owned_agents,
                created_at: w.created_at,
                archived_at: w.archived_at,
            },
            direct_roles: w.direct_roles,
            agents: w.agents,
            access_token: w.access_token,
            version: w.version,
            updated_at: w.updated_at,
            archived_by: w.archived_by,
        }
    }
}

/// The platform's pagination shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub entries: Vec<T>,
    pub current_page: u32,
    pub per_page: u32,
    pub total_entries: u64,
    pub total_pages: u64,
}

impl<T> Page<T> {
    /// One page of `total_entries`, with the page count derived from them.
    pub fn new(entries: Vec<T>, current_page: u32, per_page: u32, total_entries: u64) -> Self {
        Page {
            entries,
            current_page,
            per_page,
            total_entries,
            total_pages: total_entries.div_ceil(u64::from(per_page.max(1))),
        }
    }
}

/// A company's directory integration (users managed there, not here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Directory {
    pub provider: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub directory: Option<Directory>,
}

/// `GET /me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserDetail,
    pub company: Company,
    pub can_manage_users: bool,
}

/// A role of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Role {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityProvider {
    pub id: i64,
    pub name: String,
}

/// `POST /users`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// The provider's name, one of `GET /identity_providers`.
    pub identity_provider: String,
    /// Direct roles.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// `PATCH /users/{id}`: only the fields present change; `roles` is the
/// full new set of direct roles.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// The full new set of groups the user belongs to (group ids).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_number::optional_list"
    )]
    pub groups: Option<Vec<crate::group::GroupId>>,
}

/// `DELETE /users/{id}` body (may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteUser {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_number::optional"
    )]
    pub replacement_owner_id: Option<UserId>,
}

/// JSON numbers that are whole numbers however they are written: JSON
/// Schema's `integer` admits `2.0`, so the server reads it as `2`.
pub(crate) mod whole_number {
    use serde::{de::Error, Deserialize, Deserializer};

    pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        match Option::<serde_json::Number>::deserialize(deserializer)? {
            None => Ok(None),
            Some(number) => whole::<D>(number).map(Some),
        }
    }

    /// A list of ids, each a whole number.
    pub fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<i64>, D::Error> {
        Vec::<serde_json::Number>::deserialize(deserializer)?
            .into_iter()
            .map(whole::<D>)
            .collect()
    }

    /// An optional list of ids, each a whole number.
    pub fn optional_list<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<i64>>, D::Error> {
        match Option::<Vec<serde_json::Number>>::deserialize(deserializer)? {
            None => Ok(None),
            Some(numbers) => numbers
                .into_iter()
                .map(whole::<D>)
                .collect::<Result<_, _>>()
                .map(Some),
        }
    }

    fn whole<'de, D: Deserializer<'de>>(number: serde_json::Number) -> Result<i64, D::Error> {
        if let Some(whole) = number.as_i64() {
            return Ok(whole);
        }
        match number.as_f64() {
            // i64::MAX as f64 rounds up to 2^63, itself out of range.
            Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                Ok(f as i64)
            }
            _ => Err(D::Error::custom(format!(
                "invalid value: {number}, expected a whole number (an id)"
            ))),
        }
    }
}

/// Answer of a delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteResult {
    pub user: UserDetail,
    pub transferred_agents: Vec<AgentRef>,
}

/// A revealed access token. Never log it.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealedToken {
    pub token: String,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

impl std::fmt::Debug for RevealedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevealedToken")
            .field("token", &"<redacted>")
            .field("created_at", &self.created_at)
            .field("last_used_at", &self.last_used_at)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_id_may_be_written_as_a_whole_float() {
        let read = |text: &str| serde_json::from_str::<DeleteUser>(text);
        assert_eq!(
            read(r#"{"replacement_owner_id": 2.0}"#)
                .unwrap()
                .replacement_owner_id,
            Some(2)
        );
        assert_eq!(
            read(r#"{"replacement_owner_id": 7}"#)
                .unwrap()
                .replacement_owner_id,
            Some(7)
        );
        assert_eq!(
            read(r#"{"replacement_owner_id": null}"#)
                .unwrap()
                .replacement_owner_id,
            None
        );
        assert_eq!(read("{}").unwrap().replacement_owner_id, None);
        for bad in ["2.5", "1e300", "\"2\"", "true"] {
            assert!(
                read(&format!(r#"{{"replacement_owner_id": {bad}}}"#)).is_err(),
                "{bad}"
            );
        }
    }

    fn detail() -> UserDetail {
        UserDetail {
            summary: UserSummary {
                id: 7,
                first_name: "Ada".into(),
                last_name: "Novak".into(),
                email: "ada@example.com".into(),
                identity_provider: "Email".into(),
                status: UserStatus::Archived,
                roles: vec![EffectiveRole {
                    role: "Testing".into(),
                    sources: vec![
                        RoleSource::Direct,
                        RoleSource::Group {
                            group: GroupRef {
                                id: 3,
                                name: "QA team".into(),
                            },
                        },
                    ],
                }],
                groups: vec![GroupRef {
                    id: 3,
                    name: "QA team".into(),
                }],
                owned_agents: 2,
                created_at: "2024-01-02T03:04:05Z".into(),
                archived_at: Some("2024-02-03T04:05:06Z".into()),
            },
            direct_roles: vec!["Testing".into()],
            agents: vec![AgentRef {
                id: 9,
                name: "Crawler".into(),
            }],
            access_token: TokenHint {
                hint: "uat_…abcd".into(),
                created_at: "2024-01-02T03:04:05Z".into(),
                last_used_at: None,
            },
            version: 4,
            updated_at: "2024-02-03T04:05:06Z".into(),
            archived_by: Some(GroupRef {
                id: 1,
                name: "Bo Admin".into(),
            }),
        }
    }

    const DETAIL_JSON: &str = concat!(
        r#"{"id":7,"first_name":"Ada","last_name":"Novak","email":"ada@example.com","#,
        r#""identity_provider":"Email","status":"archived","roles":[{"role":"Testing","#,
        r#""sources":[{"type":"direct"},{"type":"group","group":{"id":3,"name":"QA team"}}]}],"#,
        r#""groups":[{"id":3,"name":"QA team"}],"owned_agents":2,"#,
        r#""created_at":"2024-01-02T03:04:05Z","archived_at":"2024-02-03T04:05:06Z","#,
        r#""direct_roles":["Testing"],"agents":[{"id":9,"name":"Crawler"}],"#,
        r#""access_token":{"hint":"uat_…abcd","created_at":"2024-01-02T03:04:05Z"},"#,
        r#""version":4,"updated_at":"2024-02-03T04:05:06Z","#,
        r#""archived_by":{"id":1,"name":"Bo Admin"}}"#
    );

    #[test]
    fn user_detail_is_one_flat_object_both_ways() {
        assert_eq!(serde_json::to_string(&detail()).unwrap(), DETAIL_JSON);
        let read: UserDetail = serde_json::from_str(DETAIL_JSON).unwrap();
        assert_eq!(read, detail());
    }

    #[test]
    fn user_detail_optional_members_may_be_absent_and_unknown_ones_are_ignored() {
        let mut d = detail();
        d.summary.archived_at = None;
        d.archived_by = None;
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains("archived_at") && !json.contains("archived_by"));
        let with_extra = json.replacen('{', r#"{"extra":{"a":[1,2]},"#, 1);
        let read: UserDetail = serde_json::from_str(&with_extra).unwrap();
        assert_eq!(read, d);
    }

    #[test]
    fn user_detail_needs_every_required_member() {
        let without_version = DETAIL_JSON.replace(r#""version":4,"#, "");
        let err = serde_json::from_str::<UserDetail>(&without_version).unwrap_err();
        assert!(err.to_string().contains("missing field `version`"), "{err}");
        let without_email = DETAIL_JSON.replace(r#""email":"ada@example.com","#, "");
        let err = serde_json::from_str::<UserDetail>(&without_email).unwrap_err();
        assert!(err.to_string().contains("missing field `email`"), "{err}");
    }

    #[test]
    fn role_source_is_tagged_by_type() {
        let direct = serde_json::to_string(&RoleSource::Direct).unwrap();
        assert_eq!(direct, r#"{"type":"direct"}"#);
        let group = RoleSource::Group {
            group: GroupRef {
                id: 3,
                name: "QA team".into(),
            },
        };
        let json = serde_json::to_string(&group).unwrap();
        assert_eq!(
            json,
            r#"{"type":"group","group":{"id":3,"name":"QA team"}}"#
        );
        assert_eq!(serde_json::from_str::<RoleSource>(&json).unwrap(), group);
        assert_eq!(
            serde_json::from_str::<RoleSource>(r#"{"type":"direct"}"#).unwrap(),
            RoleSource::Direct
        );
        // The tag may come after the group.
        assert_eq!(
            serde_json::from_str::<RoleSource>(
                r#"{"group":{"id":3,"name":"QA team"},"type":"group"}"#
            )
            .unwrap(),
            group
        );
    }

    #[test]
    fn role_source_rejects_a_missing_group_or_an_unknown_type() {
        let err = serde_json::from_str::<RoleSource>(r#"{"type":"group"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `group`"), "{err}");
        let err = serde_json::from_str::<RoleSource>(r#"{"type":"team"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `team`"), "{err}");
        assert!(serde_json::from_str::<RoleSource>(r#"{"group":null}"#).is_err());
    }
}
