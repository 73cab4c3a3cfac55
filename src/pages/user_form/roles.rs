//! The Roles fieldset (direct roles, one checkbox per catalogue role, each
//! noting the groups that also grant it) and Edit's "Roles from groups".

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use users_api::rules::SELF_LOCKOUT;
use users_api::{Role, UserDetail, SETTINGS_ROLE};

use super::fields::{error_id, field_errors, role_checkbox_id, ROLES_KEY};
use super::state::{invalid, FormState};
use crate::state::session::use_session;

/// Roles a user has through groups, with the groups ("Testing" → "QA team, Release team").
fn inherited(original: RwSignal<Option<UserDetail>>) -> Vec<(String, Vec<String>)> {
    inherited_refs(original)
        .into_iter()
        .map(|(role, groups)| (role, groups.into_iter().map(|(_, name)| name).collect()))
        .collect()
}

/// [`inherited`] with each group's id (for links to it).
fn inherited_refs(original: RwSignal<Option<UserDetail>>) -> Vec<(String, Vec<(i64, String)>)> {
    original.with(|o| {
        o.as_ref()
            .map(|user| {
                user.summary
                    .roles
                    .iter()
                    .filter_map(|r| {
                        let groups: Vec<(i64, String)> =
                            r.groups().map(|g| (g.id, g.name.clone())).collect();
                        (!groups.is_empty()).then(|| (r.role.clone(), groups))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    })
}

/// The Roles fieldset: a checkbox per role of the catalogue, in its order.
pub(super) fn roles_fieldset(
    form: FormState,
    restore: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
    roles: &[Role],
) -> impl IntoView {
    let FormState {
        catalogue,
        values,
        original,
        errors,
        ..
    } = form;
    let checks = form.checks();
    // On your own form, Settings that only you give yourself directly
    // cannot be unticked: the server would refuse (409 self_lockout).
    let me = use_session().me_untracked().map(|me| me.user.summary.id);
    let editing_self =
        move || original.with(|o| o.as_ref().map(|u| u.summary.id)) == me && me.is_some();
    let groups = values.groups;
    let settings_locked = move || {
        editing_self()
            && values.roles.with(|r| r.iter().any(|r| r == SETTINGS_ROLE))
            && !groups.with(|g| g.iter().any(|g| g.roles.iter().any(|r| r == SETTINGS_ROLE)))
    };
    let role_boxes = roles
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
            let is_settings = role.name == SETTINGS_ROLE;
            let locked = move || is_settings && settings_locked();
            let also = move || {
                inherited(original)
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
                        aria-invalid=move || invalid(errors, ROLES_KEY)().then_some("true")
                        aria-describedby=description_id.clone()
                        disabled=locked
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
                            checks.recheck_if_shown(ROLES_KEY);
                        }
                    />
                    <label for=id>{name}</label>
                    <span class="checkbox-description" id=description_id>
                        {description}
                        {also}
                        {move || locked().then(|| view! { <span class="lock-note">" " {SELF_LOCKOUT}</span> })}
                    </span>
                </div>
            }
        })
        .collect_view();

    let role_messages = field_errors(form, restore, ROLES_KEY);
    view! {
        <fieldset
            class="roles"
            class:has-error=invalid(errors, ROLES_KEY)
            aria-describedby=move || invalid(errors, ROLES_KEY)().then(|| error_id(ROLES_KEY))
        >
            <legend>"Roles"</legend>
            <div class="checkboxes">{role_boxes}</div>
            <div id=error_id(ROLES_KEY) class="field-error">{role_messages}</div>
        </fieldset>
    }
}

/// Edit's "Roles from groups": what the user's groups grant, read-only.
pub(super) fn from_groups(form: FormState, editing: bool) -> Option<impl IntoView> {
    let original = form.original;
    editing.then(|| {
        view! {
            <section class="inherited-roles" aria-labelledby="roles-from-groups">
                <h2 id="roles-from-groups">"Roles from groups"</h2>
                {move || {
                    let list = inherited_refs(original);
                    if list.is_empty() {
                        view! { <p class="muted">"This user has no roles from groups."</p> }.into_any()
                    } else {
                        let items = list
                            .into_iter()
                            .map(|(role, groups)| {
                                let last = groups.len() - 1;
                                let links = groups
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, (id, name))| view! {
                                        <a href=format!("/groups/{id}")>{name}</a>
                                        {(i < last).then_some(", ")}
                                    })
                                    .collect_view();
                                view! {
                                    <li>
                                        <span class="chip chip-group">{role}</span>
                                        " "
                                        <span class="from">"from " {links}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! { <ul class="inherited-list">{items}</ul> }.into_any()
                    }
                }}
                <p class="muted">"These roles come from the user's groups: change them on the group, or change the user's groups above."</p>
            </section>
        }
    })
}
