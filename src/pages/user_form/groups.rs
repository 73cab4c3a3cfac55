//! Edit's "Groups" field (a combobox that adds groups as removable chips)
//! and the "Effective roles" summary: the union of the direct roles ticked
//! and the chosen groups' roles, each with its sources, updated as the
//! administrator changes either, before anything is saved (a polite live
//! region, so a screen reader hears it too).

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use users_api::PageQuery;

use super::state::{ChosenGroup, FormState};
use crate::api::use_api;
use crate::components::combobox::{Combobox, PickOption, Search, Wording};

/// One line of the summary: "Testing — assigned directly; from QA team".
fn line(role: &str, direct: bool, groups: &[String]) -> String {
    let mut sources = Vec::new();
    if direct {
        sources.push("assigned directly".to_string());
    }
    if !groups.is_empty() {
        sources.push(format!("from {}", groups.join(", ")));
    }
    format!("{role} — {}", sources.join("; "))
}

/// The Groups field.
pub(super) fn groups_field(form: FormState) -> impl IntoView {
    let api = use_api();
    let groups = form.values.groups;
    // Groups the searches found, by id: a pick brings its roles along.
    let seen = StoredValue::new_local(HashMap::<i64, ChosenGroup>::new());
    let search: Search = Rc::new(move |text: String| {
        Box::pin(async move {
            let query = PageQuery {
                query: text,
                page: 1,
                per_page: 10,
            };
            api.call(move |c| c.list_groups(&query)).await.map(|page| {
                page.entries
                    .into_iter()
                    .map(|g| {
                        let option = PickOption::of_group(&g);
                        seen.update_value(|seen| {
                            seen.insert(
                                g.id,
                                ChosenGroup {
                                    id: g.id,
                                    name: g.name,
                                    roles: g.roles,
                                },
                            );
                        });
                        option
                    })
                    .collect()
            })
        })
    });
    let exclude = Signal::derive(move || groups.with(|g| g.iter().map(|g| g.id).collect()));
    let on_pick = move |option: PickOption| {
        if let Some(group) = seen.with_value(|seen| seen.get(&option.id).cloned()) {
            groups.update(|g| {
                g.push(group);
                g.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            });
        }
    };
    let chips = move || {
        groups
            .get()
            .into_iter()
            .map(|group| {
                let id = group.id;
                view! {
                    <li class="chip chip-group">
                        <a href=format!("/groups/{id}")>{group.name.clone()}</a>
                        <button
                            type="button"
                            class="chip-remove"
                            aria-label=format!("Remove {}", group.name)
                            on:click=move |_| groups.update(|g| g.retain(|g| g.id != id))
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="groups-field">
            <Combobox
                id="user-groups"
                label="Groups"
                options_label="Groups"
                placeholder="Search groups by name"
                search=search
                wording=Wording {
                    noun: ("group", "groups"),
                    none: "No other groups to add.",
                    no_match: "No other groups match",
                    hint: "The user gets every role of each group they are in.",
                }
                exclude=exclude
                on_pick=on_pick
            />
            <ul class="chips picked" aria-label="Groups of this user">{chips}</ul>
        </div>
    }
}

/// The "Effective roles" summary, in catalogue order.
pub(super) fn effective_roles(form: FormState) -> impl IntoView {
    let FormState {
        catalogue,
        values,
        original,
        ..
    } = form;
    let summary = move || {
        let direct = values.roles.get();
        let groups = values.groups.get();
        let was_direct = original.with(|o| {
            o.as_ref()
                .map(|u| u.direct_roles.clone())
                .unwrap_or_default()
        });
        let mut lines = Vec::new();
        let mut notes = Vec::new();
        for role in catalogue.get_value() {
            let from: Vec<String> = groups
                .iter()
                .filter(|g| g.roles.contains(&role))
                .map(|g| g.name.clone())
                .collect();
            let is_direct = direct.contains(&role);
            if is_direct || !from.is_empty() {
                lines.push(line(&role, is_direct, &from));
            }
            if was_direct.contains(&role) && !is_direct && !from.is_empty() {
                notes.push(format!("{role} stays: granted by {}.", from.join(", ")));
            }
        }
        let list = if lines.is_empty() {
            view! { <p>"No roles: this user can sign in but use no stage."</p> }.into_any()
        } else {
            let items = lines
                .into_iter()
                .map(|l| view! { <li>{l}</li> })
                .collect_view();
            view! { <ul class="effective-list">{items}</ul> }.into_any()
        };
        let notes = notes
            .into_iter()
            .map(|n| view! { <p class="note">{n}</p> })
            .collect_view();
        view! {
            {list}
            {notes}
        }
    };
    view! {
        <section class="effective-roles" aria-labelledby="effective-roles-heading">
            <h2 id="effective-roles-heading">"Effective roles"</h2>
            <div aria-live="polite">{summary}</div>
        </section>
    }
}
