//! When the email belongs to an archived user: finding them, and the offer
//! under Email to restore them instead of adding a new user.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use users_api::{ListQuery, UserStatus, UserSummary};

use super::state::FormState;
use crate::api::{Api, ApiError};

/// Looks for the archived user with `email`, to offer restoring them.
pub(super) fn find_archived(
    api: Api,
    archived_match: RwSignal<Option<UserSummary>>,
    email: String,
) {
    spawn_local(async move {
        let query = ListQuery {
            status: UserStatus::Archived,
            query: email.trim().to_string(),
            page: 1,
            per_page: 10,
        };
        if let Ok(page) = api.call(|c| c.list_users(&query)).await {
            let key = email.trim().to_lowercase();
            let found = page
                .entries
                .into_iter()
                .find(|u| u.email.to_lowercase() == key);
            let _ = archived_match.try_set(found);
        }
    });
}

/// Restores the archived user found, then goes back to the list.
pub(super) fn restore_archived(
    form: FormState,
    go_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl Fn(MouseEvent) + Copy + Send + Sync + 'static {
    let FormState {
        api,
        notices,
        form_error,
        archived_match,
        restoring,
        ..
    } = form;
    move |_| {
        let Some(user) = archived_match.get_untracked() else {
            return;
        };
        if restoring.get_untracked() {
            return;
        }
        restoring.set(true);
        spawn_local(async move {
            let result = api.call(|c| c.restore_user(user.id)).await;
            let _ = restoring.try_set(false);
            match result {
                Ok(restored) => {
                    notices.announce(format!("{} restored", restored.summary.full_name()));
                    go_back();
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => {
                    let _ = form_error.try_set(Some(e.message()));
                }
            }
        });
    }
}

/// The offer to restore the archived user who has the email, if one was found.
pub(super) fn offer(
    archived_match: RwSignal<Option<UserSummary>>,
    restoring: RwSignal<bool>,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
) -> Option<impl IntoView> {
    archived_match.get().map(|user| {
        let name = user.full_name();
        view! {
            <div class="field-offer">
                <p>{format!("{name} has this email and is archived. Restore them instead of adding a new user.")}</p>
                <button
                    type="button"
                    class="button"
                    disabled=move || restoring.get()
                    on:click=restore
                >
                    {format!("Restore {name}")}
                </button>
            </div>
        }
    })
}
