//! An in-memory API with the server's semantics, for component tests and
//! demos without a server: alphabetical order by "first last"
//! (case-insensitive, then email, then id), substring search on first name,
//! last name, "first last" and email, paging with true totals, role
//! provenance from groups, authorization, directory mode, optimistic
//! concurrency, archive/restore with agent transfer, groups with their
//! members and roles, tokens and an audit log.

mod client;
mod groups;
mod mutations;
mod seed;
mod store;
mod tokens;
mod users;

use std::cell::RefCell;
use std::collections::VecDeque;

use users_api::{ListQuery, UserId, UserStatus};

use crate::{ApiError, ApiFuture};
use store::Store;

/// The role catalogue of the product.
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
        MemoryClient {
            store: RefCell::new(Store::new(company_name)),
            token: RefCell::new(None),
            list_delay: RefCell::new(None),
            call_delay_ms: RefCell::new(0),
            failures: RefCell::new(VecDeque::new()),
            calls: RefCell::new(Vec::new()),
        }
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
