//! Checks and small writes shared by the user mutations: the directory
//! switch, the last-admin rule, email conflicts, providers, roles.

use sqlx::PgConnection;
use users_api::SETTINGS_ROLE;

use crate::storage::{StoreError, StoreResult};

/// Refuses user mutations while the company's users live in a directory.
pub(super) async fn check_directory(conn: &mut PgConnection, company_id: i64) -> StoreResult<()> {
    let provider: Option<Option<String>> =
        sqlx::query_scalar("SELECT directory_provider FROM companies WHERE id = $1")
            .bind(company_id)
            .fetch_optional(&mut *conn)
            .await?;
    match provider {
        None => Err(StoreError::NotFound),
        Some(Some(provider)) => Err(StoreError::DirectoryManaged(provider)),
        Some(None) => Ok(()),
    }
}

/// Whether the company still has an active Settings holder (direct or group).
pub(super) async fn any_active_admin(
    conn: &mut PgConnection,
    company_id: i64,
) -> StoreResult<bool> {
    let found: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM user_roles ur
                        JOIN roles r ON r.id = ur.role_id
                        JOIN users u ON u.id = ur.user_id
                        WHERE r.name = $2 AND u.company_id = $1 AND u.status = 'active')
             OR EXISTS (SELECT 1 FROM group_roles gr
                        JOIN roles r ON r.id = gr.role_id
                        JOIN group_members gm ON gm.group_id = gr.group_id
                        JOIN users u ON u.id = gm.user_id
                        WHERE r.name = $2 AND u.company_id = $1 AND u.status = 'active')",
    )
    .bind(company_id)
    .bind(SETTINGS_ROLE)
    .fetch_one(&mut *conn)
    .await?;
    Ok(found)
}

pub(super) async fn provider_id(
    conn: &mut PgConnection,
    company_id: i64,
    name: &str,
) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT id FROM identity_providers WHERE company_id = $1 AND name = $2")
        .bind(company_id)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::Conflict(format!("no identity provider named {name:?}")))
}

/// Replaces a user's direct roles with `roles` (catalogue names).
pub(super) async fn set_direct_roles(
    conn: &mut PgConnection,
    user_id: i64,
    roles: &[String],
) -> StoreResult<()> {
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO user_roles (user_id, role_id)
         SELECT $1, id FROM roles WHERE name = ANY($2)",
    )
    .bind(user_id)
    .bind(roles)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A unique violation on insert or update means another transaction (of
/// another company, so not holding our lock) took the email first.
pub(super) fn unique_violation_is_email(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::EmailTaken,
        _ => StoreError::Database(err),
    }
}
