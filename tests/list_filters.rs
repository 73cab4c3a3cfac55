//! The Users list's access-review filters: Role, Source, Group, Identity
//! provider and Clear filters; the URL (`role`, `source`, `group`, `idp`),
//! paging reset, back and forward; the status line and the empty state
//! saying what the filters narrow to; the filtered role's chip marked.

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn selected(label: &str) -> String {
    by_label(label)
        .unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// Waits for the status line to say `text` (it follows the URL a moment
/// after the router has written it).
async fn wait_status(text: &str) {
    wait_until(&format!("the status line {text:?}"), || {
        status_line() == text
    })
    .await;
}

/// The values a select offers.
fn offered(label: &str) -> Vec<String> {
    let select = by_label(label).unchecked_into::<web_sys::HtmlSelectElement>();
    (0..select.length())
        .filter_map(|i| select.item(i))
        .map(|o| o.unchecked_into::<web_sys::HtmlOptionElement>().value())
        .collect()
}

fn is_disabled(label: &str) -> bool {
    by_label(label)
        .unchecked_into::<web_sys::HtmlSelectElement>()
        .disabled()
}

#[wasm_bindgen_test]
async fn a_role_filter_keeps_its_holders_and_marks_their_chip() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    assert_eq!(row_names(), ["Alice Admin", "John Smith", "Mary Major"]);
    assert!(is_disabled("Source"), "no source before a role");
    get_by_role("search", "Filter users");

    wait_until("the catalogue", || {
        offered("Role")
            == [
                "",
                "Development",
                "Testing",
                "Staging",
                "Production",
                "Settings",
            ]
    })
    .await;
    select_value(&by_label("Role"), "Production");
    wait_until("Production's holders", || row_names() == ["John Smith"]).await;
    assert_eq!(url(), "/users?role=Production");
    wait_status("Showing 1–1 of 1 user with Production").await;
    assert!(!is_disabled("Source"));
    // The matching chip: a check mark and words, not colour alone.
    let marked = document()
        .query_selector_all("table[aria-label=Users] .chip-match")
        .unwrap();
    assert_eq!(marked.length(), 1);
    let chip: web_sys::Element = marked.item(0).unwrap().unchecked_into();
    let text = text_of(&chip);
    assert!(text.starts_with("✓"), "{text}");
    assert!(text.contains("Production"), "{text}");
    assert!(text.contains("(filtered by)"), "{text}");
}

#[wasm_bindgen_test]
async fn source_narrows_a_role_and_an_empty_result_offers_clearing() {
    let company = Company::new(0);
    let _app = company.open("/users?role=Testing").await;
    wait_until("Testing's holders", || row_names() == ["John Smith"]).await;
    assert_eq!(selected("Role"), "Testing");
    wait_until("Source enabled", || !is_disabled("Source")).await;
    select_value(&by_label("Source"), "group");
    wait_until("the URL", || url() == "/users?role=Testing&source=group").await;
    assert_eq!(row_names(), ["John Smith"]);
    wait_status("Showing 1–1 of 1 user with Testing from a group").await;

    // Development is only ever direct: nobody has it from a group.
    select_value(&by_label("Role"), "Development");
    wait_until("nobody", || {
        body_text().contains("No active users with Development from a group.")
    })
    .await;
    assert_eq!(url(), "/users?role=Development&source=group");
    assert!(
        all_by_role("status")
            .iter()
            .any(|s| text_of(s) == "No active users with Development from a group."),
        "the empty result is announced"
    );
    click(&get_by_role("link", "Clear filters"));
    wait_until("everyone again", || row_names().len() == 3).await;
    assert_eq!(url(), "/users");
    assert_eq!(selected("Role"), "");
    assert!(is_disabled("Source"));

    // Choosing "All roles" again clears the source with it.
    select_value(&by_label("Role"), "Testing");
    wait_until("Source enabled", || !is_disabled("Source")).await;
    select_value(&by_label("Source"), "direct");
    wait_until("direct", || url() == "/users?role=Testing&source=direct").await;
    select_value(&by_label("Role"), "");
    wait_until("no filter", || url() == "/users").await;
}

