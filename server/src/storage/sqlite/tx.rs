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
use crate::storage::flows::{Backend, SealedRow, TokenRow, UserFields, WriteTx};
use crate::storage::model::unique_violation_is_email;
use crate::storage::provenance::{UserRow, USER_SELECT};
use crate::storage::shared_sql::common_write_statements;
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

    async fn token_row(&self, lookup_hash: &[u8]) -> StoreResult<Option<TokenRow>> {
        let row = sqlx::query(
            "SELECT t.user_id, t.nonce, t.ciphertext, t.last_used_at, u.company_id,
                    u.status = 'active', u.first_name || ' ' || u.last_name,
                    (EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                             WHERE ur.user_id = u.id AND r.name = ?2)
                     OR EXISTS (SELECT 1 FROM group_members gm
                                JOIN group_roles gr ON gr.group_id = gm.group_id
                                JOIN roles r ON r.id = gr.role_id
                                WHERE gm.user_id = u.id AND r.name = ?2))
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.lookup_hash = ?1",
        )
        .bind(lookup_hash)
        .bind(SETTINGS_ROLE)
        .fetch_optional(&self.read)
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
            "UPDATE access_tokens SET last_used_at = ?2
             WHERE lookup_hash = ?1 AND (last_used_at IS NULL OR last_used_at <= ?3)",
        )
        .bind(lookup_hash)
        .bind(now)
        .bind(threshold)
        .execute(&self.write)
        .await?;
        Ok(())
    }
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
