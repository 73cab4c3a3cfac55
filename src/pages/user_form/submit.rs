//! Saving: check the input, send it (create, or a patch with `If-Match`),
//! and place what the server answers on the form; on a stale version, show
//! theirs and offer "Reload" instead of overwriting.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use users_api::{FieldErrors, UserPatch};

use super::fields::{focus_first_invalid, ORDER, ROLES_KEY};
use super::state::{FormState, Save};
use crate::api::ApiError;
use crate::components::focus::{focus_id, focus_id_after_render};
use crate::state::outcome::on_outcome;

/// Places the server's field errors; anything not on a field goes on top.
fn place_server_errors(
    errors: RwSignal<FieldErrors>,
    form_error: RwSignal<Option<String>>,
    fields: FieldErrors,
) {
    let mut elsewhere = Vec::new();
    let mut placed = FieldErrors::new();
    for (key, messages) in fields {
        if ORDER.contains(&key.as_str()) {
            placed.insert(key, messages);
        } else {
            elsewhere.extend(messages.into_iter().map(|m| format!("{key} {m}")));
        }
    }
    if !elsewhere.is_empty() {
        form_error.set(Some(elsewhere.join(". ")));
    }
    errors.set(placed.clone());
    focus_first_invalid(&placed);
}

/// The submit handler: checks, then sends through the form's save action;
/// [`after_save`] goes back or shows why not.
pub(super) fn on_submit(
    form: FormState,
    go_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    let FormState {
        notices,
        values,
        original,
        errors,
        save,
        form_error,
        form_status,
        archived_email,
        ..
    } = form;
    let checks = form.checks();
    move |ev: SubmitEvent| {
        ev.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        form_error.set(None);
        form_status.set(None);
        let found = checks.validate();
        errors.set(found.clone());
        if !found.is_empty() {
            focus_first_invalid(&found);
            return;
        }
        let request = match original.get_untracked() {
            None => Save::Create(values.new_user()),
            Some(before) => {
                let patch = values.patch(&before);
                if patch == UserPatch::default() {
                    notices.announce(format!(
                        "No changes to save for {}",
                        before.summary.full_name()
                    ));
                    go_back();
                    return;
                }
                Save::Update {
                    id: before.summary.id,
                    version: before.version,
                    patch,
                }
            }
        };
        archived_email.set(None);
        save.dispatch(request);
    }
}

/// What the server answered to a save: back to the list with an
/// announcement, or each error where it belongs on the form.
pub(super) fn after_save(form: FormState, go_back: impl Fn() + Copy + Send + Sync + 'static) {
    let FormState {
        notices,
        values,
        original,
        errors,
        save,
        form_error,
        stale,
        archived_email,
        find_archived,
        ..
    } = form;
    on_outcome(save, move |result| match result {
        Ok(saved) => {
            let verb = if original.with_untracked(Option::is_some) {
                "saved"
            } else {
                "added"
            };
            notices.announce(format!("User {} {verb}", saved.summary.full_name()));
            go_back();
        }
        Err(ApiError::Invalid { fields }) => place_server_errors(errors, form_error, fields),
        Err(ApiError::EmailArchived { mut fields }) => {
            fields
                .entry("email".to_string())
                .or_insert_with(|| vec!["belongs to an archived user".to_string()]);
            place_server_errors(errors, form_error, fields);
            let email = values.email.get_untracked();
            archived_email.set(Some(email.clone()));
            find_archived.dispatch(email);
        }
        Err(ApiError::StaleVersion { current }) => {
            stale.set(Some(*current));
            focus_id_after_render("user-reload");
        }
        Err(ApiError::LastAdmin) => {
            let mut fields = FieldErrors::new();
            fields.insert(
                    ROLES_KEY.to_string(),
                    vec!["must keep Settings: no other active user holds it, and someone must be able to manage users".to_string()],
                );
            place_server_errors(errors, form_error, fields);
        }
        Err(ApiError::SelfLockout) => {
            let mut fields = FieldErrors::new();
            fields.insert(
                ROLES_KEY.to_string(),
                vec!["must keep your own Settings: you can't remove your own Settings access. Another administrator can".to_string()],
            );
            place_server_errors(errors, form_error, fields);
        }
        Err(ApiError::NotFound) => form_error.set(Some(
            "This user no longer exists. Someone may have deleted them for good.".to_string(),
        )),
        Err(e) => form_error.set(e.shown()),
    });
}

/// "Reload": shows their version in the form, to edit again from there.
pub(super) fn reload_theirs(form: FormState) -> impl Fn(MouseEvent) + Copy + Send + Sync + 'static {
    let FormState {
        values,
        original,
        errors,
        form_error,
        form_status,
        stale,
        ..
    } = form;
    move |_| {
        let Some(current) = stale.get_untracked() else {
            return;
        };
        values.fill_from(&current);
        original.set(Some(current));
        stale.set(None);
        errors.set(FieldErrors::new());
        form_error.set(None);
        form_status.set(Some(
            "Showing their version. Make your changes again if they are still needed.".to_string(),
        ));
        focus_id("user-first-name");
    }
}

/// Why the save did not happen when someone else changed the user, their
/// version, and "Reload".
pub(super) fn stale_view(form: FormState) -> impl IntoView {
    let stale = form.stale;
    let reload_theirs = reload_theirs(form);
    move || {
        stale.get().map(|current| {
            let theirs = format!(
                "Their version: {} {}, {}, {}; direct roles: {}.",
                current.summary.first_name,
                current.summary.last_name,
                current.summary.email,
                current.summary.identity_provider,
                if current.direct_roles.is_empty() {
                    "none".to_string()
                } else {
                    current.direct_roles.join(", ")
                }
            );
            view! {
                <div class="alert alert-warning" role="alert">
                    <p><strong>"Someone else changed this user"</strong>" while you were editing, so your changes were not saved."</p>
                    <p>{theirs}</p>
                    <button type="button" class="button" id="user-reload" on:click=reload_theirs>
                        "Reload"
                    </button>
                </div>
            }
        })
    }
}
