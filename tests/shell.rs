//! The app shell: routes, sign-in, the frame, sign-out, 401 and no access.

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn without_a_token_the_app_shows_sign_in() {
    let company = Company::new(0);
    let _app = mount_at(&company.client, "/users", None);
    wait_until("the sign-in route", || url() == "/sign-in").await;
    let field = by_label("Access token");
    assert_eq!(field.get_attribute("type").as_deref(), Some("password"));
    let button = find_by_role("button", "Sign in").await;
    assert_eq!(button.get_attribute("type").as_deref(), Some("submit"));
    assert!(by_role("button", "Sign out").is_none());
}

#[wasm_bindgen_test]
async fn signing_in_shows_the_frame_and_keeps_the_token_for_the_tab() {
    let company = Company::new(0);
    let _app = mount_at(&company.client, "/sign-in", None);
    let field = wait_for("the token field", || {
        document().get_element_by_id("access-token")
    })
    .await;
    type_into(field.unchecked_ref(), &company.admin_token());
    click(&get_by_role("button", "Sign in"));

    let heading = find_by_role("heading", "Users").await;
    assert_eq!(heading.tag_name(), "H1");
    assert!(heading.closest("main").unwrap().is_some(), "h1 inside main");
    wait_until("the users route", || url() == "/users").await;
    let banner = all_by_role("banner").pop().expect("a header");
    let header = text_of(&banner);
    assert!(header.contains("Acme Robotics"), "company in {header:?}");
    assert!(header.contains("Alice Admin"), "user in {header:?}");
    get_by_role("button", "Sign out");
    assert_eq!(stored_token(), Some(company.admin_token()));
}

#[wasm_bindgen_test]
async fn a_wrong_token_says_so_and_stays_on_sign_in() {
    let company = Company::new(0);
    let _app = mount_at(&company.client, "/sign-in", None);
    let field = wait_for("the token field", || {
        document().get_element_by_id("access-token")
    })
    .await;
    type_into(field.unchecked_ref(), "uat_not-a-real-token");
    click(&get_by_role("button", "Sign in"));
    let alert = wait_for("the error", || {
        all_by_role("alert")
            .into_iter()
            .find(|a| !text_of(a).is_empty())
    })
    .await;
    assert_eq!(
        text_of(&alert),
        "That access token was not accepted. Check it and try again."
    );
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    sleep(50).await;
    assert_eq!(url(), "/sign-in");
    assert_eq!(stored_token(), None);
}

#[wasm_bindgen_test]
async fn the_root_goes_to_users() {
    let company = Company::new(0);
    let _app = mount_at(&company.client, "/", Some(&company.admin_token()));
    wait_until("the users route", || url() == "/users").await;
    find_by_role("table", "Users").await;
}

#[wasm_bindgen_test]
async fn sign_out_forgets_the_token() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    click(&get_by_role("button", "Sign out"));
    wait_until("the sign-in route", || url() == "/sign-in").await;
    find_by_role("button", "Sign in").await;
    assert_eq!(stored_token(), None);
}

#[wasm_bindgen_test]
async fn a_401_returns_to_sign_in_and_says_the_session_ended() {
    let company = Company::new(0);
    let _app = company.open("/users?q=john").await;
    // The administrator is archived elsewhere: their token stops working.
    company.client.archive(company.admin);
    click(&get_by_role("tab", "Archived"));
    wait_until("the sign-in route", || url() == "/sign-in").await;
    let notice = wait_for("the notice", || {
        all_by_role("status")
            .into_iter()
            .find(|s| text_of(s) == "Your session ended. Sign in again.")
    })
    .await;
    assert!(is_exposed(&notice));
    assert_eq!(stored_token(), None);
}

#[wasm_bindgen_test]
async fn a_stale_stored_token_goes_to_sign_in_with_the_message() {
    let company = Company::new(0);
    let _app = mount_at(&company.client, "/users", Some("uat_forgotten"));
    wait_until("the sign-in route", || url() == "/sign-in").await;
    wait_until("the notice", || {
        body_text().contains("Your session ended. Sign in again.")
    })
    .await;
}

