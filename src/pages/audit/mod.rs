//! `/audit`: the Audit log — who changed what, filtered by who, whom,
//! action and days, newest first, paged by the API's cursor ("Newer" /
//! "Older"), all held in the URL.

pub mod activity;
pub mod describe;
mod filters;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use users_api::{AuditEntry, AuditPage};

use crate::api::{use_api, ApiError};
use crate::components::dialogs::token_dialog::human_time;
use crate::components::email::email_with_breaks;
use crate::components::error_view::ErrorView;
use crate::pages::no_access::NoAccess;
use crate::state::audit_url::AuditView;
use crate::state::loaded::Loaded;
use crate::state::session::use_session;
use describe::{action_label, change_lines};
use filters::AuditFilters;

/// The Audit log for administrators; the no-access view for others.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    match use_session().me_untracked() {
        Some(me) if me.can_manage_users => view! { <AuditLog /> }.into_any(),
        _ => view! { <NoAccess /> }.into_any(),
    }
}

/// Someone an entry names: their name (linking to them) and email.
fn person_cell(person: Option<&users_api::AuditPerson>, fallback: &'static str) -> AnyView {
    match person {
        Some(p) => view! {
            <a href=format!("/users/{}/edit", p.id)>{p.name.clone()}</a>
            <span class="audit-email">{email_with_breaks(&p.email)}</span>
        }
        .into_any(),
        None => view! { <span class="muted">{fallback}</span> }.into_any(),
    }
}

/// One row of the table.
fn entry_row(entry: AuditEntry) -> impl IntoView {
    let lines = change_lines(&entry);
    // A user, a group, or both (a member added to or removed from a group).
    let group = entry.target_group.as_ref().map(|group| {
        view! {
            <a class="audit-group" href=format!("/groups/{}", group.id)>
                {format!("Group {}", group.name)}
            </a>
        }
    });
    let affected = match (&entry.target_user, group) {
        (Some(_), group) => {
            view! { {person_cell(entry.target_user.as_ref(), "")} {group} }.into_any()
        }
        (None, Some(group)) => group.into_any(),
        (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let details = if lines.is_empty() {
        view! { <span class="muted">"—"</span> }.into_any()
    } else {
        view! {
            <ul class="audit-changes">
                {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <tr role="row">
            <td role="cell" data-label="When">
                <time datetime=entry.at.clone()>{human_time(&entry.at)}</time>
            </td>
            <th scope="row" role="rowheader" data-label="Who">
                {person_cell(entry.actor.as_ref(), "The operator")}
            </th>
            <td role="cell" data-label="Action">{action_label(&entry.action)}</td>
            <td role="cell" data-label="Affected">{affected}</td>
            <td role="cell" data-label="Details">{details}</td>
        </tr>
    }
}

/// The table of one page, or what the filters found nothing for.
fn entries_table(page: &AuditPage, filtered: bool, clear: impl Fn() + Copy + 'static) -> AnyView {
    if page.entries.is_empty() {
        let message = if filtered {
            "No entries match these filters."
        } else {
            "Nothing has been recorded yet."
        };
        return view! {
            <div class="empty-state audit-empty" role="status">
                <p>{message}</p>
                {filtered.then(|| view! {
                    <button type="button" class="button" on:click=move |_| clear()>
                        "Clear filters"
                    </button>
                })}
            </div>
        }
        .into_any();
    }
    let rows = page.entries.iter().cloned().map(entry_row).collect_view();
    view! {
        <div class="table-scroll">
            <table class="users-table audit-table" role="table" aria-label="Audit log">
                <thead role="rowgroup">
                    <tr role="row">
                        <th scope="col" role="columnheader">"When"</th>
                        <th scope="col" role="columnheader">"Who"</th>
                        <th scope="col" role="columnheader">"Action"</th>
                        <th scope="col" role="columnheader">"Affected"</th>
                        <th scope="col" role="columnheader">"Details"</th>
                    </tr>
                </thead>
                <tbody role="rowgroup">{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AuditLog() -> impl IntoView {
    let api = use_api();
    let navigate = StoredValue::new_local(use_navigate());
    let query_map = use_query_map();
    let view_state =
        Memo::new(move |_| query_map.with(|m| AuditView::from_params(|k| m.get_str(k))));
    let reload = RwSignal::new(0u64);
    let go = move |view: AuditView| {
        navigate.with_value(|navigate| {
            navigate(
                &view.url(),
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            )
        })
    };
    crate::components::title::view_title(|| "Audit log".to_string());

    type Answer = Result<AuditPage, ApiError>;
    let page: Loaded<Answer> = Loaded::new(move || {
        let query = view_state.get().query();
        reload.track();
        async move { api.call(move |c| c.audit(&query)).await }
    });

    // "Newer" retraces the cursors "Older" followed; from a URL opened
    // directly it goes back to the newest page.
    let cursors = StoredValue::new(Vec::<Option<i64>>::new());
    let clear = move || {
        cursors.set_value(Vec::new());
        go(AuditView::default());
    };
    let older = move |next: i64| {
        let view = view_state.get_untracked();
        cursors.update_value(|c| c.push(view.before));
        go(AuditView {
            before: Some(next),
            ..view
        });
    };
    let newer = move || {
        let previous = cursors.try_update_value(Vec::pop).flatten().flatten();
        go(AuditView {
            before: previous,
            ..view_state.get_untracked()
        });
    };
    let on_filter = move |view: AuditView| {
        cursors.set_value(Vec::new());
        go(AuditView {
            before: None,
            ..view
        });
    };

    let body = move || {
        page.get().map(|answer| match answer {
            Ok(page) => {
                let view = view_state.get_untracked();
                let next = page.next.as_deref().and_then(|n| n.parse::<i64>().ok());
                let at_newest = view.before.is_none();
                view! {
                    {entries_table(&page, view.filtered(), clear)}
                    <nav class="audit-paging" aria-label="Audit log pages">
                        <button
                            type="button"
                            class="button"
                            aria-disabled=at_newest.then_some("true")
                            on:click=move |_| {
                                if !at_newest {
                                    newer()
                                }
                            }
                        >
                            "Newer"
                        </button>
                        <button
                            type="button"
                            class="button"
                            aria-disabled=next.is_none().then_some("true")
                            on:click=move |_| {
                                if let Some(next) = next {
                                    older(next)
                                }
                            }
                        >
                            "Older"
                        </button>
                    </nav>
                }
                .into_any()
            }
            Err(error) => {
                view! { <ErrorView error=error on_retry=move || reload.update(|n| *n += 1) /> }
                    .into_any()
            }
        })
    };

    view! {
        <div class="page-head">
            <h1>"Audit log"</h1>
        </div>
        <AuditFilters view=view_state on_change=on_filter on_clear=clear />
        <div class="audit-results" aria-busy=move || page.get().is_none().then_some("true")>
            {move || match page.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(_) => body().into_any(),
            }}
        </div>
    }
}
