//! Bulk loading of demo data (`seed-demo`): one transaction, multi-row
//! inserts with explicit ids; the tab counts, gram counts and search index
//! are filled in bulk at the end instead of by their per-row triggers.

use std::collections::HashMap;

use serde_json::json;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::SqliteStore;
use crate::crypto::TokenCrypto;
use crate::storage::grams::{plan_group_grams, user_grams};
use crate::storage::model::{DemoPlan, DemoUser, SeedSummary};
use crate::storage::shared_sql::{Tx, WriteTx};
use crate::storage::{now, StoreError, StoreResult};
use users_api::identity;

/// Triggers on `users`, `user_roles`, `group_members` and `role_holders`
/// that the bulk load replaces with set-based fills (memberships are
/// inserted with their copies; the effective roles in one pass at the end).
const BULK_TRIGGERS: [&str; 10] = [
    "user_counts_insert",
    "user_grams_insert",
    "provider_counts_insert",
    "provider_grams_insert",
    "users_search_insert",
    "group_members_count_insert",
    "group_grams_insert",
    "user_roles_hold_insert",
    "group_members_hold_insert",
    "role_holders_insert",
];

/// Rows per multi-row INSERT (well under SQLite's 32,766 bound parameters).
const CHUNK: usize = 400;

impl SqliteStore {
    /// Adds a demo plan to the company (created if missing). `plan` gets the
    /// first new user id, so generated emails can be unique across runs.
    pub async fn seed_demo(
        &self,
        company: &str,
        plan: impl FnOnce(i64) -> DemoPlan,
    ) -> StoreResult<SeedSummary> {
        let mut tx = WriteTx::new(Tx::Sqlite(self.begin_write().await?));
        let (company_id, _) = tx.ensure_company(company).await?;
        let Tx::Sqlite(conn) = &mut *tx else {
            unreachable!("the transaction was opened on SQLite")
        };
        let conn: &mut SqliteConnection = conn;
        let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users")
            .fetch_one(&mut *conn)
            .await?;
        let plan = plan(first_id);
        let admin: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id
             WHERE u.company_id = ?1 AND u.status = 'active' AND r.name = 'Settings' ORDER BY u.id LIMIT 1",
        )
        .bind(company_id)
        .fetch_optional(&mut *conn)
        .await?;
        let roles = name_ids(conn, "SELECT name, id FROM roles", None).await?;
        let providers = name_ids(
            conn,
            "SELECT name, id FROM identity_providers WHERE company_id = ?1",
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
                 VALUES (?1, ?2, ?4, ?3, ?5, ?5)
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
            for role in &group.roles {
                sqlx::query(
                    "INSERT OR IGNORE INTO group_roles (group_id, role_id) VALUES (?1, ?2)",
                )
                .bind(id)
                .bind(role_id(role)?)
                .execute(&mut *conn)
                .await?;
            }
            group_ids.push(id);
        }

        // The per-row triggers that keep the counts and the search index
        // are set aside and their tables filled in bulk below; the triggers'
        // own SQL puts them back (all inside this transaction).
        let triggers = set_aside_triggers(conn, &BULK_TRIGGERS).await?;