#[wasm_bindgen_test]
async fn signing_in_again_returns_to_the_list_view() {
    let company = Company::new(30);
    let _app = mount_at(&company.client, "/users?page=2", Some("uat_old"));
    wait_until("the sign-in route", || url() == "/sign-in").await;
    let field = wait_for("the token field", || {
        document().get_element_by_id("access-token")
    })
    .await;
    type_into(field.unchecked_ref(), &company.admin_token());
    click(&get_by_role("button", "Sign in"));
    wait_until("back on page 2", || url() == "/users?page=2").await;
    wait_until("page 2", || status_line() == "Showing 26–33 of 33 users").await;
}

#[wasm_bindgen_test]
async fn without_settings_the_no_access_view_shows_nothing_of_others() {
    let company = Company::new(5);
    let token = company.client.token_of(company.mary);
    let _app = mount_at(&company.client, "/users", Some(&token));
    wait_until("the no-access text", || {
        body_text().contains("You need the Settings role to manage users.")
    })
    .await;
    find_by_role("heading", "Users").await;
    assert!(by_role("table", "Users").is_none());
    assert!(by_role("searchbox", "Search users").is_none());
    assert!(!body_text().contains("John Smith"));
    assert!(!company
        .client
        .calls()
        .iter()
        .any(|c| c.starts_with("list_users")));
}

#[wasm_bindgen_test]
async fn add_and_edit_routes_lead_back_to_the_same_list_view() {
    let company = Company::new(0);
    let _app = company.open("/users?q=smith").await;
    let add = get_by_role("link", "Add new");
    assert_eq!(
        add.get_attribute("href").as_deref(),
        Some("/users/new?q=smith")
    );
    click(&add);
    find_by_role("heading", "Add new user").await;
    let back = get_by_role("link", "Back to users");
    assert_eq!(
        back.get_attribute("href").as_deref(),
        Some("/users?q=smith")
    );
    click(&back);
    wait_until("the list", || row_names() == ["John Smith"]).await;

    let edit = get_by_role("link", "Edit");
    let href = format!("/users/{}/edit?q=smith", company.john);
    assert_eq!(edit.get_attribute("href"), Some(href.clone()));
    click(&edit);
    find_by_role("heading", "Edit John Smith").await;
    assert_eq!(url(), href);
}

#[wasm_bindgen_test]
async fn when_me_fails_an_error_with_retry_is_shown_and_retry_works() {
    let company = Company::new(0);
    company
        .client
        .fail_next(users_console::api::ApiError::Network("offline".into()));
    let _app = mount_at(&company.client, "/users", Some(&company.admin_token()));
    let retry = find_by_role("button", "Retry").await;
    assert!(body_text().contains("The server could not be reached"));
    click(&retry);
    find_by_role("table", "Users").await;
}

#[wasm_bindgen_test]
async fn the_api_unreachable_on_a_reload_keeps_the_frame_and_retry_recovers() {
    let company = Company::new(0);
    // Signed in earlier in this tab: who it was is remembered.
    let app = company.open("/users").await;
    drop(app);
    // A reload while the API is away.
    company
        .client
        .fail_next(users_console::api::ApiError::Network("offline".into()));
    set_url("/users");
    let _app = mount_app(&company.client);
    let retry = find_by_role("button", "Retry").await;
    assert!(body_text().contains("The server could not be reached"));
    let banner = all_by_role("banner").pop().expect("the frame's header");
    let frame = text_of(&banner);
    assert!(frame.contains("Acme Robotics"), "the company: {frame}");
    assert!(frame.contains("Alice Admin"), "your name: {frame}");
    assert!(by_role("button", "Sign out").is_some());
    click(&retry);
    find_by_role("table", "Users").await;
    assert!(by_role("button", "Retry").is_none());
}
