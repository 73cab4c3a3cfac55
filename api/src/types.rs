//! Request and response bodies of the v1 contract (see `shared/spec/api.md`).
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

/// Why a user holds a role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RoleSource {
    /// Assigned to the user directly (editable on the user).
    Direct,
    /// Inherited from a group the user belongs to (edited on the group).
    Group { group: GroupRef },
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

/// One user with everything the edit form and dialogs need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
pub struct Group {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub member_count: u64,
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
}

/// `DELETE /users/{id}` body (may be empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement_owner_id: Option<UserId>,
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

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: GroupRef,
    /// e.g. `user.create`, `user.update`, `user.archive`, `user.restore`,
    /// `token.reveal`, `token.regenerate`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_user: Option<GroupRef>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}
