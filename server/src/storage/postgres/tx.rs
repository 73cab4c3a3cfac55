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
use crate::storage::flows::{Backend, SealedRow, TokenRow, UserFields, WriteTx};
use crate::storage::model::unique_violation_is_email;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::shared_sql::common_write_statements;
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

    async fn token_row(&self, lookup_hash: &[u8]) -> StoreResult<Option<TokenRow>> {
        let row = sqlx::query(
            "SELECT t.user_id, t.nonce, t.ciphertext, t.last_used_at, u.company_id,
                    u.status = 'active', u.first_name || ' ' || u.last_name,
                    (EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                             WHERE ur.user_id = u.id AND r.name = $2)
                     OR EXISTS (SELECT 1 FROM group_members gm
                                JOIN group_roles gr ON gr.group_id = gm.group_id
                                JOIN roles r ON r.id = gr.role_id
                                WHERE gm.user_id = u.id AND r.name = $2))
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.lookup_hash = $1",
        )
        .bind(lookup_hash)
        .bind(SETTINGS_ROLE)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|row| TokenRow {
            user_id: row.get(0),
            nonce: row.get(1),
            ciphertext: row.get(2),
            last_used_at: row.get(3),
            company_id: row.get(4),
            active: row.get(5),
            name: row.get(6),
            can_manage_users: row.get(7),
        }))
    }

    async fn touch_token(&self, lookup_hash: &[u8], now: &str, threshold: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE access_tokens SET last_used_at = $2
             WHERE lookup_hash = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
        )
        .bind(lookup_hash)
        .bind(now)
        .bind(threshold)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
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
