//! Takes the README's and docs' screenshots: the release app on a real
//! server with demo data, in headless Chromium. Run by `cargo xtask
//! screenshots`; the argument is the folder to write the PNGs to.

use std::path::PathBuf;
use std::time::Duration;

use users_e2e::{ApiClient, Browser, By, Server};

async fn save(browser: &Browser, dir: &std::path::Path, name: &str) {
    // Animations (dialogs, skeletons) settle first.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, browser.screenshot().await)
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    println!("{}", path.display());
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: screenshots <folder>"),
    );
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "60"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    // A user who owns agents: the delete dialog then asks for a replacement.
    let (_, owner, owner_email) = api.an_agent_owner().await;
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    for scheme in ["light", "dark"] {
        browser.emulate_color_scheme(scheme).await;
        browser.goto(&server.url("/users")).await;
        browser.find(By::role("rowheader", &owner)).await;
        save(&browser, &dir, &format!("users-list-{scheme}")).await;
    }
    browser.emulate_color_scheme("light").await;

    browser.goto(&server.url("/users/new")).await;
    browser
        .fill(By::role("textbox", "Email"), "ada@example")
        .await;
    browser.click(By::role("button", "Submit")).await;
    browser
        .wait_for(
            "the errors",
            "document.querySelectorAll('[aria-invalid=true]').length >= 3",
        )
        .await;
    save(&browser, &dir, "add-user-errors").await;

    browser
        .goto(&server.url(&format!("/users?q={owner_email}")))
        .await;
    browser.click(By::role("link", "Edit")).await;
    browser
        .find(By::role("heading", &format!("Edit {owner}")))
        .await;
    save(&browser, &dir, "edit-user").await;

    browser
        .goto(&server.url(&format!("/users?q={owner_email}")))
        .await;
    browser
        .click(By::role("button", &format!("More actions for {owner}")))
        .await;
    browser.click(By::role("menuitem", "Delete")).await;
    browser.wait_for_text("Choose a replacement user").await;
    browser
        .fill(By::role("combobox", "Replacement user"), "a")
        .await;
    browser
        .wait_for(
            "the options",
            "document.querySelectorAll('[role=option]').length > 2",
        )
        .await;
    save(&browser, &dir, "delete-dialog").await;
    browser.press(Browser::ESCAPE).await;
    browser.press(Browser::ESCAPE).await;

    browser
        .click(By::role("button", &format!("More actions for {owner}")))
        .await;
    browser.click(By::role("menuitem", "Access token")).await;
    // Masked, as it opens: no token (even a throwaway one) in a picture.
    browser.find(By::role("button", "Show token")).await;
    save(&browser, &dir, "token-dialog").await;
    browser.press(Browser::ESCAPE).await;

    browser.goto(&server.url("/audit")).await;
    browser.find(By::role("table", "Audit log")).await;
    save(&browser, &dir, "audit-log").await;

    browser.set_viewport(360, 800).await;
    browser.goto(&server.url("/users")).await;
    browser.find(By::role("rowheader", &owner)).await;
    save(&browser, &dir, "users-list-360").await;

    browser.close().await;
}
