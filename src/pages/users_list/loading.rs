//! Loading the list for the URL's query: the newest request wins (older
//! answers are dropped), a page past the end goes to the last page, and
//! focus comes back after paging.

use leptos::prelude::*;
use leptos::task::spawn_local;
use users_api::{ListQuery, Page, UserSummary};
use wasm_bindgen::JsCast;

use super::ROWS_PAINTED_MARK;
use crate::api::{Api, ApiError};
use crate::state::row_action::ListReload;

/// Focuses the control matching `selector`, or the current page's link when
/// that control is disabled now (e.g. "Next page" on the last page).
fn focus_after_paging(selector: &str) {
    let find = |selector: &str| {
        document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    };
    let target = find(selector)
        .filter(|el| el.get_attribute("aria-disabled").as_deref() != Some("true"))
        .or_else(|| find("nav[aria-label=Pagination] [aria-current=page]"));
    if let Some(el) = target {
        let _ = el.focus();
    }
}

/// Sets [`ROWS_PAINTED_MARK`] once the new rows have been painted.
fn mark_rows_painted() {
    request_animation_frame(|| {
        if let Some(performance) = window().performance() {
            let _ = performance.mark(ROWS_PAINTED_MARK);
        }
    });
}

/// The list as loaded for the current query.
#[derive(Clone, Copy)]
pub(super) struct Listing {
    pub(super) data: RwSignal<Option<(ListQuery, Page<UserSummary>)>>,
    pub(super) loading: RwSignal<bool>,
    pub(super) error: RwSignal<Option<ApiError>>,
    /// The control to focus once the next page has rendered (paging rebuilds
    /// the pagination controls, which would otherwise drop the focus).
    pub(super) refocus: StoredValue<Option<String>>,
}

/// Loads the page `query` names, again whenever it or `reload` changes;
/// `go` moves to another query (used when the page is past the end).
pub(super) fn load_list(
    api: Api,
    reload: ListReload,
    query: Memo<ListQuery>,
    go: impl Fn(ListQuery, bool) + Copy + 'static,
) -> Listing {
    let data = RwSignal::new(None::<(ListQuery, Page<UserSummary>)>);
    let loading = RwSignal::new(true);
    let error = RwSignal::new(None::<ApiError>);
    let generation = StoredValue::new(0_u64);
    let refocus = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let q = query.get();
        reload.0.track();
        let this_generation = generation.get_value() + 1;
        generation.set_value(this_generation);
        loading.set(true);
        spawn_local(async move {
            let result = api.call(|client| client.list_users(&q)).await;
            if generation.try_get_value() != Some(this_generation) {
                return; // a newer request superseded this one
            }
            match result {
                Ok(page) => {
                    let past_the_end = page.entries.is_empty()
                        && page.total_entries > 0
                        && u64::from(q.page) > page.total_pages;
                    if past_the_end {
                        let last = u32::try_from(page.total_pages).unwrap_or(1);
                        go(ListQuery { page: last, ..q }, true);
                        return;
                    }
                    data.set(Some((q, page)));
                    error.set(None);
                    mark_rows_painted();
                    if let Some(selector) = refocus.get_value() {
                        refocus.set_value(None);
                        request_animation_frame(move || focus_after_paging(&selector));
                    }
                }
                Err(ApiError::Unauthenticated) => {} // the session sends us to sign-in
                Err(e) => error.set(Some(e)),
            }
            loading.set(false);
        });
    });
    Listing {
        data,
        loading,
        error,
        refocus,
    }
}
