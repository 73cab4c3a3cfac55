//! The write statements about users, their roles, agents and tokens, and
//! the audit log: [`WriteTx`]'s own methods, each one copy of its SQL run
//! on the transaction's backend. The role set differs per dialect: it
//! calls the backend's function by name. The company's statements are in
//! `company.rs`.

use serde_json::Value;
use users_api::SETTINGS_ROLE;

use super::{on_backend, Tx, WriteTx};
use crate::crypto::SealedToken;
use crate::storage::flows::{EmailHolder, SealedRow, UserFields};
use crate::storage::model::unique_violation_is_email;
use crate::storage::{now, StoreResult};

impl WriteTx {
    /// The user holding an email key, if any.
    pub(crate) async fn user_by_email(&mut self, key: &str) -> StoreResult<Option<EmailHolder>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(
                sqlx::query_as("SELECT id, company_id, status FROM users WHERE email_key = $1")
                    .bind(key)
                    .fetch_optional(&mut **tx)
                    .await?,
            )
        })
    }

    /// Whether a user other than `user_id` holds the email key.
    pub(crate) async fn email_taken_by_other(
        &mut self,
        key: &str,
        user_id: i64,
    ) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE email_key = $1 AND id <> $2)",
            )
            .bind(key)
            .bind(user_id)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// Inserts an active user (no roles, no token); returns its id. A taken
    /// email key is [`super::StoreError::EmailTaken`].
    pub(crate) async fn insert_user_row(
        &mut self,
        company_id: i64,
        f: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> StoreResult<i64> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query_scalar(
                "INSERT INTO users (company_id, first_name, last_name, email, email_key,
                                        identity_provider_id, status, sort_key, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8, $8) RETURNING id",
            )
            .bind(company_id)
            .bind(f.first_name)
            .bind(f.last_name)
            .bind(f.email)
            .bind(f.email_key)
            .bind(f.identity_provider_id)
            .bind(sort_key)
            .bind(at)
            .fetch_one(&mut **tx)
            .await
            .map_err(unique_violation_is_email)
        })
    }

    /// Stores new field values and a new version.
    pub(crate) async fn update_user_row(
        &mut self,
        user_id: i64,
        f: &UserFields<'_>,
        sort_key: &str,
        at: &str,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                    "UPDATE users SET first_name = $2, last_name = $3, email = $4, email_key = COALESCE($5, email_key),
                            identity_provider_id = $6, sort_key = $7, version = version + 1, updated_at = $8
                     WHERE id = $1",
                )
                .bind(user_id)
                .bind(f.first_name)
                .bind(f.last_name)
                .bind(f.email)
                .bind(f.email_key)
                .bind(f.identity_provider_id)
                .bind(sort_key)
                .bind(at)
                .execute(&mut **tx)
                .await
                .map_err(unique_violation_is_email)?;
            Ok(())
        })
    }

    /// Archives (`Some((at, by))`) or restores (`None`) a user; new version.
    pub(crate) async fn set_archived(
        &mut self,
        user_id: i64,
        archived: Option<(&str, i64)>,
        at: &str,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            let (status, archived_at, archived_by) = match archived {
                Some((when, by)) => ("archived", Some(when), Some(by)),
                None => ("active", None, None),
            };
            sqlx::query(
                "UPDATE users SET status = $2, archived_at = $3, archived_by = $4,
                            version = version + 1, updated_at = $5 WHERE id = $1",
            )
            .bind(user_id)
            .bind(status)
            .bind(archived_at)
            .bind(archived_by)
            .bind(at)
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// A new version with no field change (roles changed elsewhere).
    pub(crate) async fn bump_version(&mut self, user_id: i64, at: &str) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("UPDATE users SET version = version + 1, updated_at = $2 WHERE id = $1")
                .bind(user_id)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// A user's direct roles, in catalogue order.
    pub(crate) async fn direct_role_names(&mut self, user_id: i64) -> StoreResult<Vec<String>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                     WHERE ur.user_id = $1 ORDER BY r.position",
            )
            .bind(user_id)
            .fetch_all(&mut **tx)
            .await?)
        })
    }

    /// Whether a user holds `role` through one of its groups.
    pub(crate) async fn has_role_through_group(
        &mut self,
        user_id: i64,
        role: &str,
    ) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                    "SELECT EXISTS (SELECT 1 FROM group_members gm JOIN group_roles gr ON gr.group_id = gm.group_id
                                    JOIN roles r ON r.id = gr.role_id WHERE gm.user_id = $1 AND r.name = $2)",
                )
                .bind(user_id)
                .bind(role)
                .fetch_one(&mut **tx)
                .await?)
        })
    }

    /// Whether the company still has an active Settings holder.
    pub(crate) async fn any_active_admin(&mut self, company_id: i64) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            let found: bool = sqlx::query_scalar(
                // From the role to its holders, not from the company's users
                // to their roles (CROSS JOIN fixes that order on SQLite): a
                // company has few Settings holders and a million users.
                "SELECT EXISTS (SELECT 1 FROM roles r CROSS JOIN user_roles ur CROSS JOIN users u
                                WHERE r.name = $2 AND ur.role_id = r.id AND u.id = ur.user_id
                                  AND u.company_id = $1 AND u.status = 'active')
                     OR EXISTS (SELECT 1 FROM roles r CROSS JOIN group_roles gr
                                CROSS JOIN user_groups g CROSS JOIN group_members gm
                                WHERE r.name = $2 AND gr.role_id = r.id AND g.id = gr.group_id
                                  AND g.company_id = $1 AND gm.group_id = g.id
                                  AND gm.status = 'active')",
            )
            .bind(company_id)
            .bind(SETTINGS_ROLE)
            .fetch_one(&mut **tx)
            .await?;
            Ok(found)
        })
    }

    /// Whether the user holds Settings, directly or through a group.
    pub(crate) async fn holds_settings(&mut self, user_id: i64) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                                WHERE ur.user_id = $1 AND r.name = $2)
                     OR EXISTS (SELECT 1 FROM group_members gm
                                JOIN group_roles gr ON gr.group_id = gm.group_id
                                JOIN roles r ON r.id = gr.role_id
                                WHERE gm.user_id = $1 AND r.name = $2)",
            )
            .bind(user_id)
            .bind(SETTINGS_ROLE)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// "First Last" of an active user of the company, if it is one.
    pub(crate) async fn active_user_name(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<String>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT first_name || ' ' || last_name FROM users
                     WHERE id = $1 AND company_id = $2 AND status = 'active'",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_optional(&mut **tx)
            .await?)
        })
    }

    /// Gives all of one user's agents to another.
    pub(crate) async fn transfer_agents(&mut self, from: i64, to: i64) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query("UPDATE agents SET owner_id = $2 WHERE owner_id = $1")
                .bind(from)
                .bind(to)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// Whether the user belongs to the company.
    pub(crate) async fn user_exists(&mut self, company_id: i64, user_id: i64) -> StoreResult<bool> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND company_id = $2)",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_one(&mut **tx)
            .await?)
        })
    }

    /// Stores a sealed token for the user, replacing any other.
    pub(crate) async fn store_token(
        &mut self,
        user_id: i64,
        sealed: &SealedToken,
        at: &str,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
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
                .bind(at)
                .execute(&mut **tx)
                .await?;
            Ok(())
        })
    }

    /// The user's sealed token and its times; the user must be in the
    /// company.
    pub(crate) async fn sealed_token(
        &mut self,
        company_id: i64,
        user_id: i64,
    ) -> StoreResult<Option<SealedRow>> {
        on_backend!(Tx, &mut self.0, |tx| {
            Ok(sqlx::query_as(
                "SELECT t.nonce, t.ciphertext, t.created_at, t.last_used_at FROM access_tokens t
                     JOIN users u ON u.id = t.user_id WHERE t.user_id = $1 AND u.company_id = $2",
            )
            .bind(user_id)
            .bind(company_id)
            .fetch_optional(&mut **tx)
            .await?)
        })
    }

    /// Appends one audit row.
    pub(crate) async fn record(
        &mut self,
        company_id: i64,
        actor_id: i64,
        action: &str,
        target_user_id: Option<i64>,
        details: Value,
    ) -> StoreResult<()> {
        self.record_about(
            company_id,
            actor_id,
            action,
            (target_user_id, None),
            details,
        )
        .await
    }

    /// Appends one audit row of the operator's own command (no actor).
    pub(crate) async fn record_operator(
        &mut self,
        company_id: i64,
        action: &str,
        details: Value,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                "INSERT INTO audit_log (company_id, at, action, details) VALUES ($1, $2, $3, $4)",
            )
            .bind(company_id)
            .bind(now())
            .bind(action)
            .bind(details.to_string())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// Appends one audit row about a user and/or a group (`targets`).
    pub(crate) async fn record_about(
        &mut self,
        company_id: i64,
        actor_id: i64,
        action: &str,
        (target_user_id, target_group_id): (Option<i64>, Option<i64>),
        details: Value,
    ) -> StoreResult<()> {
        on_backend!(Tx, &mut self.0, |tx| {
            sqlx::query(
                "INSERT INTO audit_log (company_id, at, actor_id, action, target_user_id,
                                        target_group_id, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(company_id)
            .bind(now())
            .bind(actor_id)
            .bind(action)
            .bind(target_user_id)
            .bind(target_group_id)
            .bind(details.to_string())
            .execute(&mut **tx)
            .await?;
            Ok(())
        })
    }

    /// Replaces a user's direct roles (catalogue names).
    pub(crate) async fn set_direct_roles(
        &mut self,
        user_id: i64,
        roles: &[String],
    ) -> StoreResult<()> {
        match &mut self.0 {
            Tx::Sqlite(tx) => crate::storage::sqlite::set_direct_roles(tx, user_id, roles).await,
            Tx::Postgres(tx) => {
                crate::storage::postgres::set_direct_roles(tx, user_id, roles).await
            }
        }
    }
}
