//! Keyboard only: add a user and delete a user without a pointer event.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn add_and_delete_a_user_with_the_keyboard_alone() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    // Add: Tab to "Add new", Enter, type the fields, Space on a role, Enter.
    browser.tab_to(By::role("link", "Add new")).await;
    browser.press(Browser::ENTER).await;
    browser.find(By::role("textbox", "First name")).await;
    browser.tab_to(By::role("textbox", "First name")).await;
    browser.press("Kim").await;
    browser.tab_to(By::role("textbox", "Last name")).await;
    browser.press("Keys").await;
    browser.tab_to(By::role("textbox", "Email")).await;
    browser.press("kim.keys@acme.example").await;
    browser.tab_to(By::role("checkbox", "Staging")).await;
    browser.press(" ").await;
    browser.tab_to(By::role("button", "Submit")).await;
    browser.press(Browser::ENTER).await;
    browser.wait_for_text("User Kim Keys added").await;
    let found = api.get("/users?query=kim.keys").await;
    assert_eq!(found["total_entries"], 1);
    assert_eq!(found["entries"][0]["roles"][0]["role"], "Staging");

    // Delete: "/" to search, Tab to the row's menu, open it, arrow to Delete.
    browser.press("/").await;
    browser.press("kim.keys").await;
    browser.wait_for_text("Showing 1–1 of 1 user").await;
    browser
        .tab_to(By::role("button", "More actions for Kim Keys"))
        .await;
    browser.press(Browser::ENTER).await;
    browser.find(By::role("menuitem", "Access token")).await;
    browser.press(Browser::ARROW_DOWN).await;
    browser.press(Browser::ENTER).await;
    browser.find(By::role("dialog", "Delete Kim Keys?")).await;
    browser.tab_to(By::role("button", "Delete")).await;
    browser.press(Browser::ENTER).await;
    browser.wait_for_text("Kim Keys archived").await;
    let archived = api.get("/users?status=archived&query=kim.keys").await;
    assert_eq!(archived["total_entries"], 1);
    browser.close().await;
}
