//! The Users console: a Leptos client-side app for managing a company's
//! users. `main.rs` mounts [`app::App`] with the HTTP client; the browser
//! tests mount it with the in-memory client.

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
pub mod state;

use std::rc::Rc;

use leptos::prelude::*;

/// Loads `config.json` and mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    // The reactive executor starts with the mount; until then, a plain future.
    wasm_bindgen_futures::spawn_local(async {
        let config = api::http::Config::load().await;
        let client: Rc<dyn api::ApiClient> = Rc::new(api::http::HttpClient::new(&config));
        leptos::mount::mount_to_body(move || view! { <app::App client=client /> });
    });
}
