//! Role provenance for a set of users, loaded in a fixed number of queries
//! whatever the number of users: direct roles, group memberships, the
//! groups' roles and agent counts, each for all the users at once (ids bound
//! as one JSON array and expanded with `json_each`).

use std::collections::{BTreeMap, HashMap};

use sqlx::{Row, SqliteConnection};
use users_api::{EffectiveRole, GroupRef, RoleSource, UserStatus, UserSummary};

use super::{id_list, StoreError, StoreResult};

/// Columns of one user row (summary and detail), joined with its provider,
/// its archiver and its token hint.
pub(super) const USER_SELECT: &str = "\
SELECT u.id, u.first_name, u.last_name, u.email, ip.name AS provider, u.status, u.created_at,
       u.archived_at, u.version, u.updated_at, ab.id AS archived_by_id,
       ab.first_name || ' ' || ab.last_name AS archived_by_name,
       t.hint AS token_hint, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at
FROM users u
JOIN identity_providers ip ON ip.id = u.identity_provider_id
LEFT JOIN users ab ON ab.id = u.archived_by
LEFT JOIN access_tokens t ON t.user_id = u.id";

#[derive(Debug, sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) id: i64,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) provider: String,
    pub(super) status: String,
    pub(super) created_at: String,
    pub(super) archived_at: Option<String>,
    pub(super) version: i64,
    pub(super) updated_at: String,
    pub(super) archived_by_id: Option<i64>,
    pub(super) archived_by_name: Option<String>,
    pub(super) token_hint: Option<String>,
    pub(super) token_created_at: Option<String>,
    pub(super) token_last_used_at: Option<String>,
}

/// One user of a list page as [`summaries_sql`] encodes it: id, first
/// name, last name, email, provider, status, created, archived, direct roles
/// (position, name), groups (id, name) and the owned agents' count.
type SummaryTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<(i64, String)>,
    Vec<(i64, String)>,
    u32,
);

/// A statement answering, in one row, a page's users and everything their
/// summaries need as two JSON arrays (a row per user would cost a round
/// trip to the connection's thread each): the users in list order, and
/// (group id, role position, role name) for the groups they are in.
/// `ids` is a subquery giving the users' ids; `lead` is prepended to the
/// statement and `first` to its columns.
pub(super) fn summaries_sql(lead: &str, first: &str, ids: &str) -> String {
    format!(
        "{lead} SELECT {first} json_group_array(json_array(
           u.id, u.first_name, u.last_name, u.email, ip.name, u.status, u.created_at, u.archived_at,
           json((SELECT json_group_array(json_array(r.position, r.name))
                 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id)),
           json((SELECT json_group_array(json_array(g.id, g.name))
                 FROM group_members gm JOIN user_groups g ON g.id = gm.group_id
                 WHERE gm.user_id = u.id)),
           (SELECT COUNT(*) FROM agents a WHERE a.owner_id = u.id))
         ORDER BY u.sort_key, u.email_key, u.id),
       (SELECT json_group_array(json_array(gr.group_id, r.position, r.name))
        FROM group_roles gr JOIN roles r ON r.id = gr.role_id
        WHERE gr.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id IN ({ids})))
     FROM users u JOIN identity_providers ip ON ip.id = u.identity_provider_id
     WHERE u.id IN ({ids})"
    )
}

static SUMMARIES_BY_IDS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| summaries_sql("", "", "SELECT value FROM json_each(?1)"));

/// The summaries of the given users, in list order (name, email, id).
pub(super) async fn load_summaries(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> StoreResult<Vec<UserSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (users, group_roles): (String, String) = sqlx::query_as(SUMMARIES_BY_IDS.as_str())
        .bind(id_list(ids))
        .fetch_one(&mut *conn)
        .await?;
    decode_summaries(&users, &group_roles)
}

