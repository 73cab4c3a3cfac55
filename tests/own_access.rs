//! Your own access: Settings you give only yourself directly cannot be
//! unticked on your own form (the server would refuse with
//! `self_lockout`), and Settings taken away mid-session leads to the
//! no-access view, not to controls that cannot work.

mod common;

use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app at `url` as the company's administrator and waits for `heading`.
async fn open_at(company: &Company, url: &str, heading: &str) -> Mounted {
    let mounted = mount_at(&company.client, url, Some(&company.admin_token()));
    find_by_role("heading", heading).await;
    mounted
}

#[wasm_bindgen_test]
async fn your_own_direct_settings_cannot_be_unticked_unless_a_group_gives_it() {
    let company = Company::new(0);
    let _app = open_at(
        &company,
        &format!("/users/{}/edit", company.admin),
        "Edit Alice Admin",
    )
    .await;
    let settings = by_label("Settings");
    let locked = |el: &web_sys::HtmlElement| {
        use wasm_bindgen::JsCast;
        el.unchecked_ref::<web_sys::HtmlInputElement>().disabled()
    };
    assert!(locked(&settings));
    assert!(body_text()
        .contains("You can't remove your own Settings access. Another administrator can."));
    // Someone else's Settings can be unticked.
    drop(_app);
    let _other = open_at(
        &company,
        &format!("/users/{}/edit", company.mary),
        "Edit Mary Major",
    )
    .await;
    assert!(!locked(&by_label("Settings")));
}

#[wasm_bindgen_test]
async fn your_own_settings_can_go_when_a_group_also_gives_it() {
    let client = std::rc::Rc::new(users_console::api::memory::MemoryClient::new("Acme"));
    let admins = client.add_group("Admins", &["Settings"]);
    let admin = client.add_user("Ada", "Admin", "ada@acme.test", &["Settings"], &[admins]);
    let _app = mount_at(
        &client,
        &format!("/users/{admin}/edit"),
        Some(&client.token_of(admin)),
    );
    find_by_role("heading", "Edit Ada Admin").await;
    use wasm_bindgen::JsCast;
    let settings = by_label("Settings");
    assert!(!settings
        .unchecked_ref::<web_sys::HtmlInputElement>()
        .disabled());
    // Without the group, the direct Settings is all there is: locked.
    click(&get_by_role("button", "Remove Admins"));
    wait_until("locked", || {
        by_label("Settings")
            .unchecked_ref::<web_sys::HtmlInputElement>()
            .disabled()
    })
    .await;
}

#[wasm_bindgen_test]
async fn settings_taken_away_mid_session_leads_to_the_no_access_view() {
    use users_console::api::ApiClient;
    let company = Company::new(0);
    let _app = company.open("/users").await;
    // Another administrator takes Alice's Settings away.
    let other = company
        .client
        .add_user("Otto", "Other", "otto@acme.test", &["Settings"], &[]);
    let alice = company.client.user(company.admin).unwrap();
    company
        .client
        .set_token(Some(company.client.token_of(other)));
    let patch = users_api::UserPatch {
        roles: Some(Vec::new()),
        ..Default::default()
    };
    company
        .client
        .update_user(company.admin, alice.version, &patch)
        .await
        .unwrap();
    company.client.set_token(Some(company.admin_token()));
    // Her next request is refused; the page becomes the no-access view.
    type_into(&get_by_role("searchbox", "Search users"), "john");
    wait_until("the no-access view", || {
        body_text().contains("You need the Settings role to manage users.")
    })
    .await;
    assert!(by_role("link", "Add new").is_none());
    assert!(by_role("searchbox", "Search users").is_none());
    assert!(by_role("button", "Retry").is_none());
    assert!(by_role("navigation", "Settings").is_none());
    assert!(by_role("button", "Sign out").is_some());
}
