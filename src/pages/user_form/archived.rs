//! When the email belongs to an archived user: finding them, and the offer
//! under Email to restore them instead of adding a new user.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use users_api::{identity, ListQuery, UserStatus, UserSummary};

use super::state::FormState;
use crate::api::Api;
use crate::state::outcome::on_outcome;

/// Finding the archived user who has an email (dispatched when the server
/// answers `email_archived`). An action, not a resource: it runs on that
/// answer, and nothing waits on it the way the form waits on its own load.
pub(super) fn find_archived(api: Api) -> Action<String, Option<UserSummary>> {
    Action::new_local(move |email: &String| {
        let email = email.trim().to_string();
        async move {
            let query = ListQuery {
                status: UserStatus::Archived,
                query: email.clone(),
                page: 1,
                per_page: 10,
            };
            let page = api.call(move |c| c.list_users(&query)).await.ok()?;
            let key = identity::email_key(&email);
            page.entries
                .into_iter()
                .find(|u| identity::email_key(&u.email) == key)
        }
    })
}

/// The archived user to offer: the one found for the email the server
/// named, while the field still holds it (typing withdraws the offer).
pub(super) fn archived_match(
    email: RwSignal<Option<String>>,
    found: Action<String, Option<UserSummary>>,
) -> Signal<Option<UserSummary>> {
    Signal::derive(move || {
        let key = email.with(|e| e.as_deref().map(identity::email_key))?;
        found
            .value()
            .get()
            .flatten()
            .filter(|u| identity::email_key(&u.email) == key)
    })
}

/// Restores the archived user found (the app's restore action announces
/// it), then goes back to the list.
pub(super) fn restore_archived(
    form: FormState,
    go_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl Fn(MouseEvent) + Copy + Send + Sync + 'static {
    let FormState {
        archived_match,
        restore,
        ..
    } = form;
    on_outcome(restore.0, move |answer| {
        let restored = answer.ok().map(|detail| detail.summary.id);
        let offered = archived_match.with_untracked(|u| u.as_ref().map(|u| u.id));
        if restored.is_some() && restored == offered {
            go_back();
        }
    });
    move |_| {
        let Some(user) = archived_match.get_untracked() else {
            return;
        };
        if !restore.is_restoring(user.id) {
            restore.dispatch(user.id, user.full_name());
        }
    }
}

/// The offer to restore the archived user who has the email, if one was found.
pub(super) fn offer(
    form: FormState,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
) -> Option<impl IntoView> {
    let restoring = form.restore;
    form.archived_match.get().map(|user| {
        let (id, name) = (user.id, user.full_name());
        view! {
            <div class="field-offer">
                <p>{format!("{name} has this email and is archived. Restore them instead of adding a new user.")}</p>
                <button
                    type="button"
                    class="button"
                    disabled=move || restoring.is_restoring(id)
                    on:click=restore
                >
                    {format!("Restore {name}")}
                </button>
            </div>
        }
    })
}
