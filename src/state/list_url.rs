//! The lists' state in the URL (`/users?status=archived&q=…&page=…&per_page=…`,
//! `/groups?q=…&page=…&per_page=…`).
//! Absent parameters mean the defaults; values the app cannot use fall back
//! to the defaults too, so a hand-edited URL still shows a list.

use users_api::{ListQuery, PageQuery, ParamStyle};

/// The page sizes offered by "Rows per page".
pub const PAGE_SIZES: [u32; 4] = [10, 25, 50, 100];

/// Reads the list state from query parameters (`get` returns a
/// parameter's value); the rules are `users_api::ListQuery`'s.
pub fn list_query_from<'a>(get: impl Fn(&str) -> Option<&'a str>) -> ListQuery {
    ListQuery::from_params_lenient(ParamStyle::ConsoleUrl, get)
}

/// The query string of a list state, defaults left out: `""` or `"?…"`.
pub fn list_search(query: &ListQuery) -> String {
    search_of(query.to_params(ParamStyle::ConsoleUrl))
}

/// Reads the groups list's state from query parameters, leniently.
pub fn page_query_from<'a>(get: impl Fn(&str) -> Option<&'a str>) -> PageQuery {
    PageQuery::from_params(ParamStyle::ConsoleUrl, true, get).unwrap_or_default()
}

/// `/groups` with the list state.
pub fn groups_url(query: &PageQuery) -> String {
    format!(
        "/groups{}",
        search_of(query.to_params(ParamStyle::ConsoleUrl))
    )
}

fn search_of(params: Vec<(&'static str, String)>) -> String {
    let parts: Vec<String> = params
        .into_iter()
        .map(|(name, value)| format!("{name}={}", encode(&value)))
        .collect();
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
