//! The app's view of the REST API: the client trait and error of
//! `users-client`, taken from context so components never build HTTP
//! clients. [`http::HttpClient`] talks to the server; [`memory::MemoryClient`]
//! has the server's semantics in memory for component tests.

mod csv_stream;
pub mod early;
mod endpoints_in_chunks;
pub mod http;

pub use endpoints_in_chunks::{ChunkError, Endpoints};
pub use users_client::{error, memory, ApiClient, ApiError, ApiFuture};

use std::rc::Rc;

use leptos::prelude::*;

/// The API client as the app holds it in context (`Copy`, so closures can
/// capture it freely). Every failed call that answers 401 runs the
/// `on_unauthenticated` hook the app installed (sign-in again); a 403
/// `forbidden` runs `on_forbidden` (who am I now?).
#[derive(Clone, Copy)]
pub struct Api {
    client: StoredValue<Rc<dyn ApiClient>, LocalStorage>,
    on_unauthenticated: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
    on_forbidden: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
}

impl Api {
    pub fn new(client: Rc<dyn ApiClient>) -> Self {
        Api {
            client: StoredValue::new_local(client),
            on_unauthenticated: StoredValue::new_local(None),
            on_forbidden: StoredValue::new_local(None),
        }
    }

    /// Installs what happens when any call answers 403 `forbidden` (the
    /// caller's Settings went away mid-session).
    pub fn set_on_forbidden(&self, hook: impl Fn() + 'static) {
        self.on_forbidden.set_value(Some(Rc::new(hook)));
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
        match &result {
            Err(ApiError::Unauthenticated) => self.run_hook(self.on_unauthenticated),
            Err(ApiError::Forbidden) => self.run_hook(self.on_forbidden),
            _ => {}
        }
        result
    }

    /// Runs a hook, if one is installed. Not generic (and not inlined), so
    /// every `call::<T>` shares it.
    #[inline(never)]
    fn run_hook(&self, hook: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>) {
        if let Some(hook) = hook.try_get_value().flatten() {
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
