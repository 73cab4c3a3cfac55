//! Saving: check the input, send it (create, or a patch with `If-Match`),
//! and place what the server answers on the form; on a stale version, show
//! theirs and offer "Reload" instead of overwriting.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use users_api::{FieldErrors, UserPatch};

use super::archived::find_archived;
use super::fields::{focus_first_invalid, focus_id, ORDER, ROLES_KEY};
use super::state::FormState;
use crate::api::ApiError;

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

/// The submit handler: checks, then saves and goes back, or shows why not.
pub(super) fn on_submit(
    form: FormState,
    go_back: impl Fn() + Copy + Send + Sync + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    let FormState {
        api,
        notices,
        values,
        original,
        errors,
        pending,
        form_error,
        form_status,
        stale,
        archived_match,
        ..
    } = form;
    let checks = form.checks();
    move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
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
        let before = original.get_untracked();
        if let Some(before) = &before {
            if values.patch(before) == UserPatch::default() {
                notices.announce(format!(
                    "No changes to save for {}",
                    before.summary.full_name()
                ));
                go_back();
                return;
            }
        }
        pending.set(true);
        archived_match.set(None);
        spawn_local(async move {
            let result = match &before {
                None => {
                    let body = values.new_user();
                    api.call(|c| c.create_user(&body)).await
                }
                Some(before) => {
                    let patch = values.patch(before);
                    let (id, version) = (before.summary.id, before.version);
                    api.call(|c| c.update_user(id, version, &patch)).await
                }
            };
            let _ = pending.try_set(false);
            match result {
                Ok(saved) => {
                    let verb = if before.is_some() { "saved" } else { "added" };
                    notices.announce(format!("User {} {verb}", saved.summary.full_name()));
                    go_back();
                }
                Err(ApiError::Invalid { fields }) => {
                    place_server_errors(errors, form_error, fields)
                }
                Err(ApiError::EmailArchived { mut fields }) => {
                    fields
                        .entry("email".to_string())
                        .or_insert_with(|| vec!["belongs to an archived user".to_string()]);
                    place_server_errors(errors, form_error, fields);
                    find_archived(api, archived_match, values.email.get_untracked());
                }
                Err(ApiError::StaleVersion { current }) => {
                    stale.set(Some(*current));
                    request_animation_frame(|| focus_id("user-reload"));
                }
                Err(ApiError::LastAdmin) => {
                    let mut fields = FieldErrors::new();
                    fields.insert(
                        ROLES_KEY.to_string(),
                        vec!["must keep Settings: no other active user holds it, and someone must be able to manage users".to_string()],
                    );
                    place_server_errors(errors, form_error, fields);
                }
                Err(ApiError::NotFound) => {
                    form_error.set(Some(
                        "This user no longer exists. Someone may have deleted them for good."
                            .to_string(),
                    ));
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => form_error.set(Some(e.message())),
            }
        });
    }
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
