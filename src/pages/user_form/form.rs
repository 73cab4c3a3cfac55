//! The user form of Add new and Edit. Input is checked in the browser with
//! the shared rules (`users_api::validation`) on blur and on submit; every
//! error sits under its field (`aria-invalid`, `aria-describedby`) and focus
//! moves to the first invalid field. The server's field errors land in the
//! same places. Edit changes only the direct roles, sends `If-Match`, and on
//! a stale version offers "Reload" instead of overwriting.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use users_api::validation::{validate_new_user, validate_patch, Context};
use users_api::{FieldErrors, ListQuery, NewUser, UserDetail, UserPatch, UserStatus, UserSummary};
use wasm_bindgen::JsCast;

use super::FormOptions;
use crate::api::{use_api, ApiError};
use crate::state::list_url::with_search;
use crate::state::notices::use_notices;

/// The text fields and the select: (key in the contract, label, element id).
const FIELDS: [(&str, &str, &str); 4] = [
    ("first_name", "First name", "user-first-name"),
    ("last_name", "Last name", "user-last-name"),
    ("email", "Email", "user-email"),
    (
        "identity_provider",
        "Identity provider",
        "user-identity-provider",
    ),
];
const ROLES_KEY: &str = "roles";
/// The order errors are visited in (the form's order).
const ORDER: [&str; 5] = [
    "first_name",
    "last_name",
    "email",
    "identity_provider",
    ROLES_KEY,
];

fn error_id(key: &str) -> String {
    format!("user-{}-error", key.replace('_', "-"))
}

