//! The SQLite statements behind the shared flows (`storage::flows`): a
//! write transaction is `BEGIN IMMEDIATE` on the single writer connection,
//! so it already excludes every other writer.

use serde_json::Value;
use sqlx::{Row, Sqlite, Transaction};
use users_api::{AgentRef, UserDetail, SETTINGS_ROLE};

use super::{admin, audit, checks, read, SqliteStore};
use crate::crypto::{SealedToken, TokenCrypto};
use crate::storage::flows::{Backend, SealedRow, TokenRow, UserFields, WriteTx};
use crate::storage::StoreResult;

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
    async fn commit(self) -> StoreResult<()> {
        Ok(Transaction::commit(self).await?)
    }

    async fn lock_company(&mut self, _company_id: i64) -> StoreResult<()> {
        Ok(())
    }

    async fn ensure_company(&mut self, name: &str) -> StoreResult<(i64, bool)> {
        admin::ensure_company(self, name).await
    }

    async fn check_directory(&mut self, company_id: i64) -> StoreResult<()> {
        checks::check_directory(self, company_id).await
    }

    async fn load_detail(&mut self, company_id: i64, user_id: i64) -> StoreResult<UserDetail> {
        read::load_detail(self, company_id, user_id).await
    }

    async fn user_by_email(&mut self, key: &str) -> StoreResult<Option<(i64, i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, company_id, status FROM users WHERE email_key = ?1")
                .bind(key)
                .fetch_optional(&mut **self)
                .await?,
        )
    }

    async fn email_taken_by_other(&mut self, key: &str, user_id: i64) -> StoreResult<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE email_key = ?1 AND id <> ?2)",
        )
        .bind(key)
        .bind(user_id)
        .fetch_one(&mut **self)
        .await?)
    }

    async fn provider_id(&mut self, company_id: i64, name: &str) -> StoreResult<i64> {
        checks::provider_id(self, company_id, name).await
    }

    async fn insert_user_row(
        &mut self,
        company_id: i64,
        f: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> StoreResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO users (company_id, first_name, last_name, email, email_key,
                                identity_provider_id, status, sort_key, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?8, ?8) RETURNING id",
        )
        .bind(company_id)
        .bind(f.first_name)
        .bind(f.last_name)
        .bind(f.email)
        .bind(f.email_key)
        .bind(f.identity_provider_id)
        .bind(sort_key)
        .bind(at)
        .fetch_one(&mut **self)
        .await
        .map_err(checks::unique_violation_is_email)
    }

    async fn update_user_row(
        &mut self,
        user_id: i64,
        f: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE users SET first_name = ?2, last_name = ?3, email = ?4, email_key = ?5,
                    identity_provider_id = ?6, sort_key = ?7, version = version + 1, updated_at = ?8
             WHERE id = ?1",
        )
        .bind(user_id)
        .bind(f.first_name)
        .bind(f.last_name)
        .bind(f.email)
        .bind(f.email_key)
        .bind(f.identity_provider_id)
        .bind(sort_key)
        .bind(at)
        .execute(&mut **self)
        .await
        .map_err(checks::unique_violation_is_email)?;
        Ok(())
    }

    async fn set_archived(
        &mut self,
        user_id: i64,
        archived: Option<(&str, i64)>,
        at: &str,
    ) -> StoreResult<()> {
        let (status, archived_at, archived_by) = match archived {
            Some((when, by)) => ("archived", Some(when), Some(by)),
            None => ("active", None, None),
        };
        sqlx::query(
            "UPDATE users SET status = ?2, archived_at = ?3, archived_by = ?4,
                    version = version + 1, updated_at = ?5 WHERE id = ?1",
        )
        .bind(user_id)
        .bind(status)
        .bind(archived_at)
        .bind(archived_by)
        .bind(at)
        .execute(&mut **self)
        .await?;
        Ok(())
    }

    async fn bump_version(&mut self, user_id: i64, at: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET version = version + 1, updated_at = ?2 WHERE id = ?1")
            .bind(user_id)
            .bind(at)
            .execute(&mut **self)
            .await?;
        Ok(())
    }

    async fn set_direct_roles(&mut self, user_id: i64, roles: &[String]) -> StoreResult<()> {
        checks::set_direct_roles(self, user_id, roles).await
    }

    async fn direct_role_names(&mut self, user_id: i64) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
             WHERE ur.user_id = ?1 ORDER BY r.position",
        )
        .bind(user_id)
        .fetch_all(&mut **self)
        .await?)
    }

    async fn has_role_through_group(&mut self, user_id: i64, role: &str) -> StoreResult<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id
                            JOIN roles r ON r.id = gr.role_id WHERE gm.user_id = ?1 AND r.name = ?2)",
        )
        .bind(user_id)
        .bind(role)
        .fetch_one(&mut **self)
        .await?)
    }

    async fn any_active_admin(&mut self, company_id: i64) -> StoreResult<bool> {
        checks::any_active_admin(self, company_id).await
    }

    async fn owned_agents(&mut self, user_id: i64) -> StoreResult<Vec<AgentRef>> {
        read::owned_agents(self, user_id).await
    }

    async fn active_user_name(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT first_name || ' ' || last_name FROM users
             WHERE id = ?1 AND company_id = ?2 AND status = 'active'",
        )
        .bind(user_id)
        .bind(company_id)
        .fetch_optional(&mut **self)
        .await?)
    }

    async fn transfer_agents(&mut self, from: i64, to: i64) -> StoreResult<()> {
        sqlx::query("UPDATE agents SET owner_id = ?2 WHERE owner_id = ?1")
            .bind(from)
            .bind(to)
            .execute(&mut **self)
            .await?;
        Ok(())
    }

    async fn user_exists(&mut self, company_id: i64, user_id: i64) -> StoreResult<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1 AND company_id = ?2)",
        )
        .bind(user_id)
        .bind(company_id)
        .fetch_one(&mut **self)
        .await?)
    }

    async fn store_token(
        &mut self,
        user_id: i64,
        sealed: &SealedToken,
        at: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO access_tokens (user_id, lookup_hash, nonce, ciphertext, hint, created_at, last_used_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)
             ON CONFLICT (user_id) DO UPDATE SET lookup_hash = excluded.lookup_hash,
                 nonce = excluded.nonce, ciphertext = excluded.ciphertext, hint = excluded.hint,
                 created_at = excluded.created_at, last_used_at = NULL",
        )
        .bind(user_id)
        .bind(&sealed.lookup_hash)
        .bind(&sealed.nonce)
        .bind(&sealed.ciphertext)
        .bind(&sealed.hint)
        .bind(at)
        .execute(&mut **self)
        .await?;
        Ok(())
    }

    async fn sealed_token(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<SealedRow>> {
        Ok(sqlx::query_as(
            "SELECT t.nonce, t.ciphertext, t.created_at, t.last_used_at FROM access_tokens t
             JOIN users u ON u.id = t.user_id WHERE t.user_id = ?1 AND u.company_id = ?2",
        )
        .bind(user_id)
        .bind(company_id)
        .fetch_optional(&mut **self)
        .await?)
    }

    async fn record(
        &mut self,
        company_id: i64,
        actor_id: i64,
        action: &str,
        target_user_id: Option<i64>,
        details: Value,
    ) -> StoreResult<()> {
        audit::record(self, company_id, actor_id, action, target_user_id, details).await
    }
}
