//! The views a cold load of the Users list does not need (and the list's
//! row-action dialogs), loaded when first shown. In the release build (`--cfg wasm_split`, see the README's "Cold
//! start and app size") each is split by xtask into a wasm chunk of its own
//! that is fetched on the first visit; every other build (tests, Trunk's
//! development build) compiles them in, and these are plain calls.

use leptos::prelude::*;
use std::future::Future;

use super::audit::AuditLogPage;
use super::group_page::{EditGroupPage, NewGroupPage};
use super::groups_list::GroupsPage;
use super::user_form::{EditUserPage, NewUserPage};
use crate::components::dialogs;
use crate::state::loaded::Loaded;
use crate::state::row_action::{RowAction, RowActions};

/// Builds a view's page; a lazy function hands one over once its code
/// has arrived.
pub type Build = fn() -> AnyView;

/// Builds the dialog of a row action (see `components::dialogs`).
pub type BuildDialog = fn(RowActions, RowAction) -> AnyView;

/// Shows the view whose builder `load` brings, with "Loading…" while its
/// code arrives. The view is built once, untracked, in this component's
/// owner, so it lives and goes with the route. (No `Suspense` or
/// `Transition` around it: the view's own resources — a combobox's search
/// — would count as theirs and build it again, dropping what was typed.)
#[component]
pub fn LazyView<Fut>(load: fn() -> Fut) -> impl IntoView
where
    Fut: Future<Output = Build> + 'static,
{
    let code = Loaded::new(load);
    move || match code.get() {
        Some(build) => untrack(build),
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
    }
}

/// The "Add new user" form.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn new_user() -> Build {
    (|| view! { <NewUserPage /> }.into_any()) as Build
}

/// The "Edit <name>" form.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn edit_user() -> Build {
    (|| view! { <EditUserPage /> }.into_any()) as Build
}

/// The audit log.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn audit_log() -> Build {
    (|| view! { <AuditLogPage /> }.into_any()) as Build
}

/// The groups list.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn groups() -> Build {
    (|| view! { <GroupsPage /> }.into_any()) as Build
}

/// The "Add group" form.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn new_group() -> Build {
    (|| view! { <NewGroupPage /> }.into_any()) as Build
}

/// A group's page: its form and members.
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn edit_group() -> Build {
    (|| view! { <EditGroupPage /> }.into_any()) as Build
}

/// The list's row-action dialogs (Delete, Access token).
#[cfg_attr(wasm_split, leptos::lazy)]
pub async fn row_action_dialog() -> BuildDialog {
    dialogs::row_action_dialog as BuildDialog
}
