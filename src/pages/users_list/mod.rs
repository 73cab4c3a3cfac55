//! `/users`: the Users page — tabs, search, the table with role provenance,
//! row actions and pagination, all driven by the URL.

mod export;
pub mod filters;
mod loading;
mod rows;
mod search;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use users_api::{ListQuery, Page, UserStatus, UserSummary};

use crate::api::use_api;
use crate::components::dialogs::RowActionDialogs;
use crate::components::error_view::ErrorView;
use crate::components::pagination::Pagination;
use crate::components::tabs::{tab_id, StatusTabs, PANEL_ID};
use crate::pages::no_access::NoAccess;
use crate::state::list_focus::use_list_focus;
use crate::state::list_url::{list_query_from, new_url, users_url};
use crate::state::row_action::use_list_reload;
use crate::state::session::use_session;
use loading::{after_each_answer, list_resource};

/// How long typing must pause before the search runs.
pub const SEARCH_DEBOUNCE_MS: u32 = 250;

/// The performance mark set each time rows have been painted.
pub const ROWS_PAINTED_MARK: &str = "users-rows-painted";

/// The users table around `body` (its rows); `busy` while a page loads
/// (rows already shown are dimmed until the newer ones arrive). Without
/// `actions` (archived users of a directory-managed company: nothing to
/// do with them) there is no Actions column.
fn users_table(
    body: AnyView,
    busy: impl Fn() -> bool + Copy + Send + Sync + 'static,
    placeholder: bool,
    actions: bool,
) -> impl IntoView {
    // The roles are explicit: below 640 px each row is laid out as a card
    // (CSS `display`), which would otherwise drop the table's semantics.
    view! {
        <div class="table-scroll">
            <table
                class="users-table"
                role="table"
                class:is-loading=move || !placeholder && busy()
                aria-label="Users"
                aria-busy=move || if busy() { "true" } else { "false" }
            >
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">"Name"</th>
                        <th scope="col" role="columnheader">"Email"</th>
                        <th scope="col" role="columnheader">"Identity provider"</th>
                        <th scope="col" role="columnheader">"Roles"</th>
                        <th scope="col" role="columnheader">"Groups"</th>
                        {actions.then(|| view! { <th scope="col" role="columnheader">"Actions"</th> })}
                    </tr>
                </thead>
                <tbody role="rowgroup">{body}</tbody>
            </table>
        </div>
    }
}

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

/// The list itself. `directory` is the provider when users are managed in a
/// directory: then nothing here can add, edit, delete or restore.
#[component]
pub fn UsersList(directory: Option<String>) -> impl IntoView {
    let api = use_api();
    let reload = use_list_reload();
    let navigate = StoredValue::new_local(use_navigate());
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|m| list_query_from(|k| m.get_str(k))));
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

    // --- Loading: a resource keyed on the URL's query. ---
    let list = list_resource(api, reload, query);
    let refocus = StoredValue::new(None::<String>);
    after_each_answer(list, refocus, use_list_focus(), go);

    // --- Search: debounced, replaces the URL, resets to page 1. ---
    let search = search::search_box(query, go);

    // --- Tabs, page size. ---
    let status = Signal::derive(move || query.with(|q| q.status));
    crate::components::title::view_title(move || match status.get() {
        UserStatus::Active => "Users".to_string(),
        UserStatus::Archived => "Archived users".to_string(),
    });
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
    let on_filter = move |filter: users_api::UserFilter| {
        let q = query.get_untracked();
        go(
            ListQuery {
                filter,
                page: 1,
                ..q
            },
            false,
        );
    };
    // The filtered group's name, for the words that say what is shown
    // (asked again only when the group changes, not with every page).
    let group_id = Memo::new(move |_| query.with(|q| q.filter.group));
    let group_name = {
        let name_of = filters::group_name_of();
        crate::state::loaded::Loaded::new(move || {
            let group = group_id.get();
            let name_of = name_of.clone();
            async move {
                match group {
                    Some(id) => Some(name_of(id).await),
                    None => None,
                }
            }
        })
    };
    let about = Signal::derive(move || {
        let name = group_name.get().flatten();
        query.with(|q| filters::filter_words(&q.filter, name.as_deref()))
    });

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

    // --- The table: placeholder rows until the first page; then the page
    // (kept on screen, marked busy, while the next one loads); or the error.
    let pending = RwSignal::new(false);
    let page_view = move |(q, page): (ListQuery, Page<UserSummary>)| {
        let legend = (!page.entries.is_empty()).then(|| {
            view! {
                <p class="table-legend">
                    "Roles: filled — assigned directly; outlined, “via” a group — from that group; “+N” shows every source."
                </p>
            }
        });
        let pagination = (page.total_entries > 0).then(|| {
            view! {
                <Pagination
                    page=q.page
                    per_page=q.per_page
                    link={
                        let q = q.clone();
                        move |page| users_url(&ListQuery { page, ..q.clone() })
                    }
                    noun=("user", "users")
                    total_entries=page.total_entries
                    total_pages=page.total_pages
                    shown=page.entries.len()
                    on_per_page=on_per_page
                    on_follow=move |selector| refocus.set_value(Some(selector))
                    about=about
                />
            }
        });
        view! {
            {users_table(
                rows::rows(&q, page, managed, about),
                move || pending.get(),
                false,
                rows::has_actions(q.status, managed),
            )}
            {legend}
            {pagination}
        }
    };
    let body = view! {
        <Transition
            fallback=move || {
                let actions = rows::has_actions(status.get_untracked(), managed);
                users_table(rows::skeleton_rows(actions), || true, true, actions)
            }
            set_pending=pending
        >
            // The error is matched here rather than thrown to an
            // `ErrorBoundary`: the same one error view, without the
            // boundary's machinery (~7 KB gzip of wasm).
            {move || {
                list.get()
                    .map(|answer| match answer {
                        Ok(page) => page_view(page).into_any(),
                        Err(error) => {
                            view! { <ErrorView error=error on_retry=move || reload.reload() /> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    };

    // Set once the first page has answered (the filter bar's lists wait).
    let listed = RwSignal::new(false);
    Effect::new(move |_| {
        if !listed.get_untracked() && list.with(Option::is_some) {
            listed.set(true);
        }
    });

    // A search or tab with nothing to show is announced, not only drawn.
    let empty_status = move || {
        list.with(|answer| match answer {
            Some(Ok((q, page))) if page.entries.is_empty() => {
                Some(rows::empty_message(q, &about.get()))
            }
            _ => None,
        })
    };

    view! {
        <div class="page-head">
            <h1>"Users"</h1>
            {add_new}
        </div>
        {directory_notice}
        <div class="toolbar">
            <StatusTabs current=status on_select=on_tab />
            {search}
        </div>
        <filters::ListFilters query=query ready=listed on_change=on_filter />
        <export::ExportControl query=query />
        <div
            role="tabpanel"
            id=PANEL_ID
            class="panel"
            aria-labelledby=move || tab_id(status.get())
        >
            <p class="visually-hidden" role="status">{empty_status}</p>
            {body}
        </div>
        <RowActionDialogs />
    }
}
