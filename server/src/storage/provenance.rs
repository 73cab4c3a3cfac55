//! Role provenance: what both backends load for a set of users (direct
//! roles, group memberships, the groups' roles, agent counts) and how it
//! becomes the contract's summaries, with each role's sources.

use std::collections::{BTreeMap, HashMap};

use users_api::{
    AgentRef, EffectiveRole, GroupRef, RoleSource, TokenHint, UserDetail, UserStatus, UserSummary,
};

use super::{StoreError, StoreResult};

/// Columns of one user row (summary and detail), joined with its provider,
/// its archiver and its token hint.
pub(crate) const USER_SELECT: &str = "\
SELECT u.id, u.first_name, u.last_name, u.email, ip.name AS provider, u.status, u.created_at,
       u.archived_at, u.version, u.updated_at, ab.id AS archived_by_id,
       ab.first_name || ' ' || ab.last_name AS archived_by_name,
       t.hint AS token_hint, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at
FROM users u
JOIN identity_providers ip ON ip.id = u.identity_provider_id
LEFT JOIN users ab ON ab.id = u.archived_by
LEFT JOIN access_tokens t ON t.user_id = u.id";

/// The columns of a user that its summary shows (the list's and the
/// detail's own): what [`Provenance::summary`] completes with roles,
/// groups and agent counts.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct SummaryColumns {
    pub(crate) id: i64,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) email: String,
    /// The identity provider's name.
    pub(crate) provider: String,
    pub(crate) status: String,
    pub(crate) created_at: String,
    pub(crate) archived_at: Option<String>,
}

/// One row of [`USER_SELECT`]: a user's summary columns and what only its
/// detail shows (version, archiver, token hint).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    #[sqlx(flatten)]
    pub(crate) summary: SummaryColumns,
    pub(crate) version: i64,
    pub(crate) updated_at: String,
    pub(crate) archived_by_id: Option<i64>,
    pub(crate) archived_by_name: Option<String>,
    pub(crate) token_hint: Option<String>,
    pub(crate) token_created_at: Option<String>,
    pub(crate) token_last_used_at: Option<String>,
}

/// One user of a list page as the backends' `summaries_sql` encodes it: a
/// JSON array read in field order (serde reads a struct from an array).
#[derive(Debug, serde::Deserialize)]
struct EncodedSummary {
    id: i64,
    first_name: String,
    last_name: String,
    email: String,
    provider: String,
    status: String,
    created_at: String,
    archived_at: Option<String>,
    /// (role position, role name) of the direct roles.
    direct_roles: Vec<(i64, String)>,
    /// (group id, group name) of the memberships.
    groups: Vec<(i64, String)>,
    owned_agents: u32,
}

/// One role a group grants, as `summaries_sql` encodes it (a JSON array).
#[derive(Debug, serde::Deserialize)]
struct EncodedGroupRole {
    group_id: i64,
    position: i64,
    name: String,
}

/// The summaries from the two JSON arrays of the backends' `summaries_sql`
/// (the page's users in list order, and their groups' roles).
pub(crate) fn decode_summaries(users: &str, group_roles: &str) -> StoreResult<Vec<UserSummary>> {
    let decode = |e: serde_json::Error| StoreError::Decode(format!("page encoding: {e}"));
    let users: Vec<EncodedSummary> = serde_json::from_str(users).map_err(decode)?;
    let group_roles: Vec<EncodedGroupRole> = serde_json::from_str(group_roles).map_err(decode)?;
    let mut p = Provenance::default();
    for role in group_roles {
        p.group_roles
            .entry(role.group_id)
            .or_default()
            .push((role.position, role.name));
    }
    for roles in p.group_roles.values_mut() {
        roles.sort();
    }
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let mut direct = u.direct_roles;
        direct.sort();
        let mut groups: Vec<GroupRef> = u
            .groups
            .into_iter()
            .map(|(id, name)| GroupRef { id, name })
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        p.direct.insert(u.id, direct);
        p.groups.insert(u.id, groups);
        p.agent_counts.insert(u.id, u.owned_agents);
        rows.push(SummaryColumns {
            id: u.id,
            first_name: u.first_name,
            last_name: u.last_name,
            email: u.email,
            provider: u.provider,
            status: u.status,
            created_at: u.created_at,
            archived_at: u.archived_at,
        });
    }
    Ok(rows.iter().map(|r| p.summary(r)).collect())
}

/// Roles, groups and agent counts of a set of users.
#[derive(Default)]
pub(crate) struct Provenance {
    pub(crate) direct: HashMap<i64, Vec<(i64, String)>>,
    pub(crate) groups: HashMap<i64, Vec<GroupRef>>,
    pub(crate) group_roles: HashMap<i64, Vec<(i64, String)>>,
    pub(crate) agent_counts: HashMap<i64, u32>,
}

impl Provenance {
    /// The union of roles in catalogue order; sources direct first, then
    /// groups by name (the membership order).
    fn effective_roles(&self, user_id: i64) -> Vec<EffectiveRole> {
        let mut by_position: BTreeMap<i64, EffectiveRole> = BTreeMap::new();
        let mut add = |position: i64, name: &str, source: RoleSource| {
            by_position
                .entry(position)
                .or_insert_with(|| EffectiveRole {
                    role: name.to_string(),
                    sources: Vec::new(),
                })
                .sources
                .push(source);
        };
        for (position, name) in self.direct.get(&user_id).into_iter().flatten() {
            add(*position, name, RoleSource::Direct);
        }
        for group in self.groups.get(&user_id).into_iter().flatten() {
            for (position, name) in self.group_roles.get(&group.id).into_iter().flatten() {
                add(
                    *position,
                    name,
                    RoleSource::Group {
                        group: group.clone(),
                    },
                );
            }
        }
        by_position.into_values().collect()
    }

    /// The whole user: its summary, direct roles, agents, token hint,
    /// version and who archived it.
    pub(crate) fn detail(&self, row: UserRow, agents: Vec<AgentRef>) -> UserDetail {
        let summary = self.summary(&row.summary);
        let direct_roles = self
            .direct
            .get(&row.summary.id)
            .map(|roles| roles.iter().map(|(_, name)| name.clone()).collect())
            .unwrap_or_default();
        UserDetail {
            summary,
            direct_roles,
            agents,
            access_token: TokenHint {
                hint: row.token_hint.unwrap_or_default(),
                created_at: row.token_created_at.unwrap_or_default(),
                last_used_at: row.token_last_used_at,
            },
            version: row.version,
            updated_at: row.updated_at,
            archived_by: match (
                row.summary.archived_at.is_some(),
                row.archived_by_id,
                row.archived_by_name,
            ) {
                (true, Some(id), Some(name)) => Some(GroupRef { id, name }),
                _ => None,
            },
        }
    }

    /// A user's summary: its columns with its effective roles, groups and
    /// agent count.
    pub(crate) fn summary(&self, row: &SummaryColumns) -> UserSummary {
        UserSummary {
            id: row.id,
            first_name: row.first_name.clone(),
            last_name: row.last_name.clone(),
            email: row.email.clone(),
            identity_provider: row.provider.clone(),
            status: UserStatus::parse(&row.status).unwrap_or(UserStatus::Archived),
            roles: self.effective_roles(row.id),
            groups: self.groups.get(&row.id).cloned().unwrap_or_default(),
            owned_agents: self.agent_counts.get(&row.id).copied().unwrap_or(0),
            created_at: row.created_at.clone(),
            archived_at: row.archived_at.clone(),
        }
    }
}
