//! Row actions of the Users list that open dialogs ("Access token",
//! "Delete"). The list puts the request here; the dialogs read it, and
//! clear it when they close (returning focus to `return_focus_id`).

use leptos::prelude::*;
use users_api::UserSummary;

/// Which row action was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowActionKind {
    AccessToken,
    Delete,
}

impl RowActionKind {
    /// The menu item's name.
    pub fn label(self) -> &'static str {
        match self {
            RowActionKind::AccessToken => "Access token",
            RowActionKind::Delete => "Delete",
        }
    }
}

/// A row action: what, for whom, and where focus returns afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct RowAction {
    pub kind: RowActionKind,
    pub user: UserSummary,
    /// The id of the row's "More actions for …" button.
    pub return_focus_id: String,
}

/// The pending row action (`None` when no dialog is open).
#[derive(Clone, Copy)]
pub struct RowActions(pub RwSignal<Option<RowAction>>);

/// Asks the list to load its current page again (after a change elsewhere).
#[derive(Clone, Copy)]
pub struct ListReload(pub RwSignal<u64>);

impl ListReload {
    pub fn reload(&self) {
        self.0.update(|n| *n += 1);
    }
}

pub fn use_row_actions() -> RowActions {
    expect_context::<RowActions>()
}

pub fn use_list_reload() -> ListReload {
    expect_context::<ListReload>()
}
