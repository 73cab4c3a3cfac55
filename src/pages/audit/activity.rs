//! "Activity" on a user's Edit page: the latest entries about them and by
//! them, each a sentence ("Ada Admin removed Production — 2 hours ago";
//! the exact time in a tooltip and for screen readers), and "View all
//! activity" opening the Audit log filtered on them.

use leptos::prelude::*;
use users_api::UserId;

use super::describe::{relative_time, sentence};
use crate::api::use_api;
use crate::components::dialogs::token_dialog::human_time;
use crate::components::error_view::ErrorView;
use crate::state::audit_url::AuditView;
use crate::state::loaded::Loaded;

/// Entries the section shows.
const LATEST: u32 = 10;

/// The Activity section of user `user_id`.
#[component]
pub fn UserActivity(user_id: UserId) -> impl IntoView {
    let api = use_api();
    let reload = RwSignal::new(0u64);
    let page = Loaded::new(move || {
        reload.track();
        async move {
            api.call(move |c| c.user_activity(user_id, None, LATEST))
                .await
        }
    });
    let all = AuditView {
        user: Some(user_id),
        ..AuditView::default()
    }
    .url();
    let list = move || {
        page.get().map(|answer| match answer {
            Ok(page) if page.entries.is_empty() => {
                view! { <p class="muted">"Nothing recorded yet."</p> }.into_any()
            }
            Ok(page) => {
                let now = js_sys::Date::now();
                let items = page
                    .entries
                    .into_iter()
                    .map(|entry| {
                        let exact = human_time(&entry.at);
                        view! {
                            <li>
                                {sentence(&entry, Some(user_id))}
                                " — "
                                <time datetime=entry.at.clone() title=exact.clone()>
                                    {relative_time(&entry.at, now)}
                                </time>
                                <span class="visually-hidden">{format!(" ({exact})")}</span>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="activity-list">{items}</ul> }.into_any()
            }
            Err(error) => {
                view! { <ErrorView error=error on_retry=move || reload.update(|n| *n += 1) /> }
                    .into_any()
            }
        })
    };
    view! {
        <section class="activity card" aria-labelledby="activity-title">
            <h2 id="activity-title">"Activity"</h2>
            {move || list().unwrap_or_else(|| view! { <p class="loading">"Loading…"</p> }.into_any())}
            <p><a href=all>"View all activity"</a></p>
        </section>
    }
}
