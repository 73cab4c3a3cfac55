//! A cold load of the list: index.html asks for `/me` and the list's page
//! while the wasm loads, the app takes those answers instead of asking
//! again, a refused token still ends at sign-in, the release build's
//! files go out precompressed, and a wasm that is not the one built never
//! runs.

use serde_json::Value;
use users_e2e::{ApiClient, Browser, By, Server};

/// The API requests the page made, as `[path?query, ...]` (Resource Timing).
async fn api_requests(browser: &Browser) -> Vec<String> {
    let list = browser
        .eval(
            "return performance.getEntriesByType('resource')
                .map(e => new URL(e.name))
                .filter(u => u.pathname.startsWith('/api/'))
                .map(u => u.pathname + u.search);",
        )
        .await;
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

#[tokio::test]
async fn the_first_view_is_asked_for_before_the_app_runs_and_only_once() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "120"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    // New documents on deep links: with the API's base this tab remembers,
    // and without it (this page's origin's, then; neither waits for
    // config.json).
    for (page, forget_base) in [(2, false), (3, true)] {
        if forget_base {
            browser
                .eval("sessionStorage.removeItem('users-console.api-base'); return null;")
                .await;
        }
        first_view_from_early_answers(&browser, &server, &api, page).await;
    }
    browser.close().await;
}

/// Opens page `page` of the search "a" as a new document and checks that
/// its `/me` and list were asked once, by index.html, and used by the app.
async fn first_view_from_early_answers(
    browser: &Browser,
    server: &Server,
    api: &ApiClient,
    page: u32,
) {
    browser
        .goto(&server.url(&format!("/users?q=a&page={page}")))
        .await;
    let list = format!("/users?status=active&query=a&page={page}&per_page=25");
    let expected = api.get(&list).await;
    let last = expected["entries"]
        .as_array()
        .and_then(|e| e.last())
        .and_then(|u| u["email"].as_str())
        .expect("the page has users")
        .to_string();
    browser
        .wait_for(
            "the page's last user in the table",
            &format!(
                "document.querySelector('tbody') && document.querySelector('tbody').textContent.includes({})",
                Value::String(last)
            ),
        )
        .await;

    let requests = api_requests(browser).await;
    let list = format!("/api/v1{list}");
    assert_eq!(
        requests.iter().filter(|r| *r == "/api/v1/me").count(),
        1,
        "{requests:?}"
    );
    assert_eq!(
        requests.iter().filter(|r| **r == list).count(),
        1,
        "{requests:?}"
    );
    // Both were index.html's own requests (its script runs before the
    // app's module can), and the app took their answers and config.json's.
    let left = browser
        .eval("return window.usersConsoleEarly ? Object.keys(window.usersConsoleEarly) : null;")
        .await;
    assert_eq!(left, serde_json::json!([]), "answers the app did not take");
    let stylesheets = browser
        .eval("return document.querySelectorAll('link[rel=stylesheet]').length;")
        .await;
    assert_eq!(stylesheets, 1, "one stylesheet");
}

#[tokio::test]
async fn a_refused_token_ends_at_sign_in_and_signing_in_shows_the_list() {
    let server = Server::start();
    let browser = Browser::start().await;
    browser.goto(&server.url("/sign-in")).await;
    browser.find(By::role("button", "Sign in")).await;
    browser
        .eval(&format!(
            "sessionStorage.setItem('users-console.access-token', 'uat_{}'); return null;",
            "x".repeat(49)
        ))
        .await;
    browser.goto(&server.url("/users")).await;
    browser.find(By::role("button", "Sign in")).await;
    browser
        .wait_for_text("Your session ended. Sign in again.")
        .await;
    assert!(browser.path().await.starts_with("/sign-in"));
    let tables = browser
        .eval("return document.querySelectorAll('table').length;")
        .await;
    assert_eq!(tables, 0);

    // The early list answer (a 401 for the refused token) is not the new
    // session's: signing in goes back to the list, which loads.
    browser
        .fill(By::role("textbox", "Access token"), &server.admin_token)
        .await;
    browser.click(By::role("button", "Sign in")).await;
    browser.find(By::role("heading", "Users")).await;
    browser.wait_for_text("Ada Admin").await;
    browser
        .wait_for(
            "the list's row",
            "document.querySelectorAll('tbody tr th[scope=row]').length === 1",
        )
        .await;
    assert_eq!(browser.path().await, "/users");
    browser.close().await;
}

