//! The two token statements authentication runs outside a transaction:
//! the lookup (on the read pool) and the use stamp.

use sqlx::Row;
use users_api::SETTINGS_ROLE;

use super::on_backend;
use crate::storage::flows::TokenRow;
use crate::storage::{Store, StoreResult};

impl Store {
    /// The token with this lookup hash, if any, with what authentication
    /// needs of its user (read from current data).
    pub(crate) async fn token_row(&self, lookup_hash: &[u8]) -> StoreResult<Option<TokenRow>> {
        on_backend!(ReadPool, self.read_pool(), |pool| {
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
            .fetch_optional(pool)
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
        })
    }

    /// Sets the token's `last_used_at` to `now` unless it is after `threshold`
    /// (one conditional statement: correct whichever instance runs it).
    pub(crate) async fn touch_token(
        &self,
        lookup_hash: &[u8],
        now: &str,
        threshold: &str,
    ) -> StoreResult<()> {
        on_backend!(WritePool, self.write_pool(), |pool| {
            sqlx::query(
                "UPDATE access_tokens SET last_used_at = $2
                 WHERE lookup_hash = $1 AND (last_used_at IS NULL OR last_used_at <= $3)",
            )
            .bind(lookup_hash)
            .bind(now)
            .bind(threshold)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}
