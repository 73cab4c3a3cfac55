//! The group's form: Name, Description and the Roles fieldset. As on the
//! user form, input is checked with the shared rules on blur and on submit
//! (and again while typing once a field shows an error); every error sits
//! under its field (`aria-invalid`, `aria-describedby`), the server's too,
//! and focus moves to the first invalid field. Saving: [`super::save`].

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use users_api::{Group, Role};

use super::save::{after_save, on_submit, stale_view};
use super::state::{error_id, GroupFormState, FIELDS};
use crate::components::focus::check_on_blur;
use crate::components::leave_guard::leave_guard;
use crate::state::notices::use_notices;

/// The error line under a field: "Name is already used by another group".
fn messages(form: GroupFormState, key: &'static str) -> impl Fn() -> Option<String> + Copy {
    let label = FIELDS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, label, _)| *label);
    move || {
        form.errors
            .with(|e| e.get(key).map(|m| format!("{label} {}", m.join(", "))))
    }
}

/// One checkbox per role of the catalogue, each described by its purpose.
fn role_boxes(form: GroupFormState, roles: Vec<Role>) -> impl IntoView {
    roles
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let id = format!("group-role-{i}");
            let description_id = format!("{id}-description");
            let (checked, toggled) = (role.name.clone(), role.name.clone());
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        aria-describedby=description_id.clone()
                        aria-invalid=move || form.invalid("roles")().then_some("true")
                        prop:checked=move || form.roles.with(|r| r.contains(&checked))
                        on:change=move |ev| {
                            form.set_role(&toggled, event_target_checked(&ev));
                            form.recheck_if_shown("roles");
                        }
                    />
                    <label for=id>{role.name.clone()}</label>
                    <span class="checkbox-description" id=description_id>
                        {role.description.clone()}
                    </span>
                </div>
            }
        })
        .collect_view()
}

/// The form of a new group (`group` is `None`) or of an existing one.
/// `heading` (the page's h1 and title) follows the version shown: "Add
/// group", or the group's name.
#[component]
pub fn GroupForm(
    roles: Vec<Role>,
    group: Option<Group>,
    heading: RwSignal<String>,
) -> impl IntoView {
    let notices = use_notices();
    let navigate = StoredValue::new_local(use_navigate());
    let form = GroupFormState::new(&roles, group);
    let original = form.original;
    Effect::new(move |_| {
        heading.set(original.with(|o| {
            o.as_ref()
                .map_or_else(|| "Add group".to_string(), |g| g.name.clone())
        }))
    });
    // Unsaved changes: leaving asks first (see `leave_guard`).
    let (guard, discard_dialog) = leave_guard(Signal::derive(move || form.changed()), "this group");
    let go = move |to: String| {
        guard.release();
        navigate.with_value(|navigate| navigate(&to, Default::default()))
    };
    let go_back = move || go("/groups".to_string());
    let on_submit = on_submit(form, notices, go_back);
    after_save(form, notices, go);
    let pending = form.save.pending();
    let described = move |key: &'static str| move || form.invalid(key)().then(|| error_id(key));
    let aria_invalid = move |key: &'static str| move || form.invalid(key)().then_some("true");

    view! {
        <form class="user-form card" on:submit=on_submit novalidate>
            {stale_view(form)}
            {move || form.form_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || form.form_status.get()}</p>
            <fieldset class="form-fields" disabled=move || pending.get()>
            <legend class="visually-hidden">"Group details"</legend>
            <div class="field" class:has-error=form.invalid("name")>
                <label for="group-name">"Name"</label>
                <input
                    id="group-name"
                    type="text"
                    autocomplete="off"
                    prop:value=move || form.name.get()
                    on:input=move |ev| {
                        form.name.set(event_target_value(&ev));
                        form.recheck_if_shown("name");
                    }
                    on:blur=check_on_blur(move || form.check_field("name"))
                    aria-invalid=aria_invalid("name")
                    aria-describedby=described("name")
                />
                <p id=error_id("name") class="field-error">{messages(form, "name")}</p>
            </div>
            <div class="field" class:has-error=form.invalid("description")>
                <label for="group-description">"Description"</label>
                <textarea
                    id="group-description"
                    rows="3"
                    prop:value=move || form.description.get()
                    on:input=move |ev| {
                        form.description.set(event_target_value(&ev));
                        form.recheck_if_shown("description");
                    }
                    on:blur=check_on_blur(move || form.check_field("description"))
                    aria-invalid=aria_invalid("description")
                    aria-describedby=described("description")
                ></textarea>
                <p id=error_id("description") class="field-error">{messages(form, "description")}</p>
            </div>
            <fieldset class="roles" class:has-error=form.invalid("roles") aria-describedby=described("roles")>
                <legend>"Roles"</legend>
                <p class="muted">"Every member of the group has these roles."</p>
                <div class="checkboxes">{role_boxes(form, roles)}</div>
                <p id=error_id("roles") class="field-error">{messages(form, "roles")}</p>
            </fieldset>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    aria-disabled=move || pending.get().then_some("true")
                    aria-busy=move || pending.get().then_some("true")
                >
                    "Submit"
                </button>
                <button type="button" class="button" on:click=move |_| guard.leave("/groups".to_string())>
                    "Cancel"
                </button>
                <span class="saving" role="status">{move || pending.get().then_some("Saving…")}</span>
            </div>
        </form>
        {discard_dialog}
    }
}
