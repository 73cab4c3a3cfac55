//! The PostgreSQL statements behind the shared flows (`storage::flows`): a
//! write transaction holds its company's advisory lock (or the catalogue
//! lock, then the company's), so a company's writers run one at a time
//! across every instance. Most statements are the common ones
//! (`storage::shared_sql`); role sets are bound as arrays.

use serde_json::Value;
use sqlx::{Postgres, Row, Transaction};
use users_api::{AgentRef, UserDetail, SETTINGS_ROLE};

use super::summaries::load_provenance;
use super::PgStore;
use crate::crypto::{SealedToken, TokenCrypto};
use crate::storage::flows::{Backend, EmailHolder, SealedRow, TokenRow, UserFields, WriteTx};
use crate::storage::model::unique_violation_is_email;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::shared_sql::{common_token_statements, common_write_statements};
use crate::storage::{now, StoreError, StoreResult, DEFAULT_PROVIDERS};

impl Backend for PgStore {
    type Tx = Transaction<'static, Postgres>;

    fn crypto(&self) -> &TokenCrypto {
        &self.crypto
    }

    async fn begin_company_write(&self, company_id: i64) -> StoreResult<Self::Tx> {
        self.begin_write(company_id).await
    }

    async fn begin_catalogue_write(&self) -> StoreResult<Self::Tx> {
        PgStore::begin_catalogue_write(self).await
    }

    common_token_statements!();
}

impl WriteTx for Transaction<'static, Postgres> {
    common_write_statements!();

    async fn lock_company(&mut self, company_id: i64) -> StoreResult<()> {
        super::lock_company(self, company_id).await
    }

    async fn set_direct_roles(&mut self, user_id: i64, roles: &[String]) -> StoreResult<()> {
        sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **self)
            .await?;
        sqlx::query(
            "INSERT INTO user_roles (user_id, role_id)
             SELECT $1, id FROM roles WHERE name = ANY($2)",
        )
        .bind(user_id)
        .bind(roles)
        .execute(&mut **self)
        .await?;
        Ok(())
    }
}
