//! Saving: check the input, send it (create, or a patch with `If-Match`),
//! and place what the server answers on the form; on a stale version, show
//! theirs and offer "Reload" instead of overwriting.

use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use users_api::{FieldErrors, UserId, UserPatch};

use super::fields::{focus_first_invalid, FIELDS, ORDER, ROLES_KEY};
use super::state::{groups_of, FormState, Save};
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
    // Once the fields are enabled again (they are disabled while saving).
    request_animation_frame(move || focus_first_invalid(&placed));
}

/// The submit handler: checks, then sends through the form's save action;
/// [`after_save`] goes back or shows why not.
pub(super) fn on_submit(
    form: FormState,
    go_back: impl Fn(Option<UserId>) + Copy + Send + Sync + 'static,
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
                    go_back(Some(before.summary.id));
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
pub(super) fn after_save(
    form: FormState,
    go_back: impl Fn(Option<UserId>) + Copy + Send + Sync + 'static,
) {
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
            go_back(Some(saved.summary.id));
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

/// A three-way merge of a set (direct roles, group ids): their set, plus
/// what we added, minus what we removed, in their order then ours.
/// Items are the same item when `key` says so (a group renamed meanwhile
/// is still that group).
fn merge_set<T: Clone, K: PartialEq>(
    base: &[T],
    mine: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let has = |list: &[T], item: &T| list.iter().any(|x| key(x) == key(item));
    let mut merged: Vec<T> = theirs
        .iter()
        // Kept unless we removed it.
        .filter(|t| !has(base, t) || has(mine, t))
        .cloned()
        .collect();
    for m in mine {
        if !has(base, m) && !has(&merged, m) {
            merged.push(m.clone());
        }
    }
    merged
}

/// "Reload": merges their version into the form. A field only they changed
/// takes their value; one only we changed keeps ours; where both changed
/// it differently, ours stays and theirs is shown beside it ("Their
/// version: …") until one is chosen. Roles and groups merge as sets.
pub(super) fn reload_theirs(form: FormState) -> impl Fn(MouseEvent) + Copy + Send + Sync + 'static {
    let FormState {
        values,
        original,
        errors,
        form_error,
        form_status,
        stale,
        conflicts,
        catalogue,
        ..
    } = form;
    move |_| {
        let (Some(current), Some(base)) = (stale.get_untracked(), original.get_untracked()) else {
            return;
        };
        let mut found = std::collections::BTreeMap::new();
        for (key, _, _) in FIELDS {
            let signal = values.text(key);
            let mine = signal.get_untracked();
            let (was, theirs) = match key {
                "first_name" => (&base.summary.first_name, &current.summary.first_name),
                "last_name" => (&base.summary.last_name, &current.summary.last_name),
                "email" => (&base.summary.email, &current.summary.email),
                _ => (
                    &base.summary.identity_provider,
                    &current.summary.identity_provider,
                ),
            };
            if mine.trim() == was.as_str() {
                signal.set(theirs.clone());
            } else if theirs != was && mine.trim() != theirs.as_str() {
                found.insert(key, theirs.clone());
            }
        }
        let roles = merge_set(
            &base.direct_roles,
            &values.roles.get_untracked(),
            &current.direct_roles,
            String::clone,
        );
        let order = catalogue.get_value();
        values
            .roles
            .set(order.into_iter().filter(|r| roles.contains(r)).collect());
        let groups = merge_set(
            &groups_of(&base),
            &values.groups.get_untracked(),
            &groups_of(&current),
            |g| g.id,
        );
        values.groups.set(groups);
        original.set(Some(current));
        stale.set(None);
        errors.set(FieldErrors::new());
        form_error.set(None);
        form_status.set(Some(if found.is_empty() {
            "Their changes are in the form, and yours are kept. Submit to save them.".to_string()
        } else {
            "Their changes are in the form, and yours are kept. Where you both changed a field, choose which to keep.".to_string()
        }));
        let first = found.keys().next().copied();
        conflicts.set(found);
        match first.and_then(|key| FIELDS.iter().find(|(k, _, _)| *k == key)) {
            Some((_, _, id)) => focus_id(id),
            None => focus_id("user-first-name"),
        };
    }
}

/// Under a field both sides changed: their value, "Use theirs" and "Keep mine".
pub(super) fn their_version(form: FormState, key: &'static str) -> impl IntoView {
    let FormState {
        values, conflicts, ..
    } = form;
    let line_id = format!("user-{}-theirs", key.replace('_', "-"));
    move || {
        conflicts.with(|c| c.get(key).cloned()).map(|theirs| {
            let use_theirs = {
                let theirs = theirs.clone();
                move |_| {
                    values.text(key).set(theirs.clone());
                    conflicts.update(|c| {
                        c.remove(key);
                    });
                }
            };
            let keep_mine = move |_| {
                conflicts.update(|c| {
                    c.remove(key);
                })
            };
            view! {
                <div class="their-version">
                    <span id=line_id.clone()>"Their version: " <strong>{theirs}</strong></span>
                    <button
                        type="button"
                        class="button small"
                        aria-describedby=line_id.clone()
                        on:click=use_theirs
                    >
                        "Use theirs"
                    </button>
                    <button
                        type="button"
                        class="button small quiet"
                        aria-describedby=line_id.clone()
                        on:click=keep_mine
                    >
                        "Keep mine"
                    </button>
                </div>
            }
        })
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
