//! A group's "Members": "Add members" ([`super::add_members`]), then the
//! active members, searched and paged (component state, not the URL), each
//! with "Remove <name> from <group>". After a removal focus goes to the
//! Remove button now in that row's place (or the heading), as the pressed
//! one is gone.

use leptos::prelude::*;
use users_api::{Group, GroupMember, Page, PageQuery};

use super::add_members::AddMembers;
use crate::api::{use_api, ApiError};
use crate::components::error_view::ErrorView;
use crate::components::focus::focus_id;
use crate::components::pagination::showing;
use crate::state::loaded::Loaded;
use crate::state::notices::use_notices;
use crate::state::outcome::on_outcome;

const PER_PAGE: u32 = 25;
const HEADING_ID: &str = "members-heading";
/// How long typing must pause before searching.
const DEBOUNCE_MS: u32 = 250;

fn remove_id(row: usize) -> String {
    format!("member-remove-{row}")
}

fn full_name(member: &GroupMember) -> String {
    format!("{} {}", member.first_name, member.last_name)
}

/// Focuses the Remove button of row `row` (or the last row's), else the heading.
fn refocus(row: usize, rows: usize) {
    if rows == 0 || !focus_id(&remove_id(row.min(rows - 1))) {
        if let Some(heading) = document().get_element_by_id(HEADING_ID) {
            let _ = heading.set_attribute("tabindex", "-1");
        }
        focus_id(HEADING_ID);
    }
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
    let error = RwSignal::new(None::<String>);
    // The row whose Remove was pressed: focus goes back there after the reload.
    let removed_row = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        let Some(Ok(page)) = members.get() else {
            return;
        };
        let q = query.get_untracked();
        if page.entries.is_empty() && q.page > 1 {
            // The last one on a later page went: show the page before.
            let last = u32::try_from(page.total_pages.max(1)).unwrap_or(u32::MAX);
            query.update(|q| q.page = last.min(q.page - 1));
            return;
        }
        if let Some(row) = removed_row.get_value() {
            removed_row.set_value(None);
            let rows = page.entries.len();
            request_animation_frame(move || refocus(row, rows));
        }
    });

    let remove = Action::new_local(move |(member, row): &(GroupMember, usize)| {
        let (member, row) = (member.clone(), *row);
        async move {
            let user = member.id;
            let answer = api
                .call(move |c| c.remove_group_member(group_id, user))
                .await;
            (member, row, answer)
        }
    });
    on_outcome(remove, move |(member, row, answer)| {
        let group = group_name.get_value();
        let name = full_name(&member);
        match answer {
            Ok(updated) => {
                count.set(updated.member_count);
                error.set(None);
                removed_row.set_value(Some(row));
                reload.update(|n| *n += 1);
                notices.announce(format!("{name} removed from {group}"));
            }
            Err(ApiError::LastAdmin) => error.set(Some(format!(
                "{name} can't leave {group}: they are the company's last active administrator, and the group gives them Settings. Give Settings to someone else first."
            ))),
            Err(ApiError::SelfLockout) => error.set(Some(format!(
                "You can't leave {group}: it gives you your Settings access. Another administrator can remove you."
            ))),
            Err(ApiError::NotFound) => {
                error.set(Some(format!("{name} is no longer a member of {group}.")));
                removed_row.set_value(Some(row));
                reload.update(|n| *n += 1);
            }
            Err(e) => error.set(e.shown()),
        }
    });
    let busy = remove.pending();

    // Search: after typing pauses (at once on Enter), back to the first page.
    let text = RwSignal::new(String::new());
    let debounce = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let apply = move || {
        let text = text.get_untracked().trim().to_string();
        if query.with_untracked(|q| q.query != text) {
            query.update(|q| {
                q.query = text;
                q.page = 1;
            });
        }
    };
    let on_search = move |ev| {
        text.set(event_target_value(&ev));
        debounce.set_value(Some(gloo_timers::callback::Timeout::new(
            DEBOUNCE_MS,
            move || {
                // The page may be gone by the time typing pauses.
                if !text.is_disposed() {
                    apply();
                }
            },
        )));
    };
    let on_search_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        debounce.set_value(None);
        apply();
    };

    let rows = move |page: Page<GroupMember>| {
        if page.entries.is_empty() {
            let message = query.with_untracked(|q| {
                if q.query.is_empty() {
                    "No members yet. Add some above.".to_string()
                } else {
                    format!("No members match “{}”.", q.query)
                }
            });
            return view! { <tr><td colspan="3" class="empty-state">{message}</td></tr> }
                .into_any();
        }
        page.entries
            .into_iter()
            .enumerate()
            .map(|(row, member)| {
                let name = full_name(&member);
                let label = format!("Remove {name} from {}", group_name.get_value());
                view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td class="email">{member.email.clone()}</td>
                        <td class="actions">
                            <button
                                type="button"
                                id=remove_id(row)
                                class="button small"
                                aria-label=label
                                disabled=move || busy.get()
                                on:click=move |_| {
                                    error.set(None);
                                    remove.dispatch((member.clone(), row));
                                }
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
        let (at_first, at_last) = (q.page <= 1, u64::from(q.page) >= page.total_pages.max(1));
        view! {
            <div class="pagination">
                <p class="pagination-status" aria-live="polite">
                    {showing(q.page, q.per_page, page.entries.len(), page.total_entries, ("member", "members"))}
                </p>
                <nav aria-label="Members pages">
                    <button type="button" class="page-link" disabled=at_first
                        on:click=move |_| query.update(|q| q.page -= 1)>
                        <span aria-hidden="true">"‹ "</span>"Previous"
                    </button>
                    <button type="button" class="page-link" disabled=at_last
                        on:click=move |_| query.update(|q| q.page += 1)>
                        "Next"<span aria-hidden="true">" ›"</span>
                    </button>
                </nav>
            </div>
        }
    };
    let table = move |page: Page<GroupMember>| {
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
    };

    view! {
        <section class="members card" aria-labelledby=HEADING_ID>
            <h2 id=HEADING_ID>
                "Members " <span class="count">{move || format!("({})", count.get())}</span>
            </h2>
            <AddMembers
                group_id=group_id
                group_name=group_name
                on_added=move |updated: Group| {
                    count.set(updated.member_count);
                    reload.update(|n| *n += 1);
                }
            />
            {move || error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e}</p> })}
            <form role="search" class="search" on:submit=on_search_submit>
                <label for="member-search" class="visually-hidden">"Search members"</label>
                <input
                    id="member-search"
                    type="search"
                    placeholder="Search members"
                    autocomplete="off"
                    prop:value=move || text.get()
                    on:input=on_search
                />
            </form>
            <Transition fallback=|| view! { <p class="loading" role="status">"Loading members…"</p> }>
                {move || members.get().map(|answer| match answer {
                    Ok(page) => table(page).into_any(),
                    Err(e) => view! { <ErrorView error=e on_retry=move || reload.update(|n| *n += 1) /> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
