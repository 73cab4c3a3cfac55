//! The SQLite statements behind the shared flows (`storage::flows`): a
//! write transaction is `BEGIN IMMEDIATE` on the single writer connection,
//! so it already excludes every other writer. Most statements are the
//! common ones (`storage::shared_sql`); role sets go through `json_each`.

use serde_json::Value;
use sqlx::{Row, Sqlite, Transaction};
use users_api::{AgentRef, UserDetail, SETTINGS_ROLE};

use super::summaries::load_provenance;
use super::SqliteStore;
use crate::crypto::{SealedToken, TokenCrypto};
use crate::storage::flows::{Backend, EmailHolder, SealedRow, TokenRow, UserFields, WriteTx};
use crate::storage::model::unique_violation_is_email;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::shared_sql::{common_token_statements, common_write_statements};
use crate::storage::{now, StoreError, StoreResult, DEFAULT_PROVIDERS};

impl Backend for SqliteStore {
    type Tx = Transaction<'static, Sqlite>;

    fn crypto(&self) -> &TokenCrypto {
        &self.crypto
    }

    async fn begin_company_write(&self, _company_id: i64) -> StoreResult<Self::Tx> {
        self.begin_write().await
    }

    async fn begin_catalogue_write(&self) -> StoreResult<Self::Tx> {
        self.begin_write().await
    }

    common_token_statements!();
}

impl WriteTx for Transaction<'static, Sqlite> {
    common_write_statements!();

    async fn lock_company(&mut self, _company_id: i64) -> StoreResult<()> {
        // BEGIN IMMEDIATE already excludes every other writer.
        Ok(())
    }

    async fn set_direct_roles(&mut self, user_id: i64, roles: &[String]) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = ?1")
            .bind(user_id)
            .execute(&mut **self)
            .await?;
        let names = serde_json::to_string(roles).expect("role names serialise");
        sqlx::query(
            "INSERT INTO user_roles (user_id, role_id)
             SELECT ?1, id FROM roles WHERE name IN (SELECT value FROM json_each(?2))",
        )
        .bind(user_id)
        .bind(names)
        .execute(&mut **self)
        .await?;
        Ok(())
    }
}