#[wasm_bindgen_test]
async fn a_group_is_picked_by_search_and_removed_with_its_chip() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let group = get_by_role("combobox", "Group");
    group.focus().unwrap();
    type_into(&group, "rel");
    let option = wait_for("Release team offered", || {
        all_by_role("option")
            .into_iter()
            .find(|o| text_of(o).starts_with("Release team"))
    })
    .await;
    click(&option);
    wait_until("its members", || row_names() == ["John Smith"]).await;
    let release = url()
        .strip_prefix("/users?group=")
        .expect("the group in the URL")
        .to_string();
    assert!(release.parse::<i64>().is_ok(), "{release}");
    let remove = find_by_role("button", "Remove Group: Release team").await;
    // Focus follows the pick to its Remove button (the search box is gone).
    wait_until("focus on Remove", || {
        active_element().is_some_and(|a| a.id() == "filter-group-remove")
    })
    .await;
    wait_status("Showing 1–1 of 1 user in Release team").await;

    // With a provider the members do not use: empty, and it says why.
    select_value(&by_label("Identity provider"), "Google");
    wait_until("nobody", || {
        body_text().contains("No active users in Release team signing in with Google.")
    })
    .await;
    assert_eq!(url(), format!("/users?group={release}&idp=Google"));

    click(&remove);
    wait_until("the group gone", || url() == "/users?idp=Google").await;
    wait_until("focus back in the search box", || {
        active_element().is_some_and(|a| a.id() == "filter-group")
    })
    .await;
    click(&get_by_role("button", "Clear filters"));
    wait_until("everyone", || row_names().len() == 3).await;
    assert_eq!(url(), "/users");
}

#[wasm_bindgen_test]
async fn filters_reset_paging_and_follow_back_and_forward() {
    let company = Company::new(30);
    let _app = company.open("/users?page=2&per_page=10").await;
    assert!(
        status_line().starts_with("Showing 11–20 of"),
        "{}",
        status_line()
    );
    wait_until("the catalogue", || offered("Role").len() == 6).await;
    select_value(&by_label("Role"), "Settings");
    wait_until("the administrator", || row_names() == ["Alice Admin"]).await;
    assert_eq!(url(), "/users?per_page=10&role=Settings");

    // Back: the unfiltered second page; forward: the filter again.
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .back()
        .unwrap();
    wait_until("page 2 again", || url() == "/users?page=2&per_page=10").await;
    wait_until("its rows", || row_names().len() == 10).await;
    assert_eq!(selected("Role"), "");
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .forward()
        .unwrap();
    wait_until("filtered again", || row_names() == ["Alice Admin"]).await;
    assert_eq!(selected("Role"), "Settings");

    // The search combines with the filters.
    let search = get_by_role("searchbox", "Search users");
    type_into(&search, "john");
    wait_until("nobody with Settings matches", || {
        body_text().contains("No active users with Settings match “john”.")
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_unusable_filter_in_the_url_is_left_out() {
    let company = Company::new(0);
    let _app = company.open("/users?source=group&group=abc").await;
    wait_until("everyone", || row_names().len() == 3).await;
    assert_eq!(selected("Source"), "");
    assert!(is_disabled("Source"));
}

/// Catches downloads: links clicked with `download` are recorded (name and
/// blob URL) instead of followed, until [`Downloads::drop`].
struct Downloads;

impl Downloads {
    fn catch() -> Downloads {
        js_sys::eval(
            "window.__downloads = [];
             window.__click = HTMLAnchorElement.prototype.click;
             HTMLAnchorElement.prototype.click = function () {
               if (this.download) { window.__downloads.push([this.download, this.href]); }
               else { window.__click.call(this); }
             };",
        )
        .unwrap();
        Downloads
    }

    /// Each download so far: its file name and its text.
    async fn files(&self) -> Vec<(String, String)> {
        let list = js_sys::eval("window.__downloads").unwrap();
        let list: js_sys::Array = list.unchecked_into();
        let mut files = Vec::new();
        for entry in list.iter() {
            let entry: js_sys::Array = entry.unchecked_into();
            let name = entry.get(0).as_string().unwrap();
            let href = entry.get(1).as_string().unwrap();
            let window = web_sys::window().unwrap();
            let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&href))
                .await
                .unwrap();
            let response: web_sys::Response = response.unchecked_into();
            // The bytes as saved (`text()` would drop the byte-order mark).
            let bytes = wasm_bindgen_futures::JsFuture::from(response.array_buffer().unwrap())
                .await
                .unwrap();
            let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
            files.push((name, String::from_utf8(bytes).unwrap()));
        }
        files
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        let _ = js_sys::eval("HTMLAnchorElement.prototype.click = window.__click;");
    }
}

#[wasm_bindgen_test]
async fn export_downloads_what_the_filters_show() {
    let company = Company::new(5);
    let downloads = Downloads::catch();
    let _app = company.open("/users?role=Testing").await;
    wait_until("Testing's holders", || row_names() == ["John Smith"]).await;
    click(&get_by_role("button", "Export CSV"));
    wait_until("saved", || {
        all_by_role("status")
            .iter()
            .any(|s| text_of(s).starts_with("Exported 1 user to users-active-testing-"))
    })
    .await;
    let files = downloads.files().await;
    assert_eq!(files.len(), 1);
    let (name, text) = &files[0];
    assert!(
        name.starts_with("users-active-testing-") && name.ends_with(".csv"),
        "{name}"
    );
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Name,Email,Identity provider,Status,Roles,Groups,Created,Token last used"
    );
    assert!(
        lines[1].starts_with(
            "John Smith,john.smith@acme.test,Email,active,\"Development (direct), \
             Testing (direct; QA team; Release team), Staging (QA team), Production (Release team)\",\
             \"QA team, Release team\","
        ),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 3, "header, one row, the final line end");
    assert!(by_role("progressbar", "Export progress").is_none());
}

