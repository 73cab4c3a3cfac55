//! Every view has its own document title, its specific part first and the
//! company after it (WCAG 2.4.2): what a tab, the history and a screen
//! reader announce.

mod common;

use common::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn title_becomes(want: &str) {
    wait_until(&format!("the title {want:?}"), || {
        document().title() == want
    })
    .await;
}

#[wasm_bindgen_test]
async fn each_view_names_itself_in_the_title() {
    let company = Company::new(0);
    let token = company.admin_token();
    for (url, want) in [
        ("/users".to_string(), "Users — Acme Robotics"),
        (
            "/users?status=archived".to_string(),
            "Archived users — Acme Robotics",
        ),
        ("/users/new".to_string(), "Add new user — Acme Robotics"),
        (
            format!("/users/{}/edit", company.john),
            "Edit John Smith — Acme Robotics",
        ),
        ("/groups".to_string(), "Groups — Acme Robotics"),
        ("/groups/new".to_string(), "Add group — Acme Robotics"),
        ("/nowhere".to_string(), "Page not found — Users console"),
    ] {
        let _app = mount_at(&company.client, &url, Some(&token));
        title_becomes(want).await;
    }
    let _app = mount_at(&company.client, "/sign-in", None);
    title_becomes("Sign in — Users console").await;
}

#[wasm_bindgen_test]
async fn a_groups_page_is_titled_by_its_name() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    click(&get_by_role("link", "Groups"));
    title_becomes("Groups — Acme Robotics").await;
    click(&find_by_role("link", "QA team").await);
    title_becomes("QA team — Acme Robotics").await;
}
