//! Access tokens: authentication, reveal and regenerate. Tokens are stored
//! only encrypted and found by their keyed hash; a found row is decrypted
//! and compared with the presented token in constant time.

use serde_json::json;
use sqlx::{PgConnection, Row};
use users_api::{RevealedToken, SETTINGS_ROLE};

use super::audit::record;
use super::PgStore;
use crate::crypto::{tokens_equal, TokenCrypto};
use crate::storage::{format_time, now, Caller, StoreError, StoreResult};

/// `last_used_at` is written at most this often per token.
const LAST_USED_GRANULARITY: time::Duration = time::Duration::minutes(1);

/// Creates (or replaces) a user's token; returns it.
pub(super) async fn issue_token(
    crypto: &TokenCrypto,
    conn: &mut PgConnection,
    user_id: i64,
) -> StoreResult<String> {
    let token = TokenCrypto::generate_token()?;
    let sealed = crypto.seal(user_id, &token)?;
    sqlx::query(
        "INSERT INTO access_tokens (user_id, lookup_hash, nonce, ciphertext, hint, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL)
         ON CONFLICT (user_id) DO UPDATE SET lookup_hash = excluded.lookup_hash,
             nonce = excluded.nonce, ciphertext = excluded.ciphertext, hint = excluded.hint,
             created_at = excluded.created_at, last_used_at = NULL",
    )
    .bind(user_id)
    .bind(&sealed.lookup_hash)
    .bind(&sealed.nonce)
    .bind(&sealed.ciphertext)
    .bind(&sealed.hint)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Decrypts a user's stored token (the user must be in `company_id`).
pub(super) async fn stored_token(
    crypto: &TokenCrypto,
    conn: &mut PgConnection,
    company_id: i64,
    user_id: i64,
) -> StoreResult<RevealedToken> {
    let row = sqlx::query(
        "SELECT t.nonce, t.ciphertext, t.created_at, t.last_used_at FROM access_tokens t
         JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 AND u.company_id = $2",
    )
    .bind(user_id)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    let nonce: Vec<u8> = row.get(0);
    let ciphertext: Vec<u8> = row.get(1);
    let token = crypto
        .open(user_id, &nonce, &ciphertext)
        .ok_or(StoreError::TokenUnreadable)?;
    Ok(RevealedToken {
        token,
        created_at: row.get(2),
        last_used_at: row.get(3),
    })
}

impl PgStore {
    /// The active user a token belongs to, with its Settings right read from
    /// current data; `None` for a malformed, unknown, replaced or archived
    /// user's token. Records the use (at most once a minute).
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Caller>> {
        if users_api::token::check_format(token).is_err() {
            return Ok(None);
        }
        let hash = self.crypto.lookup_hash(token);
        let row = sqlx::query(
            "SELECT t.user_id, t.nonce, t.ciphertext, t.last_used_at, u.company_id, u.status,
                    u.first_name || ' ' || u.last_name,
                    (EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                             WHERE ur.user_id = u.id AND r.name = $2)
                     OR EXISTS (SELECT 1 FROM group_members gm
                                JOIN group_roles gr ON gr.group_id = gm.group_id
                                JOIN roles r ON r.id = gr.role_id
                                WHERE gm.user_id = u.id AND r.name = $2))
             FROM access_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.lookup_hash = $1",
        )
        .bind(&hash)
        .bind(SETTINGS_ROLE)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user_id: i64 = row.get(0);
        let nonce: Vec<u8> = row.get(1);
        let ciphertext: Vec<u8> = row.get(2);
        let stored = self.crypto.open(user_id, &nonce, &ciphertext);
        let matches = stored.as_deref().is_some_and(|s| tokens_equal(s, token));
        let status: String = row.get(5);
        if !matches || status != "active" {
            return Ok(None);
        }
        let last_used: Option<String> = row.get(3);
        let now = time::OffsetDateTime::now_utc();
        let threshold = format_time(now - LAST_USED_GRANULARITY);
        if last_used
            .as_deref()
            .is_none_or(|at| at <= threshold.as_str())
        {
            sqlx::query(
                "UPDATE access_tokens SET last_used_at = $2
                 WHERE lookup_hash = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
            )
            .bind(&hash)
            .bind(format_time(now))
            .bind(&threshold)
            .execute(&self.pool)
            .await?;
        }
        Ok(Some(Caller {
            user_id,
            company_id: row.get(4),
            name: row.get(6),
            can_manage_users: row.get(7),
        }))
    }

    /// Reveals a user's token (`token.reveal` audited).
    pub async fn reveal_token(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
    ) -> StoreResult<RevealedToken> {
        let mut tx = self.begin_write(company_id).await?;
        let revealed = stored_token(&self.crypto, &mut tx, company_id, user_id).await?;
        record(
            &mut tx,
            company_id,
            actor_id,
            "token.reveal",
            Some(user_id),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(revealed)
    }

    /// Replaces a user's token; the old one fails from the commit on
    /// (`token.regenerate` audited with the new hint).
    pub async fn regenerate_token(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
    ) -> StoreResult<RevealedToken> {
        let mut tx = self.begin_write(company_id).await?;
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND company_id = $2)",
        )
        .bind(user_id)
        .bind(company_id)
        .fetch_one(&mut *tx)
        .await?;
        if !exists {
            return Err(StoreError::NotFound);
        }
        let token = issue_token(&self.crypto, &mut tx, user_id).await?;
        let hint = users_api::token::hint(&token);
        record(
            &mut tx,
            company_id,
            actor_id,
            "token.regenerate",
            Some(user_id),
            json!({ "hint": hint }),
        )
        .await?;
        let revealed = stored_token(&self.crypto, &mut tx, company_id, user_id).await?;
        tx.commit().await?;
        Ok(revealed)
    }
}
