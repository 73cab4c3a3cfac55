//! The token statements of [`super`].

/// The token lookup and its use stamp, for `impl Backend for <Backend>Store`,
/// which provides `read_pool()` and `write_pool()`.
macro_rules! common_token_statements {
    () => {
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
            .fetch_optional(self.read_pool())
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
            .execute(self.write_pool())
            .await?;
            Ok(())
        }
    };
}

pub(crate) use common_token_statements;