#[tokio::test]
async fn the_release_files_go_out_precompressed() {
    let server = Server::start();
    let client = reqwest::Client::new();
    let index = client
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wasm = index
        .split('"')
        .find(|part| part.ends_with("_bg.wasm"))
        .expect("index.html names the wasm")
        .to_string();
    for (accept, encoding) in [("br, gzip", "br"), ("gzip", "gzip")] {
        let response = client
            .get(server.url(&wasm))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["content-type"], "application/wasm");
        assert_eq!(response.headers()["vary"], "accept-encoding");
    }
}

/// The wasm files the page fetched, by name, with when each was asked for
/// (ms since navigation).
async fn wasm_fetched(browser: &Browser) -> Vec<(String, f64)> {
    let names = browser
        .eval(
            "return performance.getEntriesByType('resource')
                .filter(e => e.name.endsWith('.wasm'))
                .map(e => [new URL(e.name).pathname.slice(1), e.startTime]);",
        )
        .await;
    serde_json::from_value(names).expect("names and times")
}

/// A fresh server, and a browser signed in on its Users list.
async fn signed_in_on_the_list() -> (Server, Browser) {
    let server = Server::start();
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.goto(&server.url("/users")).await;
    browser.wait_for_text("Ada Admin").await;
    (server, browser)
}

#[tokio::test]
async fn the_list_loads_without_the_other_views_code_which_comes_later() {
    let (server, browser) = signed_in_on_the_list().await;

    // Before the rows were painted only the main module was fetched; the
    // user form's and the dialogs' chunks follow (prefetched) after.
    browser
        .wait_for(
            "the user form's chunk, prefetched",
            "performance.getEntriesByType('resource').some(e => e.name.includes('/split_edit_user-'))",
        )
        .await;
    let painted = browser
        .eval("return performance.getEntriesByName('users-rows-painted')[0].startTime;")
        .await
        .as_f64()
        .expect("the rows were painted");
    let fetched = wasm_fetched(&browser).await;
    let before: Vec<&String> = fetched
        .iter()
        .filter(|(_, at)| *at < painted)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        before.len(),
        1,
        "the list needs the main module only: {fetched:?}"
    );
    assert!(before[0].ends_with("_bg.wasm"), "{fetched:?}");
    assert!(
        !fetched.iter().any(|(n, _)| n.starts_with("split_groups-")),
        "{fetched:?}"
    );

    // The Groups view's code arrives when it is first shown.
    browser.click(By::role("link", "Groups")).await;
    browser.find(By::role("heading", "Groups")).await;
    browser.wait_for_text("No groups yet").await;
    let now = wasm_fetched(&browser).await;
    let (groups, _) = now
        .iter()
        .find(|(n, _)| n.starts_with("split_groups-"))
        .unwrap_or_else(|| panic!("the Groups view's chunk: {now:?}"));
    // Chunks are stored compressed and named by the build, so cached for good.
    let response = reqwest::Client::new()
        .get(server.url(&format!("/{groups}")))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn a_view_whose_code_cannot_be_fetched_offers_retry_and_the_app_lives_on() {
    // The server must outlive the test.
    let (_server, browser) = signed_in_on_the_list().await;

    browser.block_urls(&["*split_groups-*"]).await;
    browser.click(By::role("link", "Groups")).await;
    browser
        .wait_for_text("The server could not be reached. Check your connection and try again.")
        .await;
    // The view's heading and the tab's title say which view failed; none
    // of the view itself is there.
    browser.find(By::role("heading", "Groups")).await;
    browser
        .wait_for("the tab's title", "document.title.startsWith('Groups — ')")
        .await;
    assert!(browser.query(By::role("link", "Add group")).await.is_none());
    // Focus, which went with the link pressed, goes to what can be done next.
    browser
        .wait_for(
            "focus on Retry",
            "document.activeElement.closest('[role=alert]') && document.activeElement.textContent == 'Retry'",
        )
        .await;

    // Back online: "Retry" fetches the code again and shows the view.
    browser.block_urls(&[]).await;
    browser.click(By::role("button", "Retry")).await;
    browser.find(By::role("heading", "Groups")).await;
    // "Retry" went with the error; focus goes to the view's heading.
    browser
        .wait_for(
            "focus on the heading",
            "document.activeElement.tagName == 'H1' && document.activeElement.textContent == 'Groups'",
        )
        .await;
    browser.wait_for_text("No groups yet").await;
    browser.click(By::role("link", "Users")).await;
    browser.find(By::role("rowheader", "Ada Admin")).await;
    browser.close().await;
}

