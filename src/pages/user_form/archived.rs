//! When the email belongs to an archived user: finding them, and the offer
//! under Email to restore them instead of adding a new user.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use users_api::{ListQuery, UserId, UserStatus, UserSummary};

use super::state::FormState;
use crate::api::Api;
use crate::state::outcome::on_outcome;

/// The archived user found for an email: the email looked for, and them.
pub(super) type ArchivedFound = Option<(String, UserSummary)>;

/// Finding the archived user who has an email (dispatched when the server
/// answers `email_archived`). An action, not a resource: it runs on that
/// answer, and nothing waits on it the way the form waits on its own load.
pub(super) fn find_archived(api: Api) -> Action<String, ArchivedFound> {
    Action::new_local(move |email: &String| {
        let looked_for = email.clone();
        let email = email.trim().to_string();
        async move {
            let query = ListQuery {
                status: UserStatus::Archived,
                query: email.clone(),
                page: 1,
                per_page: 10,
                filter: Default::default(),
            };
            let page = api.call(move |c| c.list_users(&query)).await.ok()?;
            let mut entries = page.entries;
            let user = match entries.iter().position(|u| same_address(&u.email, &email)) {
                Some(at) => Some(entries.swap_remove(at)),
                // Written another way (case beyond ASCII, another Unicode
                // form): the server matched it on its key, so one hit is it.
                None if entries.len() == 1 => entries.pop(),
                None => None,
            };
            user.map(|user| (looked_for, user))
        }
    })
}

/// The same address as typed, ignoring ASCII case. Deliberately not
/// `users_api::identity::email_key`: its Unicode tables would add ~130 KB
/// (gzip) to the app for this one comparison; the server already matched
/// the archived user on the full key.
fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The archived user to offer: the one found for the email the server
/// named, while the field still holds it (typing withdraws the offer).
pub(super) fn archived_match(
    email: RwSignal<Option<String>>,
    found: Action<String, ArchivedFound>,
) -> Signal<Option<UserSummary>> {
    Signal::derive(move || {
        let named = email.get()?;
        let (looked_for, user) = found.value().get().flatten()?;
        (looked_for == named).then_some(user)
    })
}

/// Restores the archived user found (the app's restore action announces
/// it), then goes back to the list.
pub(super) fn restore_archived(
    form: FormState,
    go_back: impl Fn(Option<UserId>) + Copy + Send + Sync + 'static,
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
            go_back(None);
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
