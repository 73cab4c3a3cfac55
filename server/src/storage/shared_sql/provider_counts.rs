//! Filling the identity providers' kept totals (`provider_counts`,
//! `provider_gram_counts`) in bulk, where their triggers stand aside:
//! `seed-demo`'s users, and once at start-up after the migration that
//! created them (`provider_counts_pending`). One copy of the SQL for both
//! backends.

use futures_util::TryStreamExt;

use super::counts_fill::GramTally;
use super::{on_backend, WriteTx};
use crate::storage::grams::user_grams;
use crate::storage::{StoreError, StoreResult};
use users_api::UserStatus;

/// The setting a migration leaves when the counts are still to fill.
const PENDING: &str = "provider_counts_pending";

/// A user as the provider counts see them: company, provider, status, sort
/// key, email key.
type UserRow = (i64, i64, String, String, String);

impl WriteTx {
    /// Fills the provider counts a migration left to the server's start,
    /// once (from empty: nothing else writes them before the server serves).
    pub(crate) async fn fill_pending_provider_counts(&mut self) -> StoreResult<()> {
        if !self.fill_pending(PENDING).await? {
            return Ok(());
        }
        tracing::info!("filling the identity providers' counts (once, after an upgrade)");
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("DELETE FROM provider_counts")
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM provider_gram_counts")
                .execute(&mut **tx)
                .await?;
        });
        self.fill_provider_counts(0).await?;
        self.fill_done(PENDING).await
    }

    /// Adds the users from `first_id` on to the provider counts and their
    /// gram counts, reading the users once.
    pub(crate) async fn fill_provider_counts(&mut self, first_id: i64) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                "INSERT INTO provider_counts AS k (company_id, provider_id, status, n)
                 SELECT company_id, identity_provider_id, status, COUNT(*) FROM users
                 WHERE id >= $1 GROUP BY company_id, identity_provider_id, status
                 ON CONFLICT (company_id, provider_id, status) DO UPDATE SET n = k.n + excluded.n",
            )
            .bind(first_id)
            .execute(&mut **tx)
            .await?;
        });
        let mut tally = GramTally::default();
        let sql =
            "SELECT company_id, identity_provider_id, CAST(status AS TEXT), sort_key, email_key
                   FROM users WHERE id >= $1";
        on_backend!(Tx, &mut self.0, |tx| {
            let mut rows = sqlx::query_as::<_, UserRow>(sql)
                .bind(first_id)
                .fetch(&mut **tx);
            while let Some((company, provider, status, sort_key, email_key)) =
                rows.try_next().await?
            {
                let status = UserStatus::parse(&status).ok_or_else(|| {
                    StoreError::Conflict(format!("a user's status is {status:?}"))
                })?;
                let grams = user_grams(&sort_key, &email_key);
                tally.add((company, provider, status.as_str()), &grams);
            }
        });
        let columns = ["company_id", "provider_id", "status", "gram", "n"];
        self.add_gram_tally("provider_gram_counts", columns, tally)
            .await
    }
}
