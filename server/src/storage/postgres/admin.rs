//! Groups, memberships and agents, for the tests (feature `test-support`)
//! until the Groups work gives them an API; the company, the first
//! administrator and the directory switch are shared flows.

use sqlx::{Postgres, Transaction};

use super::PgStore;
use crate::storage::{StoreError, StoreResult};

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
            sqlx::query_scalar("INSERT INTO user_groups (company_id, name, name_key, description, created_at, updated_at) VALUES ($1, $2, $4, $3, $5, $5) RETURNING id")
                .bind(company_id)
                .bind(name)
                .bind(description)
                .bind(users_api::identity::fold(name))
                .bind(crate::storage::now())
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
}
