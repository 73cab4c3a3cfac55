use leptos::prelude::*;
use leptos_router::hooks::use_location;
use users_api::Me;

use crate::state::notices::{notice_element_id, use_notices, Notice};
use crate::state::session::use_session;

/// The announcements region (role=status): "<name> restored", errors of
/// row actions, and the like, each with an optional action and "Dismiss".
/// Keyed, so a new announcement does not take focus from an older one's
/// "Undo"; hovering or focusing one keeps it (see [`Notices::hold`]).
#[component]
pub fn NoticeRegion() -> impl IntoView {
    let notices = use_notices();
    view! {
        <div class="notices" role="status" aria-live="polite">
            <For each=move || notices.ids() key=|id| *id let:id>
                {notices.get(id).map(|notice| view! { <NoticeItem notice=notice /> })}
            </For>
        </div>
    }
}

/// One announcement: its message, its action if any, and "Dismiss".
#[component]
fn NoticeItem(notice: Notice) -> impl IntoView {
    let notices = use_notices();
    let id = notice.id;
    let action = notice.action.map(|action| {
        let run = action.run.clone();
        view! {
            <button
                type="button"
                class="button small"
                on:click=move |_| {
                    notices.dismiss(id);
                    run();
                }
            >
                {action.label}
            </button>
        }
    });
    view! {
        <div
            class="notice-item"
            id=notice_element_id(id)
            tabindex="-1"
            on:pointerenter=move |_| notices.hold(id, true)
            on:pointerleave=move |_| notices.hold(id, false)
            on:focusin=move |_| notices.hold(id, true)
            on:focusout=move |_| notices.hold(id, false)
        >
            <span>{notice.message}</span>
            {action}
            <button
                type="button"
                class="button small quiet"
                aria-label="Dismiss"
                on:click=move |_| notices.dismiss(id)
            >
                <span aria-hidden="true">"×"</span>
            </button>
        </div>
    }
}

/// The "Settings" navigation: Users, Groups and Audit log, the current one
/// marked `aria-current="page"` (for administrators only).
#[component]
fn SettingsNav() -> impl IntoView {
    let location = use_location();
    let section = move || {
        location.pathname.with(|p| {
            if p.starts_with("/groups") {
                "groups"
            } else if p.starts_with("/audit") {
                "audit"
            } else {
                "users"
            }
        })
    };
    let current = move |which: &'static str| (section() == which).then_some("page");
    view! {
        <nav class="settings-nav" aria-label="Settings">
            <a href="/users" aria-current=move || current("users")>"Users"</a>
            <a href="/groups" aria-current=move || current("groups")>"Groups"</a>
            <a href="/audit" aria-current=move || current("audit")>"Audit log"</a>
        </nav>
    }
}

/// The signed-in frame: a header with the company, the Settings navigation,
/// the user and "Sign out", the announcements region, and the main landmark
/// holding the page.
#[component]
pub fn Frame(me: Me, children: Children) -> impl IntoView {
    let session = use_session();
    let name = me.user.summary.full_name();
    let nav = me.can_manage_users.then(|| view! { <SettingsNav /> });
    view! {
        <header class="app-header">
            <div class="brand">
                <span class="company">{me.company.name.clone()}</span>
                <span class="product">"Settings"</span>
            </div>
            {nav}
            <div class="account">
                <span class="user-name">{name}</span>
                <button type="button" class="button quiet" on:click=move |_| session.sign_out()>
                    "Sign out"
                </button>
            </div>
        </header>
        <NoticeRegion />
        <main id="main" class="page">
            {children()}
        </main>
    }
}
