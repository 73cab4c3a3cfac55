//! The table body: a skeleton while the first page loads, an empty state,
//! or one row per user (name, email, provider, role chips, groups and the
//! row actions: Edit and the menu, or Restore for archived users).

use leptos::prelude::*;
use users_api::{ListQuery, Page, UserStatus, UserSummary};

use crate::components::email::email_with_breaks;
use crate::components::role_chips::RoleChips;
use std::rc::Rc;

use crate::components::row_menu::{menu_button_id, MenuItem, RowMenu};
use crate::state::list_focus::{row_edit_id, row_name_id};
use crate::state::list_url::{edit_url, users_url};
use crate::state::restore::use_restore;
use crate::state::row_action::{use_row_actions, RowAction, RowActionKind};

/// The row menu's item for `kind`: it asks the dialogs for that action.
fn menu_item(user: &UserSummary, kind: RowActionKind) -> MenuItem {
    let row_actions = use_row_actions();
    let user = user.clone();
    MenuItem {
        label: kind.label(),
        danger: kind == RowActionKind::Delete,
        run: Rc::new(move || {
            row_actions.0.set(Some(RowAction {
                kind,
                user: user.clone(),
                return_focus_id: menu_button_id(&user.id.to_string()),
            }))
        }),
    }
}

/// Whether rows of `status` have an Actions cell: not archived users of a
/// directory-managed company (they cannot be restored here).
pub(super) fn has_actions(status: UserStatus, managed: bool) -> bool {
    !(managed && status == UserStatus::Archived)
}

/// What an empty page says ("No active users match “ada”.").
/// `about`: what the filters narrow the list to (" with Production").
pub(super) fn empty_message(q: &ListQuery, about: &str) -> String {
    let tab = match q.status {
        UserStatus::Active => "active",
        UserStatus::Archived => "archived",
    };
    match (q.query.is_empty(), about.is_empty()) {
        (false, _) => format!("No {tab} users{about} match “{}”.", q.query),
        (true, false) => format!("No {tab} users{about}."),
        (true, true) if q.status == UserStatus::Active => "No active users yet.".to_string(),
        (true, true) => "No archived users.".to_string(),
    }
}

/// The table body while the first page loads: five placeholder rows.
pub(super) fn skeleton_rows(actions: bool) -> AnyView {
    let columns = if actions { 6 } else { 5 };
    (0..5)
        .map(|_| {
            view! {
                <tr class="skeleton-row" role="row" aria-hidden="true">
                    {(0..columns)
                        .map(|_| view! { <td role="cell"><span class="skeleton"></span></td> })
                        .collect_view()}
                </tr>
            }
        })
        .collect_view()
        .into_any()
}

/// The table body for one page of `q`: a row per user, or the empty state.
/// `managed`: users are managed in a directory, so no Edit, Delete or Restore.
/// `about`: what the filters narrow the list to (words that follow the
/// filtered group's name as it loads); an empty filtered list offers to
/// clear them.
pub(super) fn rows(
    q: &ListQuery,
    page: Page<UserSummary>,
    managed: bool,
    about: Signal<String>,
) -> AnyView {
    let restore = use_restore();
    let with_actions = has_actions(q.status, managed);
    if page.entries.is_empty() {
        let clear = (!q.filter.is_empty()).then(|| {
            let unfiltered = ListQuery {
                filter: Default::default(),
                page: 1,
                ..q.clone()
            };
            view! {
                " "
                <a class="button small" href=users_url(&unfiltered)>"Clear filters"</a>
            }
        });
        return view! {
            <tr role="row">
                <td role="cell" colspan=if with_actions { "6" } else { "5" } class="empty-state">
                    {
                        let q = q.clone();
                        move || empty_message(&q, &about.get())
                    }
                    {clear}
                </td>
            </tr>
        }
        .into_any();
    }
    page.entries
        .into_iter()
        .map(|user| {
            let name_id = row_name_id(user.id);
            let actions = match user.status {
                UserStatus::Active => {
                    let edit = (!managed).then(|| {
                        view! {
                            <a
                                class="button small"
                                id=row_edit_id(user.id)
                                href=edit_url(user.id, q)
                                aria-describedby=name_id.clone()
                            >
                                "Edit"
                            </a>
                        }
                    });
                    let mut items = vec![menu_item(&user, RowActionKind::AccessToken)];
                    if !managed {
                        items.push(menu_item(&user, RowActionKind::Delete));
                    }
                    view! {
                        {edit}
                        <RowMenu key=user.id.to_string() name=user.full_name() items=items />
                    }
                    .into_any()
                }
                UserStatus::Archived => {
                    let id = user.id;
                    let name = user.full_name();
                    (!managed)
                        .then(|| {
                            view! {
                                <button
                                    type="button"
                                    class="button small"
                                    aria-describedby=name_id.clone()
                                    disabled=move || restore.is_restoring(id)
                                    on:click=move |_| restore.dispatch(id, name.clone())
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
                let last = user.groups.len() - 1;
                user.groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        view! {
                            <a href=format!("/groups/{}", g.id)>{g.name.clone()}</a>
                            {(i < last).then_some(", ")}
                        }
                    })
                    .collect_view()
                    .into_any()
            };
            view! {
                <tr role="row">
                    <th scope="row" role="rowheader" id=name_id.clone() tabindex="-1">
                        {user.full_name()}
                    </th>
                    <td role="cell" class="email" data-label="Email">
                        {email_with_breaks(&user.email)}
                    </td>
                    <td role="cell" data-label="Identity provider">
                        {user.identity_provider.clone()}
                    </td>
                    <td role="cell" data-label="Roles">
                        <RoleChips
                            roles=user.roles.clone()
                            id_prefix=format!("user-{}", user.id)
                            matching=q.filter.role.clone()
                        />
                    </td>
                    <td role="cell" class="groups" data-label="Groups">{groups}</td>
                    {with_actions.then(|| view! {
                        <td role="cell" class="actions">
                            <div class="actions-inner">{actions}</div>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view()
        .into_any()
}
