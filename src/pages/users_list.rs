//! `/users`: the Users page — tabs, search, the table with role provenance,
//! row actions and pagination, all driven by the URL.

use gloo_timers::callback::Timeout;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use users_api::{ListQuery, Page, UserStatus, UserSummary};
use wasm_bindgen::JsCast;

use crate::api::{use_api, ApiError};
use crate::components::dialogs::RowActionDialogs;
use crate::components::error_view::ErrorView;
use crate::components::pagination::Pagination;
use crate::components::role_chips::RoleChips;
use crate::components::row_menu::RowMenu;
use crate::components::tabs::{tab_id, StatusTabs, PANEL_ID};
use crate::pages::no_access::NoAccess;
use crate::state::list_url::{edit_url, list_query_from, new_url, users_url};
use crate::state::notices::use_notices;
use crate::state::row_action::{use_list_reload, RowActionKind};
use crate::state::session::use_session;

/// How long typing must pause before the search runs.
pub const SEARCH_DEBOUNCE_MS: u32 = 250;

/// The performance mark set each time rows have been painted.
pub const ROWS_PAINTED_MARK: &str = "users-rows-painted";

/// The Users page: the list for administrators, the no-access view for others.
#[component]
pub fn UsersPage() -> impl IntoView {
    let me = use_session().me_untracked();
    match me {
        Some(me) if me.can_manage_users => {
            let directory = me.company.directory.map(|d| d.provider);
            view! { <UsersList directory=directory /> }.into_any()
        }
        _ => view! { <NoAccess /> }.into_any(),
    }
}

/// Whether a key press happens while the user types in a field.
fn typing_in_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// An email that may wrap after its "@" (and nowhere else).
fn email_with_break(email: &str) -> impl IntoView {
    match email.split_once('@') {
        Some((local, domain)) => {
            view! { {format!("{local}@")}<wbr />{domain.to_string()} }.into_any()
        }
        None => email.to_string().into_any(),
    }
}

/// Focuses the control matching `selector`, or the current page's link when
/// that control is disabled now (e.g. "Next page" on the last page).
fn focus_after_paging(selector: &str) {
    let find = |selector: &str| {
        document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let target = find(selector)
        .filter(|el| el.get_attribute("aria-disabled").as_deref() != Some("true"))
        .or_else(|| find("nav[aria-label=Pagination] [aria-current=page]"));
    if let Some(el) = target {
        let _ = el.focus();
    }
}

fn mark_rows_painted() {
    request_animation_frame(|| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark(ROWS_PAINTED_MARK);
        }
    });
}

