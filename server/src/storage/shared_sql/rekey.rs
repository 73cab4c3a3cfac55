//! The identity-key migration's statements (see `storage::rekey`), expanded
//! in each backend for its connection type. Everything it names is an
//! absolute path; what differs per backend is passed in: the connection type
//! and the filter that finds rows outside printable ASCII.

/// Expands `async fn rekey_identities(conn) -> StoreResult<RekeyPlan>`: runs
/// the migration on `conn` (inside the caller's write transaction, which
/// must hold the backend's write lock) unless the setting says it ran; then
/// records it. Returns what it wrote.
macro_rules! rekey_statements {
    ($conn:ty, non_ascii = $non_ascii:literal) => {
        pub(super) async fn rekey_identities(
            conn: &mut $conn,
        ) -> $crate::storage::StoreResult<$crate::storage::rekey::RekeyPlan> {
            use $crate::storage::rekey::{parking_key, plan, RekeyPlan, StoredIdentity, DONE_SETTING};
            let done: Option<String> =
                ::sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
                    .bind(DONE_SETTING)
                    .fetch_optional(&mut *conn)
                    .await?;
            if done.is_some() {
                return Ok(RekeyPlan::default());
            }
            let rows: Vec<StoredIdentity> = ::sqlx::query_as(concat!(
                "SELECT id, first_name, last_name, email, email_key, sort_key FROM users
                 WHERE email_key LIKE '%xn--%' OR ",
                $non_ascii
            ))
            .fetch_all(&mut *conn)
            .await?;
            let mut holder = ::std::collections::HashMap::new();
            for row in &rows {
                let key = ::users_api::identity::email_key(&row.email);
                let id: Option<i64> = ::sqlx::query_scalar("SELECT id FROM users WHERE email_key = $1")
                    .bind(&key)
                    .fetch_optional(&mut *conn)
                    .await?;
                if let Some(id) = id {
                    holder.insert(key, id);
                }
            }
            let planned = plan(&rows, &holder);
            let before: ::std::collections::HashMap<i64, &str> =
                rows.iter().map(|r| (r.id, r.email_key.as_str())).collect();
            for update in &planned.updates {
                if before.get(&update.id) != Some(&update.email_key.as_str()) {
                    ::sqlx::query("UPDATE users SET email_key = $2 WHERE id = $1")
                        .bind(update.id)
                        .bind(parking_key(update.id))
                        .execute(&mut *conn)
                        .await?;
                }
            }
            for update in &planned.updates {
                ::sqlx::query(
                    "UPDATE users SET first_name = $2, last_name = $3, email = $4,
                            email_key = $5, sort_key = $6 WHERE id = $1",
                )
                .bind(update.id)
                .bind(&update.first_name)
                .bind(&update.last_name)
                .bind(&update.email)
                .bind(&update.email_key)
                .bind(&update.sort_key)
                .execute(&mut *conn)
                .await?;
            }
            let at = $crate::storage::now();
            for collision in &planned.collisions {
                ::sqlx::query(
                    "INSERT INTO identity_key_collisions (user_id, other_user_id, email_key, found_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(collision.user_id)
                .bind(collision.other_user_id)
                .bind(&collision.email_key)
                .bind(&at)
                .execute(&mut *conn)
                .await?;
            }
            ::sqlx::query("INSERT INTO settings (name, value) VALUES ($1, '1')")
                .bind(DONE_SETTING)
                .execute(&mut *conn)
                .await?;
            Ok(planned)
        }
    };
}

pub(crate) use rekey_statements;
