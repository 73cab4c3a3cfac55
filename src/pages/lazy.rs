//! The views a cold load of the Users list does not need (and the list's
//! row-action dialogs), loaded when first shown. In the release build
//! (`--cfg wasm_split`, see the README's "Cold start and app size") each is
//! split by xtask into a wasm chunk of its own that is fetched on first use;
//! every other build (tests, Trunk's development build) compiles them in,
//! and these are plain calls. A chunk that cannot be fetched (the network
//! dropped) is an error with "Retry", not a dead app. [`Chunk::prefetch`]
//! fetches a chunk ahead of its first use: after the list paints, when a
//! link to its view is pointed at or focused, and for the view shown now.

use leptos::prelude::*;
use std::future::Future;

use crate::api::{ChunkError, Endpoints};

use super::audit::AuditLogPage;
use super::group_page::{EditGroupPage, NewGroupPage};
use super::groups_list::GroupsPage;
use super::user_form::{EditUserPage, NewUserPage};
use crate::components::dialogs;
use crate::components::error_view::ErrorView;
use crate::components::focus::{focus_is_lost, focus_view_start};
use crate::components::title::view_title;
use crate::state::loaded::Loaded;
use crate::state::row_action::{RowAction, RowActions};

/// Builds a view's page; a lazy function hands one over once its code
/// has arrived.
pub type Build = fn() -> AnyView;

/// Builds the dialog of a row action (see `components::dialogs`).
pub type BuildDialog = fn(RowActions, RowAction) -> AnyView;

/// A chunk of code fetched on first use (see the module's comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    NewUser,
    EditUser,
    AuditLog,
    Groups,
    NewGroup,
    EditGroup,
    RowActionDialog,
    /// Endpoints only the views above call (`api::Endpoints`).
    Endpoints(Endpoints),
}

impl Chunk {
    /// The chunk of the view the app's path `path` shows, as the router's
    /// routes (`app.rs`) read it; `None` for the list, sign-in and the rest.
    pub fn for_path(path: &str) -> Option<Chunk> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["users", "new"] => Some(Chunk::NewUser),
            ["users", _, "edit"] => Some(Chunk::EditUser),
            ["audit"] => Some(Chunk::AuditLog),
            ["groups"] => Some(Chunk::Groups),
            ["groups", "new"] => Some(Chunk::NewGroup),
            ["groups", _] => Some(Chunk::EditGroup),
            _ => None,
        }
    }

    /// The endpoints' chunks this view calls, fetched with it so that its
    /// first call does not wait for one after its own code has come.
    fn calls(self) -> &'static [Endpoints] {
        match self {
            Chunk::NewUser => &[Endpoints::Users],
            Chunk::EditUser | Chunk::RowActionDialog => &[Endpoints::Users, Endpoints::Audit],
            Chunk::AuditLog => &[Endpoints::Audit],
            Chunk::NewGroup | Chunk::EditGroup => &[Endpoints::Groups],
            Chunk::Groups | Chunk::Endpoints(_) => &[],
        }
    }

    /// Starts fetching this chunk and those of the endpoints it calls,
    /// unless that has begun already; a fetch that fails is met again,
    /// with "Retry", where the code is used, and the next prefetch tries
    /// again. Without the split there is nothing to fetch.
    pub fn prefetch(self) {
        for endpoints in self.calls() {
            Chunk::Endpoints(*endpoints).prefetch_one();
        }
        self.prefetch_one();
    }

    fn prefetch_one(self) {
        #[cfg(wasm_split)]
        {
            // The chunks asked for (and not failed) so far in this page.
            thread_local!(static ASKED: std::cell::RefCell<Vec<Chunk>> = const {
                std::cell::RefCell::new(Vec::new())
            });
            let asked_before = ASKED.with_borrow_mut(|asked| {
                let before = asked.contains(&self);
                if !before {
                    asked.push(self);
                }
                before
            });
            if asked_before {
                return;
            }
            leptos::task::spawn_local(async move {
                let fetched = match self {
                    Chunk::NewUser => __wasm_split_preload_new_user().await,
                    Chunk::EditUser => __wasm_split_preload_edit_user().await,
                    Chunk::AuditLog => __wasm_split_preload_audit_log().await,
                    Chunk::Groups => __wasm_split_preload_groups().await,
                    Chunk::NewGroup => __wasm_split_preload_new_group().await,
                    Chunk::EditGroup => __wasm_split_preload_edit_group().await,
                    Chunk::RowActionDialog => __wasm_split_preload_row_action_dialog().await,
                    Chunk::Endpoints(endpoints) => endpoints.fetch().await,
                };
                if fetched.is_err() {
                    ASKED.with_borrow_mut(|asked| asked.retain(|chunk| *chunk != self));
                }
            });
        }
    }
}

