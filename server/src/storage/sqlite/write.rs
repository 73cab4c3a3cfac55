//! User mutations: create, edit, archive (with agent transfer) and restore.
//! Each runs in one `BEGIN IMMEDIATE` transaction that checks, writes and
//! records its audit row; any refusal drops the transaction (rollback).

use serde_json::{json, Map, Value};
use sqlx::{Row, SqliteConnection};
use users_api::validation::{ValidChanges, ValidNewUser};
use users_api::{AgentRef, UserDetail, UserStatus};

use super::audit::record;
use super::checks::{
    any_active_admin, check_directory, email_conflict, provider_id, set_direct_roles,
    unique_violation_is_email,
};
use super::read::{load_detail, owned_agents};
use super::tokens::issue_token;
use super::SqliteStore;
use crate::storage::model::{has_settings, Expected};
use crate::storage::{now, sort_key, StoreError, StoreResult};

/// Inserts a user with its roles and a fresh token; returns the new id.
pub(super) async fn insert_user(
    store: &SqliteStore,
    conn: &mut SqliteConnection,
    company_id: i64,
    user: &ValidNewUser,
) -> StoreResult<i64> {
    let provider = provider_id(conn, company_id, &user.identity_provider).await?;
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (company_id, first_name, last_name, email, email_key,
                            identity_provider_id, status, sort_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7, ?8, ?8) RETURNING id",
    )
    .bind(company_id)
    .bind(user.first_name.as_str())
    .bind(user.last_name.as_str())
    .bind(user.email.as_str())
    .bind(user.email.key())
    .bind(provider)
    .bind(sort_key(user.first_name.as_str(), user.last_name.as_str()))
    .bind(&at)
    .fetch_one(&mut *conn)
    .await
    .map_err(unique_violation_is_email)?;
    set_direct_roles(conn, id, &user.roles).await?;
    issue_token(&store.crypto, conn, id).await?;
    Ok(id)
}