/// The list itself. `directory` is the provider when users are managed in a
/// directory: then nothing here can add, edit, delete or restore.
#[component]
pub fn UsersList(directory: Option<String>) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let reload = use_list_reload();
    let navigate = StoredValue::new_local(use_navigate());
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|m| list_query_from(|k| m.get(k))));
    let managed = directory.is_some();

    // One URL, one navigation: replace while typing, push otherwise.
    let go = move |q: ListQuery, replace: bool| {
        navigate.with_value(|navigate| {
            navigate(
                &users_url(&q),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            )
        });
    };

    // --- Loading: the newest request wins; older answers are dropped. ---
    let data = RwSignal::new(None::<(ListQuery, Page<UserSummary>)>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let generation = StoredValue::new(0_u64);
    // The control to focus once the next page has rendered (paging rebuilds
    // the pagination controls, which would otherwise drop the focus).
    let refocus = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let q = query.get();
        reload.0.track();
        let this_generation = generation.get_value() + 1;
        generation.set_value(this_generation);
        loading.set(true);
        spawn_local(async move {
            let result = api.call(|client| client.list_users(&q)).await;
            if generation.try_get_value() != Some(this_generation) {
                return; // a newer request superseded this one
            }
            match result {
                Ok(page) => {
                    let past_the_end = page.entries.is_empty()
                        && page.total_entries > 0
                        && u64::from(q.page) > page.total_pages;
                    if past_the_end {
                        let last = u32::try_from(page.total_pages).unwrap_or(1);
                        go(ListQuery { page: last, ..q }, true);
                        return;
                    }
                    data.set(Some((q, page)));
                    error.set(None);
                    mark_rows_painted();
                    if let Some(selector) = refocus.get_value() {
                        refocus.set_value(None);
                        request_animation_frame(move || focus_after_paging(&selector));
                    }
                }
                Err(ApiError::Unauthenticated) => {} // the session sends us to sign-in
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    });

    // --- Search: debounced, replaces the URL, resets to page 1. ---
    let search_ref = NodeRef::<html::Input>::new();
    let search_text = RwSignal::new(query.get_untracked().query);
    let debounce = StoredValue::new_local(None::<Timeout>);
    let typing = StoredValue::new(false);
    let apply_search = move |text: String| {
        typing.set_value(false);
        let q = query.get_untracked();
        let text = text.trim().to_string();
        if q.query != text {
            go(
                ListQuery {
                    query: text,
                    page: 1,
                    ..q
                },
                true,
            );
        }
    };
    let on_search_input = move |ev| {
        let text = event_target_value(&ev);
        search_text.set(text.clone());
        typing.set_value(true);
        debounce.set_value(Some(Timeout::new(SEARCH_DEBOUNCE_MS, move || {
            apply_search(text)
        })));
    };
    let on_search_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        debounce.set_value(None);
        apply_search(search_text.get_untracked());
    };
    // Back/forward or a link changed the URL: show its search text.
    Effect::new(move |_| {
        let q = query.with(|q| q.query.clone());
        if !typing.get_value() && search_text.get_untracked().trim() != q {
            search_text.set(q);
        }
    });
    // "/" focuses the search box, unless typing in a field.
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        if typing_in_field(ev.target()) {
            return;
        }
        if let Some(input) = search_ref.get_untracked() {
            ev.prevent_default();
            let _ = input.focus();
            input.select();
        }
    });
    on_cleanup(move || slash.remove());

    // --- Tabs, page size, restore. ---
    let status = Signal::derive(move || query.with(|q| q.status));
    let on_tab = move |status: UserStatus| {
        let q = query.get_untracked();
        if q.status != status {
            go(
                ListQuery {
                    status,
                    page: 1,
                    ..q
                },
                false,
            );
        }
    };
    let on_per_page = move |per_page: u32| {
        refocus.set_value(Some("#rows-per-page".into()));
        let q = query.get_untracked();
        go(
            ListQuery {
                per_page,
                page: 1,
                ..q
            },
            false,
        );
    };
    let restoring = RwSignal::new(None::<i64>);
    let restore = move |user: UserSummary| {
        let name = user.full_name();
        restoring.set(Some(user.id));
        spawn_local(async move {
            let result = api.call(|client| client.restore_user(user.id)).await;
            restoring.set(None);
            match result {
                Ok(_) => {
                    notices.announce(format!("{name} restored"));
                    reload.reload();
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => {
                    notices.announce(e.message());
                }
            }
        });
    };

    let directory_notice = directory.clone().map(|provider| {
        view! {
            <p class="notice directory-notice" role="status">
                {format!(
                    "Users are managed in {provider}. Contact your AD administrator to add, edit or delete users.",
                )}
            </p>
        }
    });

    let add_new = move || {
        let q = query.get();
        (!managed && q.status == UserStatus::Active).then(|| {
            view! {
                <a class="button primary" href=new_url(&q)>
                    "Add new"
                </a>
            }
        })
    };

    // --- The table body: skeleton, rows, or an empty state. ---
    let rows = move || {
        let Some((q, page)) = data.get() else {
            return (0..5)
                .map(|_| {
                    view! {
                        <tr class="skeleton-row" aria-hidden="true">
                            {(0..6)
                                .map(|_| view! { <td><span class="skeleton"></span></td> })
                                .collect_view()}
                        </tr>
                    }
                })
                .collect_view()
                .into_any();
        };
        if page.entries.is_empty() {
            let message = match (q.status, q.query.is_empty()) {
                (UserStatus::Active, false) => format!("No active users match “{}”.", q.query),
                (UserStatus::Archived, false) => format!("No archived users match “{}”.", q.query),
                (UserStatus::Active, true) => "No active users yet.".to_string(),
                (UserStatus::Archived, true) => "No archived users.".to_string(),
            };
            return view! {
                <tr>
                    <td colspan="6" class="empty-state">{message}</td>
                </tr>
            }
            .into_any();
        }
        page.entries
            .into_iter()
            .map(|user| {
                let name_id = format!("user-{}-name", user.id);
                let actions = match user.status {
                    UserStatus::Active => {
                        let edit = (!managed).then(|| {
                            view! {
                                <a
                                    class="button small"
                                    href=edit_url(user.id, &q)
                                    aria-describedby=name_id.clone()
                                >
                                    "Edit"
                                </a>
                            }
                        });
                        let mut items = vec![RowActionKind::AccessToken];
                        if !managed {
                            items.push(RowActionKind::Delete);
                        }
                        view! {
                            {edit}
                            <RowMenu user=user.clone() items=items />
                        }
                        .into_any()
                    }
                    UserStatus::Archived => {
                        let id = user.id;
                        let target = user.clone();
                        (!managed)
                            .then(|| {
                                view! {
                                    <button
                                        type="button"
                                        class="button small"
                                        aria-describedby=name_id.clone()
                                        disabled=move || restoring.get() == Some(id)
                                        on:click=move |_| restore(target.clone())
                                    >
                                        "Restore"
                                    </button>
                                }
                            })
                            .into_any()
                    }
                };
                let groups = if user.groups.is_empty() {
                    view! { <span class="muted">"—"</span> }.into_any()
                } else {
                    user.groups
                        .iter()
                        .map(|g| g.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                        .into_any()
                };
                view! {
                    <tr>
                        <th scope="row" id=name_id.clone()>{user.full_name()}</th>
                        <td class="email">{email_with_break(&user.email)}</td>
                        <td>{user.identity_provider.clone()}</td>
                        <td>
                            <RoleChips roles=user.roles.clone() id_prefix=format!("user-{}", user.id) />
                        </td>
                        <td>{groups}</td>
                        <td class="actions">
                            <div class="actions-inner">{actions}</div>
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };

    let pagination = move || {
        data.get().and_then(|(q, page)| {
            (page.total_entries > 0).then(|| {
                view! {
                    <Pagination
                        query=q
                        total_entries=page.total_entries
                        total_pages=page.total_pages
                        shown=page.entries.len()
                        on_per_page=on_per_page
                        on_follow=move |selector| refocus.set_value(Some(selector))
                    />
                }
            })
        })
    };

    let body = move || match error.get() {
        Some(e) => view! { <ErrorView error=e on_retry=move || reload.reload() /> }.into_any(),
        None => view! {
            <div class="table-scroll">
                <table
                    class="users-table"
                    class:is-loading=move || loading.get() && data.with(Option::is_some)
                    aria-label="Users"
                    aria-busy=move || if loading.get() { "true" } else { "false" }
                >
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Identity provider"</th>
                            <th scope="col">"Roles"</th>
                            <th scope="col">"Groups"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {pagination}
        }
        .into_any(),
    };

    view! {
        <div class="page-head">
            <h1>"Users"</h1>
            {add_new}
        </div>
        {directory_notice}
        <div class="toolbar">
            <StatusTabs current=status on_select=on_tab />
            <form role="search" class="search" on:submit=on_search_submit>
                <label for="user-search" class="visually-hidden">"Search users"</label>
                <input
                    id="user-search"
                    type="search"
                    node_ref=search_ref
                    placeholder="Search by name or email"
                    autocomplete="off"
                    spellcheck="false"
                    aria-keyshortcuts="/"
                    prop:value=move || search_text.get()
                    on:input=on_search_input
                />
                <kbd class="shortcut" aria-hidden="true">"/"</kbd>
            </form>
        </div>
        <div
            role="tabpanel"
            id=PANEL_ID
            class="panel"
            aria-labelledby=move || tab_id(status.get())
        >
            {body}
        </div>
        <RowActionDialogs />
    }
}
