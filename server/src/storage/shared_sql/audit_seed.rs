//! Made-up audit history for the demo and the benchmark (`seed-demo`).

use users_api::audit::parse_rfc3339;

use super::{on_backend, Tx};
use crate::storage::{now, Store, StoreResult};

impl Store {
    /// Adds `entries` rows of made-up history to the company's log, for the
    /// demo and the benchmark: edits, token reveals and regenerations and
    /// group additions, by twenty of `people` (a block of ids: first, count)
    /// on all of them, one a second up to just before the log's oldest row.
    /// The rows already there move up (ids + entries + the largest id), so
    /// ids and times keep the same order, as the audit reads expect (`audit.rs`).
    pub async fn seed_audit_history(
        &self,
        company_id: i64,
        (first_user, users): (i64, i64),
        entries: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_catalogue_write().await?;
        let (first_group, groups): (Option<i64>, i64) = on_backend!(Tx, &mut *tx, |tx| {
            sqlx::query_as("SELECT MIN(id), COUNT(*) FROM user_groups WHERE company_id = $1")
                .bind(company_id)
                .fetch_one(&mut **tx)
                .await?
        });
        let (max_id, oldest): (Option<i64>, Option<String>) = on_backend!(Tx, &mut *tx, |tx| {
            sqlx::query_as("SELECT MAX(id), MIN(at) FROM audit_log")
                .fetch_one(&mut **tx)
                .await?
        });
        let shift = entries + max_id.unwrap_or(0);
        let end = oldest
            .as_deref()
            .and_then(parse_rfc3339)
            .or_else(|| parse_rfc3339(&now()))
            .unwrap_or(0)
            - 1;
        let start = end - entries;
        let pick = "CASE i % 10 WHEN 0 THEN 'user.update' WHEN 1 THEN 'user.update'
                        WHEN 2 THEN 'user.update' WHEN 3 THEN 'user.update'
                        WHEN 4 THEN 'token.reveal' WHEN 5 THEN 'token.reveal'
                        WHEN 6 THEN 'token.regenerate' WHEN 7 THEN 'group.members.add'
                        WHEN 8 THEN 'user.update' ELSE 'token.reveal' END";
        let group = "CASE WHEN i % 10 = 7 AND $6 > 0 THEN $7 + (i / 10) % $6 END";
        let details = r#"CASE i % 10 WHEN 7 THEN '{"user_ids":[]}'
                         WHEN 6 THEN '{"hint":"uat_…0000"}'
                         WHEN 4 THEN '{}' WHEN 5 THEN '{}' WHEN 9 THEN '{}'
                         ELSE '{"changes":{"last_name":{"before":"Earlier","after":"Later"}}}' END"#;
        let columns = "INSERT INTO audit_log (id, company_id, at, actor_id, action, target_user_id,
                                              target_group_id, details)";
        let values = |series: &str, at: &str| {
            format!(
                "{series} {columns}
                 SELECT i + 1, $1, {at}, $4 + i % $8, {pick}, $4 + (i * 7919) % $5, {group}, {details}
                 FROM n"
            )
        };
        on_backend!(Tx, &mut *tx, |tx| {
            sqlx::query("UPDATE audit_log SET id = id + $1")
                .bind(shift)
                .execute(&mut **tx)
                .await?;
        });
        let statement = match &*tx {
            Tx::Sqlite(_) => values(
                "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $2)",
                "strftime('%Y-%m-%dT%H:%M:%SZ', $3 + i, 'unixepoch')",
            ),
            Tx::Postgres(_) => values(
                "WITH n(i) AS (SELECT generate_series(0, $2 - 1))",
                "to_char(to_timestamp($3 + i) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
            ),
        };
        on_backend!(Tx, &mut *tx, |tx| {
            sqlx::query(&statement)
                .bind(company_id)
                .bind(entries)
                .bind(start)
                .bind(first_user)
                .bind(users.max(1))
                .bind(groups)
                .bind(first_group.unwrap_or(0))
                .bind(users.clamp(1, 20))
                .execute(&mut **tx)
                .await?;
        });
        if let Tx::Postgres(conn) = &mut *tx {
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT MAX(id) FROM audit_log))",
            )
            .execute(&mut **conn)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
