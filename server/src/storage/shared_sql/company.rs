//! The write transaction's statements about a company: creating it,
//! finding it, its identity providers, its directory, and its lock (which
//! differs per dialect: it calls the backend's function by name).

use super::{on_backend, Tx, WriteTx};
use crate::storage::{now, StoreError, StoreResult, DEFAULT_PROVIDERS};

impl WriteTx {
    /// Refuses user changes while the company's users live in a directory.
    pub(crate) async fn check_directory(&mut self, company_id: i64) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            let provider: Option<Option<String>> =
                sqlx::query_scalar("SELECT directory_provider FROM companies WHERE id = $1")
                    .bind(company_id)
                    .fetch_optional(&mut **tx)
                    .await?;
            match provider {
                None => Err(StoreError::NotFound),
                Some(Some(provider)) => Err(StoreError::DirectoryManaged(provider)),
                Some(None) => Ok(()),
            }
        })
    }

    /// The id of a provider of the company, by name.
    pub(crate) async fn provider_id(&mut self, company_id: i64, name: &str) -> StoreResult<i64> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query_scalar(
                "SELECT id FROM identity_providers WHERE company_id = $1 AND name = $2",
            )
            .bind(company_id)
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::Conflict(format!("no identity provider named {name:?}")))
        })
    }

    /// The company's id, creating it with the default providers if missing;
    /// true when created.
    pub(crate) async fn ensure_company(&mut self, name: &str) -> StoreResult<(i64, bool)> {
        on_backend!(Tx, &mut self.0, |tx| {
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?;
            if let Some(id) = existing {
                return Ok((id, false));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(now())
            .fetch_one(&mut **tx)
            .await?;
            for (position, provider) in DEFAULT_PROVIDERS.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO identity_providers (company_id, name, position) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(provider)
                .bind(i64::try_from(position).unwrap_or(0))
                .execute(&mut **tx)
                .await?;
            }
            Ok((id, true))
        })
    }

    /// The id of the company with this name, if any.
    pub(crate) async fn company_by_name(&mut self, name: &str) -> StoreResult<Option<i64>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(
                sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?,
            )
        })
    }

    /// The names of the company's identity providers, in their order.
    pub(crate) async fn provider_names(&mut self, company_id: i64) -> StoreResult<Vec<String>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT name FROM identity_providers WHERE company_id = $1 ORDER BY position, name",
            )
            .bind(company_id)
            .fetch_all(&mut **tx)
            .await?)
        })
    }

    /// Puts the company's users under a directory (adding it as a provider)
    /// or back under the console.
    pub(crate) async fn set_directory_provider(
        &mut self,
        company_id: i64,
        provider: Option<&str>,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("UPDATE companies SET directory_provider = $2 WHERE id = $1")
                .bind(company_id)
                .bind(provider)
                .execute(&mut **tx)
                .await?;
            if let Some(provider) = provider {
                // Users managed in the directory sign in through it.
                sqlx::query(
                        "INSERT INTO identity_providers (company_id, name, position)
                         SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM identity_providers WHERE company_id = $1
                         ON CONFLICT (company_id, name) DO NOTHING",
                    )
                    .bind(company_id)
                    .bind(provider)
                    .execute(&mut **tx)
                    .await?;
            }
            Ok(())
        })
    }

    /// Serialises this transaction with the company's other writers (where
    /// the transaction does not already exclude every other writer).
    pub(crate) async fn lock_company(&mut self, company_id: i64) -> StoreResult<()> {
        match &mut self.0 {
            // BEGIN IMMEDIATE already excludes every other writer.
            Tx::Sqlite(_) => Ok(()),
            Tx::Postgres(tx) => crate::storage::postgres::lock_company(tx, company_id).await,
        }
    }
}
