//! The Audit log's filters: "Who" and "Affected user" (user comboboxes,
//! the chosen one shown with a button to remove it), "Action", the days
//! "From" and "To", and "Clear filters". Each change goes to the URL.

use std::rc::Rc;

use leptos::prelude::*;
use users_api::audit::AUDIT_ACTIONS;
use users_api::{ListQuery, UserStatus};

use super::describe::action_label;
use crate::api::use_api;
use crate::components::combobox::{PickOption, Search, Wording};
use crate::components::pick_filter::{PickFilter, Picker};
use crate::state::audit_url::AuditView;

/// Searches users of both tabs (an archived user's history stays readable).
fn user_search() -> Search {
    let api = use_api();
    Rc::new(move |text: String| {
        Box::pin(async move {
            let mut options = Vec::new();
            for status in [UserStatus::Active, UserStatus::Archived] {
                let query = ListQuery {
                    status,
                    query: text.clone(),
                    page: 1,
                    per_page: 8,
                    filter: Default::default(),
                };
                let page = api.call(move |c| c.list_users(&query)).await?;
                options.extend(page.entries.into_iter().map(|u| PickOption {
                    id: u.id,
                    label: u.full_name(),
                    detail: u.email.clone(),
                }));
            }
            Ok(options)
        })
    })
}

/// Who a user filter finds, and how a chosen user is named.
fn user_picker() -> Picker {
    let api = use_api();
    Picker {
        options_label: "Users",
        placeholder: "Search by name or email",
        search: user_search(),
        wording: Wording {
            noun: ("user", "users"),
            none: "There are no users.",
            no_match: "No users match",
            hint: "",
        },
        name_of: Rc::new(move |id| {
            Box::pin(async move {
                api.call(move |c| c.get_user(id))
                    .await
                    .map(|u| u.summary.full_name())
                    .unwrap_or_else(|_| format!("User {id}"))
            })
        }),
    }
}

/// The filter bar of the Audit log.
#[component]
pub fn AuditFilters(
    view: Memo<AuditView>,
    #[prop(into)] on_change: UnsyncCallback<AuditView>,
    #[prop(into)] on_clear: UnsyncCallback<()>,
) -> impl IntoView {
    let change = move |edit: &dyn Fn(&mut AuditView)| {
        let mut next = view.get_untracked();
        edit(&mut next);
        on_change.run(next);
    };
    // Memos: a filter's field is made again only when its own choice
    // changes, not on every change of the URL.
    let actor = Signal::from(Memo::new(move |_| view.with(|v| v.actor)));
    let target = Signal::from(Memo::new(move |_| view.with(|v| v.target.or(v.user))));
    // "From" and "To": a date input each, bound to one day of the view.
    let day_field = move |id: &'static str,
                          label: &'static str,
                          day: fn(&mut AuditView) -> &mut Option<String>| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="date"
                    prop:value=move || day(&mut view.get()).clone().unwrap_or_default()
                    on:change=move |ev| {
                        let value = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                        change(&|v| *day(v) = value.clone())
                    }
                />
            </div>
        }
    };
    let options = AUDIT_ACTIONS
        .iter()
        .map(|action| {
            let selected = move || view.with(|v| v.action.as_deref() == Some(*action));
            view! { <option value=*action selected=selected>{action_label(action)}</option> }
        })
        .collect_view();
    view! {
        <form class="filter-bar" role="search" aria-label="Audit log filters" on:submit=|ev| ev.prevent_default()>
            <PickFilter
                id="audit-who"
                label="Who"
                picker=user_picker()
                chosen=actor
                on_choose=move |id| change(&|v| v.actor = id)
            />
            <PickFilter
                id="audit-affected"
                label="Affected user"
                picker=user_picker()
                chosen=target
                on_choose=move |id| change(&|v| {
                    v.user = None;
                    v.target = id;
                })
            />
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select
                    id="audit-action"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        change(&|v| v.action = (!value.is_empty()).then(|| value.clone()))
                    }
                >
                    <option value="" selected=move || view.with(|v| v.action.is_none())>
                        "All actions"
                    </option>
                    {options}
                </select>
            </div>
            {day_field("audit-from", "From", |v| &mut v.from)}
            {day_field("audit-to", "To", |v| &mut v.to)}
            <button
                type="button"
                class="button filter-clear"
                aria-disabled=move || (!view.with(AuditView::filtered)).then_some("true")
                on:click=move |_| on_clear.run(())
            >
                "Clear filters"
            </button>
        </form>
    }
}
