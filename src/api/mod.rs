//! The app's view of the REST API (`shared/spec/api.md`): one trait covering
//! every endpoint, taken from context so components never build HTTP
//! clients. [`http::HttpClient`] talks to the server; [`memory::MemoryClient`]
//! has the server's semantics in memory for component tests.

pub mod error;
pub mod http;
pub mod memory;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;
use users_api::{
    AuditEntry, DeleteResult, DeleteUser, Group, IdentityProvider, ListQuery, Me, NewUser, Page,
    RevealedToken, Role, UserDetail, UserId, UserPatch, UserSummary,
};

pub use error::ApiError;

/// What every API call returns: a boxed, single-threaded future.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Every endpoint of the v1 contract. Calls are made as the user whose
/// access token was last given to [`ApiClient::set_token`].
pub trait ApiClient {
    /// Sets (or forgets) the access token sent with every later call.
    fn set_token(&self, token: Option<String>);

    /// `GET /me`: the signed-in user, their company and whether they may
    /// manage users.
    fn me(&self) -> ApiFuture<Me>;

    /// `GET /users`: one page of the list. A newer call supersedes (aborts)
    /// an older one still in flight.
    fn list_users(&self, query: &ListQuery) -> ApiFuture<Page<UserSummary>>;

    /// `GET /users/{id}`; the detail's `version` is the ETag to edit with.
    fn get_user(&self, id: UserId) -> ApiFuture<UserDetail>;

    /// `POST /users`.
    fn create_user(&self, user: &NewUser) -> ApiFuture<UserDetail>;

    /// `PATCH /users/{id}` with `If-Match: "<version>"`.
    fn update_user(&self, id: UserId, version: i64, patch: &UserPatch) -> ApiFuture<UserDetail>;

    /// `DELETE /users/{id}` (archive), giving owned agents to the replacement.
    fn delete_user(&self, id: UserId, body: &DeleteUser) -> ApiFuture<DeleteResult>;

    /// `POST /users/{id}/restore`.
    fn restore_user(&self, id: UserId) -> ApiFuture<UserDetail>;

    /// `GET /users/{id}/access_token`: reveals the token.
    fn reveal_token(&self, id: UserId) -> ApiFuture<RevealedToken>;

    /// `POST /users/{id}/access_token`: regenerates it; the old one stops working.
    fn regenerate_token(&self, id: UserId) -> ApiFuture<RevealedToken>;

    /// `GET /roles`: the catalogue, in catalogue order.
    fn roles(&self) -> ApiFuture<Vec<Role>>;

    /// `GET /groups`.
    ///
    /// Like [`ApiClient::audit`], callable on the concrete clients but not
    /// through `dyn ApiClient` (`where Self: Sized` keeps it out of the
    /// vtable): no screen reads groups yet, and a vtable entry would put its
    /// decoding code into the app's wasm although nothing calls it (~6 KB
    /// gzip for both). Drop the bound when a component needs the endpoint.
    fn groups(&self) -> ApiFuture<Vec<Group>>
    where
        Self: Sized;

    /// `GET /identity_providers`.
    fn identity_providers(&self) -> ApiFuture<Vec<IdentityProvider>>;

    /// `GET /audit`, newest first, optionally about one user. Not through
    /// `dyn ApiClient`; see [`ApiClient::groups`].
    fn audit(
        &self,
        user_id: Option<UserId>,
        page: u32,
        per_page: u32,
    ) -> ApiFuture<Page<AuditEntry>>
    where
        Self: Sized;
}

/// The API client as the app holds it in context (`Copy`, so closures can
/// capture it freely). Every failed call that answers 401 runs the
/// `on_unauthenticated` hook the app installed (sign-in again).
#[derive(Clone, Copy)]
pub struct Api {
    client: StoredValue<Rc<dyn ApiClient>, LocalStorage>,
    on_unauthenticated: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
}

impl Api {
    pub fn new(client: Rc<dyn ApiClient>) -> Self {
        Api {
            client: StoredValue::new_local(client),
            on_unauthenticated: StoredValue::new_local(None),
        }
    }

    /// Installs what happens when any call answers 401.
    pub fn set_on_unauthenticated(&self, hook: impl Fn() + 'static) {
        self.on_unauthenticated.set_value(Some(Rc::new(hook)));
    }

    /// The client itself (no 401 hook): for checking a token at sign-in.
    pub fn raw(&self) -> Rc<dyn ApiClient> {
        self.client.get_value()
    }

    /// Runs one call, reporting a 401 to the hook.
    pub async fn call<T>(
        self,
        f: impl FnOnce(&dyn ApiClient) -> ApiFuture<T>,
    ) -> Result<T, ApiError> {
        let future = {
            let client = self.client.get_value();
            f(client.as_ref())
        };
        let result = future.await;
        if let Err(ApiError::Unauthenticated) = &result {
            self.unauthenticated();
        }
        result
    }

    /// Runs the 401 hook, if one is installed. Not generic (and not
    /// inlined), so every `call::<T>` shares it.
    #[inline(never)]
    fn unauthenticated(&self) {
        if let Some(hook) = self.on_unauthenticated.try_get_value().flatten() {
            hook();
        }
    }
}

/// Provides the API client to everything below the current owner.
pub fn provide_api(client: Rc<dyn ApiClient>) -> Api {
    let api = Api::new(client);
    provide_context(api);
    api
}

/// The API client from context.
pub fn use_api() -> Api {
    expect_context::<Api>()
}