fn role_checkbox_id(i: usize) -> String {
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

fn focus_id(id: &str) {
    if let Some(el) = document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Focuses the first field (in form order) that has an error.
fn focus_first_invalid(errors: &FieldErrors) {
    if let Some(id) = ORDER
        .iter()
        .find(|k| errors.contains_key(**k))
        .and_then(|k| focus_target(k))
    {
        focus_id(&id);
    }
}

/// The form's values.
#[derive(Clone, Copy)]
struct Values {
    first_name: RwSignal<String>,
    last_name: RwSignal<String>,
    email: RwSignal<String>,
    identity_provider: RwSignal<String>,
    /// Direct roles, in catalogue order.
    roles: RwSignal<Vec<String>>,
}

impl Values {
    fn text(&self, key: &str) -> RwSignal<String> {
        match key {
            "first_name" => self.first_name,
            "last_name" => self.last_name,
            "email" => self.email,
            _ => self.identity_provider,
        }
    }

    fn fill_from(&self, user: &UserDetail) {
        self.first_name.set(user.summary.first_name.clone());
        self.last_name.set(user.summary.last_name.clone());
        self.email.set(user.summary.email.clone());
        self.identity_provider
            .set(user.summary.identity_provider.clone());
        self.roles.set(user.direct_roles.clone());
    }

    fn new_user(&self) -> NewUser {
        NewUser {
            first_name: self.first_name.get_untracked(),
            last_name: self.last_name.get_untracked(),
            email: self.email.get_untracked(),
            identity_provider: self.identity_provider.get_untracked(),
            roles: self.roles.get_untracked(),
        }
    }

    /// What differs from `before`: only those fields are sent (and checked).
    fn patch(&self, before: &UserDetail) -> UserPatch {
        let changed = |now: String, was: &str| (now.trim() != was).then_some(now);
        let roles = self.roles.get_untracked();
        UserPatch {
            first_name: changed(self.first_name.get_untracked(), &before.summary.first_name),
            last_name: changed(self.last_name.get_untracked(), &before.summary.last_name),
            email: changed(self.email.get_untracked(), &before.summary.email),
            identity_provider: changed(
                self.identity_provider.get_untracked(),
                &before.summary.identity_provider,
            ),
            roles: (roles != before.direct_roles).then_some(roles),
        }
    }
}

/// The form. `user` is the user being edited; `None` adds a new one.
#[component]
pub fn UserForm(options: FormOptions, user: Option<UserDetail>) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let navigate = StoredValue::new_local(use_navigate());
    let editing = user.is_some();
    let catalogue = StoredValue::new(options.role_names());
    let providers = StoredValue::new(options.providers.clone());

    let values = Values {
        first_name: RwSignal::new(String::new()),
        last_name: RwSignal::new(String::new()),
        email: RwSignal::new(String::new()),
        // A new user gets the first provider unless another is chosen.
        identity_provider: RwSignal::new(options.providers.first().cloned().unwrap_or_default()),
        roles: RwSignal::new(Vec::new()),
    };
    if let Some(user) = &user {
        values.fill_from(user);
    }
    // The version being edited (what `If-Match` carries).
    let original = RwSignal::new(user);
    let errors = RwSignal::new(FieldErrors::new());
    let pending = RwSignal::new(false);
    let form_error = RwSignal::new(None::<String>);
    let form_status = RwSignal::new(None::<String>);
    let stale = RwSignal::new(None::<UserDetail>);
    let archived_match = RwSignal::new(None::<UserSummary>);
    let restoring = RwSignal::new(false);

    // Every violation of the current input, by field (only changed fields in Edit).
    let validate = move || -> FieldErrors {
        let (catalogue, providers) = (catalogue.get_value(), providers.get_value());
        let ctx = Context {
            catalogue: &catalogue,
            providers: &providers,
        };
        match original.get_untracked() {
            None => validate_new_user(&values.new_user(), ctx).err(),
            Some(before) => validate_patch(&values.patch(&before), ctx).err(),
        }
        .unwrap_or_default()
    };
    // Re-checks one field, leaving the others' messages as they are.
    let check_field = move |key: &'static str| {
        // Leaving the page removes the focused field, which blurs it: nothing to check then.
        if errors.is_disposed() || original.is_disposed() {
            return;
        }
        let found = validate();
        errors.update(|e| match found.get(key) {
            Some(messages) => {
                e.insert(key.to_string(), messages.clone());
            }
            None => {
                e.remove(key);
            }
        });
    };
    // While a field shows an error, typing re-checks it (so fixing it clears it).
    let recheck_if_shown = move |key: &'static str| {
        if errors.with_untracked(|e| e.contains_key(key)) {
            check_field(key);
        }
    };

    let location = use_location();
    let go_back = move || {
        let to = with_search("/users", &location.search.get_untracked());
        navigate.with_value(|navigate| navigate(&to, Default::default()));
    };

    // An archived user has the email: find them, to offer restoring.
    let find_archived = move |email: String| {
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
    };

    let restore_archived = {
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
    };

    // Places the server's field errors; anything not on a field goes on top.
    let place_server_errors = move |fields: FieldErrors| {
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
    };

    let on_submit = {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            if pending.get_untracked() {
                return;
            }
            form_error.set(None);
            form_status.set(None);
            let found = validate();
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
                    Err(ApiError::Invalid { fields }) => place_server_errors(fields),
                    Err(ApiError::EmailArchived { mut fields }) => {
                        fields
                            .entry("email".to_string())
                            .or_insert_with(|| vec!["belongs to an archived user".to_string()]);
                        place_server_errors(fields);
                        find_archived(values.email.get_untracked());
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
                        place_server_errors(fields);
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
    };

    let reload_theirs = move |_| {
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
    };

    // The messages of one field ("Email is already taken"), plus the offer
    // to restore an archived user under Email.
    let field_errors = move |key: &'static str| {
        move || {
            let messages = errors.with(|e| e.get(key).cloned()).unwrap_or_default();
            let label = label_of(key);
            let lines = messages
                .into_iter()
                .map(|m| view! { <p>{format!("{label} {m}")}</p> })
                .collect_view();
            let offer = (key == "email")
                .then(|| archived_match.get())
                .flatten()
                .map(|user| {
                    let name = user.full_name();
                    view! {
                        <div class="field-offer">
                            <p>{format!("{name} has this email and is archived. Restore them instead of adding a new user.")}</p>
                            <button
                                type="button"
                                class="button"
                                disabled=move || restoring.get()
                                on:click=restore_archived
                            >
                                {format!("Restore {name}")}
                            </button>
                        </div>
                    }
                });
            view! { {lines} {offer} }
        }
    };
    let invalid = move |key: &'static str| move || errors.with(|e| e.contains_key(key));

    let text_field = {
        move |key: &'static str, label: &'static str, id: &'static str| {
            let value = values.text(key);
            let messages = field_errors(key);
            let (kind, autocomplete) = match key {
                "email" => ("email", "off"),
                "first_name" => ("text", "off"),
                _ => ("text", "off"),
            };
            view! {
                <div class="field" class:has-error=invalid(key)>
                    <label for=id>{label}</label>
                    <input
                        id=id
                        name=key
                        type=kind
                        autocomplete=autocomplete
                        spellcheck="false"
                        prop:value=move || value.get()
                        aria-invalid=move || invalid(key)().then_some("true")
                        aria-describedby=move || invalid(key)().then(|| error_id(key))
                        on:input=move |ev| {
                            value.set(event_target_value(&ev));
                            if key == "email" {
                                archived_match.set(None);
                            }
                            recheck_if_shown(key);
                        }
                        on:blur=move |_| check_field(key)
                    />
                    <div id=error_id(key) class="field-error">{messages}</div>
                </div>
            }
        }
    };

    let provider_field = {
        let messages = field_errors(FIELDS[3].0);
        let (key, label, id) = FIELDS[3];
        let mut names = options.providers.clone();
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
            <div class="field" class:has-error=invalid(key)>
                <label for=id>{label}</label>
                <select
                    id=id
                    name=key
                    prop:value=move || values.identity_provider.get()
                    aria-invalid=move || invalid(key)().then_some("true")
                    aria-describedby=move || invalid(key)().then(|| error_id(key))
                    on:change=move |ev| {
                        values.identity_provider.set(event_target_value(&ev));
                        check_field(key);
                    }
                    on:blur=move |_| check_field(key)
                >
                    <option value="" selected=move || values.identity_provider.get().is_empty()>
                        "Choose an identity provider"
                    </option>
                    {options_view}
                </select>
                <div id=error_id(key) class="field-error">{messages}</div>
            </div>
        }
    };

    // Roles a user has through groups, with the groups ("Testing" → "QA team, Release team").
    let inherited = move || {
        original.with(|o| {
            o.as_ref()
                .map(|user| {
                    user.summary
                        .roles
                        .iter()
                        .filter_map(|r| {
                            let groups: Vec<String> = r.groups().map(|g| g.name.clone()).collect();
                            (!groups.is_empty()).then(|| (r.role.clone(), groups))
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };

    let role_boxes = options
        .roles
        .iter()
        .enumerate()
        .map(|(i, role)| {
            let id = role_checkbox_id(i);
            let description_id = format!("{id}-description");
            let name = role.name.clone();
            let checked_name = name.clone();
            let toggled_name = name.clone();
            let also_name = name.clone();
            let description = role.description.clone();
            let also = move || {
                inherited()
                    .into_iter()
                    .find(|(r, _)| *r == also_name)
                    .map(|(_, groups)| format!(" Also from {}.", groups.join(", ")))
            };
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        name="roles"
                        value=name.clone()
                        prop:checked=move || values.roles.with(|r| r.contains(&checked_name))
                        aria-invalid=move || invalid(ROLES_KEY)().then_some("true")
                        aria-describedby=description_id.clone()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let catalogue = catalogue.get_value();
                            values.roles.update(|roles| {
                                let mut set: Vec<String> = roles.clone();
                                set.retain(|r| *r != toggled_name);
                                if on {
                                    set.push(toggled_name.clone());
                                }
                                *roles = catalogue.iter().filter(|c| set.contains(c)).cloned().collect();
                            });
                            recheck_if_shown(ROLES_KEY);
                        }
                    />
                    <label for=id>{name}</label>
                    <span class="checkbox-description" id=description_id>
                        {description}
                        {also}
                    </span>
                </div>
            }
        })
        .collect_view();

    let role_messages = field_errors(ROLES_KEY);
    let roles_fieldset = view! {
        <fieldset
            class="roles"
            class:has-error=invalid(ROLES_KEY)
            aria-describedby=move || invalid(ROLES_KEY)().then(|| error_id(ROLES_KEY))
        >
            <legend>"Roles"</legend>
            <div class="checkboxes">{role_boxes}</div>
            <div id=error_id(ROLES_KEY) class="field-error">{role_messages}</div>
        </fieldset>
    };

    let from_groups = editing.then(|| {
        view! {
            <section class="inherited-roles" aria-labelledby="roles-from-groups">
                <h2 id="roles-from-groups">"Roles from groups"</h2>
                {move || {
                    let list = inherited();
                    if list.is_empty() {
                        view! { <p class="muted">"This user has no roles from groups."</p> }.into_any()
                    } else {
                        let items = list
                            .into_iter()
                            .map(|(role, groups)| {
                                view! {
                                    <li>
                                        <span class="chip chip-group">{role}</span>
                                        " "
                                        <span class="from">{format!("from {}", groups.join(", "))}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ul class="inherited-list">{items}</ul> }.into_any()
                    }
                }}
                <p class="muted">"These roles come from the user's groups. They change on the group, not here."</p>
            </section>
        }
    });

    let stale_view = move || {
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
    };

    // Built in a loop: one copy of the field's code, not one per field.
    let [first_name_field, last_name_field, email_field] =
        [FIELDS[0], FIELDS[1], FIELDS[2]].map(|(key, label, id)| text_field(key, label, id));

    view! {
        <form class="user-form card" on:submit=on_submit novalidate>
            {stale_view}
            {move || form_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || form_status.get()}</p>
            <div class="field-row">
                {first_name_field}
                {last_name_field}
            </div>
            {email_field}
            {provider_field}
            {roles_fieldset}
            {from_groups}
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().then_some("true")
                >
                    <span class="spinner" aria-hidden="true" hidden=move || !pending.get()></span>
                    "Submit"
                </button>
                <button type="button" class="button" on:click=move |_| go_back()>
                    "Cancel"
                </button>
                <span class="saving" role="status">{move || pending.get().then_some("Saving…")}</span>
            </div>
        </form>
    }
}
