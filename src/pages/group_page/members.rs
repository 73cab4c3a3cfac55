//! A group's "Members": the active members, searched and paged, each with
//! "Remove <name> from <group>"; and "Add members", a combobox that finds
//! users by name or email, gathers several as removable chips, and adds
//! them all at once with "Add".

use std::rc::Rc;

use leptos::prelude::*;
use users_api::{AddMembers, Group, GroupMember, ListQuery, Page, PageQuery, UserStatus};

use crate::api::{use_api, ApiError};
use crate::components::multi_picker::{MultiPicker, PickOption, Search};
use crate::components::pagination::showing;
use crate::state::loaded::Loaded;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;

const PER_PAGE: u32 = 25;

/// What a member change is: users to add, or one to remove.
#[derive(Clone)]
enum Change {
    Add(Vec<PickOption>),
    Remove(GroupMember),
}

#[component]
pub fn Members(group: Group) -> impl IntoView {
    let api = use_api();
    let notices = use_notices();
    let group_id = group.id;
    let group_name = StoredValue::new(group.name.clone());
    let count = RwSignal::new(group.member_count);
    let query = RwSignal::new(PageQuery {
        per_page: PER_PAGE,
        ..PageQuery::default()
    });
    let reload = RwSignal::new(0u64);
    let members: Loaded<Result<Page<GroupMember>, ApiError>> = Loaded::new(move || {
        let q = query.get();
        reload.track();
        async move { api.call(|c| c.group_members(group_id, &q)).await }
    });
    let picked = RwSignal::new(Vec::<PickOption>::new());
    let error = RwSignal::new(None::<String>);

    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let answer = match &change {
                Change::Add(users) => {
                    let body = AddMembers {
                        user_ids: users.iter().map(|u| u.id).collect(),
                    };
                    api.call(move |c| c.add_group_members(group_id, &body))
                        .await
                }
                Change::Remove(member) => {
                    let user = member.id;
                    api.call(move |c| c.remove_group_member(group_id, user))
                        .await
                }
            };
            (change, answer)
        }
    });
    on_outcome(change, move |(change, answer)| {
        let group = group_name.get_value();
        match (change, answer) {
            (change, Ok(updated)) => {
                count.set(updated.member_count);
                error.set(None);
                reload.update(|n| *n += 1);
                match change {
                    Change::Add(users) => {
                        picked.set(Vec::new());
                        let who = match users.as_slice() {
                            [one] => one.label.clone(),
                            many => format!("{} users", many.len()),
                        };
                        notices.announce(format!("{who} added to {group}"));
                    }
                    Change::Remove(member) => {
                        notices.announce(format!(
                            "{} {} removed from {group}",
                            member.first_name, member.last_name
                        ));
                    }
                }
            }
            (Change::Remove(member), Err(ApiError::LastAdmin)) => error.set(Some(format!(
                "{} {} can't leave {group}: they are the company's last active administrator, and the group gives them Settings.",
                member.first_name, member.last_name
            ))),
            (_, Err(ApiError::Invalid { fields })) => error.set(Some(
                fields.values().flatten().map(|m| format!("Users {m}.")).collect::<Vec<_>>().join(" "),
            )),
            (_, Err(e)) => error.set(e.shown()),
        }
    });
    let busy = change.pending();

    let search: Search = Rc::new(move |text: String| {
        Box::pin(async move {
            let query = ListQuery {
                status: UserStatus::Active,
                query: text,
                page: 1,
                per_page: 10,
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
                            on:click=move |_| picked.update(|p| p.retain(|o| o.id != id))
                        >
                            <span aria-hidden="true">"×"</span>
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    let rows = move |page: Page<GroupMember>| {
        if page.entries.is_empty() {
            let message = if query.with_untracked(|q| q.query.is_empty()) {
                "No members yet. Add some below.".to_string()
            } else {
                format!(
                    "No members match “{}”.",
                    query.with_untracked(|q| q.query.clone())
                )
            };
            return view! { <tr><td colspan="3" class="empty-state">{message}</td></tr> }
                .into_any();
        }
        page.entries
            .into_iter()
            .map(|member| {
                let name = format!("{} {}", member.first_name, member.last_name);
                let label = format!("Remove {name} from {}", group_name.get_value());
                let gone = member.clone();
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td class="email">{member.email.clone()}</td>
                        <td class="actions">
                            <button
                                type="button"
                                class="button small"
                                aria-label=label
                                disabled=move || busy.get()
                                on:click=move |_| { change.dispatch(Change::Remove(gone.clone())); }
                            >
                                "Remove"
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    let pager = move |page: &Page<GroupMember>| {
        let q = query.get_untracked();
        let current = q.page;
        let (at_first, at_last) = (current <= 1, u64::from(current) >= page.total_pages.max(1));
        view! {
            <div class="pagination">
                <p class="pagination-status" aria-live="polite">
                    {showing(current, q.per_page, page.entries.len(), page.total_entries, ("member", "members"))}
                </p>
                <nav aria-label="Members pages">
                    <button type="button" class="page-link" disabled=at_first
                        on:click=move |_| query.update(|q| q.page -= 1)>"‹ Previous"</button>
                    <button type="button" class="page-link" disabled=at_last
                        on:click=move |_| query.update(|q| q.page += 1)>"Next ›"</button>
                </nav>
            </div>
        }
    };

    view! {
        <section class="members card" aria-labelledby="members-heading">
            <h2 id="members-heading">
                "Members " <span class="count">{move || format!("({})", count.get())}</span>
            </h2>
            <div class="add-members">
                <MultiPicker
                    id="add-members"
                    label="Add members"
                    options_label="Users"
                    search=search
                    exclude=exclude
                    on_pick=move |option| picked.update(|p| p.push(option))
                    hint="Search users by name or email; choose several, then Add."
                />
                <ul class="chips picked">{chips}</ul>
                <button
                    type="button"
                    class="button primary"
                    disabled=move || busy.get() || picked.with(Vec::is_empty)
                    on:click=move |_| { change.dispatch(Change::Add(picked.get_untracked())); }
                >
                    "Add"
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <form role="search" class="search" on:submit=|ev| ev.prevent_default()>
                <label for="member-search" class="visually-hidden">"Search members"</label>
                <input
                    id="member-search"
                    type="search"
                    placeholder="Search members"
                    autocomplete="off"
                    on:input=move |ev| {
                        let text = event_target_value(&ev).trim().to_string();
                        query.update(|q| {
                            q.query = text;
                            q.page = 1;
                        });
                    }
                />
            </form>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading members…"</p> }>
                {move || members.get().map(|answer| match answer {
                    Ok(page) => {
                        let pager = pager(&page);
                        view! {
                            <div class="table-scroll">
                                <table class="users-table members-table" aria-label="Members">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Name"</th>
                                            <th scope="col">"Email"</th>
                                            <th scope="col">"Actions"</th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows(page)}</tbody>
                                </table>
                            </div>
                            {pager}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <p class="alert alert-error" role="alert">{e.shown()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
