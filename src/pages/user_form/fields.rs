//! The form's fields: which there are (key in the contract, label, element
//! id), the text inputs and the identity provider select, the error lines
//! under each (`aria-invalid`, `aria-describedby`), and focusing the first
//! invalid one.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use users_api::FieldErrors;

use super::archived;
use super::state::{invalid, FormState};
use super::submit::their_version;
use crate::components::focus::{check_on_blur, focus_id};

/// The text fields and the select: (key in the contract, label, element id).
pub(super) const FIELDS: [(&str, &str, &str); 4] = [
    ("first_name", "First name", "user-first-name"),
    ("last_name", "Last name", "user-last-name"),
    ("email", "Email", "user-email"),
    (
        "identity_provider",
        "Identity provider",
        "user-identity-provider",
    ),
];
pub(super) const ROLES_KEY: &str = "roles";
/// The order errors are visited in (the form's order).
pub(super) const ORDER: [&str; 5] = [
    "first_name",
    "last_name",
    "email",
    "identity_provider",
    ROLES_KEY,
];

pub(super) fn error_id(key: &str) -> String {
    format!("user-{}-error", key.replace('_', "-"))
}

pub(super) fn role_checkbox_id(i: usize) -> String {
    format!("user-role-{i}")
}

fn label_of(key: &str) -> &str {
    FIELDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, label, _)| *label)
        .unwrap_or(if key == ROLES_KEY { "Roles" } else { key })
}

/// The element focus goes to for a field with an error.
fn focus_target(key: &str) -> Option<String> {
    if key == ROLES_KEY {
        return Some(role_checkbox_id(0));
    }
    FIELDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, _, id)| id.to_string())
}

/// Focuses the first field (in form order) that has an error.
pub(super) fn focus_first_invalid(errors: &FieldErrors) {
    if let Some(id) = ORDER
        .iter()
        .find(|k| errors.contains_key(**k))
        .and_then(|k| focus_target(k))
    {
        focus_id(&id);
    }
}

/// The messages of one field ("Email is already taken"), plus the offer
/// to restore an archived user under Email (`restore` restores them).
pub(super) fn field_errors(
    form: FormState,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
    key: &'static str,
) -> impl IntoView {
    let errors = form.errors;
    move || {
        let messages = errors.with(|e| e.get(key).cloned()).unwrap_or_default();
        let label = label_of(key);
        let lines = messages
            .into_iter()
            .map(|m| view! { <p>{format!("{label} {m}")}</p> })
            .collect_view();
        let offer = (key == "email")
            .then(|| archived::offer(form, restore))
            .flatten();
        view! { {lines} {offer} }
    }
}

/// A text input of [`FIELDS`], re-checked on blur (and on typing once it
/// shows an error).
pub(super) fn text_field(
    form: FormState,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
    (key, label, id): (&'static str, &'static str, &'static str),
) -> impl IntoView {
    let FormState {
        values,
        errors,
        archived_email,
        ..
    } = form;
    let checks = form.checks();
    let value = values.text(key);
    let messages = field_errors(form, restore, key);
    let (kind, autocomplete) = match key {
        "email" => ("email", "off"),
        "first_name" => ("text", "off"),
        _ => ("text", "off"),
    };
    view! {
        <div class="field" class:has-error=invalid(errors, key)>
            <label for=id>{label}</label>
            <input
                id=id
                name=key
                type=kind
                autocomplete=autocomplete
                spellcheck="false"
                prop:value=move || value.get()
                aria-invalid=move || invalid(errors, key)().then_some("true")
                aria-describedby=move || invalid(errors, key)().then(|| error_id(key))
                on:input=move |ev| {
                    // An email field reads back without a trailing space:
                    // writing that into the field would drop the space just
                    // typed, so only a real change is written.
                    let typed = event_target_value(&ev);
                    if value.with_untracked(|v| *v != typed) {
                        value.set(typed);
                    }
                    if key == "email" {
                        archived_email.set(None);
                    }
                    checks.recheck_if_shown(key);
                }
                on:blur=check_on_blur(move || checks.check_field(key))
            />
            <div id=error_id(key) class="field-error">{messages}</div>
            {their_version(form, key)}
        </div>
    }
}

/// The identity provider select: the company's providers, plus the user's
/// current one if the company no longer offers it.
pub(super) fn provider_field(
    form: FormState,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
    mut names: Vec<String>,
) -> impl IntoView {
    let FormState { values, errors, .. } = form;
    let checks = form.checks();
    let messages = field_errors(form, restore, FIELDS[3].0);
    let (key, label, id) = FIELDS[3];
    let current = values.identity_provider.get_untracked();
    if !current.is_empty() && !names.contains(&current) {
        // A provider the company no longer offers: shown, so it is not changed silently.
        names.push(current);
    }
    let options_view = names
        .into_iter()
        .map(|name| {
            let selected_name = name.clone();
            let value = name.clone();
            view! {
                <option
                    value=value
                    selected=move || values.identity_provider.get() == selected_name
                >
                    {name}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field" class:has-error=invalid(errors, key)>
            <label for=id>{label}</label>
            <select
                id=id
                name=key
                prop:value=move || values.identity_provider.get()
                aria-invalid=move || invalid(errors, key)().then_some("true")
                aria-describedby=move || invalid(errors, key)().then(|| error_id(key))
                on:change=move |ev| {
                    values.identity_provider.set(event_target_value(&ev));
                    checks.check_field(key);
                }
                on:blur=check_on_blur(move || checks.check_field(key))
            >
                <option value="" selected=move || values.identity_provider.get().is_empty()>
                    "Choose an identity provider"
                </option>
                {options_view}
            </select>
            <div id=error_id(key) class="field-error">{messages}</div>
            {their_version(form, key)}
        </div>
    }
}
