//! Finding users: sign-in, search, paging, deep links, back and forward.

use serde_json::Value;
use users_e2e::format::showing;
use users_e2e::{ApiClient, Browser, By, Server};

fn seeded(users: &str) -> Server {
    Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", users]);
    })
}

fn total(page: &Value) -> u64 {
    page["total_entries"].as_u64().expect("total_entries")
}

#[tokio::test]
async fn a_wrong_token_is_refused_in_place_and_the_right_one_signs_in() {
    let server = Server::start();
    let browser = Browser::start().await;
    browser.goto(&server.url("/users")).await;
    // Not signed in: the app sends us to sign-in.
    browser.find(By::role("button", "Sign in")).await;
    assert!(
        browser.path().await.starts_with("/sign-in"),
        "{}",
        browser.path().await
    );

    let wrong = format!("uat_{}", "x".repeat(49));
    browser
        .fill(By::role("textbox", "Access token"), &wrong)
        .await;
    browser.click(By::role("button", "Sign in")).await;
    browser
        .wait_for(
            "an error on the token field",
            "document.querySelector('[aria-invalid=true]')",
        )
        .await;
    assert!(browser.path().await.starts_with("/sign-in"));

    browser
        .fill(By::role("textbox", "Access token"), &server.admin_token)
        .await;
    browser.click(By::role("button", "Sign in")).await;
    browser.find(By::role("heading", "Users")).await;
    browser.find(By::role("button", "Sign out")).await;
    browser.wait_for_text("Ada Admin").await;
    browser.close().await;
}

#[tokio::test]
async fn search_by_name_and_email_page_deep_link_and_history() {
    let server = seeded("300");
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    // The first page matches the server's count.
    let all = api.get("/users?per_page=25").await;
    browser.wait_for_text(&showing(1, 25, total(&all))).await;

    // Search by part of a last name.
    let someone = &all["entries"][3];
    let last = someone["last_name"].as_str().unwrap();
    let part: String = last.chars().take(4).collect::<String>().to_lowercase();
    browser
        .fill(By::role("searchbox", "Search users"), &part)
        .await;
    let found = api.get(&format!("/users?query={part}")).await;
    browser.wait_for_text(&showing(1, 25, total(&found))).await;
    browser
        .wait_for_text(someone["email"].as_str().unwrap())
        .await;
    assert!(
        browser.path().await.contains(&format!("q={part}")),
        "{}",
        browser.path().await
    );

    // Search by a whole email: exactly that user.
    let email = all["entries"][7]["email"].as_str().unwrap();
    browser
        .fill(By::role("searchbox", "Search users"), email)
        .await;
    browser.wait_for_text("Showing 1–1 of 1 user").await;
    browser.wait_for_text(email).await;

    // Clear the search, page forward and back.
    browser
        .fill(By::role("searchbox", "Search users"), "")
        .await;
    browser.wait_for_text(&showing(1, 25, total(&all))).await;
    browser.click(By::role("link", "Next page")).await;
    browser.wait_for_text(&showing(2, 25, total(&all))).await;
    assert!(browser.path().await.contains("page=2"));
    browser.click(By::role("link", "Previous page")).await;
    browser.wait_for_text(&showing(1, 25, total(&all))).await;

    // A deep link into the archived tab, reloaded, then history.
    let archived = api.get("/users?status=archived&per_page=5").await;
    assert!(total(&archived) > 10, "the demo data has archived users");
    browser
        .goto(&server.url("/users?status=archived&per_page=5&page=2"))
        .await;
    browser
        .wait_for_text(&showing(2, 5, total(&archived)))
        .await;
    let tab = browser.find(By::role("tab", "Archived")).await;
    assert_eq!(
        tab.attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );
    browser.client.refresh().await.unwrap();
    browser
        .wait_for_text(&showing(2, 5, total(&archived)))
        .await;
    browser.click(By::role("link", "Next page")).await;
    browser
        .wait_for_text(&showing(3, 5, total(&archived)))
        .await;
    browser.client.back().await.unwrap();
    browser
        .wait_for_text(&showing(2, 5, total(&archived)))
        .await;
    browser.client.forward().await.unwrap();
    browser
        .wait_for_text(&showing(3, 5, total(&archived)))
        .await;
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
