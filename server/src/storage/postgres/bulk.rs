//! Bulk loading of demo data (`seed-demo`) on PostgreSQL: one transaction,
//! rows sent as arrays and expanded with `UNNEST` (thousands of rows per
//! statement), explicit ids reserved under a table lock, and the sequence
//! moved past them. The tab counts follow through their statement triggers.

use std::collections::HashMap;

use serde_json::json;
use sqlx::{PgConnection, Row};

use super::PgStore;
use crate::crypto::TokenCrypto;
use crate::storage::grams::plan_group_grams;
use crate::storage::model::{DemoPlan, SeedSummary};
use crate::storage::shared_sql::{Tx, WriteTx};
use crate::storage::{now, StoreError, StoreResult};
use users_api::identity;

/// Rows per statement.
const CHUNK: usize = 5_000;

impl PgStore {
    /// Adds a demo plan to the company (created if missing). `plan` gets the
    /// first new user id, so generated emails can be unique across runs.
    pub async fn seed_demo(
        &self,
        company: &str,
        plan: impl FnOnce(i64) -> DemoPlan,
    ) -> StoreResult<SeedSummary> {
        let mut tx = WriteTx::new(Tx::Postgres(self.begin_catalogue_write().await?));
        let (company_id, _) = tx.ensure_company(company).await?;
        tx.lock_company(company_id).await?;
        let Tx::Postgres(conn) = &mut *tx else {
            unreachable!("the transaction was opened on PostgreSQL")
        };
        let conn: &mut PgConnection = conn;
        // Other instances' inserts wait until the seed commits, so the ids
        // from MAX(id) + 1 on are ours.
        sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE")
            .execute(&mut *conn)
            .await?;
        let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
            .fetch_one(&mut *conn)
            .await?;
        let plan = plan(first_id);
        let admin: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
             WHERE u.company_id = $1 AND u.status = 'active' AND r.name = 'Settings' ORDER BY u.id LIMIT 1",
        )
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?;
        let roles = name_ids(
            conn,
            "SELECT name, id FROM roles WHERE $1::bigint IS NULL",
            None,
        )
        .await?;
        let providers = name_ids(
            conn,
            "SELECT name, id FROM identity_providers WHERE company_id = $1",
            Some(company_id),
        )
        .await?;
        let role_id = |name: &str| {
            roles
                .get(name)
                .copied()
                .ok_or_else(|| StoreError::Conflict(format!("no role named {name:?}")))
        };

        let mut group_ids = Vec::with_capacity(plan.groups.len());
        for group in &plan.groups {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO user_groups (company_id, name, name_key, description, created_at, updated_at)
                 VALUES ($1, $2, $4, $3, $5, $5)
                 ON CONFLICT (company_id, name) DO UPDATE SET description = excluded.description
                 RETURNING id",
            )
            .bind(company_id)
            .bind(&group.name)
            .bind(&group.description)
            .bind(users_api::identity::fold(&group.name))
            .bind(now())
            .fetch_one(&mut *conn)
            .await?;
            let role_ids = group
                .roles
                .iter()
                .map(|r| role_id(r))
                .collect::<StoreResult<Vec<i64>>>()?;
            sqlx::query(
                "INSERT INTO group_roles (group_id, role_id) SELECT $1, UNNEST($2::bigint[])
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(&role_ids)
            .execute(&mut *conn)
            .await?;
            group_ids.push(id);
        }