#[tokio::test]
async fn a_views_code_is_fetched_when_the_pointer_or_focus_reaches_its_link() {
    let (_server, browser) = signed_in_on_the_list().await;
    let asked = |prefix: &str| {
        format!("performance.getEntriesByType('resource').some(e => e.name.includes('/{prefix}'))")
    };
    let link = |href: &str| {
        format!("document.querySelector('nav[aria-label=Settings] a[href=\"{href}\"]')")
    };

    // The pointer coming over "Audit log" (as before a click) fetches its
    // code, and only its code.
    browser
        .eval(&format!(
            "{}.dispatchEvent(new PointerEvent('pointerover', {{ bubbles: true }}));",
            link("/audit")
        ))
        .await;
    browser
        .wait_for("the Audit log's chunk", &asked("split_audit_log-"))
        .await;
    assert_eq!(browser.path().await, "/users");
    let fetched = wasm_fetched(&browser).await;
    assert!(
        !fetched.iter().any(|(n, _)| n.starts_with("split_groups-")),
        "only the link the pointer reached: {fetched:?}"
    );

    // Tabbing from "Users" onto "Groups" fetches the Groups view's code
    // before anything is pressed; Enter then shows it.
    browser.eval(&format!("{}.focus();", link("/users"))).await;
    browser.press("\t").await;
    browser
        .wait_for("the Groups view's chunk", &asked("split_groups-"))
        .await;
    assert_eq!(browser.path().await, "/users");
    browser.press("\u{E007}").await;
    browser.find(By::role("heading", "Groups")).await;
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn a_call_whose_code_cannot_be_fetched_fails_as_a_lost_network_does_and_keeps_the_form() {
    let server = Server::start();
    let browser = Browser::start().await;
    // The user endpoints' code (create, update, delete, tokens) is its own
    // chunk, fetched with the views that call it; here it cannot be.
    browser.block_urls(&["*split_api_users-*"]).await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.goto(&server.url("/users/new")).await;
    browser
        .fill_user("Grace", "Hopper", "grace@acme.example")
        .await;
    browser.click(By::role("checkbox", "Testing")).await;
    browser.click(By::role("button", "Submit")).await;
    browser
        .wait_for_text("The server could not be reached. Check your connection and try again.")
        .await;
    assert_eq!(browser.path().await, "/users/new");
    let typed = browser
        .eval("return document.querySelector('input[type=email]').value;")
        .await;
    assert_eq!(typed, "grace@acme.example");

    // Back online: submitting again fetches the code and adds the user.
    browser.block_urls(&[]).await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("User Grace Hopper added").await;
    let fetched = wasm_fetched(&browser).await;
    assert!(
        fetched
            .iter()
            .any(|(n, _)| n.starts_with("split_api_users-")),
        "{fetched:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn a_wasm_that_is_not_the_one_built_never_runs_and_the_page_says_so() {
    // A copy of the build whose main wasm a proxy or a CDN changed by a byte.
    let changed = tempfile::tempdir().unwrap();
    let built = users_e2e::dist_dir();
    let mut wasm = None;
    for entry in std::fs::read_dir(&built).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        std::fs::copy(built.join(&name), changed.path().join(&name)).unwrap();
        if name.starts_with("users-console-") && name.ends_with("_bg.wasm") {
            wasm = Some(name);
        }
    }
    let wasm = changed.path().join(wasm.expect("the main wasm"));
    let mut bytes = std::fs::read(&wasm).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&wasm, bytes).unwrap();
    for copy in ["br", "gz"] {
        std::fs::remove_file(wasm.with_extension(format!("wasm.{copy}"))).unwrap();
    }
    let server = Server::start_serving(changed.path(), |_| {});
    let browser = Browser::start().await;

    browser.goto(&server.url("/sign-in")).await;
    browser
        .wait_for_text(
            "The console could not be loaded. Check your connection and reload the page.",
        )
        .await;
    browser.find(By::role("heading", "Users console")).await;
    assert!(browser
        .query(By::role("textbox", "Access token"))
        .await
        .is_none());
    let errors = browser.console_errors().await;
    assert!(
        errors.iter().any(|e| e.contains("integrity")),
        "the browser refused the wasm for its integrity: {errors:?}"
    );
    browser.close().await;
}
