//! Saving the group form: check the input, send it (create, or a patch with
//! `If-Match`), and place what the server answers on the form, as the user
//! form does; on a stale version (412), show theirs and offer "Reload"
//! instead of overwriting.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use users_api::FieldErrors;

use super::state::{GroupFormState, FIELDS};
use crate::api::ApiError;
use crate::components::focus::{focus_id, focus_id_after_render};
use crate::state::notices::Notices;
use crate::state::outcome::on_outcome;

const RELOAD_ID: &str = "group-reload";

/// Focuses the first field (in form order) that has an error.
fn focus_first_invalid(errors: &FieldErrors) {
    if let Some((_, _, id)) = FIELDS.iter().find(|(key, _, _)| errors.contains_key(*key)) {
        focus_id(id);
    }
}

/// Places the server's field errors; anything not on a field goes on top.
fn place_server_errors(form: GroupFormState, fields: FieldErrors) {
    let (mut placed, mut elsewhere) = (FieldErrors::new(), Vec::new());
    for (key, messages) in fields {
        if FIELDS.iter().any(|(k, _, _)| *k == key) {
            placed.insert(key, messages);
        } else {
            elsewhere.extend(messages.into_iter().map(|m| format!("{key} {m}")));
        }
    }
    if !elsewhere.is_empty() {
        form.form_error.set(Some(elsewhere.join(". ")));
    }
    form.errors.set(placed.clone());
    // Once the fields are enabled again (they are disabled while saving).
    request_animation_frame(move || focus_first_invalid(&placed));
}

/// One error on the Roles fieldset.
fn roles_error(form: GroupFormState, message: &str) {
    let mut fields = FieldErrors::new();
    fields.insert("roles".to_string(), vec![message.to_string()]);
    place_server_errors(form, fields);
}

/// The submit handler: checks, then sends through the form's save action
/// (nothing to save goes back with an announcement).
pub(super) fn on_submit(
    form: GroupFormState,
    notices: Notices,
    go_back: impl Fn() + Copy + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    move |ev: SubmitEvent| {
        ev.prevent_default();
        if form.save.pending().get_untracked() {
            return;
        }
        form.form_error.set(None);
        form.form_status.set(None);
        match form.request() {
            Err(found) => {
                focus_first_invalid(&found);
                form.errors.set(found);
            }
            Ok(None) => {
                notices.announce(format!(
                    "No changes to save for {}",
                    form.name.get_untracked().trim()
                ));
                go_back();
            }
            Ok(Some(request)) => {
                form.errors.set(FieldErrors::new());
                form.save.dispatch(request);
            }
        }
    }
}

/// What the server answered to a save: a new group opens on its own page
/// (to add members), an edit goes back to the list, both announced; or
/// each error where it belongs on the form.
pub(super) fn after_save(
    form: GroupFormState,
    notices: Notices,
    go: impl Fn(String) + Copy + 'static,
) {
    on_outcome(form.save, move |result| {
        match result {
        Ok(saved) => {
            if form.original.with_untracked(Option::is_some) {
                notices.announce(format!("Group {} saved", saved.name));
                go("/groups".to_string());
            } else {
                notices.announce(format!("Group {} added. Add its members below.", saved.name));
                go(format!("/groups/{}", saved.id));
            }
        }
        Err(ApiError::Invalid { fields }) => place_server_errors(form, fields),
        Err(ApiError::StaleGroup { current }) => {
            form.stale.set(Some(*current));
            focus_id_after_render(RELOAD_ID);
        }
        Err(ApiError::LastAdmin) => roles_error(
            form,
            "must keep Settings: the group gives it to the company's last active administrator. Give Settings to someone else first",
        ),
        Err(ApiError::SelfLockout) => roles_error(
            form,
            "must keep Settings: the group gives you your own Settings access. You can't remove your own Settings access. Another administrator can",
        ),
        Err(ApiError::NotFound) => form
            .form_error
            .set(Some("This group no longer exists. Someone may have deleted it.".to_string())),
        Err(e) => form.form_error.set(e.shown()),
    }
    });
}

/// "Reload": shows their version in the form, to edit again from there.
fn reload_theirs(form: GroupFormState) -> impl Fn(MouseEvent) + Copy + 'static {
    move |_| {
        let Some(current) = form.stale.get_untracked() else {
            return;
        };
        form.fill(current);
        form.stale.set(None);
        form.errors.set(FieldErrors::new());
        form.form_error.set(None);
        form.form_status.set(Some(
            "Showing their version. Make your changes again if they are still needed.".to_string(),
        ));
        focus_id(FIELDS[0].2);
    }
}

/// Why the save did not happen when someone else changed the group, their
/// version, and "Reload".
pub(super) fn stale_view(form: GroupFormState) -> impl IntoView {
    let reload = reload_theirs(form);
    move || {
        form.stale.get().map(|current| {
            let roles = if current.roles.is_empty() {
                "none".to_string()
            } else {
                current.roles.join(", ")
            };
            let description = if current.description.is_empty() {
                "no description".to_string()
            } else {
                format!("“{}”", current.description)
            };
            view! {
                <div class="alert alert-warning" role="alert">
                    <p><strong>"Someone else changed this group"</strong>" while you were editing, so your changes were not saved."</p>
                    <p>{format!("Their version: {}, {description}; roles: {roles}.", current.name)}</p>
                    <button type="button" class="button" id=RELOAD_ID on:click=reload>
                        "Reload"
                    </button>
                </div>
            }
        })
    }
}