        // The providers' counts, the memberships' gram counts (memberships
        // arrive with their copies) and the effective roles are written
        // below from the plan and the loaded rows, so their statement
        // triggers stand aside for this transaction (users.bulk_load).
        sqlx::query("SELECT set_config('users.bulk_load', 'on', true)")
            .execute(&mut *conn)
            .await?;
        let at = now();
        let ids: Vec<i64> = (first_id..).take(plan.users.len()).collect();
        for (chunk_ids, users) in ids.chunks(CHUNK).zip(plan.users.chunks(CHUNK)) {
            let mut columns = UserColumns::default();
            for u in users {
                let provider = providers
                    .get(&u.identity_provider)
                    .copied()
                    .ok_or_else(|| {
                        StoreError::Conflict(format!(
                            "no identity provider named {:?}",
                            u.identity_provider
                        ))
                    })?;
                columns.first.push(u.first_name.clone());
                columns.last.push(u.last_name.clone());
                columns.email.push(u.email.clone());
                columns.email_key.push(identity::email_key(&u.email));
                columns.provider.push(provider);
                let status = if u.archived { "archived" } else { "active" };
                columns.status.push(status.to_string());
                columns
                    .sort_key
                    .push(identity::name_key(&u.first_name, &u.last_name));
                columns.archived_at.push(u.archived.then(|| at.clone()));
                columns
                    .archived_by
                    .push(if u.archived { admin } else { None });
            }
            sqlx::query(
                "INSERT INTO users (id, company_id, first_name, last_name, email, email_key,
                     identity_provider_id, status, sort_key, archived_at, archived_by, created_at, updated_at)
                 SELECT id, $2, first, last, email, email_key, provider, status, sort_key,
                        archived_at, archived_by, $12, $12
                 FROM UNNEST($1::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
                             $7::bigint[], $8::text[], $9::text[], $10::text[], $11::bigint[])
                      AS t(id, first, last, email, email_key, provider, status, sort_key,
                           archived_at, archived_by)",
            )
            .bind(chunk_ids)
            .bind(company_id)
            .bind(&columns.first)
            .bind(&columns.last)
            .bind(&columns.email)
            .bind(&columns.email_key)
            .bind(&columns.provider)
            .bind(&columns.status)
            .bind(&columns.sort_key)
            .bind(&columns.archived_at)
            .bind(&columns.archived_by)
            .bind(&at)
            .execute(&mut *conn)
            .await?;
            insert_tokens(&self.crypto, conn, chunk_ids, &at).await?;
        }
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT MAX(id) FROM users))",
        )
        .execute(&mut *conn)
        .await?;

        let (mut role_users, mut role_ids) = (Vec::new(), Vec::new());
        let (mut member_groups, mut member_users) = (Vec::new(), Vec::new());
        let (mut member_status, mut member_names, mut member_emails) =
            (Vec::new(), Vec::new(), Vec::new());
        let (mut agent_names, mut agent_owners) = (Vec::new(), Vec::new());
        for (id, u) in ids.iter().zip(&plan.users) {
            for role in &u.roles {
                role_users.push(*id);
                role_ids.push(role_id(role)?);
            }
            for g in &u.groups {
                let group = group_ids
                    .get(*g)
                    .ok_or_else(|| StoreError::Conflict(format!("no demo group #{g}")))?;
                member_groups.push(*group);
                member_users.push(*id);
                member_status.push(if u.archived { "archived" } else { "active" });
                member_names.push(identity::name_key(&u.first_name, &u.last_name));
                member_emails.push(identity::email_key(&u.email));
            }
            for name in &u.agents {
                agent_names.push(name.clone());
                agent_owners.push(*id);
            }
        }
        for (users, roles) in role_users.chunks(CHUNK).zip(role_ids.chunks(CHUNK)) {
            sqlx::query(
                "INSERT INTO user_roles (user_id, role_id)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[])",
            )
            .bind(users)
            .bind(roles)
            .execute(&mut *conn)
            .await?;
        }
        for start in (0..member_groups.len()).step_by(CHUNK) {
            let end = (start + CHUNK).min(member_groups.len());
            sqlx::query(
                "INSERT INTO group_members (group_id, user_id, status, sort_key, email_key)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])
                 ON CONFLICT DO NOTHING",
            )
            .bind(&member_groups[start..end])
            .bind(&member_users[start..end])
            .bind(&member_status[start..end])
            .bind(&member_names[start..end])
            .bind(&member_emails[start..end])
            .execute(&mut *conn)
            .await?;
        }
        for (group_id, grams) in group_ids.iter().zip(plan_group_grams(&plan)) {
            let (grams, counts): (Vec<String>, Vec<i64>) = grams.into_iter().unzip();
            for (grams, counts) in grams.chunks(CHUNK).zip(counts.chunks(CHUNK)) {
                sqlx::query(
                    "INSERT INTO group_gram_counts (group_id, gram, n)
                     SELECT $1, * FROM UNNEST($2::text[], $3::bigint[])
                     ON CONFLICT (group_id, gram) DO UPDATE SET n = group_gram_counts.n + excluded.n",
                )
                .bind(group_id)
                .bind(grams)
                .bind(counts)
                .execute(&mut *conn)
                .await?;
            }
        }
        tx.fill_role_holders(first_id).await?;
        tx.fill_provider_counts(first_id).await?;
        let Tx::Postgres(conn) = &mut *tx else {
            unreachable!("the transaction was opened on PostgreSQL")
        };
        let conn: &mut PgConnection = conn;
        sqlx::query("SELECT set_config('users.bulk_load', 'off', true)")
            .execute(&mut *conn)
            .await?;
        for (names, owners) in agent_names.chunks(CHUNK).zip(agent_owners.chunks(CHUNK)) {
            sqlx::query(
                "INSERT INTO agents (company_id, name, owner_id)
                 SELECT $1, * FROM UNNEST($2::text[], $3::bigint[])",
            )
            .bind(company_id)
            .bind(names)
            .bind(owners)
            .execute(&mut *conn)
            .await?;
        }

        let summary = SeedSummary {
            company_id,
            users: plan.users.len(),
            archived: plan.users.iter().filter(|u| u.archived).count(),
            groups: plan.groups.len(),
            agents: agent_names.len(),
        };
        if let Some(admin) = admin {
            let details = json!({"users": summary.users, "archived": summary.archived,
                                 "groups": summary.groups, "agents": summary.agents});
            tx.record(company_id, admin, "demo.seed", None, details)
                .await?;
        }
        tx.commit().await?;
        // Fresh statistics, so the planner sees the new rows at once.
        sqlx::query("ANALYZE users").execute(&self.pool).await?;
        sqlx::query("ANALYZE role_holders")
            .execute(&self.pool)
            .await?;
        Ok(summary)
    }
}

