//! The Users list's state in the URL (`/users?status=archived&q=…&page=…&per_page=…`).
//! Absent parameters mean the defaults; values the app cannot use fall back
//! to the defaults too, so a hand-edited URL still shows a list.

use users_api::{ListQuery, UserStatus, DEFAULT_PER_PAGE, MAX_PER_PAGE};

/// The page sizes offered by "Rows per page".
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];

/// Reads the list state from query parameters (`get` returns a parameter's value).
pub fn list_query_from(get: impl Fn(&str) -> Option<String>) -> ListQuery {
    let status = get("status")
        .and_then(|s| UserStatus::parse(&s))
        .unwrap_or_default();
    let page = get("page")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let per_page = get("per_page")
        .and_then(|p| p.parse::<u32>().ok())
        .filter(|p| (1..=MAX_PER_PAGE).contains(p))
        .unwrap_or(DEFAULT_PER_PAGE);
    ListQuery {
        status,
        query: get("q").unwrap_or_default().trim().to_string(),
        page,
        per_page,
    }
}

/// The query string of a list state, defaults left out: `""` or `"?…"`.
pub fn list_search(query: &ListQuery) -> String {
    let mut parts = Vec::new();
    if query.status == UserStatus::Archived {
        parts.push("status=archived".to_string());
    }
    if !query.query.is_empty() {
        parts.push(format!("q={}", encode(&query.query)));
    }
    if query.page != 1 {
        parts.push(format!("page={}", query.page));
    }
    if query.per_page != DEFAULT_PER_PAGE {
        parts.push(format!("per_page={}", query.per_page));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// `/users` with the list state.
pub fn users_url(query: &ListQuery) -> String {
    format!("/users{}", list_search(query))
}

/// `/users/{id}/edit`, carrying the list's state for the way back.
pub fn edit_url(id: i64, list: &ListQuery) -> String {
    format!("/users/{id}/edit{}", list_search(list))
}

/// `/users/new`, carrying the list's state for the way back.
pub fn new_url(list: &ListQuery) -> String {
    format!("/users/new{}", list_search(list))
}

/// `path` plus a query string given with or without its leading `?`.
pub fn with_search(path: &str, search: &str) -> String {
    let search = search.trim_start_matches('?');
    if search.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{search}")
    }
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}
