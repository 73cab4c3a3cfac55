//! The user form of Add new and Edit. Input is checked in the browser with
//! the shared rules (`users_api::validation`) on blur and on submit; every
//! error sits under its field (`aria-invalid`, `aria-describedby`) and focus
//! moves to the first invalid field. The server's field errors land in the
//! same places. Edit changes only the direct roles, sends `If-Match`, and on
//! a stale version offers "Reload" instead of overwriting.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use users_api::{UserDetail, UserId};

use super::archived::restore_archived;
use super::fields::{provider_field, text_field, FIELDS};
use super::groups::{effective_roles, groups_field};
use super::roles::{from_groups, roles_fieldset};
use super::state::FormState;
use super::submit::{after_save, on_submit, stale_view};
use super::FormOptions;
use crate::components::leave_guard::leave_guard;
use crate::state::list_focus::{row_edit_id, row_name_id, use_list_focus};
use crate::state::list_url::with_search;

/// The form. `user` is the user being edited; `None` adds a new one.
#[component]
pub fn UserForm(options: FormOptions, user: Option<UserDetail>) -> impl IntoView {
    let navigate = StoredValue::new_local(use_navigate());
    let editing = user.is_some();
    let form = FormState::new(&options, user);
    let pending = form.save.pending();
    let form_error = form.form_error;
    let form_status = form.form_status;

    // Unsaved changes: leaving asks first (see `leave_guard`).
    let default_provider = options.providers.first().cloned().unwrap_or_default();
    let (values, original) = (form.values, form.original);
    let dirty = Signal::derive(move || {
        original.with(|before| values.changed_from(before.as_ref(), &default_provider))
    });
    let (guard, discard_dialog) = leave_guard(dirty, "this user");

    let location = use_location();
    let list_url = move || with_search("/users", &location.search.get_untracked());
    let list_focus = use_list_focus();
    // After a save: to the list, focus on the saved user's name there.
    let go_back = move |saved: Option<UserId>| {
        guard.release();
        if let Some(id) = saved {
            list_focus.set(row_name_id(id));
        }
        navigate.with_value(|navigate| navigate(&list_url(), Default::default()));
    };
    // Cancel: to the list (asking first if anything changed), focus on the
    // row's "Edit".
    let cancel = move |_| {
        if let Some(before) = original.get_untracked() {
            list_focus.set(row_edit_id(before.summary.id));
        }
        guard.leave(list_url());
    };

    let restore = restore_archived(form, go_back);
    let on_submit = on_submit(form, go_back);
    after_save(form, go_back);
    let provider_field = provider_field(form, restore, options.providers.clone());
    let roles_fieldset = roles_fieldset(form, restore, &options.roles);
    let from_groups = from_groups(form, editing);
    let groups_field = editing.then(|| groups_field(form));
    let effective_roles = effective_roles(form);
    let stale_view = stale_view(form);

    // Built in a loop: one copy of the field's code, not one per field.
    let [first_name_field, last_name_field, email_field] =
        [FIELDS[0], FIELDS[1], FIELDS[2]].map(|field| text_field(form, restore, field));

    view! {
        <form class="user-form card" on:submit=on_submit novalidate>
            {stale_view}
            {move || form_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <p class="form-status" role="status">{move || form_status.get()}</p>
            // While saving nothing can change; Submit stays focusable
            // (aria-disabled), so focus is not dropped.
            <fieldset class="form-fields" disabled=move || pending.get()>
                <legend class="visually-hidden">"User details"</legend>
                <div class="field-row">
                    {first_name_field}
                    {last_name_field}
                </div>
                {email_field}
                {provider_field}
                {roles_fieldset}
                {groups_field}
                {from_groups}
                {effective_roles}
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    aria-disabled=move || pending.get().then_some("true")
                    aria-busy=move || pending.get().then_some("true")
                >
                    <span class="spinner" aria-hidden="true" hidden=move || !pending.get()></span>
                    "Submit"
                </button>
                <button type="button" class="button" on:click=cancel>
                    "Cancel"
                </button>
                <span class="saving" role="status">{move || pending.get().then_some("Saving…")}</span>
            </div>
        </form>
        {discard_dialog}
    }
}