impl SqliteStore {
    /// Adds a user (`user.create` audited).
    pub async fn create_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user: &ValidNewUser,
    ) -> StoreResult<UserDetail> {
        let mut tx = self.begin_write().await?;
        check_directory(&mut tx, company_id).await?;
        if let Some(conflict) = email_conflict(&mut tx, company_id, &user.email.key()).await? {
            return Err(conflict);
        }
        let id = insert_user(self, &mut tx, company_id, user).await?;
        let details = json!({"user": {
            "first_name": user.first_name.as_str(), "last_name": user.last_name.as_str(),
            "email": user.email.as_str(), "identity_provider": user.identity_provider,
            "roles": user.roles,
        }});
        record(
            &mut tx,
            company_id,
            actor_id,
            "user.create",
            Some(id),
            details,
        )
        .await?;
        let detail = load_detail(&mut tx, company_id, id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// Edits a user at the expected version (`user.update` audited with the
    /// before/after of each changed field). Nothing changed: no new version.
    pub async fn update_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: &Expected,
        changes: &ValidChanges,
    ) -> StoreResult<UserDetail> {
        let mut tx = self.begin_write().await?;
        check_directory(&mut tx, company_id).await?;
        let current = load_detail(&mut tx, company_id, user_id).await?;
        if !expected.matches(current.version) {
            return Err(StoreError::Stale(Box::new(current)));
        }
        let s = &current.summary;
        let mut diff = Map::new();
        let mut note = |field: &str, before: Value, after: Value| {
            if before != after {
                diff.insert(field.to_string(), json!({"before": before, "after": after}));
            }
        };
        let first = changes
            .first_name
            .as_ref()
            .map_or(s.first_name.as_str(), |n| n.as_str());
        let last = changes
            .last_name
            .as_ref()
            .map_or(s.last_name.as_str(), |n| n.as_str());
        let email = changes
            .email
            .as_ref()
            .map_or(s.email.as_str(), |e| e.as_str());
        let provider = changes
            .identity_provider
            .as_deref()
            .unwrap_or(&s.identity_provider);
        let roles = changes.roles.as_ref().unwrap_or(&current.direct_roles);
        note("first_name", json!(s.first_name), json!(first));
        note("last_name", json!(s.last_name), json!(last));
        note("email", json!(s.email), json!(email));
        note(
            "identity_provider",
            json!(s.identity_provider),
            json!(provider),
        );
        note("roles", json!(current.direct_roles), json!(roles));
        if diff.is_empty() {
            return Ok(current);
        }
        let email_key = email.to_lowercase();
        if email_key != s.email.to_lowercase() {
            let taken: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE email_key = ?1 AND id <> ?2)",
            )
            .bind(&email_key)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            if taken {
                return Err(StoreError::EmailTaken);
            }
        }
        let provider_id = provider_id(&mut tx, company_id, provider).await?;
        sqlx::query(
            "UPDATE users SET first_name = ?2, last_name = ?3, email = ?4, email_key = ?5,
                    identity_provider_id = ?6, sort_key = ?7, version = version + 1, updated_at = ?8
             WHERE id = ?1",
        )
        .bind(user_id)
        .bind(first)
        .bind(last)
        .bind(email)
        .bind(&email_key)
        .bind(provider_id)
        .bind(sort_key(first, last))
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(unique_violation_is_email)?;
        if diff.contains_key("roles") {
            set_direct_roles(&mut tx, user_id, roles).await?;
        }
        if has_settings(&current) && !any_active_admin(&mut tx, company_id).await? {
            return Err(StoreError::LastAdmin);
        }
        record(
            &mut tx,
            company_id,
            actor_id,
            "user.update",
            Some(user_id),
            json!({ "changes": diff }),
        )
        .await?;
        let detail = load_detail(&mut tx, company_id, user_id).await?;
        tx.commit().await?;
        Ok(detail)
    }

    /// Archives a user, giving all its agents to `replacement` in the same
    /// transaction (`user.archive` audited with the transferred agents).
    /// Archiving an archived user changes nothing.
    pub async fn archive_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: Option<&Expected>,
        replacement: Option<i64>,
    ) -> StoreResult<(UserDetail, Vec<AgentRef>)> {
        let mut tx = self.begin_write().await?;
        check_directory(&mut tx, company_id).await?;
        let current = load_detail(&mut tx, company_id, user_id).await?;
        if user_id == actor_id {
            return Err(StoreError::CannotArchiveSelf);
        }
        if let Some(expected) = expected {
            if !expected.matches(current.version) {
                return Err(StoreError::Stale(Box::new(current)));
            }
        }
        if current.summary.status == UserStatus::Archived {
            return Ok((current, Vec::new()));
        }
        let agents = owned_agents(&mut tx, user_id).await?;
        let replacement = match replacement {
            Some(id) => Some(check_replacement(&mut tx, company_id, user_id, id).await?),
            None if agents.is_empty() => None,
            None => return Err(StoreError::OwnsAgents(agents)),
        };
        let at = now();
        sqlx::query(
            "UPDATE users SET status = 'archived', archived_at = ?2, archived_by = ?3,
                    version = version + 1, updated_at = ?2 WHERE id = ?1",
        )
        .bind(user_id)
        .bind(&at)
        .bind(actor_id)
        .execute(&mut *tx)
        .await?;
        if let Some((replacement_id, _)) = &replacement {
            sqlx::query("UPDATE agents SET owner_id = ?2 WHERE owner_id = ?1")
                .bind(user_id)
                .bind(replacement_id)
                .execute(&mut *tx)
                .await?;
        }
        if has_settings(&current) && !any_active_admin(&mut tx, company_id).await? {
            return Err(StoreError::LastAdmin);
        }
        let details = json!({
            "transferred_agents": agents,
            "replacement_owner": replacement.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
        });
        record(
            &mut tx,
            company_id,
            actor_id,
            "user.archive",
            Some(user_id),
            details,
        )
        .await?;
        let detail = load_detail(&mut tx, company_id, user_id).await?;
        tx.commit().await?;
        Ok((detail, agents))
    }

    /// Restores an archived user with the roles and groups it had
    /// (`user.restore` audited). Restoring an active user changes nothing.
    pub async fn restore_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: Option<&Expected>,
    ) -> StoreResult<UserDetail> {
        let mut tx = self.begin_write().await?;
        check_directory(&mut tx, company_id).await?;
        let current = load_detail(&mut tx, company_id, user_id).await?;
        if let Some(expected) = expected {
            if !expected.matches(current.version) {
                return Err(StoreError::Stale(Box::new(current)));
            }
        }
        if current.summary.status == UserStatus::Active {
            return Ok(current);
        }
        sqlx::query(
            "UPDATE users SET status = 'active', archived_at = NULL, archived_by = NULL,
                    version = version + 1, updated_at = ?2 WHERE id = ?1",
        )
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            company_id,
            actor_id,
            "user.restore",
            Some(user_id),
            json!({}),
        )
        .await?;
        let detail = load_detail(&mut tx, company_id, user_id).await?;
        tx.commit().await?;
        Ok(detail)
    }
}

/// The replacement owner must be another active user of the same company.
async fn check_replacement(
    conn: &mut SqliteConnection,
    company_id: i64,
    user_id: i64,
    replacement: i64,
) -> StoreResult<(i64, String)> {
    if replacement == user_id {
        return Err(StoreError::InvalidReplacement(
            "can't be the user being deleted".into(),
        ));
    }
    let row = sqlx::query(
        "SELECT first_name || ' ' || last_name FROM users
         WHERE id = ?1 AND company_id = ?2 AND status = 'active'",
    )
    .bind(replacement)
    .bind(company_id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok((replacement, row.get(0))),
        None => Err(StoreError::InvalidReplacement(
            "must be an active user of this company".into(),
        )),
    }
}
