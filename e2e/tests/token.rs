//! The access token dialog: reveal, copy, regenerate; the API agrees.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn reveal_copy_and_regenerate_a_users_token() {
    let server = Server::start();
    let admin = ApiClient::new(&server.base_url, &server.admin_token);
    let user = admin
        .create_user("Tom", "Token", "tom@acme.example", &["Development"])
        .await;
    let id = user["id"].as_i64().unwrap();
    let old_token = admin.token_of(id).await;
    let tail = &old_token[old_token.len() - 4..];

    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.allow_clipboard().await; // granted per origin, so after loading it
    browser
        .click(By::role("button", "More actions for Tom Token"))
        .await;
    browser.click(By::role("menuitem", "Access token")).await;
    browser
        .find(By::role("dialog", "Access token for Tom Token"))
        .await;
    browser.wait_for_text(&format!("uat_••••••••{tail}")).await;
    assert!(
        !browser.text().await.contains(&old_token),
        "masked by default"
    );

    let show = browser.find(By::role("button", "Show token")).await;
    show.click().await.unwrap();
    browser.wait_for_text(&old_token).await;
    assert_eq!(
        show.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );

    browser.click(By::role("button", "Copy")).await;
    browser.wait_for_text("Copied").await;
    assert_eq!(browser.clipboard().await, old_token);

    browser
        .click(By::role("button", "Regenerate access token"))
        .await;
    browser
        .wait_for_text("The current token stops working immediately.")
        .await;
    browser.click(By::role("button", "Regenerate")).await;
    browser.wait_for("a new token", &format!(
        "document.body.innerText.match(/uat_[0-9A-Za-z]{{49}}/) && !document.body.innerText.includes({:?})",
        old_token
    )).await;
    let text = browser.text().await;
    let new_token = text
        .split_whitespace()
        .find(|w| w.starts_with("uat_") && w.len() == old_token.len())
        .expect("the new token is shown")
        .to_string();
    assert_ne!(new_token, old_token);

    let as_old = ApiClient::new(&server.base_url, &old_token);
    assert_eq!(
        as_old.send(reqwest::Method::GET, "/me", None).await.status,
        401
    );
    let as_new = ApiClient::new(&server.base_url, &new_token);
    assert_eq!(
        as_new.send(reqwest::Method::GET, "/me", None).await.status,
        200
    );
    assert!(
        !browser.path().await.contains("uat_"),
        "the token never enters the URL"
    );

    browser.press(Browser::ESCAPE).await;
    browser.wait_for("focus back on the row's menu button", "document.activeElement && document.activeElement.getAttribute('aria-haspopup') === 'menu'").await;
    browser.close().await;
}