/// Fetches the code of where the list leads most (the user form and the
/// row-action dialogs) once the list has painted, so the first "Edit",
/// "Add new" or "Delete" does not wait for a chunk.
pub fn prefetch_from_the_list() {
    for chunk in [Chunk::EditUser, Chunk::NewUser, Chunk::RowActionDialog] {
        chunk.prefetch();
    }
}

/// Fetches the code of the view a link leads to as soon as the pointer
/// comes over it or focus reaches it (`pointerover` and `focusin`, from
/// anywhere in the page), so a first visit to Groups or the Audit log
/// rarely waits for its chunk: the click follows some 100 ms later.
pub fn prefetch_on_intent() {
    fn on_link(event: &web_sys::Event) {
        use wasm_bindgen::JsCast;
        let link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .and_then(|link| link.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(chunk) = link.and_then(|link| Chunk::for_path(&link.pathname())) {
            chunk.prefetch();
        }
    }
    let over = window_event_listener(leptos::ev::pointerover, |e| on_link(&e));
    let focus = window_event_listener(leptos::ev::focusin, |e| on_link(&e));
    on_cleanup(move || {
        over.remove();
        focus.remove();
    });
}

/// Fetches the code of the view shown now together with its endpoints'
/// (inside the router): a cold visit straight to a group's page waits for
/// one round trip of code, not its view's and then its first call's.
#[component]
pub fn PrefetchShownView() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if let Some(chunk) = location.pathname.with(|path| Chunk::for_path(path)) {
            chunk.prefetch();
        }
    });
}

/// Shows the view whose builder `load` brings, with "Loading…" while its
/// code arrives. The view is built once, untracked, in this component's
/// owner, so it lives and goes with the route. (No `Suspense` or
/// `Transition` around it: the view's own resources — a combobox's search
/// — would count as theirs and build it again, dropping what was typed.)
/// `title` names the view in the tab's title until the view names itself,
/// and heads the error when its code cannot be fetched.
#[component]
pub fn LazyView<Fut>(load: fn() -> Fut, title: &'static str) -> impl IntoView
where
    Fut: Future<Output = Result<Build, ChunkError>> + 'static,
{
    view_title(move || title.to_string());
    let (code, retry) = load_code(load);
    // Focus that fell to <body> while "Loading…" showed (the link pressed
    // went with the old view, and the view's heading was not there yet)
    // goes to where the view starts: its heading, or "Retry".
    Effect::new(move |_| {
        if code.with(Option::is_some) {
            request_animation_frame(|| {
                if focus_is_lost() {
                    focus_view_start();
                }
            });
        }
    });
    move || match code.get() {
        Some(Ok(build)) => untrack(build),
        Some(Err(error)) => view! {
            <div class="page-head">
                <h1>{title}</h1>
            </div>
            <ErrorView error=error.into() on_retry=retry />
        }
        .into_any(),
        None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
    }
}

/// What `load` hands over, and how to ask again after a failure.
pub fn load_code<T, Fut>(load: fn() -> Fut) -> (Loaded<Result<T, ChunkError>>, impl Fn() + Copy)
where
    T: Clone + 'static,
    Fut: Future<Output = Result<T, ChunkError>> + 'static,
{
    let attempt = RwSignal::new(0_u32);
    let code = Loaded::new(move || {
        attempt.track();
        load()
    });
    (code, move || attempt.update(|n| *n += 1))
}

/// Declares `$name`, an async fn handing over `$build` once its code is
/// there: a split point under `--cfg wasm_split` (a fetch that fails is an
/// `Err`, and a later call fetches again), a plain function otherwise.
macro_rules! split_point {
    ($(#[$doc:meta])* $name:ident -> $ty:ty = $build:expr) => {
        $(#[$doc])*
        #[cfg(wasm_split)]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name() -> Result<$ty, ChunkError> {
            Ok($build)
        }

        $(#[$doc])*
        #[cfg(not(wasm_split))]
        pub async fn $name() -> Result<$ty, ChunkError> {
            Ok($build)
        }
    };
}

split_point!(
    /// The "Add new user" form.
    new_user -> Build = (|| view! { <NewUserPage /> }.into_any()) as Build
);
split_point!(
    /// The "Edit <name>" form.
    edit_user -> Build = (|| view! { <EditUserPage /> }.into_any()) as Build
);
split_point!(
    /// The audit log.
    audit_log -> Build = (|| view! { <AuditLogPage /> }.into_any()) as Build
);
split_point!(
    /// The groups list.
    groups -> Build = (|| view! { <GroupsPage /> }.into_any()) as Build
);
split_point!(
    /// The "Add group" form.
    new_group -> Build = (|| view! { <NewGroupPage /> }.into_any()) as Build
);
split_point!(
    /// A group's page: its form and members.
    edit_group -> Build = (|| view! { <EditGroupPage /> }.into_any()) as Build
);
split_point!(
    /// The list's row-action dialogs (Delete, Access token).
    row_action_dialog -> BuildDialog = dialogs::row_action_dialog as BuildDialog
);
