//! Loading users' summaries and role provenance from PostgreSQL in a fixed
//! number of queries whatever the number of users (ids bound as one array).

use sqlx::{PgConnection, Row};
use users_api::{GroupRef, UserSummary};

use crate::storage::provenance::{decode_summaries, Provenance};
use crate::storage::StoreResult;

/// A statement answering, in one row, the users whose ids `ids` (a
/// subquery) gives, in list order, and the roles of their groups, as the two
/// JSON arrays [`decode_summaries`] reads (the shapes the SQLite backend
/// produces). `lead` is prepended to the statement and `first` to its
/// columns.
pub(super) fn summaries_sql(lead: &str, first: &str, ids: &str) -> String {
    format!(
        "{lead} SELECT {first} COALESCE(json_agg(json_build_array(
           u.id, u.first_name, u.last_name, u.email, ip.name, u.status, u.created_at, u.archived_at,
           COALESCE((SELECT json_agg(json_build_array(r.position, r.name))
                     FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id),
                    '[]'::json),
           COALESCE((SELECT json_agg(json_build_array(g.id, g.name))
                     FROM group_members gm JOIN user_groups g ON g.id = gm.group_id
                     WHERE gm.user_id = u.id),
                    '[]'::json),
           (SELECT COUNT(*) FROM agents a WHERE a.owner_id = u.id))
         ORDER BY u.sort_key, u.email_key, u.id), '[]'::json)::text,
       (SELECT COALESCE(json_agg(json_build_array(gr.group_id, r.position, r.name)), '[]'::json)::text
        FROM group_roles gr JOIN roles r ON r.id = gr.role_id
        WHERE gr.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.user_id IN ({ids})))
     FROM users u JOIN identity_providers ip ON ip.id = u.identity_provider_id
     WHERE u.id IN ({ids})"
    )
}

static SUMMARIES_BY_IDS: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| summaries_sql("", "", "SELECT UNNEST($1::bigint[])"));

/// The summaries the export writes, for a batch of 1,000 users in one
/// statement: each user's roles and groups aggregated once for the batch
/// and hash-joined, the groups found once for both the users' groups and
/// their roles (per-user subplans looked each user's memberships up twice:
/// 21–28 ms a batch against 16 at 200,000 users), and no owned-agents count
/// (the export writes none; a quarter of the statement's time at 500
/// users). The list's pages of 25 keep [`summaries_sql`], whose plan is
/// tuned with the page's own CTE.
const EXPORT_SUMMARIES_BY_IDS: &str = "WITH ids AS MATERIALIZED (SELECT UNNEST($1::bigint[]) AS id),
     memberships AS MATERIALIZED (
         SELECT gm.user_id, g.id, g.name FROM group_members gm JOIN user_groups g ON g.id = gm.group_id
         WHERE gm.user_id IN (SELECT id FROM ids)),
     groups_of AS (
         SELECT user_id, json_agg(json_build_array(id, name)) AS groups
         FROM memberships GROUP BY user_id),
     roles_of AS (
         SELECT ur.user_id, json_agg(json_build_array(r.position, r.name)) AS roles
         FROM user_roles ur JOIN roles r ON r.id = ur.role_id
         WHERE ur.user_id IN (SELECT id FROM ids) GROUP BY ur.user_id)
     SELECT COALESCE(json_agg(json_build_array(
                u.id, u.first_name, u.last_name, u.email, ip.name, u.status, u.created_at,
                u.archived_at, COALESCE(ro.roles, '[]'::json), COALESCE(go.groups, '[]'::json), 0)
              ORDER BY u.sort_key, u.email_key, u.id), '[]'::json)::text,
            (SELECT COALESCE(json_agg(json_build_array(gr.group_id, r.position, r.name)), '[]'::json)::text
             FROM group_roles gr JOIN roles r ON r.id = gr.role_id
             WHERE gr.group_id IN (SELECT id FROM memberships))
     FROM users u JOIN identity_providers ip ON ip.id = u.identity_provider_id
     LEFT JOIN roles_of ro ON ro.user_id = u.id
     LEFT JOIN groups_of go ON go.user_id = u.id
     WHERE u.id IN (SELECT id FROM ids)";

/// The summaries of the given users for the export: in list order, with
/// `owned_agents` left at 0.
pub(crate) async fn load_export_summaries(
    conn: &mut PgConnection,
    ids: &[i64],
) -> StoreResult<Vec<UserSummary>> {
    load_by(conn, EXPORT_SUMMARIES_BY_IDS, ids).await
}

/// The summaries of the given users, in list order (name, email, id).
pub(crate) async fn load_summaries(
    conn: &mut PgConnection,
    ids: &[i64],
) -> StoreResult<Vec<UserSummary>> {
    load_by(conn, SUMMARIES_BY_IDS.as_str(), ids).await
}

/// Runs a summaries statement (`$1` the ids) and decodes its two arrays.
async fn load_by(conn: &mut PgConnection, sql: &str, ids: &[i64]) -> StoreResult<Vec<UserSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let (users, group_roles): (String, String) =
        sqlx::query_as(sql).bind(ids).fetch_one(&mut *conn).await?;
    decode_summaries(&users, &group_roles)
}

/// Loads the provenance of `ids` in four queries, whatever their number.
pub(crate) async fn load_provenance(
    conn: &mut PgConnection,
    ids: &[i64],
) -> StoreResult<Provenance> {
    let mut p = Provenance::default();
    if ids.is_empty() {
        return Ok(p);
    }
    let rows = sqlx::query(
        "SELECT ur.user_id, r.position, r.name FROM user_roles ur
         JOIN roles r ON r.id = ur.role_id
         WHERE ur.user_id = ANY($1)
         ORDER BY r.position",
    )
    .bind(ids)
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
         WHERE gm.user_id = ANY($1)
         ORDER BY g.name, g.id",
    )
    .bind(ids)
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
             WHERE gr.group_id = ANY($1)
             ORDER BY r.position",
        )
        .bind(&group_ids)
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
        "SELECT owner_id, COUNT(*) FROM agents WHERE owner_id = ANY($1) GROUP BY owner_id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let count: i64 = row.get(1);
        p.agent_counts
            .insert(row.get(0), u32::try_from(count).unwrap_or(u32::MAX));
    }
    Ok(p)
}
