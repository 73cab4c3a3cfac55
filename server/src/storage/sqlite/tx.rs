//! The one write statement whose SQLite form differs from PostgreSQL's:
//! a role set is bound as a JSON array and expanded with `json_each`.
//! (A write transaction is `BEGIN IMMEDIATE` on the single writer
//! connection, so it already excludes every other writer: no lock to take.)

use sqlx::SqliteConnection;

use crate::storage::StoreResult;

/// Replaces a user's direct roles (catalogue names), writing only the
/// roles taken away and given: an edit that keeps the roles moves none of
/// the effective roles' rows and counts (kept by triggers).
pub(crate) async fn set_direct_roles(
    conn: &mut SqliteConnection,
    user_id: i64,
    roles: &[String],
) -> StoreResult<()> {
    let names = serde_json::to_string(roles).expect("role names serialise");
    sqlx::query(
        "DELETE FROM user_roles WHERE user_id = ?1
         AND role_id NOT IN (SELECT id FROM roles WHERE name IN (SELECT value FROM json_each(?2)))",
    )
    .bind(user_id)
    .bind(&names)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO user_roles (user_id, role_id)
         SELECT ?1, id FROM roles WHERE name IN (SELECT value FROM json_each(?2))",
    )
    .bind(user_id)
    .bind(names)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