/// The summaries from the two JSON arrays of [`summaries_sql`].
pub(super) fn decode_summaries(users: &str, group_roles: &str) -> StoreResult<Vec<UserSummary>> {
    let decode = |e: serde_json::Error| StoreError::Conflict(format!("page encoding: {e}"));
    let users: Vec<SummaryTuple> = serde_json::from_str(users).map_err(decode)?;
    let group_roles: Vec<(i64, i64, String)> = serde_json::from_str(group_roles).map_err(decode)?;
    let mut p = Provenance::default();
    for (group, position, name) in group_roles {
        p.group_roles
            .entry(group)
            .or_default()
            .push((position, name));
    }
    for roles in p.group_roles.values_mut() {
        roles.sort();
    }
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let (id, first_name, last_name, email, provider, status, created_at, archived_at) =
            (u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7);
        let (mut direct, groups, agents) = (u.8, u.9, u.10);
        direct.sort();
        let mut groups: Vec<GroupRef> = groups
            .into_iter()
            .map(|(id, name)| GroupRef { id, name })
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        p.direct.insert(id, direct);
        p.groups.insert(id, groups);
        p.agent_counts.insert(id, agents);
        rows.push(UserRow {
            id,
            first_name,
            last_name,
            email,
            provider,
            status,
            created_at,
            archived_at,
            version: 0,
            updated_at: String::new(),
            archived_by_id: None,
            archived_by_name: None,
            token_hint: None,
            token_created_at: None,
            token_last_used_at: None,
        });
    }
    Ok(rows.iter().map(|r| p.summary(r)).collect())
}

/// Roles, groups and agent counts of a set of users.
#[derive(Default)]
pub(super) struct Provenance {
    pub(super) direct: HashMap<i64, Vec<(i64, String)>>,
    pub(super) groups: HashMap<i64, Vec<GroupRef>>,
    pub(super) group_roles: HashMap<i64, Vec<(i64, String)>>,
    pub(super) agent_counts: HashMap<i64, u32>,
}

impl Provenance {
    pub(super) async fn load(conn: &mut SqliteConnection, ids: &[i64]) -> StoreResult<Provenance> {
        let mut p = Provenance::default();
        if ids.is_empty() {
            return Ok(p);
        }
        let ids_json = id_list(ids);
        let rows = sqlx::query(
            "SELECT ur.user_id, r.position, r.name FROM user_roles ur
             JOIN roles r ON r.id = ur.role_id
             WHERE ur.user_id IN (SELECT value FROM json_each(?1))
             ORDER BY r.position",
        )
        .bind(&ids_json)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            p.direct
                .entry(row.get(0))
                .or_default()
                .push((row.get(1), row.get(2)));
        }
        let rows = sqlx::query(
            "SELECT gm.user_id, g.id, g.name FROM group_members gm
             JOIN user_groups g ON g.id = gm.group_id
             WHERE gm.user_id IN (SELECT value FROM json_each(?1))
             ORDER BY g.name, g.id",
        )
        .bind(&ids_json)
        .fetch_all(&mut *conn)
        .await?;
        let mut group_ids = Vec::new();
        for row in rows {
            let group = GroupRef {
                id: row.get(1),
                name: row.get(2),
            };
            if !group_ids.contains(&group.id) {
                group_ids.push(group.id);
            }
            p.groups.entry(row.get(0)).or_default().push(group);
        }
        if !group_ids.is_empty() {
            let rows = sqlx::query(
                "SELECT gr.group_id, r.position, r.name FROM group_roles gr
                 JOIN roles r ON r.id = gr.role_id
                 WHERE gr.group_id IN (SELECT value FROM json_each(?1))
                 ORDER BY r.position",
            )
            .bind(id_list(&group_ids))
            .fetch_all(&mut *conn)
            .await?;
            for row in rows {
                p.group_roles
                    .entry(row.get(0))
                    .or_default()
                    .push((row.get(1), row.get(2)));
            }
        }
        let rows = sqlx::query(
            "SELECT owner_id, COUNT(*) FROM agents
             WHERE owner_id IN (SELECT value FROM json_each(?1)) GROUP BY owner_id",
        )
        .bind(&ids_json)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let count: i64 = row.get(1);
            p.agent_counts
                .insert(row.get(0), u32::try_from(count).unwrap_or(u32::MAX));
        }
        Ok(p)
    }

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

    pub(super) fn summary(&self, row: &UserRow) -> UserSummary {
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
