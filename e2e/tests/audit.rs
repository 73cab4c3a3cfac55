//! The audit log as an administrator finds it: a role change made by one
//! administrator shows in the user's Activity and in the Audit log,
//! attributed to them, with before → after.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn a_role_change_is_found_in_the_users_activity_and_the_audit_log() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "20"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let olga = api
        .create_user("Olga", "Other", "olga@acme.example", &["Settings"])
        .await;
    let olga_token = api.token_of(olga["id"].as_i64().unwrap()).await;
    let ed = api
        .create_user("Ed", "Edits", "ed@acme.example", &["Testing"])
        .await;
    let ed_id = ed["id"].as_i64().unwrap();

    // Olga moves Ed from Testing to Production.
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &olga_token).await;
    browser
        .goto(&server.url(&format!("/users/{ed_id}/edit")))
        .await;
    browser.find(By::role("heading", "Edit Ed Edits")).await;
    browser.click(By::role("checkbox", "Testing")).await;
    browser.click(By::role("checkbox", "Production")).await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("User Ed Edits saved").await;

    // His Activity says who did what, just now.
    browser
        .goto(&server.url(&format!("/users/{ed_id}/edit")))
        .await;
    let activity = browser.find(By::role("region", "Activity")).await;
    browser
        .wait_for_text("Olga Other added Production; removed Testing — just now")
        .await;
    let title = browser
        .eval("return document.querySelector('.activity-list time').title;")
        .await;
    assert!(
        title.as_str().is_some_and(|t| !t.is_empty()),
        "exact time: {title}"
    );
    drop(activity);
    browser
        .assert_accessible("the edit page with its Activity")
        .await;

    // The whole log, filtered on him, then on the action.
    browser.click(By::role("link", "View all activity")).await;
    browser.find(By::role("heading", "Audit log")).await;
    browser.find(By::role("table", "Audit log")).await;
    browser
        .wait_for_text("Roles: added Production; removed Testing")
        .await;
    let row = browser
        .eval(
            "const r = [...document.querySelectorAll('table[aria-label=\"Audit log\"] tbody tr')] \
               .find(r => r.textContent.includes('Roles: added Production')); \
             return r ? r.querySelector('th').textContent : '';",
        )
        .await;
    assert!(
        row.as_str().unwrap_or_default().contains("Olga Other"),
        "attributed to Olga: {row}"
    );
    assert_eq!(browser.path().await, format!("/audit?user={ed_id}"));
    browser
        .eval("const s = document.getElementById('audit-action'); s.value = 'user.update'; s.dispatchEvent(new Event('change', {bubbles: true})); return true;")
        .await;
    browser
        .wait_for(
            "the action in the URL",
            "location.search.includes('action=user.update')",
        )
        .await;
    browser
        .wait_for_text("Roles: added Production; removed Testing")
        .await;
    browser.assert_accessible("the filtered Audit log").await;

    // The API says the same.
    let page = api
        .get(&format!("/audit?target={ed_id}&action=user.update"))
        .await;
    let entry = &page["entries"][0];
    assert_eq!(entry["actor"]["email"], "olga@acme.example");
    assert_eq!(
        entry["details"]["changes"]["roles"],
        serde_json::json!({"before": ["Testing"], "after": ["Production"]})
    );
    browser.close().await;
}
