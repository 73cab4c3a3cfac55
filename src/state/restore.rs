//! Restoring an archived user — from the Archived tab, from "Undo" after a
//! delete, or from the form's offer — is one action with one announcement.
//! It lives at the app's root, so an "Undo" still works after the dialog
//! that offered it has gone.

use leptos::prelude::*;
use users_api::{UserDetail, UserId};

use crate::api::{Api, ApiError};
use crate::state::notices::Notices;
use crate::state::row_action::ListReload;

/// Who to restore: their id and name (for the announcement).
pub type RestoreInput = (UserId, String);

/// The restore action; its `pending` and `input` say who is being restored.
#[derive(Clone, Copy)]
pub struct RestoreUser(pub Action<RestoreInput, Result<UserDetail, ApiError>>);

impl RestoreUser {
    /// Restores, announces "<name> restored" (or why not) with focus on the
    /// announcement, and reloads the list.
    pub fn new(api: Api, notices: Notices, reload: ListReload) -> Self {
        RestoreUser(Action::new_local(move |(id, name): &RestoreInput| {
            let (id, name) = (*id, name.clone());
            async move {
                let result = api.call(|c| c.restore_user(id)).await;
                // The control that asked (Restore, Undo) is gone now: focus
                // goes to what happened.
                let said = match &result {
                    Ok(_) => Some(notices.announce(format!("{name} restored"))),
                    Err(e) => e.shown().map(|why| {
                        notices.announce(format!("{name} could not be restored. {why}"))
                    }),
                };
                if let Some(notice) = said {
                    notices.focus_after_render(notice);
                }
                reload.reload();
                result
            }
        }))
    }

    pub fn dispatch(&self, id: UserId, name: String) {
        self.0.dispatch((id, name));
    }

    /// Whether `id` is being restored now (reactive).
    pub fn is_restoring(&self, id: UserId) -> bool {
        self.0.pending().get() && self.0.input().with(|i| i.as_ref().map(|(i, _)| *i)) == Some(id)
    }
}

pub fn use_restore() -> RestoreUser {
    expect_context::<RestoreUser>()
}
