//! An in-memory API with the server's semantics, for component tests and
//! demos without a server: alphabetical order by "first last"
//! (case-insensitive, then email, then id), substring search on first name,
//! last name, "first last" and email, paging with true totals, role
//! provenance from groups, authorization, directory mode, optimistic
//! concurrency, archive/restore with agent transfer, tokens and an audit log.

use std::cell::RefCell;
use std::collections::VecDeque;

use users_api::validation::{validate_new_user, validate_patch, Context};
use users_api::{
    token, AgentRef, AuditEntry, Company, DeleteResult, DeleteUser, Directory, EffectiveRole,
    FieldErrors, Group, GroupRef, IdentityProvider, ListQuery, Me, NewUser, Page, RevealedToken,
    Role, RoleSource, TokenHint, UserDetail, UserId, UserPatch, UserStatus, UserSummary,
    SETTINGS_ROLE,
};

use super::{ApiClient, ApiError, ApiFuture};

/// The role catalogue of the product (`shared/spec/product.md`).
pub const CATALOGUE: [(&str, &str); 5] = [
    ("Development", "Build agents in the development stage"),
    ("Testing", "Promote to and configure the testing stage"),
    ("Staging", "Promote to and configure the staging stage"),
    (
        "Production",
        "Promote to and configure the production stage",
    ),
    (
        "Settings",
        "Manage users, groups, roles, identity providers; usage reports",
    ),
];

/// Identity providers every in-memory company has.
pub const PROVIDERS: [&str; 3] = ["Email", "Google", "Azure AD"];

#[derive(Debug, Clone)]
struct StoredUser {
    id: UserId,
    first_name: String,
    last_name: String,
    email: String,
    identity_provider: String,
    status: UserStatus,
    direct_roles: Vec<String>,
    groups: Vec<i64>,
    token: String,
    token_created_at: String,
    token_last_used_at: Option<String>,
    created_at: String,
    updated_at: String,
    archived_at: Option<String>,
    archived_by: Option<GroupRef>,
    version: i64,
}

impl StoredUser {
    fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    fn sort_key(&self) -> (String, String, UserId) {
        (self.name().to_lowercase(), self.email.clone(), self.id)
    }

    fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || self.first_name.to_lowercase().contains(needle)
            || self.last_name.to_lowercase().contains(needle)
            || self.name().to_lowercase().contains(needle)
            || self.email.to_lowercase().contains(needle)
    }
}

#[derive(Debug, Clone)]
struct StoredAgent {
    id: i64,
    name: String,
    owner: UserId,
}

struct Store {
    company: Company,
    catalogue: Vec<Role>,
    providers: Vec<IdentityProvider>,
    groups: Vec<Group>,
    users: Vec<StoredUser>,
    agents: Vec<StoredAgent>,
    audit: Vec<AuditEntry>,
    next_id: i64,
    clock: u64,
    seed: u64,
}

