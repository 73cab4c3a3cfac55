//! Changing users in memory with the server's checks: validation, unique
//! email, optimistic concurrency, the last-admin rule and archive/restore
//! with agent transfer; every change is audited.

use users_api::validation::{validate_new_user, validate_patch, Context};
use users_api::{
    AgentRef, DeleteResult, GroupRef, NewUser, UserDetail, UserId, UserPatch, UserStatus,
};

use super::store::{field_error, NewStoredUser, Store};
use crate::api::ApiError;

impl Store {
    /// `POST /users`, as `caller`.
    pub(super) fn create_user(
        &mut self,
        caller: UserId,
        input: &NewUser,
    ) -> Result<UserDetail, ApiError> {
        let (catalogue, providers) = (self.role_names(), self.provider_names());
        let valid = validate_new_user(
            input,
            Context {
                catalogue: &catalogue,
                providers: &providers,
            },
        );
        let taken = self
            .email_owner(&input.email, None)
            .map(|u| u.status == UserStatus::Archived);
        let valid = match (valid, taken) {
            (Ok(_), Some(true)) => {
                return Err(ApiError::EmailArchived {
                    fields: field_error("email", "belongs to an archived user"),
                })
            }
            (Ok(_), Some(false)) => {
                return Err(ApiError::Invalid {
                    fields: field_error("email", "is already taken"),
                })
            }
            (Ok(valid), None) => valid,
            (Err(mut fields), taken) => {
                if taken.is_some() && !fields.contains_key("email") {
                    fields.insert("email".into(), vec!["is already taken".into()]);
                }
                return Err(ApiError::Invalid { fields });
            }
        };
        let id = self.insert_active_user(NewStoredUser {
            first_name: valid.first_name.stored(),
            last_name: valid.last_name.stored(),
            email: valid.email.stored(),
            identity_provider: valid.identity_provider,
            direct_roles: valid.roles,
            groups: Vec::new(),
        });
        self.record(caller, "user.create", id, serde_json::Value::Null);
        self.detail_of(id)
    }

    /// `PATCH /users/{id}` at `version`, as `caller`.
    pub(super) fn update_user(
        &mut self,
        caller: UserId,
        id: UserId,
        version: i64,
        patch: &UserPatch,
    ) -> Result<UserDetail, ApiError> {
        let current = self.user(id)?;
        if current.version != version {
            return Err(ApiError::StaleVersion {
                current: Box::new(self.detail(current)),
            });
        }
        let (catalogue, providers) = (self.role_names(), self.provider_names());
        let changes = validate_patch(
            patch,
            Context {
                catalogue: &catalogue,
                providers: &providers,
            },
        )
        .map_err(|fields| ApiError::Invalid { fields })?;
        if let Some(email) = &changes.email {
            if self.email_owner(email.as_str(), Some(id)).is_some() {
                return Err(ApiError::Invalid {
                    fields: field_error("email", "is already taken"),
                });
            }
        }
        if let Some(roles) = &changes.roles {
            let mut after = current.clone();
            after.direct_roles = roles.clone();
            if current.status == UserStatus::Active
                && self.holds_settings(current)
                && !self.holds_settings(&after)
                && !self.other_admin_exists(id)
            {
                return Err(ApiError::LastAdmin);
            }
        }
        let now = self.now();
        let user = self.user_mut(id)?;
        if let Some(v) = changes.first_name {
            user.first_name = v.stored();
        }
        if let Some(v) = changes.last_name {
            user.last_name = v.stored();
        }
        if let Some(v) = changes.email {
            user.email = v.stored();
        }
        if let Some(v) = changes.identity_provider {
            user.identity_provider = v;
        }
        if let Some(v) = changes.roles {
            user.direct_roles = v;
        }
        user.version += 1;
        user.updated_at = now;
        self.record(caller, "user.update", id, serde_json::Value::Null);
        self.detail_of(id)
    }

    /// `DELETE /users/{id}` (archive), as `caller`, giving owned agents to
    /// `replacement`.
    pub(super) fn delete_user(
        &mut self,
        caller: UserId,
        id: UserId,
        replacement: Option<UserId>,
    ) -> Result<DeleteResult, ApiError> {
        let user = self.user(id)?;
        if user.status == UserStatus::Archived {
            return Err(ApiError::NotFound);
        }
        if id == caller {
            return Err(ApiError::CannotArchiveSelf);
        }
        if self.holds_settings(user) && !self.other_admin_exists(id) {
            return Err(ApiError::LastAdmin);
        }
        let owned: Vec<AgentRef> = self
            .agents
            .iter()
            .filter(|a| a.owner == id)
            .map(|a| AgentRef {
                id: a.id,
                name: a.name.clone(),
            })
            .collect();
        match replacement {
            None if !owned.is_empty() => return Err(ApiError::OwnsAgents { agents: owned }),
            Some(r) => {
                let ok = r != id && self.user(r).is_ok_and(|u| u.status == UserStatus::Active);
                if !ok {
                    return Err(ApiError::Invalid {
                        fields: field_error("replacement_owner_id", "must be another active user"),
                    });
                }
                for agent in self.agents.iter_mut().filter(|a| a.owner == id) {
                    agent.owner = r;
                }
            }
            None => {}
        }
        let now = self.now();
        let by = self.user(caller).map(|u| GroupRef {
            id: u.id,
            name: u.name(),
        })?;
        let user = self.user_mut(id)?;
        user.status = UserStatus::Archived;
        user.archived_at = Some(now.clone());
        user.archived_by = Some(by);
        user.version += 1;
        user.updated_at = now;
        self.record(caller, "user.archive", id, serde_json::Value::Null);
        Ok(DeleteResult {
            user: self.detail_of(id)?,
            transferred_agents: owned,
        })
    }

    /// `POST /users/{id}/restore`, as `caller`: active again, with a new token.
    pub(super) fn restore_user(
        &mut self,
        caller: UserId,
        id: UserId,
    ) -> Result<UserDetail, ApiError> {
        let now = self.now();
        if self.user(id)?.status == UserStatus::Archived {
            // As the server: the token the user had stays revoked; a new one.
            let token = self.new_token();
            let user = self.user_mut(id)?;
            user.status = UserStatus::Active;
            user.archived_at = None;
            user.archived_by = None;
            user.version += 1;
            user.updated_at = now.clone();
            user.token = token.clone();
            user.token_created_at = now;
            user.token_last_used_at = None;
            self.record(caller, "user.restore", id, serde_json::Value::Null);
            let details =
                serde_json::json!({"hint": users_api::token::hint(&token), "reason": "restore"});
            self.record(caller, "token.regenerate", id, details);
        }
        self.detail_of(id)
    }
}