        let at = now();
        let ids: Vec<i64> = (first_id..).take(plan.users.len()).collect();
        for (chunk_ids, users) in ids.chunks(CHUNK).zip(plan.users.chunks(CHUNK)) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO users (id, company_id, first_name, last_name, email, email_key,
                 identity_provider_id, status, sort_key, archived_at, archived_by, created_at, updated_at) ",
            );
            let mut bad_provider = None;
            q.push_values(chunk_ids.iter().zip(users), |mut b, (id, u)| {
                let provider = providers.get(&u.identity_provider).copied();
                if provider.is_none() {
                    bad_provider = Some(u.identity_provider.clone());
                }
                let archived = u.archived;
                b.push_bind(*id)
                    .push_bind(company_id)
                    .push_bind(&u.first_name)
                    .push_bind(&u.last_name)
                    .push_bind(&u.email)
                    .push_bind(identity::email_key(&u.email))
                    .push_bind(provider.unwrap_or(0))
                    .push_bind(if archived { "archived" } else { "active" })
                    .push_bind(identity::name_key(&u.first_name, &u.last_name))
                    .push_bind(archived.then(|| at.clone()))
                    .push_bind(if archived { admin } else { None })
                    .push_bind(&at)
                    .push_bind(&at);
            });
            if let Some(name) = bad_provider {
                return Err(StoreError::Conflict(format!(
                    "no identity provider named {name:?}"
                )));
            }
            q.build().execute(&mut *conn).await?;
            insert_tokens(&self.crypto, conn, chunk_ids, &at).await?;
        }

        let mut user_roles = Vec::new();
        let mut members: Vec<(i64, i64, &str, String, String)> = Vec::new();
        let mut agents = Vec::new();
        for (id, u) in ids.iter().zip(&plan.users) {
            for role in &u.roles {
                user_roles.push((*id, role_id(role)?));
            }
            for g in &u.groups {
                let group = group_ids
                    .get(*g)
                    .ok_or_else(|| StoreError::Conflict(format!("no demo group #{g}")))?;
                let status = if u.archived { "archived" } else { "active" };
                let sort_key = identity::name_key(&u.first_name, &u.last_name);
                members.push((*group, *id, status, sort_key, identity::email_key(&u.email)));
            }
            for name in &u.agents {
                agents.push((name.as_str(), *id));
            }
        }
        for chunk in user_roles.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO user_roles (user_id, role_id) ");
            q.push_values(chunk, |mut b, (u, r)| {
                b.push_bind(*u).push_bind(*r);
            });
            q.build().execute(&mut *conn).await?;
        }
        for chunk in members.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT OR IGNORE INTO group_members (group_id, user_id, status, sort_key, email_key) ",
            );
            q.push_values(chunk, |mut b, (g, u, status, sort_key, email_key)| {
                b.push_bind(*g)
                    .push_bind(*u)
                    .push_bind(*status)
                    .push_bind(sort_key.as_str())
                    .push_bind(email_key.as_str());
            });
            q.build().execute(&mut *conn).await?;
        }
        for chunk in agents.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO agents (company_id, name, owner_id) ");
            q.push_values(chunk, |mut b, (name, owner)| {
                b.push_bind(company_id).push_bind(*name).push_bind(*owner);
            });
            q.build().execute(&mut *conn).await?;
        }

        fill_derived(conn, company_id, first_id, &plan.users).await?;
        fill_group_counts(conn, company_id, &group_ids, &plan).await?;
        tx.fill_role_holders(first_id).await?;
        tx.fill_provider_counts(first_id).await?;
        let Tx::Sqlite(conn) = &mut *tx else {
            unreachable!("the transaction was opened on SQLite")
        };
        let conn: &mut SqliteConnection = conn;
        for sql in &triggers {
            sqlx::query(sql).execute(&mut *conn).await?;
        }

        let summary = SeedSummary {
            company_id,
            users: plan.users.len(),
            archived: plan.users.iter().filter(|u| u.archived).count(),
            groups: plan.groups.len(),
            agents: agents.len(),
        };
        if let Some(admin) = admin {
            let details = json!({"users": summary.users, "archived": summary.archived,
                                 "groups": summary.groups, "agents": summary.agents});
            tx.record(company_id, admin, "demo.seed", None, details)
                .await?;
        }
        tx.commit().await?;
        Ok(summary)
    }
}

async fn name_ids(
    conn: &mut SqliteConnection,
    sql: &str,
    company: Option<i64>,
) -> StoreResult<HashMap<String, i64>> {
    let rows = sqlx::query(sql).bind(company).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// A fresh encrypted token for each of `ids`.
async fn insert_tokens(
    crypto: &TokenCrypto,
    conn: &mut SqliteConnection,
    ids: &[i64],
    at: &str,
) -> StoreResult<()> {
    let mut sealed = Vec::with_capacity(ids.len());
    for id in ids {
        let token = TokenCrypto::generate_token()?;
        sealed.push((*id, crypto.seal(*id, &token)?));
    }
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO access_tokens (user_id, lookup_hash, nonce, ciphertext, hint, created_at) ",
    );
    q.push_values(&sealed, |mut b, (id, s)| {
        b.push_bind(*id)
            .push_bind(&s.lookup_hash)
            .push_bind(&s.nonce)
            .push_bind(&s.ciphertext)
            .push_bind(&s.hint)
            .push_bind(at);
    });
    q.build().execute(&mut *conn).await?;
    Ok(())
}

