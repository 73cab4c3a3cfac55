//! Filling the effective roles in bulk, where their triggers stand aside:
//! `seed-demo`'s users (`role_holders`, `role_counts`, `role_gram_counts`
//! from their assignments and memberships), and once at start-up the gram
//! counts of the holders a migration created (`role_gram_counts_pending`).
//! One copy of the SQL for both backends.

use futures_util::TryStreamExt;

use super::counts_fill::GramTally;
use super::{on_backend, WriteTx};
use crate::storage::grams::user_grams;
use crate::storage::StoreResult;

/// The setting a migration leaves when the gram counts are still to fill.
const PENDING: &str = "role_gram_counts_pending";

/// Active holder rows: user, company, role, direct, via_groups, sort key,
/// email key.
type HolderRow = (i64, i64, i64, i64, i64, String, String);

impl WriteTx {
    /// Fills the effective roles of the users from `first_id` on from
    /// their assignments and memberships (the bulk loader's users).
    pub(crate) async fn fill_role_holders(&mut self, first_id: i64) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                "INSERT INTO role_holders
                     (user_id, role_id, company_id, direct, via_groups, status, sort_key, email_key)
                 SELECT u.id, h.role_id, u.company_id, MAX(h.direct), SUM(h.via),
                        u.status, u.sort_key, u.email_key
                 FROM (SELECT user_id, role_id, 1 AS direct, 0 AS via FROM user_roles
                       WHERE user_id >= $1
                       UNION ALL
                       SELECT gm.user_id, gr.role_id, 0, 1 FROM group_members gm
                       JOIN group_roles gr ON gr.group_id = gm.group_id
                       WHERE gm.user_id >= $1) h
                 JOIN users u ON u.id = h.user_id
                 GROUP BY u.id, h.role_id, u.company_id, u.status, u.sort_key, u.email_key",
            )
            .bind(first_id)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO role_counts AS c (company_id, role_id, status, source, n)
                 SELECT h.company_id, h.role_id, h.status, s.source, COUNT(*)
                 FROM role_holders h JOIN role_sources s
                   ON s.source = 'any' OR (s.source = 'direct' AND h.direct = 1)
                   OR (s.source = 'group' AND h.via_groups > 0)
                 WHERE h.user_id >= $1
                 GROUP BY h.company_id, h.role_id, h.status, s.source
                 ON CONFLICT (company_id, role_id, status, source) DO UPDATE SET n = c.n + excluded.n",
            )
            .bind(first_id)
            .execute(&mut **tx)
            .await?;
        });
        self.fill_role_gram_counts(first_id).await
    }

    /// Fills the gram counts a migration left to the server's start, once.
    pub(crate) async fn fill_pending_role_grams(&mut self) -> StoreResult<()> {
        if !self.fill_pending(PENDING).await? {
            return Ok(());
        }
        tracing::info!("filling the role gram counts (once, after an upgrade)");
        self.fill_role_gram_counts(0).await?;
        self.fill_done(PENDING).await
    }

    /// Adds the grams of the active holders from user `first_id` on to
    /// `role_gram_counts`, reading the holders once in key order.
    async fn fill_role_gram_counts(&mut self, first_id: i64) -> StoreResult<()> {
        let mut tally = GramTally::default();
        let sql = "SELECT user_id, company_id, role_id, CAST(direct AS BIGINT),
                          CAST(via_groups AS BIGINT), sort_key, email_key
                   FROM role_holders WHERE user_id >= $1 AND status = 'active'";
        on_backend!(Tx, &mut self.0, |tx| {
            let mut rows = sqlx::query_as::<_, HolderRow>(sql)
                .bind(first_id)
                .fetch(&mut **tx);
            while let Some(row) = rows.try_next().await? {
                count_grams(&mut tally, &row);
            }
        });
        let columns = ["company_id", "role_id", "source", "gram", "n"];
        self.add_gram_tally("role_gram_counts", columns, tally)
            .await
    }
}

/// Counts one active holder's grams under each source it holds the role by
/// (as `role_sources` names them).
fn count_grams(tally: &mut GramTally, row: &HolderRow) {
    let (_, company, role, direct, via, sort_key, email_key) = row;
    let grams = user_grams(sort_key, email_key);
    let sources = [("any", true), ("direct", *direct == 1), ("group", *via > 0)];
    for (source, held) in sources {
        if held {
            tally.add((*company, *role, source), &grams);
        }
    }
}
