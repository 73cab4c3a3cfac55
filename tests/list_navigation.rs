//! The Users list's state: tabs, search, pagination, rows per page, and the
//! URL (replace while typing, push on paging, back/forward, reload).

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn searchbox() -> web_sys::HtmlElement {
    get_by_role("searchbox", "Search users")
}

fn search_value() -> String {
    searchbox()
        .unchecked_into::<web_sys::HtmlInputElement>()
        .value()
}

#[wasm_bindgen_test]
async fn the_table_has_the_columns_and_alphabetical_rows() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let table = get_by_role("table", "Users");
    assert_eq!(
        names_of("columnheader"),
        [
            "Name",
            "Email",
            "Identity provider",
            "Roles",
            "Groups",
            "Actions"
        ]
    );
    assert_eq!(row_names(), ["Alice Admin", "John Smith", "Mary Major"]);
    assert_eq!(table.get_attribute("aria-busy").as_deref(), Some("false"));
    assert_eq!(status_line(), "Showing 1–3 of 3 users");
}

#[wasm_bindgen_test]
async fn switching_tabs_shows_archived_users_and_back() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let active = get_by_role("tab", "Active");
    let archived = get_by_role("tab", "Archived");
    assert_eq!(
        active.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        archived.get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    assert!(by_role("link", "Add new").is_some());

    click(&archived);
    wait_until("archived rows", || row_names() == ["Zed Archived"]).await;
    assert_eq!(url(), "/users?status=archived");
    assert_eq!(
        archived.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        active.get_attribute("aria-selected").as_deref(),
        Some("false")
    );
    assert!(
        by_role("link", "Add new").is_none(),
        "Add new is on Active only"
    );
    assert!(by_role("link", "Edit").is_none());
    assert!(by_role("button", "More actions for Zed Archived").is_none());
    get_by_role("button", "Restore");
    let panel = document().get_element_by_id("users-panel").unwrap();
    assert_eq!(panel.get_attribute("role").as_deref(), Some("tabpanel"));
    assert_eq!(panel.get_attribute("aria-labelledby"), Some(archived.id()));

    click(&active);
    wait_until("active rows", || row_names().len() == 3).await;
    assert_eq!(url(), "/users");
}

#[wasm_bindgen_test]
async fn arrow_keys_move_between_tabs() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let active = get_by_role("tab", "Active");
    active.focus().unwrap();
    assert!(press(&active, "ArrowRight"));
    let archived = get_by_role("tab", "Archived");
    assert_eq!(active_element(), Some(archived.clone().into()));
    wait_until("archived rows", || row_names() == ["Zed Archived"]).await;
    assert_eq!(archived.get_attribute("tabindex").as_deref(), Some("0"));
    assert_eq!(active.get_attribute("tabindex").as_deref(), Some("-1"));
    press(&archived, "Home");
    wait_until("active again", || url() == "/users").await;
    assert_eq!(active_element(), Some(active.into()));
}

#[wasm_bindgen_test]
async fn search_filters_replaces_the_url_and_resets_to_page_1() {
    let company = Company::new(60);
    let _app = company.open("/users?page=2").await;
    assert_eq!(status_line(), "Showing 26–50 of 63 users");
    let before = history_length();
    let search = searchbox();
    type_into(&search, "j");
    type_into(&search, "jo");
    type_into(&search, "john");
    // Debounced: nothing happens at once.
    sleep(50).await;
    assert_eq!(url(), "/users?page=2");
    wait_until("the search in the URL", || url() == "/users?q=john").await;
    wait_until("John alone", || row_names() == ["John Smith"]).await;
    assert_eq!(status_line(), "Showing 1–1 of 1 user");
    assert_eq!(history_length(), before, "typing adds no history entry");
    let searches: Vec<String> = company
        .client
        .calls()
        .into_iter()
        .filter(|c| c.contains("query=j"))
        .collect();
    assert_eq!(
        searches,
        ["list_users status=active query=john page=1 per_page=25"],
        "one request after the pause, on page 1"
    );
}

