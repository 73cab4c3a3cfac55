//! Changing users in memory with the server's checks: validation, unique
//! email, optimistic concurrency, the last-admin rule and archive/restore
//! with agent transfer; every change is audited.

use users_api::group::unknown_groups_message;
use users_api::rules::{self, ArchiveCheck, Edit, EditCheck, ARCHIVE_CHECKS, EDIT_CHECKS};
use users_api::validation::{validate_new_user, validate_patch, Context};
use users_api::{
    AgentRef, DeleteResult, FieldErrors, GroupRef, NewUser, UserDetail, UserId, UserPatch,
    UserStatus,
};

use super::store::{field_error, NewStoredUser, Store};
use crate::ApiError;

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
        let valid = valid.map_err(|mut fields| {
            self.add_email_taken(&mut fields, &input.email, None);
            ApiError::Invalid { fields }
        })?;
        match self.email_owner(&input.email, None).map(|u| u.status) {
            Some(UserStatus::Archived) => {
                return Err(ApiError::EmailArchived {
                    fields: field_error("email", rules::EMAIL_ARCHIVED),
                })
            }
            Some(UserStatus::Active) => {
                return Err(ApiError::Invalid {
                    fields: field_error("email", rules::EMAIL_TAKEN),
                })
            }
            None => {}
        }
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

    /// `PATCH /users/{id}` at `version`, as `caller`: the checks run in the
    /// contract's order ([`EDIT_CHECKS`]).
    pub(super) fn update_user(
        &mut self,
        caller: UserId,
        id: UserId,
        version: i64,
        patch: &UserPatch,
    ) -> Result<UserDetail, ApiError> {
        let mut changes = None;
        let mut edit = None;
        for check in EDIT_CHECKS {
            match check {
                // Memberships stay manageable in directory mode.
                EditCheck::Directory
                    if patch.groups.is_some()
                        && UserPatch {
                            groups: None,
                            ..patch.clone()
                        } == UserPatch::default() => {}
                EditCheck::Directory => self.check_directory()?,
                EditCheck::Validation => {
                    let (catalogue, providers) = (self.role_names(), self.provider_names());
                    let ctx = Context {
                        catalogue: &catalogue,
                        providers: &providers,
                    };
                    changes = Some(validate_patch(patch, ctx).map_err(|mut fields| {
                        if let Some(email) = &patch.email {
                            self.add_email_taken(&mut fields, email, Some(id));
                        }
                        ApiError::Invalid { fields }
                    })?);
                }
                EditCheck::Exists => {
                    self.user(id)?;
                }
                EditCheck::Version => {
                    let current = self.user(id)?;
                    if current.version != version {
                        return Err(ApiError::StaleVersion {
                            current: Box::new(self.detail(current)),
                        });
                    }
                }
                EditCheck::NoOp => {
                    let current = self.detail_of(id)?;
                    let found = Edit::of(&current, changes.as_ref().expect("validated first"));
                    if found.is_noop() {
                        return Ok(current);
                    }
                    edit = Some(found);
                }
                EditCheck::EmailUnique => {
                    let edit = edit.as_ref().expect("an edit that changes something");
                    if edit.touches("email") && self.email_owner(&edit.email, Some(id)).is_some() {
                        return Err(ApiError::Invalid {
                            fields: field_error("email", rules::EMAIL_TAKEN),
                        });
                    }
                }
                EditCheck::GroupsExist => {
                    let edit = edit.as_ref().expect("an edit that changes something");
                    let unknown: Vec<i64> = edit
                        .groups
                        .iter()
                        .copied()
                        .filter(|g| !self.groups.iter().any(|stored| stored.id == *g))
                        .collect();
                    if edit.touches("groups") && !unknown.is_empty() {
                        return Err(ApiError::Invalid {
                            fields: field_error("groups", &unknown_groups_message(&unknown)),
                        });
                    }
                }
                EditCheck::SelfLockout => {
                    let edit = edit.as_ref().expect("an edit that changes something");
                    let current = self.user(id)?;
                    let mut after = current.clone();
                    after.direct_roles = edit.direct_roles.clone();
                    after.groups = edit.groups.clone();
                    if id == caller && self.holds_settings(current) && !self.holds_settings(&after)
                    {
                        return Err(ApiError::SelfLockout);
                    }
                }
                EditCheck::LastAdmin => {
                    let edit = edit.as_ref().expect("an edit that changes something");
                    let current = self.user(id)?;
                    let mut after = current.clone();
                    after.direct_roles = edit.direct_roles.clone();
                    after.groups = edit.groups.clone();
                    if current.status == UserStatus::Active
                        && self.holds_settings(current)
                        && !self.holds_settings(&after)
                        && !self.other_admin_exists(id)
                    {
                        return Err(ApiError::LastAdmin);
                    }
                }
            }
        }
        let edit = edit.expect("every check ran");
        let now = self.now();
        let user = self.user_mut(id)?;
        user.first_name = edit.first_name;
        user.last_name = edit.last_name;
        user.email = edit.email;
        user.identity_provider = edit.identity_provider;
        user.direct_roles = edit.direct_roles;
        user.groups = edit.groups;
        user.version += 1;
        user.updated_at = now;
        let details = serde_json::json!({ "changes": edit.changes });
        self.record(caller, "user.update", id, details);
        self.detail_of(id)
    }

    /// `DELETE /users/{id}` (archive), as `caller`, giving owned agents to
    /// `replacement`: the checks run in the contract's order ([`ARCHIVE_CHECKS`]).
    pub(super) fn delete_user(
        &mut self,
        caller: UserId,
        id: UserId,
        replacement: Option<UserId>,
    ) -> Result<DeleteResult, ApiError> {
        let mut owned = Vec::new();
        for check in ARCHIVE_CHECKS {
            match check {
                ArchiveCheck::ReplacementId if replacement.is_some_and(|r| r < 1) => {
                    return Err(ApiError::Invalid {
                        fields: field_error("replacement_owner_id", rules::REPLACEMENT_NOT_ACTIVE),
                    })
                }
                ArchiveCheck::ReplacementId => {}
                ArchiveCheck::Directory => self.check_directory()?,
                ArchiveCheck::Exists => {
                    self.user(id)?;
                }
                ArchiveCheck::NotSelf if id == caller => return Err(ApiError::CannotArchiveSelf),
                // The in-memory client sends no `If-Match` on delete.
                ArchiveCheck::NotSelf | ArchiveCheck::Version => {}
                ArchiveCheck::AlreadyArchived => {
                    if self.user(id)?.status == UserStatus::Archived {
                        return Ok(DeleteResult {
                            user: self.detail_of(id)?,
                            transferred_agents: Vec::new(),
                        });
                    }
                }
                ArchiveCheck::Agents => {
                    owned = self.owned_agents(id);
                    match replacement {
                        Some(r) if r == id => {
                            return Err(ApiError::Invalid {
                                fields: field_error(
                                    "replacement_owner_id",
                                    rules::REPLACEMENT_IS_USER,
                                ),
                            })
                        }
                        Some(r) if !self.user(r).is_ok_and(|u| u.status == UserStatus::Active) => {
                            return Err(ApiError::Invalid {
                                fields: field_error(
                                    "replacement_owner_id",
                                    rules::REPLACEMENT_NOT_ACTIVE,
                                ),
                            })
                        }
                        None if !owned.is_empty() => {
                            return Err(ApiError::OwnsAgents {
                                agents: owned.clone(),
                            })
                        }
                        _ => {}
                    }
                }
                ArchiveCheck::LastAdmin => {
                    if self.holds_settings(self.user(id)?) && !self.other_admin_exists(id) {
                        return Err(ApiError::LastAdmin);
                    }
                }
            }
        }
        if let Some(r) = replacement {
            for agent in self.agents.iter_mut().filter(|a| a.owner == id) {
                agent.owner = r;
            }
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

    fn owned_agents(&self, id: UserId) -> Vec<AgentRef> {
        self.agents
            .iter()
            .filter(|a| a.owner == id)
            .map(|a| AgentRef {
                id: a.id,
                name: a.name.clone(),
            })
            .collect()
    }

    /// 403 `directory_managed` while a directory manages the company's users.
    fn check_directory(&self) -> Result<(), ApiError> {
        match self.company.directory {
            Some(_) => Err(ApiError::DirectoryManaged),
            None => Ok(()),
        }
    }

    /// Adds the server's "taken" message to a 422 whose email is otherwise
    /// valid, so every violation is reported at once.
    fn add_email_taken(&self, fields: &mut FieldErrors, email: &str, except: Option<UserId>) {
        if fields.contains_key("email") {
            return;
        }
        if let Some(owner) = self.email_owner(email, except) {
            let archived = owner.status == UserStatus::Archived && except.is_none();
            let message = if archived {
                rules::EMAIL_ARCHIVED
            } else {
                rules::EMAIL_TAKEN
            };
            fields.insert("email".into(), vec![message.into()]);
        }
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
