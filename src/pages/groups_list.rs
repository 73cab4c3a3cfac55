//! `/groups`: the Groups page — search, the table of groups with their
//! roles and member counts, Edit and "More actions" (Delete) per row, and
//! pagination, all driven by the URL (`q`, `page`, `per_page`).

use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use users_api::{Group, Page, PageQuery};

use crate::api::{use_api, ApiError};
use crate::components::dialogs::group_delete_dialog::GroupDeleteDialog;
use crate::components::error_view::ErrorView;
use crate::components::pagination::Pagination;
use crate::components::row_menu::{menu_button_id, MenuItem, RowMenu};
use crate::pages::no_access::NoAccess;
use crate::state::list_url::{groups_url, page_query_from};
use crate::state::loaded::Loaded;
use crate::state::session::use_session;

type Listing = Result<(PageQuery, Page<Group>), ApiError>;

/// The Groups page for administrators; the no-access view for others.
#[component]
pub fn GroupsPage() -> impl IntoView {
    match use_session().me_untracked() {
        Some(me) if me.can_manage_users => view! { <GroupsList /> }.into_any(),
        _ => view! { <NoAccess /> }.into_any(),
    }
}

/// A group's roles as plain chips ("No roles" when it has none).
pub fn role_list(roles: &[String]) -> AnyView {
    if roles.is_empty() {
        return view! { <span class="muted">"No roles"</span> }.into_any();
    }
    let chips = roles
        .iter()
        .map(|role| view! { <li><span class="chip chip-direct">{role.clone()}</span></li> })
        .collect_view();
    view! { <ul class="chips">{chips}</ul> }.into_any()
}

#[component]
fn GroupsList() -> impl IntoView {
    let api = use_api();
    let navigate = StoredValue::new_local(use_navigate());
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|m| page_query_from(|k| m.get_str(k))));
    let reload = RwSignal::new(0u64);
    let go = move |q: PageQuery, replace: bool| {
        navigate.with_value(|navigate| {
            navigate(
                &groups_url(&q),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            )
        })
    };
    let list: Loaded<Listing> = Loaded::new(move || {
        let q = query.get();
        reload.track();
        async move { api.call(|c| c.list_groups(&q)).await.map(|page| (q, page)) }
    });
    let deleting = RwSignal::new(None::<Group>);
    crate::components::title::view_title(|| "Groups".to_string());

    // Search: applied on Enter or after typing pauses, back to page 1.
    let text = RwSignal::new(query.get_untracked().query);
    let debounce = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let apply = move |value: String| {
        let q = query.get_untracked();
        let value = value.trim().to_string();
        if q.query != value {
            go(
                PageQuery {
                    query: value,
                    page: 1,
                    ..q
                },
                true,
            );
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        debounce.set_value(None);
        apply(text.get_untracked());
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        debounce.set_value(Some(gloo_timers::callback::Timeout::new(250, move || {
            apply(value)
        })));
    };

    let row = move |group: Group| {
        let key = format!("group-{}", group.id);
        let name_id = format!("{key}-name");
        let target = group.clone();
        let delete = MenuItem {
            label: "Delete",
            danger: true,
            run: Rc::new(move || deleting.set(Some(target.clone()))),
        };
        view! {
            <tr role="row">
                <th scope="row" role="rowheader" id=name_id.clone()>
                    <a href=format!("/groups/{}", group.id)>{group.name.clone()}</a>
                </th>
                <td role="cell">{role_list(&group.roles)}</td>
                <td role="cell" class="number" data-label="Members">{group.member_count}</td>
                <td role="cell" class="actions">
                    <div class="actions-inner">
                        <a class="button small" href=format!("/groups/{}", group.id) aria-describedby=name_id>
                            "Edit"
                        </a>
                        <RowMenu key=key name=group.name.clone() items=vec![delete] />
                    </div>
                </td>
            </tr>
        }
    };
    let page_view = move |(q, page): (PageQuery, Page<Group>)| {
        let body = if page.entries.is_empty() {
            let message = if q.query.is_empty() {
                "No groups yet. Add one to give roles to several users at once.".to_string()
            } else {
                format!("No groups match “{}”.", q.query)
            };
            view! {
                <tr role="row">
                    <td role="cell" colspan="4" class="empty-state">{message}</td>
                </tr>
            }
            .into_any()
        } else {
            page.entries
                .clone()
                .into_iter()
                .map(row)
                .collect_view()
                .into_any()
        };
        let pagination = (page.total_entries > 0).then(|| {
            let link_query = q.clone();
            view! {
                <Pagination
                    page=q.page
                    per_page=q.per_page
                    link=move |page| groups_url(&PageQuery { page, ..link_query.clone() })
                    noun=("group", "groups")
                    total_entries=page.total_entries
                    total_pages=page.total_pages
                    shown=page.entries.len()
                    on_per_page=move |per_page| {
                        go(PageQuery { per_page, page: 1, ..query.get_untracked() }, false)
                    }
                    on_follow=|_| {}
                />
            }
        });
        view! {
            <div class="table-scroll">
                // Explicit roles: on a phone the rows become cards (CSS
                // display changes), and the table's semantics must stay.
                <table class="users-table groups-table" role="table" aria-label="Groups">
                    <thead role="rowgroup">
                        <tr role="row">
                            <th scope="col" role="columnheader">"Name"</th>
                            <th scope="col" role="columnheader">"Roles"</th>
                            <th scope="col" role="columnheader">"Members"</th>
                            <th scope="col" role="columnheader">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody role="rowgroup">{body}</tbody>
                </table>
            </div>
            {pagination}
        }
    };

    view! {
        <div class="page-head">
            <h1>"Groups"</h1>
            <a class="button primary" href="/groups/new">"Add group"</a>
        </div>
        <div class="toolbar">
            <form role="search" class="search" on:submit=on_submit>
                <label for="group-search" class="visually-hidden">"Search groups"</label>
                <input
                    id="group-search"
                    type="search"
                    placeholder="Search by name"
                    autocomplete="off"
                    prop:value=move || text.get()
                    on:input=on_input
                />
            </form>
        </div>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading groups…"</p> }>
            {move || {
                list.get()
                    .map(|answer| match answer {
                        Ok(page) => page_view(page).into_any(),
                        Err(error) => view! {
                            <ErrorView error=error on_retry=move || reload.update(|n| *n += 1) />
                        }
                        .into_any(),
                    })
            }}
        </Transition>
        {move || {
            deleting.get().map(|group| {
                let return_focus_id = menu_button_id(&format!("group-{}", group.id));
                view! {
                    <GroupDeleteDialog
                        group=group
                        return_focus_id=return_focus_id
                        on_close=move || deleting.set(None)
                        on_deleted=move || reload.update(|n| *n += 1)
                    />
                }
            })
        }}
    }
}
