//! axe-core (WCAG 2.2 A and AA) finds nothing on any view.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn every_view_passes_the_accessibility_audit() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "60"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let user = api
        .create_user("Avery", "Audit", "avery@acme.example", &["Testing"])
        .await;
    let id = user["id"].as_i64().unwrap();
    let browser = Browser::start().await;

    browser.goto(&server.url("/sign-in")).await;
    browser.find(By::role("button", "Sign in")).await;
    browser.assert_accessible("the sign-in view").await;

    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.find(By::role("table", "Users")).await;
    browser
        .wait_for(
            "rows",
            "document.querySelectorAll('table tbody tr td').length > 5",
        )
        .await;
    browser.assert_accessible("the Active tab").await;

    browser.click(By::role("tab", "Archived")).await;
    browser.wait_for("archived rows", "location.search.includes('status=archived') && document.querySelectorAll('table tbody tr td').length > 5").await;
    browser.assert_accessible("the Archived tab").await;

    browser.goto(&server.url("/users/new")).await;
    browser.click(By::role("button", "Submit")).await;
    browser
        .wait_for(
            "errors on the form",
            "document.querySelectorAll('[aria-invalid=true]').length >= 3",
        )
        .await;
    browser
        .assert_accessible("the add form showing errors")
        .await;

    browser
        .goto(&server.url(&format!("/users/{id}/edit")))
        .await;
    browser.find(By::role("textbox", "First name")).await;
    browser.assert_accessible("the edit form").await;

    browser.goto(&server.url("/users?q=avery")).await;
    browser
        .click(By::role("button", "More actions for Avery Audit"))
        .await;
    browser.find(By::role("menuitem", "Delete")).await;
    browser.assert_accessible("the open row menu").await;
    browser.click(By::role("menuitem", "Delete")).await;
    browser
        .find(By::role("dialog", "Delete Avery Audit?"))
        .await;
    browser.assert_accessible("the delete dialog").await;
    browser.click(By::role("button", "Cancel")).await;

    browser
        .click(By::role("button", "More actions for Avery Audit"))
        .await;
    browser.click(By::role("menuitem", "Access token")).await;
    browser
        .find(By::role("dialog", "Access token for Avery Audit"))
        .await;
    browser.assert_accessible("the access token dialog").await;

    browser.goto(&server.url("/audit")).await;
    browser.find(By::role("table", "Audit log")).await;
    browser.assert_accessible("the Audit log").await;
    browser.close().await;
}

#[tokio::test]
async fn the_audit_does_report_violations() {
    // Guards the audit itself: a field without a label must be caught.
    let server = Server::start();
    let browser = Browser::start().await;
    browser.goto(&server.url("/sign-in")).await;
    browser.find(By::role("button", "Sign in")).await;
    browser
        .client
        .execute(
            "document.querySelector('main').append(document.createElement('input'))",
            vec![],
        )
        .await
        .unwrap();
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.iter().any(|v| v["id"] == "label"),
        "{violations:?}"
    );
    browser.close().await;
}
