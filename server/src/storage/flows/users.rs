//! User changes: create, edit, archive (with agent transfer) and restore,
//! each checked, written and audited in one transaction.

use serde_json::json;
use users_api::group::unknown_groups_message;
use users_api::rules::{self, Edit};
use users_api::validation::{ValidChanges, ValidNewUser};
use users_api::{identity, AgentRef, UserDetail, UserStatus};

use super::groups::set_user_groups;
use super::tokens::replace_token;
use super::{insert_user, UserFields, WriteTx};
use crate::storage::model::{has_settings, Expected};
use crate::storage::{now, Store, StoreError, StoreResult};

/// Why an email cannot be used by a new user of the company, if it cannot.
async fn email_conflict(
    tx: &mut WriteTx,
    company_id: i64,
    key: &str,
) -> StoreResult<Option<StoreError>> {
    Ok(tx.user_by_email(key).await?.map(|holder| {
        // Another company's archived user is still "taken": do not reveal it.
        if holder.company_id == company_id && holder.status == "archived" {
            StoreError::EmailArchived
        } else {
            StoreError::EmailTaken
        }
    }))
}

impl Store {
    /// Adds a user (`user.create` audited).
    pub async fn create_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user: &ValidNewUser,
    ) -> StoreResult<UserDetail> {
        let mut tx = self.begin_company_write(company_id).await?;
        tx.check_directory(company_id).await?;
        if let Some(conflict) = email_conflict(&mut tx, company_id, &user.email.key()).await? {
            return Err(conflict);
        }
        let id = insert_user(&mut tx, self.crypto(), company_id, user).await?;
        let details = json!({"user": {
            "first_name": user.first_name.stored(), "last_name": user.last_name.stored(),
            "email": user.email.stored(), "identity_provider": user.identity_provider,
            "roles": user.roles,
        }});
        tx.record(company_id, actor_id, "user.create", Some(id), details)
            .await?;
        let detail = tx.load_detail(company_id, id).await?;
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
        let mut tx = self.begin_company_write(company_id).await?;
        // Memberships stay manageable in directory mode; the user's own
        // fields do not.
        let only_groups = changes.groups.is_some()
            && ValidChanges {
                groups: None,
                ..changes.clone()
            } == ValidChanges::default();
        if !only_groups {
            tx.check_directory(company_id).await?;
        }
        let current = tx.load_detail(company_id, user_id).await?;
        if !expected.matches(current.version) {
            return Err(StoreError::Stale(Box::new(current)));
        }
        let edit = Edit::of(&current, changes);
        if edit.is_noop() {
            return Ok(current);
        }
        let (first, last, email, provider, roles) = (
            &edit.first_name,
            &edit.last_name,
            &edit.email,
            &edit.identity_provider,
            &edit.direct_roles,
        );
        // A new address gets its canonical key; an unchanged one keeps the key
        // it has (one the identity-key migration left as a reported collision
        // must not block edits to other fields).
        let email_key = edit.touches("email").then(|| identity::email_key(email));
        if let Some(key) = &email_key {
            if tx.email_taken_by_other(key, user_id).await? {
                return Err(StoreError::EmailTaken);
            }
        }
        let fields = UserFields {
            first_name: first,
            last_name: last,
            email,
            email_key: email_key.as_deref(),
            identity_provider_id: tx.provider_id(company_id, provider).await?,
        };
        tx.update_user_row(user_id, &fields, &identity::name_key(first, last), &now())
            .await?;
        if edit.touches("groups") {
            let unknown = tx.not_groups(company_id, &edit.groups).await?;
            if !unknown.is_empty() {
                return Err(StoreError::InvalidField {
                    field: "groups",
                    message: unknown_groups_message(&unknown),
                });
            }
        }
        if edit.touches("roles") {
            tx.set_direct_roles(user_id, roles).await?;
        }
        if edit.touches("groups") {
            set_user_groups(&mut tx, user_id, &edit.groups).await?;
        }
        if user_id == actor_id && has_settings(&current) && !tx.holds_settings(user_id).await? {
            return Err(StoreError::SelfLockout);
        }
        if has_settings(&current) && !tx.any_active_admin(company_id).await? {
            return Err(StoreError::LastAdmin);
        }
        let details = json!({ "changes": edit.changes });
        tx.record(company_id, actor_id, "user.update", Some(user_id), details)
            .await?;
        let detail = tx.load_detail(company_id, user_id).await?;
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
        let mut tx = self.begin_company_write(company_id).await?;
        tx.check_directory(company_id).await?;
        let current = tx.load_detail(company_id, user_id).await?;
        if user_id == actor_id {
            return Err(StoreError::CannotArchiveSelf);
        }
        if expected.is_some_and(|e| !e.matches(current.version)) {
            return Err(StoreError::Stale(Box::new(current)));
        }
        if current.summary.status == UserStatus::Archived {
            return Ok((current, Vec::new()));
        }
        let agents = tx.owned_agents(user_id).await?;
        let replacement = match replacement {
            Some(id) => Some(check_replacement(&mut tx, company_id, user_id, id).await?),
            None if agents.is_empty() => None,
            None => return Err(StoreError::OwnsAgents(agents)),
        };
        let at = now();
        tx.set_archived(user_id, Some((&at, actor_id)), &at).await?;
        if let Some((replacement_id, _)) = &replacement {
            tx.transfer_agents(user_id, *replacement_id).await?;
        }
        if has_settings(&current) && !tx.any_active_admin(company_id).await? {
            return Err(StoreError::LastAdmin);
        }
        let details = json!({
            "transferred_agents": agents,
            "replacement_owner": replacement.as_ref().map(|(id, name)| json!({"id": id, "name": name})),
        });
        tx.record(company_id, actor_id, "user.archive", Some(user_id), details)
            .await?;
        let detail = tx.load_detail(company_id, user_id).await?;
        tx.commit().await?;
        Ok((detail, agents))
    }

    /// Restores an archived user with the roles and groups it had and a new
    /// access token (`user.restore` and `token.regenerate` audited). Restoring an
    /// active user changes nothing.
    pub async fn restore_user(
        &self,
        company_id: i64,
        actor_id: i64,
        user_id: i64,
        expected: Option<&Expected>,
    ) -> StoreResult<UserDetail> {
        let mut tx = self.begin_company_write(company_id).await?;
        tx.check_directory(company_id).await?;
        let current = tx.load_detail(company_id, user_id).await?;
        if expected.is_some_and(|e| !e.matches(current.version)) {
            return Err(StoreError::Stale(Box::new(current)));
        }
        if current.summary.status == UserStatus::Active {
            return Ok(current);
        }
        tx.set_archived(user_id, None, &now()).await?;
        tx.record(
            company_id,
            actor_id,
            "user.restore",
            Some(user_id),
            json!({}),
        )
        .await?;
        // Archiving revoked the token for good: whoever kept it (a departed
        // user, a leaked copy) is not let back in. The restored user gets a new
        // one, revealable as usual.
        replace_token(
            &mut tx,
            self.crypto(),
            company_id,
            actor_id,
            user_id,
            Some("restore"),
        )
        .await?;
        let detail = tx.load_detail(company_id, user_id).await?;
        tx.commit().await?;
        Ok(detail)
    }
}

/// The replacement owner must be another active user of the same company.
async fn check_replacement(
    tx: &mut WriteTx,
    company_id: i64,
    user_id: i64,
    replacement: i64,
) -> StoreResult<(i64, String)> {
    if replacement == user_id {
        return Err(StoreError::InvalidReplacement(
            rules::REPLACEMENT_IS_USER.into(),
        ));
    }
    match tx.active_user_name(company_id, replacement).await? {
        Some(name) => Ok((replacement, name)),
        None => Err(StoreError::InvalidReplacement(
            rules::REPLACEMENT_NOT_ACTIVE.into(),
        )),
    }
}