#[wasm_bindgen_test]
async fn a_long_export_shows_its_progress_and_can_be_cancelled() {
    let company = Company::new(30);
    let downloads = Downloads::catch();
    let _app = company.open("/users").await;
    company.client.set_call_delay(60);
    click(&get_by_role("button", "Export CSV"));
    let bar = find_by_role("progressbar", "Export progress").await;
    wait_until("some rows in", || {
        bar.get_attribute("value")
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|v| v > 0)
    })
    .await;
    assert_eq!(bar.get_attribute("max").as_deref(), Some("33"));
    assert!(body_text().contains(" of 33 rows"), "{}", body_text());
    assert!(by_role("button", "Export CSV")
        .unwrap()
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .disabled());
    click(&get_by_role("button", "Cancel export"));
    wait_until("cancelled", || {
        all_by_role("status")
            .iter()
            .any(|s| text_of(s) == "Export cancelled.")
    })
    .await;
    assert!(by_role("progressbar", "Export progress").is_none());
    assert!(downloads.files().await.is_empty(), "nothing was saved");
}

#[wasm_bindgen_test]
async fn a_deep_link_names_its_group_once_known() {
    let company = Company::new(0);
    company.client.set_call_delay(30);
    let group = company.client.add_group("Night shift", &["Production"]);
    let _app = company
        .open(&format!("/users?group={group}&idp=Google"))
        .await;
    wait_until("the group named in the empty state", || {
        body_text().contains("No active users in Night shift signing in with Google.")
    })
    .await;
    assert!(all_by_role("status")
        .iter()
        .any(|s| text_of(s) == "No active users in Night shift signing in with Google."));
    find_by_role("button", "Remove Group: Night shift").await;

    // A search reloads the list, not the group's name.
    let asked = || {
        company
            .client
            .calls()
            .iter()
            .filter(|c| c.starts_with("get_group"))
            .count()
    };
    let before = asked();
    type_into(&get_by_role("searchbox", "Search users"), "zz");
    wait_until("the search in the empty state", || {
        body_text().contains("No active users in Night shift signing in with Google match “zz”.")
    })
    .await;
    assert_eq!(asked(), before, "{:?}", company.client.calls());
}
