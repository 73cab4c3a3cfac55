//! The in-memory company and its derived views: stored users, agents and
//! groups, role provenance, summaries and details, and the audit log.

use users_api::{
    token, AgentRef, AuditEntry, AuditPerson, Company, EffectiveRole, FieldErrors, GroupRef,
    IdentityProvider, Role, RoleSource, TokenHint, UserDetail, UserId, UserStatus, UserSummary,
    SETTINGS_ROLE,
};

use super::groups::StoredGroup;
use super::{CATALOGUE, PROVIDERS};
use crate::ApiError;

#[derive(Debug, Clone)]
pub(super) struct StoredUser {
    pub(super) id: UserId,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) identity_provider: String,
    pub(super) status: UserStatus,
    pub(super) direct_roles: Vec<String>,
    pub(super) groups: Vec<i64>,
    pub(super) token: String,
    pub(super) token_created_at: String,
    pub(super) token_last_used_at: Option<String>,
    pub(super) created_at: String,
    pub(super) updated_at: String,
    pub(super) archived_at: Option<String>,
    pub(super) archived_by: Option<GroupRef>,
    pub(super) version: i64,
}

/// What a caller decides about a new user; the store fills in the rest.
pub(super) struct NewStoredUser {
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) identity_provider: String,
    pub(super) direct_roles: Vec<String>,
    pub(super) groups: Vec<i64>,
}

impl StoredUser {
    pub(super) fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone)]
pub(super) struct StoredAgent {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) owner: UserId,
}

pub(super) struct Store {
    pub(super) company: Company,
    pub(super) catalogue: Vec<Role>,
    pub(super) providers: Vec<IdentityProvider>,
    pub(super) groups: Vec<StoredGroup>,
    pub(super) users: Vec<StoredUser>,
    pub(super) agents: Vec<StoredAgent>,
    pub(super) audit: Vec<AuditEntry>,
    pub(super) next_id: i64,
    pub(super) clock: u64,
    pub(super) seed: u64,
}

impl Store {
    /// An empty company with the product's role catalogue and providers.
    pub(super) fn new(company_name: &str) -> Self {
        Store {
            company: Company {
                id: 1,
                name: company_name.to_string(),
                directory: None,
            },
            catalogue: CATALOGUE
                .iter()
                .map(|(name, description)| Role {
                    name: name.to_string(),
                    description: description.to_string(),
                })
                .collect(),
            providers: PROVIDERS
                .iter()
                .enumerate()
                .map(|(i, name)| IdentityProvider {
                    id: i as i64 + 1,
                    name: name.to_string(),
                })
                .collect(),
            groups: Vec::new(),
            users: Vec::new(),
            agents: Vec::new(),
            audit: Vec::new(),
            next_id: 100,
            clock: 0,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }

    pub(super) fn now(&mut self) -> String {
        self.clock += 1;
        let c = self.clock;
        format!(
            "2025-01-{:02}T{:02}:{:02}:{:02}Z",
            1 + (c / 86_400) % 28,
            (c / 3600) % 24,
            (c / 60) % 60,
            c % 60
        )
    }

    pub(super) fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Stores a new active user (fresh id, timestamps, token, version 1)
    /// and returns its id: what create and the test seeders share.
    pub(super) fn insert_active_user(&mut self, new: NewStoredUser) -> UserId {
        let id = self.id();
        let now = self.now();
        let token = self.new_token();
        self.users.push(StoredUser {
            id,
            first_name: new.first_name,
            last_name: new.last_name,
            email: new.email,
            identity_provider: new.identity_provider,
            status: UserStatus::Active,
            direct_roles: new.direct_roles,
            groups: new.groups,
            token,
            token_created_at: now.clone(),
            token_last_used_at: None,
            created_at: now.clone(),
            updated_at: now,
            archived_at: None,
            archived_by: None,
            version: 1,
        });
        id
    }

    pub(super) fn user(&self, id: UserId) -> Result<&StoredUser, ApiError> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .ok_or(ApiError::NotFound)
    }

    pub(super) fn user_mut(&mut self, id: UserId) -> Result<&mut StoredUser, ApiError> {
        self.users
            .iter_mut()
            .find(|u| u.id == id)
            .ok_or(ApiError::NotFound)
    }

    pub(super) fn role_names(&self) -> Vec<String> {
        self.catalogue.iter().map(|r| r.name.clone()).collect()
    }

    pub(super) fn provider_names(&self) -> Vec<String> {
        self.providers.iter().map(|p| p.name.clone()).collect()
    }

