//! The table body: a skeleton while the first page loads, an empty state,
//! or one row per user (name, email, provider, role chips, groups and the
//! row actions: Edit and the menu, or Restore for archived users).

use leptos::prelude::*;
use users_api::{ListQuery, Page, UserStatus, UserSummary};

use crate::components::role_chips::RoleChips;
use std::rc::Rc;

use crate::components::row_menu::{menu_button_id, MenuItem, RowMenu};
use crate::state::list_url::edit_url;
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

/// An email that may wrap after its "@" (and nowhere else).
fn email_with_break(email: &str) -> impl IntoView {
    match email.split_once('@') {
        Some((local, domain)) => {
            view! { {format!("{local}@")}<wbr />{domain.to_string()} }.into_any()
        }
        None => email.to_string().into_any(),
    }
}

/// The table body while the first page loads: five placeholder rows.
pub(super) fn skeleton_rows() -> AnyView {
    (0..5)
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
        .into_any()
}

/// The table body for one page of `q`: a row per user, or the empty state.
/// `managed`: users are managed in a directory, so no Edit, Delete or Restore.
pub(super) fn rows(q: &ListQuery, page: Page<UserSummary>, managed: bool) -> AnyView {
    let restore = use_restore();
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
}
