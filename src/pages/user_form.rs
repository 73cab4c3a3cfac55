//! The Add new and Edit routes. The forms themselves come with the next
//! issue; the routes, their headings and the way back to the list exist now.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};

use crate::state::list_url::with_search;

/// `/users` with the query string this page was opened with (the list's state).
fn back_href() -> impl Fn() -> String {
    let location = use_location();
    move || with_search("/users", &location.search.get())
}

/// `/users/new`.
#[component]
pub fn NewUserPage() -> impl IntoView {
    view! {
        <h1>"Add new user"</h1>
        <p><a href=back_href()>"Back to users"</a></p>
    }
}

/// `/users/{id}/edit`.
#[component]
pub fn EditUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    view! {
        <h1>"Edit user"</h1>
        <p class="muted">{move || format!("User {}", id())}</p>
        <p><a href=back_href()>"Back to users"</a></p>
    }
}
