//! Access tokens: authentication, reveal and regenerate. Tokens are stored
//! only encrypted and found by their keyed hash; a found row is decrypted
//! and compared with the presented token in constant time.

use serde_json::json;
use users_api::RevealedToken;

use super::{issue_token, stored_token, WriteTx};
use crate::crypto::{tokens_equal, TokenCrypto};
use crate::storage::{format_time, Caller, Store, StoreError, StoreResult};

/// `last_used_at` is written at most this often per token.
const LAST_USED_GRANULARITY: time::Duration = time::Duration::minutes(1);

impl Store {
    /// The active user a token belongs to, with its Settings right read from
    /// current data; `None` for a malformed, unknown, replaced or archived
    /// user's token. Records the use (at most once a minute).
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Caller>> {
        if users_api::token::check_format(token).is_err() {
            return Ok(None);
        }
        let hash = self.crypto().lookup_hash(token);
        let Some(row) = self.token_row(&hash).await? else {
            return Ok(None);
        };
        let stored = self.crypto().open(row.user_id, &row.nonce, &row.ciphertext);
        let matches = stored.as_deref().is_some_and(|s| tokens_equal(s, token));
        if !matches || !row.active {
            return Ok(None);
        }
        let now = time::OffsetDateTime::now_utc();
        let threshold = format_time(now - LAST_USED_GRANULARITY);
        if row
            .last_used_at
            .as_deref()
            .is_none_or(|at| at <= threshold.as_str())
        {
            self.touch_token(&hash, &format_time(now), &threshold)
                .await?;
        }
        Ok(Some(Caller {
            user_id: row.user_id,
            company_id: row.company_id,
            name: row.name,
            can_manage_users: row.can_manage_users,
        }))
    }

    /// Reveals a user's token (`token.reveal` audited).
    pub async fn reveal_token(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
    ) -> StoreResult<RevealedToken> {
        let mut tx = self.begin_company_write(company_id).await?;
        let revealed = stored_token(&mut tx, self.crypto(), company_id, user_id).await?;
        tx.record(
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

    /// Replaces a user's token; the old one fails from the commit on, on every
    /// instance (`token.regenerate` audited with the new hint).
    pub async fn regenerate_token(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
    ) -> StoreResult<RevealedToken> {
        let mut tx = self.begin_company_write(company_id).await?;
        if !tx.user_exists(company_id, user_id).await? {
            return Err(StoreError::NotFound);
        }
        replace_token(&mut tx, self.crypto(), company_id, actor_id, user_id, None).await?;
        let revealed = stored_token(&mut tx, self.crypto(), company_id, user_id).await?;
        tx.commit().await?;
        Ok(revealed)
    }
}

/// Gives a user a new token in `tx` (the old one fails from the commit on)
/// and audits it as `token.regenerate` with the new hint and, when the
/// change made it, why (e.g. `restore`).
pub(crate) async fn replace_token(
    tx: &mut WriteTx,
    crypto: &TokenCrypto,
    company_id: i64,
    actor_id: i64,
    user_id: i64,
    reason: Option<&str>,
) -> StoreResult<()> {
    let token = issue_token(tx, crypto, user_id).await?;
    let mut details = json!({ "hint": users_api::token::hint(&token) });
    if let Some(reason) = reason {
        details["reason"] = json!(reason);
    }
    tx.record(
        company_id,
        actor_id,
        "token.regenerate",
        Some(user_id),
        details,
    )
    .await
}
