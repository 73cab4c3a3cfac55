//! "Add members": a combobox that finds active users by name or email (not
//! those already in the group), gathers several as removable chips, and
//! adds them all at once with "Add" — all or none: a refusal (422) names
//! the users the server did not accept, and nothing is added.

use std::rc::Rc;

use leptos::prelude::*;
use users_api::{AddMembers as AddBody, FieldErrors, Group, GroupId, ListQuery, UserStatus};

use crate::api::{use_api, ApiError};
use crate::components::combobox::{Combobox, PickOption, Search, Wording};
use crate::components::focus::focus_id;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;

const INPUT_ID: &str = "add-members";

/// Why nothing was added, naming the picked users whose ids the server's
/// messages mention ("… with id 7, 9" → "(Mary Major, Zed Archived)").
fn refusal(fields: &FieldErrors, picked: &[PickOption]) -> String {
    let messages: Vec<&String> = fields.values().flatten().collect();
    let mentioned = |option: &&PickOption| {
        messages.iter().any(|m| {
            m.split(|c: char| !c.is_ascii_digit())
                .any(|n| n == option.id.to_string())
        })
    };
    let names: Vec<String> = picked
        .iter()
        .filter(mentioned)
        .map(|o| o.label.clone())
        .collect();
    let names = if names.is_empty() {
        String::new()
    } else {
        format!(" ({})", names.join(", "))
    };
    let why: Vec<String> = messages
        .iter()
        .map(|m| format!("The list of users {m}"))
        .collect();
    format!("Nothing was added. {}{names}.", why.join(". "))
}

#[component]
pub fn AddMembers(
    group_id: GroupId,
    group_name: StoredValue<String>,
    /// With the group as the server answered it (its new member count).
    #[prop(into)]
    on_added: UnsyncCallback<Group>,
) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let picked = RwSignal::new(Vec::<PickOption>::new());
    let error = RwSignal::new(None::<String>);
    let add = Action::new_local(move |users: &Vec<PickOption>| {
        let users = users.clone();
        let body = AddBody {
            user_ids: users.iter().map(|u| u.id).collect(),
        };
        async move {
            let answer = api
                .call(move |c| c.add_group_members(group_id, &body))
                .await;
            (users, answer)
        }
    });
    on_outcome(add, move |(sent, answer)| match answer {
        Ok(group) => {
            let who = match sent.as_slice() {
                [one] => one.label.clone(),
                many => format!("{} users", many.len()),
            };
            notices.announce(format!("{who} added to {}", group_name.get_value()));
            // Users chosen while it was sent stay chosen.
            picked.update(|p| p.retain(|o| !sent.contains(o)));
            error.set(None);
            on_added.run(group);
            // "Add" may be disabled now (nothing left to add): back to the search.
            focus_id(INPUT_ID);
        }
        Err(ApiError::Invalid { fields }) => error.set(Some(refusal(&fields, &sent))),
        Err(e) => error.set(e.shown()),
    });
    let busy = add.pending();

    let search: Search = Rc::new(move |text: String| {
        Box::pin(async move {
            let query = ListQuery {
                status: UserStatus::Active,
                query: text,
                page: 1,
                per_page: 10,
                filter: Default::default(),
            };
            api.call(move |c| c.list_users(&query)).await.map(|page| {
                page.entries
                    .into_iter()
                    .filter(|u| !u.groups.iter().any(|g| g.id == group_id))
                    .map(|u| PickOption {
                        id: u.id,
                        label: u.full_name(),
                        detail: u.email,
                    })
                    .collect()
            })
        })
    });
    let exclude = Signal::derive(move || picked.with(|p| p.iter().map(|o| o.id).collect()));
    let chips = move || {
        picked
            .get()
            .into_iter()
            .map(|option| {
                let id = option.id;
                view! {
                    <li class="chip chip-direct">
                        {option.label.clone()}
                        <button
                            type="button"
                            class="chip-remove"
                            aria-label=format!("Remove {}", option.label)
                            on:click=move |_| {
                                picked.update(|p| p.retain(|o| o.id != id));
                                // The chip is gone: back to the search.
                                focus_id(INPUT_ID);
                            }
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="add-members">
            <Combobox
                id=INPUT_ID
                label="Add members"
                options_label="Users"
                placeholder="Search by name or email"
                search=search
                wording=Wording {
                    noun: ("user", "users"),
                    none: "No other active users to add.",
                    no_match: "No users to add match",
                    hint: "Search users by name or email; choose several, then Add.",
                }
                exclude=exclude
                on_pick=move |option| {
                    error.set(None);
                    picked.update(|p| p.push(option));
                }
            />
            <ul class="chips picked" aria-label="Users to add">{chips}</ul>
            <button
                type="button"
                class="button primary"
                disabled=move || busy.get() || picked.with(Vec::is_empty)
                aria-busy=move || busy.get().then_some("true")
                on:click=move |_| {
                    add.dispatch(picked.get_untracked());
                }
            >
                "Add"
            </button>
        </div>
        {move || error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
    }
}