impl Store {
    fn now(&mut self) -> String {
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

    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn new_token(&mut self) -> String {
        let mut bytes = [0u8; 32];
        for chunk in bytes.chunks_mut(8) {
            // xorshift64*: deterministic, good enough for test tokens.
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            chunk.copy_from_slice(&self.seed.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        token::format_token(&bytes)
    }

    fn user(&self, id: UserId) -> Result<&StoredUser, ApiError> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .ok_or(ApiError::NotFound)
    }

    fn user_mut(&mut self, id: UserId) -> Result<&mut StoredUser, ApiError> {
        self.users
            .iter_mut()
            .find(|u| u.id == id)
            .ok_or(ApiError::NotFound)
    }

    fn role_names(&self) -> Vec<String> {
        self.catalogue.iter().map(|r| r.name.clone()).collect()
    }

    fn provider_names(&self) -> Vec<String> {
        self.providers.iter().map(|p| p.name.clone()).collect()
    }

    fn groups_of(&self, user: &StoredUser) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self
            .groups
            .iter()
            .filter(|g| user.groups.contains(&g.id))
            .collect();
        groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        groups
    }

    fn effective_roles(&self, user: &StoredUser) -> Vec<EffectiveRole> {
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

    fn holds_settings(&self, user: &StoredUser) -> bool {
        self.effective_roles(user)
            .iter()
            .any(|r| r.role == SETTINGS_ROLE)
    }

    fn summary(&self, user: &StoredUser) -> UserSummary {
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

    fn detail(&self, user: &StoredUser) -> UserDetail {
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

    fn detail_of(&self, id: UserId) -> Result<UserDetail, ApiError> {
        Ok(self.detail(self.user(id)?))
    }

    /// Whether some active user other than `except` holds Settings.
    fn other_admin_exists(&self, except: UserId) -> bool {
        self.users
            .iter()
            .any(|u| u.id != except && u.status == UserStatus::Active && self.holds_settings(u))
    }

    fn email_owner(&self, email: &str, except: Option<UserId>) -> Option<&StoredUser> {
        let key = email.trim().to_lowercase();
        self.users
            .iter()
            .find(|u| Some(u.id) != except && u.email.to_lowercase() == key)
    }

    fn record(&mut self, actor: UserId, action: &str, target: UserId, details: serde_json::Value) {
        let at = self.now();
        let id = self.id();
        let actor = self
            .user(actor)
            .map(|u| GroupRef {
                id: u.id,
                name: u.name(),
            })
            .unwrap_or(GroupRef {
                id: actor,
                name: String::new(),
            });
        let target_user = self.user(target).ok().map(|u| GroupRef {
            id: u.id,
            name: u.name(),
        });
        self.audit.push(AuditEntry {
            id,
            at,
            actor,
            action: action.to_string(),
            target_user,
            details,
        });
    }
}

fn field_error(field: &str, message: &str) -> FieldErrors {
    let mut fields = FieldErrors::new();
    fields.insert(field.to_string(), vec![message.to_string()]);
    fields
}

/// Deterministic first and last names for [`MemoryClient::seed_people`].
const FIRST_NAMES: [&str; 16] = [
    "Ada", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ivan", "Jonas", "Kemal",
    "Lena", "Mateo", "Nora", "Omar", "Priya",
];
const LAST_NAMES: [&str; 12] = [
    "Novak", "Okafor", "Park", "Quinn", "Rossi", "Sato", "Tanaka", "Umar", "Varga", "Weber", "Xu",
    "Young",
];

/// How long a list answer takes, by query (milliseconds).
type ListDelay = Box<dyn Fn(&ListQuery) -> u32>;

/// The in-memory API. Build a company with [`MemoryClient::new`] and the
/// `add_*` methods, then sign in with a user's [`MemoryClient::token_of`].
pub struct MemoryClient {
    store: RefCell<Store>,
    token: RefCell<Option<String>>,
    list_delay: RefCell<Option<ListDelay>>,
    call_delay_ms: RefCell<u32>,
    failures: RefCell<VecDeque<ApiError>>,
    calls: RefCell<Vec<String>>,
}

impl MemoryClient {
    /// An empty company with the product's role catalogue and providers.
    pub fn new(company_name: &str) -> Self {
        let store = Store {
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
        };
        MemoryClient {
            store: RefCell::new(store),
            token: RefCell::new(None),
            list_delay: RefCell::new(None),
            call_delay_ms: RefCell::new(0),
            failures: RefCell::new(VecDeque::new()),
            calls: RefCell::new(Vec::new()),
        }
    }

    /// Adds a group holding `roles`; returns its id.
    pub fn add_group(&self, name: &str, roles: &[&str]) -> i64 {
        let mut store = self.store.borrow_mut();
        let id = store.id();
        store.groups.push(Group {
            id,
            name: name.to_string(),
            description: String::new(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            member_count: 0,
        });
        id
    }

    /// Adds an active user with direct `roles` and membership of `groups`
    /// (identity provider "Email"); returns their id.
    pub fn add_user(
        &self,
        first_name: &str,
        last_name: &str,
        email: &str,
        roles: &[&str],
        groups: &[i64],
    ) -> UserId {
        let mut store = self.store.borrow_mut();
        let id = store.id();
        let now = store.now();
        let token = store.new_token();
        for group in store.groups.iter_mut().filter(|g| groups.contains(&g.id)) {
            group.member_count += 1;
        }
        store.users.push(StoredUser {
            id,
            first_name: first_name.to_string(),
            last_name: last_name.to_string(),
            email: email.to_string(),
            identity_provider: PROVIDERS[0].to_string(),
            status: UserStatus::Active,
            direct_roles: roles.iter().map(|r| r.to_string()).collect(),
            groups: groups.to_vec(),
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

    /// Adds `count` active users with deterministic names ("Ada Novak 1"…)
    /// and the Development role.
    pub fn seed_people(&self, count: usize) {
        for i in 0..count {
            let first = FIRST_NAMES[i % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let n = i / (FIRST_NAMES.len() * LAST_NAMES.len());
            let last = if n == 0 {
                last.to_string()
            } else {
                format!("{last} {n}")
            };
            let email = format!(
                "{}.{}{}@example.com",
                first.to_lowercase(),
                last.to_lowercase().replace(' ', ""),
                i
            );
            self.add_user(first, &last, &email, &["Development"], &[]);
        }
    }

    /// Gives `owner` an agent; returns its id.
    pub fn add_agent(&self, owner: UserId, name: &str) -> i64 {
        let mut store = self.store.borrow_mut();
        let id = store.id();
        store.agents.push(StoredAgent {
            id,
            name: name.to_string(),
            owner,
        });
        id
    }

    /// Archives a user directly (no checks), as if deleted earlier.
    pub fn archive(&self, id: UserId) {
        let mut store = self.store.borrow_mut();
        let now = store.now();
        if let Ok(user) = store.user_mut(id) {
            user.status = UserStatus::Archived;
            user.archived_at = Some(now);
            user.version += 1;
        }
    }

    /// Puts the company's users under a directory (`Some("Azure AD")`) or not.
    pub fn set_directory(&self, provider: Option<&str>) {
        self.store.borrow_mut().company.directory = provider.map(|p| Directory {
            provider: p.to_string(),
        });
    }

    /// The user's current access token.
    pub fn token_of(&self, id: UserId) -> String {
        self.store
            .borrow()
            .user(id)
            .map(|u| u.token.clone())
            .unwrap_or_default()
    }

    /// The user as the API would show them now.
    pub fn user(&self, id: UserId) -> Option<UserDetail> {
        self.store.borrow().detail_of(id).ok()
    }

    /// Delays each `list_users` answer by the milliseconds `delay` returns.
    pub fn set_list_delay(&self, delay: impl Fn(&ListQuery) -> u32 + 'static) {
        *self.list_delay.borrow_mut() = Some(Box::new(delay));
    }

    /// Delays every other call by `ms` milliseconds.
    pub fn set_call_delay(&self, ms: u32) {
        *self.call_delay_ms.borrow_mut() = ms;
    }

    /// The next call fails with `error` (queued; one call per error).
    pub fn fail_next(&self, error: ApiError) {
        self.failures.borrow_mut().push_back(error);
    }

    /// Every call made so far, e.g. `list_users status=active query=ann page=1 per_page=25`.
    pub fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }

    /// The signed-in caller, checked like the server does.
    fn caller(&self, store: &Store) -> Result<UserId, ApiError> {
        let token = self.token.borrow();
        let token = token.as_deref().ok_or(ApiError::Unauthenticated)?;
        store
            .users
            .iter()
            .find(|u| u.status == UserStatus::Active && u.token == token)
            .map(|u| u.id)
            .ok_or(ApiError::Unauthenticated)
    }

    fn admin(&self, store: &Store) -> Result<UserId, ApiError> {
        let caller = self.caller(store)?;
        if store.holds_settings(store.user(caller)?) {
            Ok(caller)
        } else {
            Err(ApiError::Forbidden)
        }
    }

    fn mutating_admin(&self, store: &Store) -> Result<UserId, ApiError> {
        let caller = self.admin(store)?;
        if store.company.directory.is_some() {
            Err(ApiError::DirectoryManaged)
        } else {
            Ok(caller)
        }
    }

    /// Logs the call, applies a queued failure, runs `f` on the store now
    /// and answers after the configured delay.
    fn answer<T: 'static>(
        &self,
        call: String,
        delay_ms: u32,
        f: impl FnOnce(&Self, &mut Store) -> Result<T, ApiError>,
    ) -> ApiFuture<T> {
        self.calls.borrow_mut().push(call);
        let result = match self.failures.borrow_mut().pop_front() {
            Some(error) => Err(error),
            None => f(self, &mut self.store.borrow_mut()),
        };
        Box::pin(async move {
            if delay_ms > 0 {
                gloo_timers::future::TimeoutFuture::new(delay_ms).await;
            }
            result
        })
    }

    fn delay(&self) -> u32 {
        *self.call_delay_ms.borrow()
    }
}

impl ApiClient for MemoryClient {
    fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    fn me(&self) -> ApiFuture<Me> {
        self.answer("me".into(), self.delay(), |this, store| {
            let caller = this.caller(store)?;
            let user = store.user(caller)?;
            Ok(Me {
                can_manage_users: store.holds_settings(user),
                user: store.detail(user),
                company: store.company.clone(),
            })
        })
    }

    fn list_users(&self, query: &ListQuery) -> ApiFuture<Page<UserSummary>> {
        let delay = self
            .list_delay
            .borrow()
            .as_ref()
            .map_or_else(|| self.delay(), |f| f(query));
        let call = format!(
            "list_users status={} query={} page={} per_page={}",
            query.status.as_str(),
            query.query,
            query.page,
            query.per_page
        );
        let query = query.clone();
        self.answer(call, delay, move |this, store| {
            this.admin(store)?;
            if query.page == 0 || query.per_page == 0 || query.per_page > users_api::MAX_PER_PAGE {
                return Err(ApiError::BadRequest("bad page or per_page".into()));
            }
            let needle = query.query.trim().to_lowercase();
            let mut found: Vec<&StoredUser> = store
                .users
                .iter()
                .filter(|u| u.status == query.status && u.matches(&needle))
                .collect();
            found.sort_by_key(|u| u.sort_key());
            let total = found.len() as u64;
            let per_page = u64::from(query.per_page);
            Ok(Page {
                entries: found
                    .into_iter()
                    .skip(query.offset() as usize)
                    .take(query.per_page as usize)
                    .map(|u| store.summary(u))
                    .collect(),
                current_page: query.page,
                per_page: query.per_page,
                total_entries: total,
                total_pages: total.div_ceil(per_page),
            })
        })
    }

    fn get_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.answer(
            format!("get_user {id}"),
            self.delay(),
            move |this, store| {
                this.admin(store)?;
                store.detail_of(id)
            },
        )
    }

    fn create_user(&self, user: &NewUser) -> ApiFuture<UserDetail> {
        let input = user.clone();
        self.answer("create_user".into(), self.delay(), move |this, store| {
            let caller = this.mutating_admin(store)?;
            let (catalogue, providers) = (store.role_names(), store.provider_names());
            let valid = validate_new_user(
                &input,
                Context {
                    catalogue: &catalogue,
                    providers: &providers,
                },
            );
            let taken = store
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
            let id = store.id();
            let now = store.now();
            let token = store.new_token();
            store.users.push(StoredUser {
                id,
                first_name: valid.first_name.into_string(),
                last_name: valid.last_name.into_string(),
                email: valid.email.into_string(),
                identity_provider: valid.identity_provider,
                status: UserStatus::Active,
                direct_roles: valid.roles,
                groups: Vec::new(),
                token,
                token_created_at: now.clone(),
                token_last_used_at: None,
                created_at: now.clone(),
                updated_at: now,
                archived_at: None,
                archived_by: None,
                version: 1,
            });
            store.record(caller, "user.create", id, serde_json::Value::Null);
            store.detail_of(id)
        })
    }

    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail> {
        let patch = patch.clone();
        self.answer(
            format!("update_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.mutating_admin(store)?;
                let current = store.user(id)?;
                if current.version != version {
                    return Err(ApiError::StaleVersion {
                        current: Box::new(store.detail(current)),
                    });
                }
                let (catalogue, providers) = (store.role_names(), store.provider_names());
                let changes = validate_patch(
                    &patch,
                    Context {
                        catalogue: &catalogue,
                        providers: &providers,
                    },
                )
                .map_err(|fields| ApiError::Invalid { fields })?;
                if let Some(email) = &changes.email {
                    if store.email_owner(email.as_str(), Some(id)).is_some() {
                        return Err(ApiError::Invalid {
                            fields: field_error("email", "is already taken"),
                        });
                    }
                }
                if let Some(roles) = &changes.roles {
                    let mut after = current.clone();
                    after.direct_roles = roles.clone();
                    if current.status == UserStatus::Active
                        && store.holds_settings(current)
                        && !store.holds_settings(&after)
                        && !store.other_admin_exists(id)
                    {
                        return Err(ApiError::LastAdmin);
                    }
                }
                let now = store.now();
                let user = store.user_mut(id)?;
                if let Some(v) = changes.first_name {
                    user.first_name = v.into_string();
                }
                if let Some(v) = changes.last_name {
                    user.last_name = v.into_string();
                }
                if let Some(v) = changes.email {
                    user.email = v.into_string();
                }
                if let Some(v) = changes.identity_provider {
                    user.identity_provider = v;
                }
                if let Some(v) = changes.roles {
                    user.direct_roles = v;
                }
                user.version += 1;
                user.updated_at = now;
                store.record(caller, "user.update", id, serde_json::Value::Null);
                store.detail_of(id)
            },
        )
    }

    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult> {
        let replacement = body.replacement_owner_id;
        self.answer(
            format!("delete_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.mutating_admin(store)?;
                let user = store.user(id)?;
                if user.status == UserStatus::Archived {
                    return Err(ApiError::NotFound);
                }
                if id == caller {
                    return Err(ApiError::CannotArchiveSelf);
                }
                if store.holds_settings(user) && !store.other_admin_exists(id) {
                    return Err(ApiError::LastAdmin);
                }
                let owned: Vec<AgentRef> = store
                    .agents
                    .iter()
                    .filter(|a| a.owner == id)
                    .map(|a| AgentRef {
                        id: a.id,
                        name: a.name.clone(),
                    })
                    .collect();
                match replacement {
                    None if !owned.is_empty() => {
                        return Err(ApiError::OwnsAgents { agents: owned })
                    }
                    Some(r) => {
                        let ok =
                            r != id && store.user(r).is_ok_and(|u| u.status == UserStatus::Active);
                        if !ok {
                            return Err(ApiError::Invalid {
                                fields: field_error(
                                    "replacement_owner_id",
                                    "must be another active user",
                                ),
                            });
                        }
                        for agent in store.agents.iter_mut().filter(|a| a.owner == id) {
                            agent.owner = r;
                        }
                    }
                    None => {}
                }
                let now = store.now();
                let by = store.user(caller).map(|u| GroupRef {
                    id: u.id,
                    name: u.name(),
                })?;
                let user = store.user_mut(id)?;
                user.status = UserStatus::Archived;
                user.archived_at = Some(now.clone());
                user.archived_by = Some(by);
                user.version += 1;
                user.updated_at = now;
                store.record(caller, "user.archive", id, serde_json::Value::Null);
                Ok(DeleteResult {
                    user: store.detail_of(id)?,
                    transferred_agents: owned,
                })
            },
        )
    }

    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail> {
        self.answer(
            format!("restore_user {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.mutating_admin(store)?;
                let now = store.now();
                let user = store.user_mut(id)?;
                if user.status == UserStatus::Archived {
                    user.status = UserStatus::Active;
                    user.archived_at = None;
                    user.archived_by = None;
                    user.version += 1;
                    user.updated_at = now;
                    store.record(caller, "user.restore", id, serde_json::Value::Null);
                }
                store.detail_of(id)
            },
        )
    }

    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.answer(
            format!("reveal_token {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                let user = store.user(id)?;
                let revealed = RevealedToken {
                    token: user.token.clone(),
                    created_at: user.token_created_at.clone(),
                    last_used_at: user.token_last_used_at.clone(),
                };
                store.record(caller, "token.reveal", id, serde_json::Value::Null);
                Ok(revealed)
            },
        )
    }

    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken> {
        self.answer(
            format!("regenerate_token {id}"),
            self.delay(),
            move |this, store| {
                let caller = this.admin(store)?;
                store.user(id)?;
                let token = store.new_token();
                let now = store.now();
                let user = store.user_mut(id)?;
                user.token = token.clone();
                user.token_created_at = now.clone();
                user.token_last_used_at = None;
                store.record(caller, "token.regenerate", id, serde_json::Value::Null);
                Ok(RevealedToken {
                    token,
                    created_at: now,
                    last_used_at: None,
                })
            },
        )
    }

    fn roles(&self) -> ApiFuture<Vec<Role>> {
        self.answer("roles".into(), self.delay(), |this, store| {
            this.admin(store)?;
            Ok(store.catalogue.clone())
        })
    }

    fn groups(&self) -> ApiFuture<Vec<Group>> {
        self.answer("groups".into(), self.delay(), |this, store| {
            this.admin(store)?;
            let mut groups = store.groups.clone();
            groups.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(groups)
        })
    }

    fn identity_providers(&self) -> ApiFuture<Vec<IdentityProvider>> {
        self.answer("identity_providers".into(), self.delay(), |this, store| {
            this.admin(store)?;
            Ok(store.providers.clone())
        })
    }

    fn audit(
        &self,
        user_id: Option<UserId>,
        page: u32,
        per_page: u32,
    ) -> ApiFuture<Page<AuditEntry>> {
        self.answer("audit".into(), self.delay(), move |this, store| {
            this.admin(store)?;
            let page = page.max(1);
            let per_page = per_page.clamp(1, users_api::MAX_PER_PAGE);
            let entries: Vec<&AuditEntry> = store
                .audit
                .iter()
                .rev()
                .filter(|e| {
                    user_id.is_none_or(|id| e.target_user.as_ref().is_some_and(|t| t.id == id))
                })
                .collect();
            let total = entries.len() as u64;
            Ok(Page {
                entries: entries
                    .into_iter()
                    .skip(((page - 1) * per_page) as usize)
                    .take(per_page as usize)
                    .cloned()
                    .collect(),
                current_page: page,
                per_page,
                total_entries: total,
                total_pages: total.div_ceil(u64::from(per_page)),
            })
        })
    }
}