#[wasm_bindgen_test]
async fn search_matches_email_and_full_name_and_says_when_nothing_matches() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    type_into(&searchbox(), "mary@");
    wait_until("by email", || row_names() == ["Mary Major"]).await;
    type_into(&searchbox(), "john smi");
    wait_until("by full name", || row_names() == ["John Smith"]).await;
    type_into(&searchbox(), "nobody");
    wait_until("the empty state", || {
        body_text().contains("No active users match “nobody”.")
    })
    .await;
    // Said in a status region too, so a screen reader hears it.
    assert!(all_by_role("status")
        .iter()
        .any(|s| text_of(s) == "No active users match “nobody”."));
    assert!(row_names().is_empty());
    assert!(document()
        .query_selector("nav[aria-label=Pagination]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn the_archived_tab_says_when_it_is_empty() {
    let company = Company::new(0);
    let restored = company.client.clone();
    // Restore the only archived user through the API first.
    use users_console::api::ApiClient;
    restored.set_token(Some(company.admin_token()));
    restored.restore_user(company.zed).await.unwrap();
    let _app = company.open("/users?status=archived").await;
    wait_until("the empty state", || {
        body_text().contains("No archived users.")
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_slow_stale_response_never_replaces_a_newer_one() {
    let company = Company::new(40);
    company
        .client
        .set_list_delay(|q| if q.query == "a" { 600 } else { 0 });
    let _app = company.open("/users").await;
    type_into(&searchbox(), "a");
    sleep(350).await; // the request for "a" is in flight now (600 ms)
    type_into(&searchbox(), "ada");
    wait_until("Ada's results", || {
        let names = row_names();
        !names.is_empty() && names.iter().all(|n| n.to_lowercase().contains("ada"))
    })
    .await;
    sleep(700).await; // the answer for "a" has arrived by now
    let names = row_names();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.to_lowercase().contains("ada")),
        "rows are still Ada's: {names:?}"
    );
    assert_eq!(url(), "/users?q=ada");
    assert_eq!(search_value(), "ada");
    assert!(company
        .client
        .calls()
        .iter()
        .any(|c| c.contains("query=a page")));
}

#[wasm_bindgen_test]
async fn slash_focuses_the_search_box_unless_typing() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let body = document().body().unwrap();
    assert!(press(&body, "/"));
    let search = searchbox();
    assert_eq!(active_element(), Some(search.clone().into()));
    // In a field, "/" is just a character.
    assert!(!press(&search, "/"));
}

#[wasm_bindgen_test]
async fn next_previous_and_page_links_with_the_status_line() {
    let company = Company::new(60); // 63 active users
    let _app = company.open("/users").await;
    assert_eq!(status_line(), "Showing 1–25 of 63 users");
    let previous = get_by_role("link", "Previous page");
    assert_eq!(
        previous.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    let page1 = get_by_role("link", "Page 1");
    assert_eq!(page1.get_attribute("aria-current").as_deref(), Some("page"));
    assert!(document()
        .query_selector("nav[aria-label=Pagination]")
        .unwrap()
        .is_some());
    let before = history_length();

    click(&get_by_role("link", "Next page"));
    wait_until("page 2", || status_line() == "Showing 26–50 of 63 users").await;
    assert_eq!(url(), "/users?page=2");
    assert_eq!(history_length(), before + 1, "paging adds a history entry");
    assert_eq!(
        get_by_role("link", "Page 2")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    assert_eq!(
        get_by_role("link", "Page 1").get_attribute("aria-current"),
        None
    );

    // Focus stays on the link followed, though the links are rebuilt.
    wait_until("focus on Next page", || {
        active_element() == Some(get_by_role("link", "Next page").into())
    })
    .await;

    click(&get_by_role("link", "Page 3"));
    wait_until("page 3", || status_line() == "Showing 51–63 of 63 users").await;
    // "Next page" is disabled on the last page: focus goes to the current page.
    click(&get_by_role("link", "Page 2"));
    wait_until("page 2", || status_line() == "Showing 26–50 of 63 users").await;
    click(&get_by_role("link", "Next page"));
    wait_until("page 3 again", || {
        status_line() == "Showing 51–63 of 63 users"
    })
    .await;
    wait_until("focus on Page 3", || {
        active_element() == Some(get_by_role("link", "Page 3").into())
    })
    .await;
    assert_eq!(row_names().len(), 13);
    assert_eq!(
        get_by_role("link", "Next page")
            .get_attribute("aria-disabled")
            .as_deref(),
        Some("true")
    );

    click(&get_by_role("link", "Previous page"));
    wait_until("page 2 again", || url() == "/users?page=2").await;
    wait_until("page 2 rows", || {
        status_line() == "Showing 26–50 of 63 users"
    })
    .await;
}

#[wasm_bindgen_test]
async fn many_pages_show_a_compact_window() {
    let company = Company::new(400); // 403 active users, 41 pages of 10
    let _app = company.open("/users?page=5&per_page=10").await;
    let names = names_of("link");
    let pages: Vec<&String> = names.iter().filter(|n| n.starts_with("Page ")).collect();
    assert_eq!(pages, ["Page 1", "Page 4", "Page 5", "Page 6", "Page 41"]);
    assert_eq!(status_line(), "Showing 41–50 of 403 users");
}

#[wasm_bindgen_test]
async fn rows_per_page_changes_the_page_size() {
    let company = Company::new(60);
    let _app = company.open("/users?page=2").await;
    let select = by_label("Rows per page");
    assert_eq!(select.tag_name(), "SELECT");
    let values: Vec<String> = {
        let options = select.query_selector_all("option").unwrap();
        (0..options.length())
            .map(|i| options.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(values, ["10", "25", "50", "100"]);
    select_value(&select, "10");
    wait_until("10 per page", || url() == "/users?per_page=10").await;
    wait_until("10 rows", || status_line() == "Showing 1–10 of 63 users").await;
    assert_eq!(row_names().len(), 10);
    wait_until("focus back on the select", || {
        active_element().map(|e| e.id()) == Some("rows-per-page".into())
    })
    .await;
    assert_eq!(
        by_label("Rows per page")
            .unchecked_into::<web_sys::HtmlSelectElement>()
            .value(),
        "10"
    );
}

#[wasm_bindgen_test]
async fn a_url_restores_the_whole_view() {
    let company = Company::new(0);
    for i in 0..12 {
        let id = company.client.add_user(
            "Old",
            &format!("Timer {i:02}"),
            &format!("old{i}@acme.test"),
            &[],
            &[],
        );
        company.client.archive(id);
    }
    let _app = company
        .open("/users?status=archived&q=timer&page=2&per_page=10")
        .await;
    assert_eq!(
        get_by_role("tab", "Archived")
            .get_attribute("aria-selected")
            .as_deref(),
        Some("true")
    );
    assert_eq!(search_value(), "timer");
    assert_eq!(
        by_label("Rows per page")
            .unchecked_into::<web_sys::HtmlSelectElement>()
            .value(),
        "10"
    );
    assert_eq!(row_names(), ["Old Timer 10", "Old Timer 11"]);
    assert_eq!(status_line(), "Showing 11–12 of 12 users");
    assert_eq!(
        get_by_role("link", "Page 2")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
}

#[wasm_bindgen_test]
async fn back_and_forward_step_through_pages() {
    let company = Company::new(60);
    let _app = company.open("/users").await;
    click(&get_by_role("link", "Next page"));
    wait_until("page 2", || status_line() == "Showing 26–50 of 63 users").await;
    click(&get_by_role("link", "Next page"));
    wait_until("page 3", || status_line() == "Showing 51–63 of 63 users").await;

    let history = web_sys::window().unwrap().history().unwrap();
    history.back().unwrap();
    wait_until("back on page 2", || {
        status_line() == "Showing 26–50 of 63 users"
    })
    .await;
    assert_eq!(url(), "/users?page=2");
    history.back().unwrap();
    wait_until("back on page 1", || {
        status_line() == "Showing 1–25 of 63 users"
    })
    .await;
    history.forward().unwrap();
    wait_until("forward to page 2", || {
        status_line() == "Showing 26–50 of 63 users"
    })
    .await;
}

#[wasm_bindgen_test]
async fn back_after_a_search_restores_the_search_box() {
    let company = Company::new(30);
    let _app = company.open("/users").await;
    click(&get_by_role("link", "Next page"));
    wait_until("page 2", || url() == "/users?page=2").await;
    type_into(&searchbox(), "mary");
    wait_until("searched", || row_names() == ["Mary Major"]).await;
    // The search replaced page 2's entry: back goes to page 1.
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .back()
        .unwrap();
    wait_until("page 1", || url() == "/users").await;
    wait_until("all rows", || row_names().len() == 25).await;
    assert_eq!(search_value(), "");
}

#[wasm_bindgen_test]
async fn old_rows_stay_dimmed_while_the_next_page_loads_and_skeleton_only_first() {
    let company = Company::new(60);
    company.client.set_list_delay(|_| 300);
    let _app = mount_at(&company.client, "/users", Some(&company.admin_token()));
    wait_until("the skeleton", || {
        document()
            .query_selector("tr.skeleton-row")
            .unwrap()
            .is_some()
    })
    .await;
    let table = get_by_role("table", "Users");
    assert_eq!(table.get_attribute("aria-busy").as_deref(), Some("true"));
    wait_until("rows", || row_names().len() == 25).await;
    let first_page = row_names();

    click(&get_by_role("link", "Next page"));
    wait_until("loading", || {
        get_by_role("table", "Users")
            .get_attribute("aria-busy")
            .as_deref()
            == Some("true")
    })
    .await;
    assert_eq!(row_names(), first_page, "old rows stay while loading");
    assert!(document()
        .query_selector("tr.skeleton-row")
        .unwrap()
        .is_none());
    assert!(get_by_role("table", "Users")
        .class_list()
        .contains("is-loading"));
    wait_until("page 2", || status_line() == "Showing 26–50 of 63 users").await;
    assert!(!get_by_role("table", "Users")
        .class_list()
        .contains("is-loading"));
}

#[wasm_bindgen_test]
async fn rows_painted_sets_a_performance_mark() {
    let company = Company::new(0);
    let performance = web_sys::window().unwrap().performance().unwrap();
    performance.clear_marks_with_mark_name("users-rows-painted");
    let _app = company.open("/users").await;
    wait_until("the mark", || {
        performance
            .get_entries_by_name("users-rows-painted")
            .length()
            > 0
    })
    .await;
}

#[wasm_bindgen_test]
async fn clear_search_and_escape_empty_the_box_and_keep_focus_there() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    assert!(
        by_role("button", "Clear search").is_none(),
        "nothing to clear yet"
    );
    let box_ = searchbox();
    box_.focus().unwrap();
    type_into(&box_, "mary");
    wait_until("searched", || row_names() == ["Mary Major"]).await;
    let clear = find_by_role("button", "Clear search").await;
    click(&clear);
    wait_until("all rows again", || row_names().len() == 3).await;
    assert_eq!(search_value(), "");
    assert_eq!(url(), "/users");
    assert_eq!(
        active_element().as_ref(),
        Some(searchbox().unchecked_ref()),
        "focus stays in the box"
    );
    assert!(by_role("button", "Clear search").is_none());

    type_into(&searchbox(), "john");
    wait_until("searched", || row_names() == ["John Smith"]).await;
    assert!(press(&searchbox(), "Escape"), "Esc is used");
    wait_until("all rows again", || row_names().len() == 3).await;
    assert_eq!(search_value(), "");
    assert_eq!(active_element().as_ref(), Some(searchbox().unchecked_ref()));
    assert!(
        !press(&searchbox(), "Escape"),
        "an empty box leaves Esc alone"
    );
}