    pub(super) fn groups_of(&self, user: &StoredUser) -> Vec<&StoredGroup> {
        let mut groups: Vec<&StoredGroup> = self
            .groups
            .iter()
            .filter(|g| user.groups.contains(&g.id))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        groups
    }

    pub(super) fn effective_roles(&self, user: &StoredUser) -> Vec<EffectiveRole> {
        let groups = self.groups_of(user);
        self.catalogue
            .iter()
            .filter_map(|role| {
                let mut sources = Vec::new();
                if user.direct_roles.contains(&role.name) {
                    sources.push(RoleSource::Direct);
                }
                for group in &groups {
                    if group.roles.contains(&role.name) {
                        sources.push(RoleSource::Group {
                            group: GroupRef {
                                id: group.id,
                                name: group.name.clone(),
                            },
                        });
                    }
                }
                (!sources.is_empty()).then(|| EffectiveRole {
                    role: role.name.clone(),
                    sources,
                })
            })
            .collect()
    }

    pub(super) fn holds_settings(&self, user: &StoredUser) -> bool {
        self.effective_roles(user)
            .iter()
            .any(|r| r.role == SETTINGS_ROLE)
    }

    pub(super) fn summary(&self, user: &StoredUser) -> UserSummary {
        UserSummary {
            id: user.id,
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
            identity_provider: user.identity_provider.clone(),
            status: user.status,
            roles: self.effective_roles(user),
            groups: self
                .groups_of(user)
                .into_iter()
                .map(|g| GroupRef {
                    id: g.id,
                    name: g.name.clone(),
                })
                .collect(),
            owned_agents: self.agents.iter().filter(|a| a.owner == user.id).count() as u32,
            created_at: user.created_at.clone(),
            archived_at: user.archived_at.clone(),
        }
    }

    pub(super) fn detail(&self, user: &StoredUser) -> UserDetail {
        UserDetail {
            summary: self.summary(user),
            direct_roles: self
                .catalogue
                .iter()
                .filter(|r| user.direct_roles.contains(&r.name))
                .map(|r| r.name.clone())
                .collect(),
            agents: self
                .agents
                .iter()
                .filter(|a| a.owner == user.id)
                .map(|a| AgentRef {
                    id: a.id,
                    name: a.name.clone(),
                })
                .collect(),
            access_token: TokenHint {
                hint: token::hint(&user.token),
                created_at: user.token_created_at.clone(),
                last_used_at: user.token_last_used_at.clone(),
            },
            version: user.version,
            updated_at: user.updated_at.clone(),
            archived_by: user.archived_by.clone(),
        }
    }

    pub(super) fn detail_of(&self, id: UserId) -> Result<UserDetail, ApiError> {
        Ok(self.detail(self.user(id)?))
    }

    /// Whether some active user other than `except` holds Settings.
    pub(super) fn other_admin_exists(&self, except: UserId) -> bool {
        self.users
            .iter()
            .any(|u| u.id != except && u.status == UserStatus::Active && self.holds_settings(u))
    }

    pub(super) fn email_owner(&self, email: &str, except: Option<UserId>) -> Option<&StoredUser> {
        let key = users_api::identity::email_key(email.trim());
        self.users
            .iter()
            .find(|u| Some(u.id) != except && users_api::identity::email_key(&u.email) == key)
    }

    pub(super) fn record(
        &mut self,
        actor: UserId,
        action: &str,
        target: UserId,
        details: serde_json::Value,
    ) {
        self.record_about(actor, action, (Some(target), None), details);
    }

    /// Appends an audit entry about a user and/or a group.
    pub(super) fn record_about(
        &mut self,
        actor: UserId,
        action: &str,
        (target, group): (Option<UserId>, Option<i64>),
        details: serde_json::Value,
    ) {
        let at = self.now();
        let id = self.id();
        let person = |u: &StoredUser| AuditPerson {
            id: u.id,
            name: u.name(),
            email: u.email.clone(),
        };
        let actor = self.user(actor).ok().map(person);
        let target_user = target.and_then(|t| self.user(t).ok()).map(person);
        let target_group = group.map(|g| GroupRef {
            id: g,
            name: self
                .groups
                .iter()
                .find(|stored| stored.id == g)
                .map(|stored| stored.name.clone())
                .or_else(|| details["group"]["name"].as_str().map(str::to_string))
                .unwrap_or_else(|| "Deleted group".to_string()),
        });
        self.audit.push(AuditEntry {
            id,
            at,
            actor,
            action: action.to_string(),
            target_user,
            target_group,
            details,
        });
    }
}

pub(super) fn field_error(field: &str, message: &str) -> FieldErrors {
    let mut fields = FieldErrors::new();
    fields.insert(field.to_string(), vec![message.to_string()]);
    fields
}
