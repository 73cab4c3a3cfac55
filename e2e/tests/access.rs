//! Who may see what: users without Settings, directory-managed companies,
//! user text rendered as text, and the security headers of the app.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn a_user_without_settings_sees_only_the_no_access_view() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let dev = api
        .create_user("Dana", "Developer", "dana@acme.example", &["Development"])
        .await;
    let token = api.token_of(dev["id"].as_i64().unwrap()).await;

    let browser = Browser::start().await;
    browser.goto(&server.url("/sign-in")).await;
    browser
        .fill(By::role("textbox", "Access token"), &token)
        .await;
    browser.click(By::role("button", "Sign in")).await;
    browser
        .wait_for_text("You need the Settings role to manage users.")
        .await;
    let text = browser.text().await;
    assert!(
        !text.contains("admin@acme.example"),
        "other users are not shown: {text}"
    );
    assert!(browser.query(By::role("table", "Users")).await.is_none());
    browser.close().await;
}

#[tokio::test]
async fn a_directory_managed_company_shows_the_notice_and_no_mutation_controls() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "40"]);
        cli.run(&["set-directory", "--provider", "Azure AD"]);
    });
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser
        .wait_for_text("Users are managed in Azure AD. Contact your AD administrator to add, edit or delete users.")
        .await;
    browser.find(By::role("table", "Users")).await;
    assert!(browser.query(By::role("link", "Add new")).await.is_none());
    assert!(browser.query(By::role("button", "Add new")).await.is_none());
    assert!(browser.query(By::role("link", "Edit")).await.is_none());
    // The row menu still offers the access token, and nothing else.
    browser
        .click(By::role("button", "More actions for Ada Admin"))
        .await;
    browser.find(By::role("menuitem", "Access token")).await;
    assert!(browser
        .query(By::role("menuitem", "Delete"))
        .await
        .is_none());
    browser.press(Browser::ESCAPE).await;
    browser.click(By::role("tab", "Archived")).await;
    browser
        .wait_for(
            "archived rows",
            "document.querySelectorAll('table tbody tr').length > 0",
        )
        .await;
    assert!(browser.query(By::role("button", "Restore")).await.is_none());
    browser.close().await;
}

#[tokio::test]
async fn user_text_is_rendered_as_text_and_never_runs() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let hostile = "<img src=x onerror=alert(1)>";
    api.create_user(hostile, "Script", "hostile@acme.example", &[])
        .await;
    api.create_user("Zoë", "Ñúñez-O'Brien", "zoe@acme.example", &["Testing"])
        .await;

    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.wait_for_text(&format!("{hostile} Script")).await;
    browser.wait_for_text("Zoë Ñúñez-O'Brien").await;
    assert!(
        browser.client.get_alert_text().await.is_err(),
        "no alert may open"
    );
    let injected = browser
        .client
        .execute(
            "return document.querySelectorAll('img[src=x]').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(injected, serde_json::json!(0));
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}

#[tokio::test]
async fn the_app_is_served_with_its_csp_and_security_headers() {
    let server = Server::start();
    for path in ["/", "/users", "/sign-in"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert_eq!(header("referrer-policy"), "no-referrer");
    }
    // Under that policy the app boots without a single violation.
    let browser = Browser::start().await;
    browser.goto(&server.url("/sign-in")).await;
    browser.find(By::role("button", "Sign in")).await;
    let errors = browser.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    browser.close().await;
}
