//! The group's form: Name, Description and the Roles fieldset, checked
//! with the shared rules (`users_api::group`) on submit, errors under their
//! fields (the server's too), `If-Match` on edits and "Reload" when someone
//! else changed the group meanwhile.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use users_api::group::{validate_group_patch, validate_new_group};
use users_api::{FieldErrors, Group, GroupPatch, NewGroup, Role};

use crate::api::{use_api, ApiError};
use crate::components::focus::focus_id_after_render;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;

/// The fields, in page order: (key, element id).
const FIELDS: [(&str, &str); 3] = [
    ("name", "group-name"),
    ("description", "group-description"),
    ("roles", "group-role-0"),
];

fn error_id(key: &str) -> String {
    format!("group-{key}-error")
}

/// What "Submit" sends.
#[derive(Clone)]
enum Save {
    Create(NewGroup),
    Update {
        id: i64,
        version: i64,
        patch: GroupPatch,
    },
}

#[component]
pub fn GroupForm(roles: Vec<Role>, group: Option<Group>) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let navigate = StoredValue::new_local(use_navigate());
    let catalogue: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    let catalogue = StoredValue::new(catalogue);
    let original = RwSignal::new(group.clone());
    let name = RwSignal::new(group.as_ref().map(|g| g.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        group
            .as_ref()
            .map(|g| g.description.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(group.as_ref().map(|g| g.roles.clone()).unwrap_or_default());
    let errors = RwSignal::new(FieldErrors::new());
    let form_error = RwSignal::new(None::<String>);
    let stale = RwSignal::new(None::<Group>);
    let heading = move || {
        original.with(|o| {
            o.as_ref()
                .map_or_else(|| "Add group".to_string(), |g| g.name.clone())
        })
    };
    crate::components::title::view_title(heading);

    let fill = move |g: &Group| {
        name.set(g.name.clone());
        description.set(g.description.clone());
        chosen.set(g.roles.clone());
    };
    let request = move || -> Result<Option<Save>, FieldErrors> {
        let input = NewGroup {
            name: name.get_untracked(),
            description: description.get_untracked(),
            roles: chosen.get_untracked(),
        };
        let catalogue = catalogue.get_value();
        match original.get_untracked() {
            None => validate_new_group(&input, &catalogue).map(|_| Some(Save::Create(input))),
            Some(before) => {
                let patch = GroupPatch {
                    name: (input.name.trim() != before.name).then_some(input.name),
                    description: (input.description.trim() != before.description)
                        .then_some(input.description),
                    roles: (input.roles != before.roles).then_some(input.roles),
                };
                validate_group_patch(&patch, &catalogue)?;
                Ok((patch != GroupPatch::default()).then_some(Save::Update {
                    id: before.id,
                    version: before.version,
                    patch,
                }))
            }
        }
    };
    let show_errors = move |found: FieldErrors| {
        if let Some((_, id)) = FIELDS.iter().find(|(key, _)| found.contains_key(*key)) {
            focus_id_after_render(id);
        }
        errors.set(found);
    };
    let save = Action::new_local(move |save: &Save| {
        let save = save.clone();
        async move {
            match save {
                Save::Create(group) => api.call(move |c| c.create_group(&group)).await,
                Save::Update { id, version, patch } => {
                    api.call(move |c| c.update_group(id, version, &patch)).await
                }
            }
        }
    });
    let pending = save.pending();
    let go = move |to: String| navigate.with_value(|navigate| navigate(&to, Default::default()));
    on_outcome(save, move |result| {
        match result {
        Ok(saved) => {
            if original.with_untracked(Option::is_some) {
                notices.announce(format!("Group {} saved", saved.name));
                go("/groups".to_string());
            } else {
                notices.announce(format!("Group {} added. Add its members below.", saved.name));
                go(format!("/groups/{}", saved.id));
            }
        }
        Err(ApiError::Invalid { fields }) => show_errors(fields),
        Err(ApiError::StaleGroup { current }) => stale.set(Some(*current)),
        Err(ApiError::LastAdmin) => form_error.set(Some(
            "This would take Settings from the company's last active administrator. Give Settings to someone else first.".to_string(),
        )),
        Err(ApiError::NotFound) => form_error.set(Some("This group no longer exists.".to_string())),
        Err(e) => form_error.set(e.shown()),
    }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        form_error.set(None);
        match request() {
            Err(found) => show_errors(found),
            Ok(None) => {
                notices.announce(format!(
                    "No changes to save for {}",
                    name.get_untracked().trim()
                ));
                go("/groups".to_string());
            }
            Ok(Some(request)) => {
                errors.set(FieldErrors::new());
                save.dispatch(request);
            }
        }
    };
    let reload = move |_| {
        if let Some(current) = stale.get_untracked() {
            fill(&current);
            original.set(Some(current));
            stale.set(None);
        }
    };

    let message = move |key: &'static str| {
        move || {
            errors.with(|e| {
                e.get(key).map(|messages| {
                    let label = match key {
                        "name" => "Name",
                        "description" => "Description",
                        _ => "Roles",
                    };
                    format!("{label} {}", messages.join(", "))
                })
            })
        }
    };
    let invalid = move |key: &'static str| move || errors.with(|e| e.contains_key(key));
    let described = move |key: &'static str| move || invalid(key)().then(|| error_id(key));
    let role_boxes = roles
        .into_iter()
        .enumerate()
        .map(|(i, role)| {
            let id = format!("group-role-{i}");
            let (checked, toggled) = (role.name.clone(), role.name.clone());
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=move || chosen.with(|r| r.contains(&checked))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let catalogue = catalogue.get_value();
                            chosen.update(|roles| {
                                roles.retain(|r| *r != toggled);
                                if on {
                                    roles.push(toggled.clone());
                                }
                                *roles = catalogue.iter().filter(|c| roles.contains(c)).cloned().collect();
                            });
                        }
                    />
                    <label for=id>{role.name.clone()}</label>
                    <span class="checkbox-description">{role.description.clone()}</span>
                </div>
            }
        })
        .collect_view();

    view! {
        <h1>{heading}</h1>
        <form class="user-form card" on:submit=on_submit novalidate>
            {move || stale.get().map(|theirs| view! {
                <div class="alert alert-warning" role="alert">
                    <p>{format!(
                        "Someone else changed this group. It is now named {}, with roles: {}.",
                        theirs.name,
                        if theirs.roles.is_empty() { "none".to_string() } else { theirs.roles.join(", ") },
                    )}</p>
                    <button type="button" class="button" on:click=reload>"Reload"</button>
                </div>
            })}
            {move || form_error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <div class="field" class:has-error=invalid("name")>
                <label for="group-name">"Name"</label>
                <input
                    id="group-name"
                    type="text"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                    aria-invalid=move || invalid("name")().then_some("true")
                    aria-describedby=described("name")
                />
                <p id=error_id("name") class="field-error">{message("name")}</p>
            </div>
            <div class="field" class:has-error=invalid("description")>
                <label for="group-description">"Description"</label>
                <textarea
                    id="group-description"
                    rows="3"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                    aria-invalid=move || invalid("description")().then_some("true")
                    aria-describedby=described("description")
                ></textarea>
                <p id=error_id("description") class="field-error">{message("description")}</p>
            </div>
            <fieldset class="roles" class:has-error=invalid("roles") aria-describedby=described("roles")>
                <legend>"Roles"</legend>
                <p class="muted">"Every member of the group has these roles."</p>
                <div class="checkboxes">{role_boxes}</div>
                <p id=error_id("roles") class="field-error">{message("roles")}</p>
            </fieldset>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || pending.get()
                    aria-busy=move || pending.get().then_some("true")
                >
                    "Submit"
                </button>
                <button type="button" class="button" on:click=move |_| go("/groups".to_string())>
                    "Cancel"
                </button>
                <span class="saving" role="status">{move || pending.get().then_some("Saving…")}</span>
            </div>
        </form>
    }
}
