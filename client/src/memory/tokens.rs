//! Access tokens in memory: deterministic generation, reveal and
//! regeneration, each audited like the server does.

use users_api::{token, RevealedToken, UserId};

use super::store::Store;
use crate::ApiError;

impl Store {
    pub(super) fn new_token(&mut self) -> String {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            // xorshift64*: deterministic, good enough for test tokens.
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            chunk.copy_from_slice(&self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        token::format_token(&bytes)
    }

    /// `GET /users/{id}/access_token`, as `caller`.
    pub(super) fn reveal_token(
        &mut self,
        caller: UserId,
        id: UserId,
    ) -> Result<RevealedToken, ApiError> {
        let user = self.user(id)?;
        let revealed = RevealedToken {
            token: user.token.clone(),
            created_at: user.token_created_at.clone(),
            last_used_at: user.token_last_used_at.clone(),
        };
        self.record(caller, "token.reveal", id, serde_json::Value::Null);
        Ok(revealed)
    }

    /// `POST /users/{id}/access_token`, as `caller`: a new token replaces the old.
    pub(super) fn regenerate_token(
        &mut self,
        caller: UserId,
        id: UserId,
    ) -> Result<RevealedToken, ApiError> {
        self.user(id)?;
        let token = self.new_token();
        let now = self.now();
        let user = self.user_mut(id)?;
        user.token = token.clone();
        user.token_created_at = now.clone();
        user.token_last_used_at = None;
        self.record(caller, "token.regenerate", id, serde_json::Value::Null);
        Ok(RevealedToken {
            token,
            created_at: now,
            last_used_at: None,
        })
    }
}
