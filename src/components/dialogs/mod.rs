//! The dialogs opened from a row of the Users list: "Delete" and "Access
//! token", on a shared native-`<dialog>` modal.

pub mod delete_dialog;
pub mod group_delete_dialog;
pub mod modal;
pub mod replacement_picker;
pub mod token_dialog;

use leptos::prelude::*;

use crate::components::error_view::ErrorView;
use crate::pages::lazy::load_code;
use crate::state::row_action::{use_row_actions, RowAction, RowActionKind, RowActions};
use delete_dialog::DeleteDialog;
use token_dialog::TokenDialog;

/// Shows the dialog of the row action chosen in the list, if any. Closing
/// it clears the action; focus returns to the row's menu button. The
/// dialogs' code is loaded when one is first opened (see `pages::lazy`).
#[component]
pub fn RowActionDialogs() -> impl IntoView {
    let actions = use_row_actions();
    // Leaving the page closes the dialog for good (no reopening on return).
    on_cleanup(move || {
        let _ = actions.0.try_set(None);
    });
    move || {
        actions.0.get().map(|action| {
            let (code, retry) = load_code(crate::pages::lazy::row_action_dialog);
            move || {
                code.get().map(|built| match built {
                    Ok(build) => untrack(|| build(actions, action.clone())),
                    Err(error) => {
                        view! { <ErrorView error=error.into() on_retry=retry /> }.into_any()
                    }
                })
            }
        })
    }
}

/// The dialog of `action`; closing it clears `actions`.
pub fn row_action_dialog(actions: RowActions, action: RowAction) -> AnyView {
    let close = move || actions.0.set(None);
    match action.kind {
        RowActionKind::AccessToken => view! {
            <TokenDialog user=action.user return_focus_id=action.return_focus_id on_close=close />
        }
        .into_any(),
        RowActionKind::Delete => view! {
            <DeleteDialog user=action.user return_focus_id=action.return_focus_id on_close=close />
        }
        .into_any(),
    }
}
