//! The Users list's access-review filters: "Role", "Source" (enabled once a
//! role is chosen), "Group" (search and pick), "Identity provider" and
//! "Clear filters". Each change goes to the URL (`role`, `source`,
//! `group`, `idp`), back to page 1; and what the filters show is said in
//! words for the status line and the empty state.

use std::rc::Rc;

use leptos::prelude::*;
use users_api::{ListQuery, PageQuery, SourceFilter, UserFilter};

use crate::api::use_api;
use crate::components::combobox::{PickOption, Wording};
use crate::components::pick_filter::{NameOf, PickFilter, Picker};
use crate::state::loaded::Loaded;

/// What the filter keeps, as words after "users": " with Production from
/// a group in Release team signing in with Okta" (empty without filters).
/// `group_name` is the filtered group's name once known.
pub fn filter_words(filter: &UserFilter, group_name: Option<&str>) -> String {
    let mut words = String::new();
    if let Some(role) = &filter.role {
        words.push_str(&format!(" with {role}"));
        match filter.source {
            Some(SourceFilter::Direct) => words.push_str(" assigned directly"),
            Some(SourceFilter::Group) => words.push_str(" from a group"),
            None => {}
        }
    }
    if filter.group.is_some() {
        match group_name {
            Some(name) => words.push_str(&format!(" in {name}")),
            None => words.push_str(" in the chosen group"),
        }
    }
    if let Some(provider) = &filter.identity_provider {
        words.push_str(&format!(" signing in with {provider}"));
    }
    words
}

/// The name of a group by id (for the chip and the status line).
pub fn group_name_of() -> NameOf {
    let api = use_api();
    Rc::new(move |id| {
        Box::pin(async move {
            api.call(move |c| c.get_group(id))
                .await
                .map(|g| g.name)
                .unwrap_or_else(|_| format!("group {id}"))
        })
    })
}

/// Groups by name for the Group filter.
fn group_picker() -> Picker {
    let api = use_api();
    Picker {
        options_label: "Groups",
        placeholder: "Search groups",
        search: Rc::new(move |text: String| {
            Box::pin(async move {
                let query = PageQuery {
                    query: text,
                    page: 1,
                    per_page: 8,
                };
                let page = api.call(move |c| c.list_groups(&query)).await?;
                Ok(page.entries.iter().map(PickOption::of_group).collect())
            })
        }),
        wording: Wording {
            noun: ("group", "groups"),
            none: "There are no groups.",
            no_match: "No groups match",
            hint: "",
        },
        name_of: group_name_of(),
    }
}

/// The filter bar above the users table. Its option lists are asked for
/// once `ready` (the list has answered): the rows come first, and a value
/// the URL names is an option at once anyway.
#[component]
pub fn ListFilters(
    query: Memo<ListQuery>,
    #[prop(into)] ready: Signal<bool>,
    #[prop(into)] on_change: UnsyncCallback<UserFilter>,
) -> impl IntoView {
    let api = use_api();
    // The role catalogue and the company's providers, by name.
    let names = Loaded::new(move || {
        let ready = ready.get();
        async move {
            if !ready {
                return (Vec::new(), Vec::new());
            }
            let roles = api.call(|c| c.roles()).await.unwrap_or_default();
            let providers = api
                .call(|c| c.identity_providers())
                .await
                .unwrap_or_default();
            (
                roles.into_iter().map(|r| r.name).collect::<Vec<_>>(),
                providers.into_iter().map(|p| p.name).collect::<Vec<_>>(),
            )
        }
    });
    let filter = Memo::new(move |_| query.with(|q| q.filter.clone()));
    let change = move |edit: &dyn Fn(&mut UserFilter)| {
        let mut next = filter.get_untracked();
        edit(&mut next);
        on_change.run(next);
    };
    let group = Signal::from(Memo::new(move |_| filter.with(|f| f.group)));
    let no_role = move || filter.with(|f| f.role.is_none());
    let source_is = move |source: Option<SourceFilter>| filter.with(|f| f.source == source);

    // Options, the current one selected (they may arrive after the URL is
    // read); a value the URL names but the list lacks is kept as an option.
    let options = move |names: Option<Vec<String>>, current: Option<String>| {
        let mut names = names.unwrap_or_default();
        if let Some(current) = current.as_ref().filter(|c| !names.contains(c)) {
            names.push(current.clone());
        }
        names
            .into_iter()
            .map(|name| {
                let selected = current.as_ref() == Some(&name);
                view! { <option value=name.clone() prop:selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let role_options = move || {
        options(
            names.get().map(|(roles, _)| roles),
            filter.with(|f| f.role.clone()),
        )
    };
    let provider_options = move || {
        options(
            names.get().map(|(_, providers)| providers),
            filter.with(|f| f.identity_provider.clone()),
        )
    };
    let value = |text: String| (!text.is_empty()).then_some(text);

    view! {
        <form
            class="filter-bar users-filters"
            role="search"
            aria-label="Filter users"
            on:submit=|ev| ev.prevent_default()
        >
            <div class="field">
                <label for="filter-role">"Role"</label>
                <select
                    id="filter-role"
                    on:change=move |ev| {
                        let role = value(event_target_value(&ev));
                        change(&|f| {
                            if role.is_none() {
                                f.source = None;
                            }
                            f.role = role.clone();
                        })
                    }
                >
                    <option value="" prop:selected=no_role>"All roles"</option>
                    {role_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-source">"Source"</label>
                <select
                    id="filter-source"
                    disabled=no_role
                    aria-describedby=move || no_role().then_some("filter-source-hint")
                    on:change=move |ev| {
                        let source = SourceFilter::parse(&event_target_value(&ev));
                        change(&|f| f.source = source)
                    }
                >
                    <option value="" prop:selected=move || source_is(None)>"Any source"</option>
                    <option value="direct" prop:selected=move || source_is(Some(SourceFilter::Direct))>
                        "Direct"
                    </option>
                    <option value="group" prop:selected=move || source_is(Some(SourceFilter::Group))>
                        "From a group"
                    </option>
                </select>
                <span id="filter-source-hint" class="field-hint" hidden=move || !no_role()>
                    "Choose a role first."
                </span>
            </div>
            <PickFilter
                id="filter-group"
                label="Group"
                picker=group_picker()
                chosen=group
                on_choose=move |id| change(&|f| f.group = id)
            />
            <div class="field">
                <label for="filter-idp">"Identity provider"</label>
                <select
                    id="filter-idp"
                    on:change=move |ev| {
                        let provider = value(event_target_value(&ev));
                        change(&|f| f.identity_provider = provider.clone())
                    }
                >
                    <option
                        value=""
                        prop:selected=move || filter.with(|f| f.identity_provider.is_none())
                    >
                        "All identity providers"
                    </option>
                    {provider_options}
                </select>
            </div>
            <button
                type="button"
                class="button filter-clear"
                aria-disabled=move || filter.with(UserFilter::is_empty).then_some("true")
                on:click=move |_| {
                    if !filter.with_untracked(UserFilter::is_empty) {
                        on_change.run(UserFilter::default())
                    }
                }
            >
                "Clear filters"
            </button>
        </form>
    }
}
