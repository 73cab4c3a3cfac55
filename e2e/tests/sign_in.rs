//! The app loads from the real server under its CSP and offers sign-in.

use users_e2e::{Browser, By, Server};

#[tokio::test]
async fn sign_in_view_renders_from_the_release_build() {
    let server = Server::start();
    let browser = Browser::start().await;
    browser.goto(&server.url("/")).await;
    browser.find(By::role("button", "Sign in")).await;
    browser.find(By::role("textbox", "Access token")).await;
    browser.close().await;
}
