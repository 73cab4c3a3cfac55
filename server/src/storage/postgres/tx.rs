//! The one write statement whose PostgreSQL form differs from SQLite's: a
//! role set is bound as an array. (A write transaction holds its company's
//! advisory lock, or the catalogue lock and then the company's: see
//! [`super::lock_company`].)

use sqlx::PgConnection;

use crate::storage::StoreResult;

/// Replaces a user's direct roles (catalogue names), writing only the
/// roles taken away and given: an edit that keeps the roles moves none of
/// the effective roles' rows and counts (kept by triggers).
pub(crate) async fn set_direct_roles(
    conn: &mut PgConnection,
    user_id: i64,
    roles: &[String],
) -> StoreResult<()> {
    sqlx::query(
        "DELETE FROM user_roles WHERE user_id = $1
         AND role_id NOT IN (SELECT id FROM roles WHERE name = ANY($2))",
    )
    .bind(user_id)
    .bind(roles)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO user_roles (user_id, role_id)
         SELECT $1, id FROM roles WHERE name = ANY($2)
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(roles)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
