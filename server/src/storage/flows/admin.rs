//! The first administrator (`create-admin`): idempotent, and never leaves a
//! company whose only user lacks Settings.

use serde_json::json;
use users_api::validation::ValidNewUser;
use users_api::SETTINGS_ROLE;

use super::{insert_user, stored_token, WriteTx};
use crate::storage::model::AdminUser;
use crate::storage::{now, Store, StoreError, StoreResult};

impl Store {
    /// Creates the company if missing and an active user holding Settings
    /// directly. When an active user of that company already has the email,
    /// nothing new is created: its token is revealed (audited as a reveal by
    /// that user), and Settings is granted if it lacked it.
    pub async fn create_admin(&self, company: &str, user: &ValidNewUser) -> StoreResult<AdminUser> {
        let crypto = self.crypto();
        let mut tx = self.begin_catalogue_write().await?;
        let (company_id, company_created) = tx.ensure_company(company).await?;
        tx.lock_company(company_id).await?;
        let (user_id, user_created, token) = match tx.user_by_email(&user.email.key()).await? {
            Some(holder) => {
                let id = holder.id;
                if holder.company_id != company_id {
                    return Err(StoreError::Conflict(format!(
                        "{} already belongs to a user of another company",
                        user.email.as_str()
                    )));
                }
                if holder.status != "active" {
                    return Err(StoreError::Conflict(format!(
                        "{} belongs to an archived user (id {id}); restore it instead",
                        user.email.as_str()
                    )));
                }
                grant_settings(&mut tx, company_id, id).await?;
                let token = stored_token(&mut tx, crypto, company_id, id).await?.token;
                let details = json!({"via": "create-admin"});
                tx.record(company_id, id, "token.reveal", Some(id), details)
                    .await?;
                (id, false, token)
            }
            None => {
                let mut admin = user.clone();
                if !admin.roles.iter().any(|r| r == SETTINGS_ROLE) {
                    admin.roles.push(SETTINGS_ROLE.to_string());
                }
                let id = insert_user(&mut tx, crypto, company_id, &admin).await?;
                let details = json!({"via": "create-admin", "user": {
                    "first_name": admin.first_name.stored(), "last_name": admin.last_name.stored(),
                    "email": admin.email.stored(), "identity_provider": admin.identity_provider,
                    "roles": [SETTINGS_ROLE],
                }});
                tx.record(company_id, id, "user.create", Some(id), details)
                    .await?;
                let token = stored_token(&mut tx, crypto, company_id, id).await?.token;
                (id, true, token)
            }
        };
        tx.commit().await?;
        Ok(AdminUser {
            user_id,
            company_id,
            company_created,
            user_created,
            token,
        })
    }
}

/// Gives a user Settings directly if it holds it neither directly nor through
/// a group (audited as an edit by that user).
async fn grant_settings(tx: &mut WriteTx, company_id: i64, user_id: i64) -> StoreResult<()> {
    let direct = tx.direct_role_names(user_id).await?;
    if direct.iter().any(|r| r == SETTINGS_ROLE)
        || tx.has_role_through_group(user_id, SETTINGS_ROLE).await?
    {
        return Ok(());
    }
    let mut roles = direct.clone();
    roles.push(SETTINGS_ROLE.to_string());
    tx.set_direct_roles(user_id, &roles).await?;
    let after = tx.direct_role_names(user_id).await?;
    tx.bump_version(user_id, &now()).await?;
    let details =
        json!({"via": "create-admin", "changes": {"roles": {"before": direct, "after": after}}});
    tx.record(company_id, user_id, "user.update", Some(user_id), details)
        .await
}

impl Store {
    /// The company's id and provider names, creating the company if missing
    /// (the CLI needs the default provider before validating a user).
    pub async fn ensure_company(&self, company: &str) -> StoreResult<(i64, Vec<String>)> {
        let mut tx = self.begin_catalogue_write().await?;
        let (id, _) = tx.ensure_company(company).await?;
        let providers = tx.provider_names(id).await?;
        tx.commit().await?;
        Ok((id, providers))
    }

    /// Puts the company's users under a directory (`Some(provider)`: the
    /// console stops changing them) or back under the console (`None`).
    pub async fn set_directory(&self, company: &str, provider: Option<&str>) -> StoreResult<i64> {
        let mut tx = self.begin_catalogue_write().await?;
        let id = tx
            .company_by_name(company)
            .await?
            .ok_or_else(|| StoreError::NoSuchCompany(company.to_string()))?;
        tx.lock_company(id).await?;
        tx.set_directory_provider(id, provider).await?;
        tx.commit().await?;
        Ok(id)
    }
}
