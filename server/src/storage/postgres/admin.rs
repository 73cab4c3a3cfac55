//! Operator actions behind the CLI: companies, the first administrator and
//! the directory switch.

use sqlx::{PgConnection, Postgres, Transaction};

use super::{lock_company, PgStore};
use crate::storage::model::DEFAULT_PROVIDERS;
use crate::storage::{now, StoreError, StoreResult};

/// The company's id, creating it (with the default providers) when missing.
pub(super) async fn ensure_company(
    conn: &mut PgConnection,
    name: &str,
) -> StoreResult<(i64, bool)> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let id: i64 =
        sqlx::query_scalar("INSERT INTO companies (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind(name)
            .bind(now())
            .fetch_one(&mut *conn)
            .await?;
    for (position, provider) in DEFAULT_PROVIDERS.iter().enumerate() {
        sqlx::query(
            "INSERT INTO identity_providers (company_id, name, position) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(provider)
        .bind(i64::try_from(position).unwrap_or(0))
        .execute(&mut *conn)
        .await?;
    }
    Ok((id, true))
}

pub(super) async fn company_id(conn: &mut PgConnection, name: &str) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT id FROM companies WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NoSuchCompany(name.to_string()))
}

impl PgStore {
    /// Names of the company's identity providers, creating the company if
    /// missing (the CLI needs the default provider before validating).
    pub async fn ensure_company(&self, company: &str) -> StoreResult<(i64, Vec<String>)> {
        let mut tx = self.begin_catalogue_write().await?;
        let (id, _) = ensure_company(&mut tx, company).await?;
        let providers = sqlx::query_scalar(
            "SELECT name FROM identity_providers WHERE company_id = $1 ORDER BY position, name",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((id, providers))
    }

    /// Puts the company's users under a directory (`Some(provider)`: the
    /// console stops changing them) or back under the console (`None`).
    pub async fn set_directory(&self, company: &str, provider: Option<&str>) -> StoreResult<i64> {
        let mut tx = self.begin_catalogue_write().await?;
        let id = company_id(&mut tx, company).await?;
        lock_company(&mut tx, id).await?;
        sqlx::query("UPDATE companies SET directory_provider = $2 WHERE id = $1")
            .bind(id)
            .bind(provider)
            .execute(&mut *tx)
            .await?;
        if let Some(provider) = provider {
            // Users managed in the directory sign in through it.
            sqlx::query(
                "INSERT INTO identity_providers (company_id, name, position)
                 SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM identity_providers WHERE company_id = $1
                 ON CONFLICT (company_id, name) DO NOTHING",
            )
            .bind(id)
            .bind(provider)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}

impl PgStore {
    /// Adds a group with its roles to a company; returns its id.
    pub async fn create_group(
        &self,
        company_id: i64,
        name: &str,
        description: &str,
        roles: &[String],
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write(company_id).await?;
        let id: i64 =
            sqlx::query_scalar("INSERT INTO user_groups (company_id, name, description) VALUES ($1, $2, $3) RETURNING id")
                .bind(company_id)
                .bind(name)
                .bind(description)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query(
            "INSERT INTO group_roles (group_id, role_id)
             SELECT $1, id FROM roles WHERE name = ANY($2)",
        )
        .bind(id)
        .bind(roles)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Puts a user into a group of the same company.
    pub async fn add_group_member(&self, group_id: i64, user_id: i64) -> StoreResult<()> {
        let mut tx = self.begin_group_write(group_id).await?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT u.id FROM user_groups g JOIN users u ON u.company_id = g.company_id
             WHERE g.id = $1 AND u.id = $2",
        )
        .bind(group_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO group_members (group_id, user_id) VALUES ($1, $2)
             ON CONFLICT (group_id, user_id) DO NOTHING",
        )
        .bind(group_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a user out of a group.
    pub async fn remove_group_member(&self, group_id: i64, user_id: i64) -> StoreResult<()> {
        let mut tx = self.begin_group_write(group_id).await?;
        sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A write transaction holding the lock of the group's company.
    async fn begin_group_write(
        &self,
        group_id: i64,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let company_id: i64 =
            sqlx::query_scalar("SELECT company_id FROM user_groups WHERE id = $1")
                .bind(group_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        self.begin_write(company_id).await
    }

    /// Adds an agent owned by a user (of the company); returns its id.
    pub async fn create_agent(
        &self,
        company_id: i64,
        name: &str,
        owner_id: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_write(company_id).await?;
        let id = sqlx::query_scalar(
            "INSERT INTO agents (company_id, name, owner_id)
             SELECT $1, $2, id FROM users WHERE id = $3 AND company_id = $1 RETURNING id",
        )
        .bind(company_id)
        .bind(name)
        .bind(owner_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(id)
    }

    /// The agents a user owns (id and name).
    pub async fn agents_of(&self, user_id: i64) -> StoreResult<Vec<users_api::AgentRef>> {
        let mut conn = self.pool.acquire().await?;
        super::read::owned_agents(&mut conn, user_id).await
    }
}
