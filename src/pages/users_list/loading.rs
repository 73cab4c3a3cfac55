//! Loading the list for the URL's query as a resource: a newer query
//! supersedes an older one (the resource never applies a stale answer), a
//! page past the end goes to the last page, and focus comes back after
//! paging.

use leptos::prelude::*;
use users_api::{ListQuery, Page, UserSummary};

use super::ROWS_PAINTED_MARK;
use crate::api::{Api, ApiError};
use crate::components::focus::{focus_id_or_heading, focus_selector};
use crate::state::list_focus::ListFocus;
use crate::state::loaded::Loaded;
use crate::state::row_action::ListReload;

/// One answer of the list: the query it answers and its page.
pub(super) type Listing = Result<(ListQuery, Page<UserSummary>), ApiError>;

/// The page `query` names, loaded again whenever it or `reload` changes.
pub(super) fn list_resource(
    api: Api,
    reload: ListReload,
    query: Memo<ListQuery>,
) -> Loaded<Listing> {
    Loaded::new(move || {
        let q = query.get();
        reload.0.track();
        async move { api.call(|c| c.list_users(&q)).await.map(|page| (q, page)) }
    })
}

/// What follows each answer: a page past the end is replaced by the last
/// page (`go`); otherwise the rows are marked painted and focus returns to
/// `refocus` (the paging control the user pressed, which re-rendering
/// replaced; the current page's link when that control is now disabled).
///
/// `handed_back`: an element another view asked to focus (the form's
/// saved user), focused after the first rows — else the heading.
pub(super) fn after_each_answer(
    list: Loaded<Listing>,
    refocus: StoredValue<Option<String>>,
    handed_back: ListFocus,
    go: impl Fn(ListQuery, bool) + Copy + 'static,
) {
    Effect::new(move |_| {
        let past_the_end = list.with(|answer| match answer {
            Some(Ok((q, page))) => {
                let past = page.entries.is_empty()
                    && page.total_entries > 0
                    && u64::from(q.page) > page.total_pages;
                Some(past.then(|| ListQuery {
                    page: u32::try_from(page.total_pages).unwrap_or(1),
                    ..q.clone()
                }))
            }
            _ => None,
        });
        // Untracked: navigating reads the router's state.
        untrack(|| match past_the_end {
            Some(Some(last)) => go(last, true),
            Some(None) => request_animation_frame(move || {
                if let Some(performance) = window().performance() {
                    let _ = performance.mark(ROWS_PAINTED_MARK);
                }
                crate::pages::lazy::prefetch_from_the_list();
                if let Some(id) = handed_back.take() {
                    focus_id_or_heading(&id);
                }
                // The list may be gone by the next frame (the page left).
                if let Some(selector) = refocus.try_get_value().flatten() {
                    refocus.try_set_value(None);
                    if !focus_selector(&selector) {
                        focus_selector("nav[aria-label=Pagination] [aria-current=page]");
                    }
                }
            }),
            None => {}
        });
    });
}