/// What the set-aside membership triggers would have written: each group's
/// active member count and gram counts.
async fn fill_group_counts(
    conn: &mut SqliteConnection,
    company_id: i64,
    group_ids: &[i64],
    plan: &DemoPlan,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE user_groups SET member_count = (
             SELECT COUNT(*) FROM group_members gm
             WHERE gm.group_id = user_groups.id AND gm.status = 'active')
         WHERE company_id = ?1",
    )
    .bind(company_id)
    .execute(&mut *conn)
    .await?;
    for (group_id, grams) in group_ids.iter().zip(plan_group_grams(plan)) {
        let grams: Vec<(String, i64)> = grams.into_iter().collect();
        for chunk in grams.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO group_gram_counts (group_id, gram, n) ");
            q.push_values(chunk, |mut b, (gram, n)| {
                b.push_bind(*group_id)
                    .push_bind(gram.as_str())
                    .push_bind(*n);
            });
            q.push(" ON CONFLICT (group_id, gram) DO UPDATE SET n = n + excluded.n");
            q.build().execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Drops the named triggers, returning the SQL that creates them again.
async fn set_aside_triggers(
    conn: &mut SqliteConnection,
    names: &[&str],
) -> StoreResult<Vec<String>> {
    let mut sqls = Vec::with_capacity(names.len());
    for name in names {
        let sql: String = sqlx::query_scalar(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
        )
        .bind(name)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(&format!("DROP TRIGGER \"{name}\""))
            .execute(&mut *conn)
            .await?;
        sqls.push(sql);
    }
    Ok(sqls)
}

/// What the set-aside triggers would have written for the users inserted
/// from `first_id` on: tab counts, gram counts and the search index.
async fn fill_derived(
    conn: &mut SqliteConnection,
    company_id: i64,
    first_id: i64,
    users: &[DemoUser],
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO user_counts (company_id, status, n)
         SELECT company_id, status, COUNT(*) FROM users WHERE id >= ?1 GROUP BY company_id, status
         ON CONFLICT (company_id, status) DO UPDATE SET n = n + excluded.n",
    )
    .bind(first_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO users_search (rowid, names, email)
         SELECT (company_id << 33) + (status = 'archived') * 4294967296 + id,
                sort_key || char(1, 1), email_key || char(1, 1)
         FROM users WHERE id >= ?1",
    )
    .bind(first_id)
    .execute(&mut *conn)
    .await?;
    // Gram counts from the same texts the rows got (sort_key() and the
    // lower-cased email), per status.
    let mut counts: [HashMap<String, i64>; 2] = [HashMap::new(), HashMap::new()];
    for u in users {
        let names = identity::name_key(&u.first_name, &u.last_name);
        let email = identity::email_key(&u.email);
        let tab = &mut counts[usize::from(u.archived)];
        for gram in user_grams(&names, &email) {
            match tab.get_mut(gram) {
                Some(n) => *n += 1,
                None => {
                    tab.insert(gram.to_string(), 1);
                }
            }
        }
    }
    for (status, tab) in ["active", "archived"].iter().zip(&counts) {
        let grams: Vec<(&String, &i64)> = tab.iter().collect();
        for chunk in grams.chunks(CHUNK) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO user_gram_counts (company_id, status, gram, n) ");
            q.push_values(chunk, |mut b, (gram, n)| {
                b.push_bind(company_id)
                    .push_bind(*status)
                    .push_bind(gram.as_str())
                    .push_bind(**n);
            });
            q.push(" ON CONFLICT (company_id, status, gram) DO UPDATE SET n = n + excluded.n");
            q.build().execute(&mut *conn).await?;
        }
    }
    Ok(())
}
