//! The app shell: context (API client, session, announcements, row actions)
//! and the router.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, NavigateOptions};

use crate::api::{provide_api, ApiClient};
use crate::components::error_view::ErrorView;
use crate::components::focus::{focus_view_start, refocus_once_lost};
use crate::components::frame::Frame;
use crate::components::leave_guard::install_leave_guards;
use crate::pages::lazy::{self, LazyView};
use crate::pages::not_found::NotFound;
use crate::pages::sign_in::SignInPage;
use crate::pages::users_list::UsersPage;
use crate::state::list_focus::ListFocus;
use crate::state::list_url::with_search;
use crate::state::notices::Notices;
use crate::state::restore::RestoreUser;
use crate::state::row_action::{ListReload, RowActions};
use crate::state::session::{last_known_me, use_session, Session, SessionState};

/// The whole app, talking to the API through `client`.
#[component]
pub fn App(client: Rc<dyn ApiClient>) -> impl IntoView {
    let api = provide_api(client);
    let notices = Notices::new();
    let reload = ListReload(RwSignal::new(0));
    provide_context(notices);
    provide_context(reload);
    provide_context(RowActions(RwSignal::new(None)));
    provide_context(ListFocus::new());
    provide_context(RestoreUser::new(api, notices, reload));
    Session::start(api);
    // Before the router: its Back listener must run after the guard's.
    install_leave_guards();
    lazy::prefetch_on_intent();

    view! {
        <Router>
            <FocusOnNavigate />
            <lazy::PrefetchShownView />
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <GoTo path="/users" /> } />
                <Route path=path!("/sign-in") view=SignInPage />
                <Route
                    path=path!("/users")
                    view=|| view! { <RequireSession><UsersPage /></RequireSession> }
                />
                <Route
                    path=path!("/users/new")
                    view=|| view! { <RequireSession><LazyView load=lazy::new_user title="Add new user" /></RequireSession> }
                />
                <Route
                    path=path!("/users/:id/edit")
                    view=|| view! { <RequireSession><LazyView load=lazy::edit_user title="Edit user" /></RequireSession> }
                />
                <Route
                    path=path!("/audit")
                    view=|| view! { <RequireSession><LazyView load=lazy::audit_log title="Audit log" /></RequireSession> }
                />
                <Route
                    path=path!("/groups")
                    view=|| view! { <RequireSession><LazyView load=lazy::groups title="Groups" /></RequireSession> }
                />
                <Route
                    path=path!("/groups/new")
                    view=|| view! { <RequireSession><LazyView load=lazy::new_group title="Add group" /></RequireSession> }
                />
                <Route
                    path=path!("/groups/:id")
                    view=|| view! { <RequireSession><LazyView load=lazy::edit_group title="Group" /></RequireSession> }
                />
            </Routes>
        </Router>
    }
}

/// After a move to another view, focus that fell to `<body>` (the link or
/// button pressed went away with the old view) goes to the new view's
/// `h1`, so keyboard and screen-reader users start at its top (or to
/// "Retry" when the view could not be loaded). Focus a view
/// placed itself (sign-in's field) stays; a new query on the same view (a
/// list's page or search) is not a move.
#[component]
fn FocusOnNavigate() -> impl IntoView {
    let location = use_location();
    Effect::new(move |before: Option<String>| {
        let path = location.pathname.get();
        if before.is_some_and(|before| before != path) {
            // The new view may paint its heading a little later (a slow
            // machine, a view that loads first).
            refocus_once_lost(focus_view_start);
        }
        path
    });
}

/// Replaces the current URL with `path` once mounted.
#[component]
fn GoTo(path: &'static str) -> impl IntoView {
    let navigate = use_navigate();
    Effect::new(move |_| {
        navigate(
            path,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
}

/// Shows `children` inside the frame when signed in; otherwise sends the
/// browser to sign-in, remembering where it was.
#[component]
pub fn RequireSession(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if matches!(session.state.get(), SessionState::SignedOut) {
            let here = with_search(
                &location.pathname.get_untracked(),
                &location.search.get_untracked(),
            );
            session.return_to.set(Some(here));
            navigate(
                "/sign-in",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    let signed_in = Memo::new(move |_| session.me());
    // While `/me` is asked again (a reload) or cannot be reached, the frame
    // still shows from who was signed in, with the error and "Retry".
    let remembered = last_known_me();
    move || match signed_in.get() {
        Some(me) => {
            let children = children.clone();
            view! { <Frame me=me>{children()}</Frame> }.into_any()
        }
        None => {
            let waiting = match session.state.get() {
                SessionState::Failed(error) => view! {
                    <ErrorView error=error on_retry=move || session.check() />
                }
                .into_any(),
                _ => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
            };
            match remembered.clone() {
                Some(me) => view! { <Frame me=me>{waiting}</Frame> }.into_any(),
                None => view! { <main id="main" class="page">{waiting}</main> }.into_any(),
            }
        }
    }
}