/// One chunk of new users, column by column (bound as arrays).
#[derive(Default)]
struct UserColumns {
    first: Vec<String>,
    last: Vec<String>,
    email: Vec<String>,
    email_key: Vec<String>,
    provider: Vec<i64>,
    status: Vec<String>,
    sort_key: Vec<String>,
    archived_at: Vec<Option<String>>,
    archived_by: Vec<Option<i64>>,
}

async fn name_ids(
    conn: &mut PgConnection,
    sql: &str,
    company: Option<i64>,
) -> StoreResult<HashMap<String, i64>> {
    let rows = sqlx::query(sql).bind(company).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A fresh encrypted token for each of `ids`.
async fn insert_tokens(
    crypto: &TokenCrypto,
    conn: &mut PgConnection,
    ids: &[i64],
    at: &str,
) -> StoreResult<()> {
    let (mut hashes, mut nonces, mut ciphertexts, mut hints) = (
        Vec::with_capacity(ids.len()),
        Vec::with_capacity(ids.len()),
        Vec::with_capacity(ids.len()),
        Vec::with_capacity(ids.len()),
    );
    for id in ids {
        let token = TokenCrypto::generate_token()?;
        let sealed = crypto.seal(*id, &token)?;
        hashes.push(sealed.lookup_hash);
        nonces.push(sealed.nonce);
        ciphertexts.push(sealed.ciphertext);
        hints.push(sealed.hint);
    }
    sqlx::query(
        "INSERT INTO access_tokens (user_id, lookup_hash, nonce, ciphertext, hint, created_at)
         SELECT *, $6 FROM UNNEST($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[])",
    )
    .bind(ids)
    .bind(&hashes)
    .bind(&nonces)
    .bind(&ciphertexts)
    .bind(&hints)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
