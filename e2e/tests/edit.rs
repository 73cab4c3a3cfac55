//! Adding and editing users through the forms.

use serde_json::Value;
use users_e2e::{ApiClient, Browser, By, Server};

/// The first user whose roles include one inherited from a group.
async fn user_with_group_role(api: &ApiClient) -> Value {
    let page = api.get("/users?per_page=100").await;
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["roles"].as_array().unwrap().iter().any(|r| {
                r["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["type"] == "group")
            })
        })
        .cloned()
        .expect("the demo data has users with group roles")
}

#[tokio::test]
async fn add_a_user_then_the_same_email_again_is_refused_on_the_email_field() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    browser.click(By::role("link", "Add new")).await;
    browser
        .fill_user("Grace", "Hopper", "grace@acme.example")
        .await;
    browser.click(By::role("checkbox", "Testing")).await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("User Grace Hopper added").await;
    assert!(browser.path().await.starts_with("/users"));
    browser.wait_for_text("grace@acme.example").await;
    let found = api.get("/users?query=grace@acme.example").await;
    assert_eq!(found["total_entries"], 1);
    assert_eq!(found["entries"][0]["roles"][0]["role"], "Testing");

    browser.click(By::role("link", "Add new")).await;
    browser
        .fill_user("Grace", "Again", "GRACE@acme.example")
        .await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("Email is already taken").await;
    let email = browser.find(By::role("textbox", "Email")).await;
    assert_eq!(
        email.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(api.get("/users?query=grace").await["total_entries"], 1);
    browser.close().await;
}

#[tokio::test]
async fn edit_direct_roles_while_group_roles_stay_read_only() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "60"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let user = user_with_group_role(&api).await;
    let id = user["id"].as_i64().unwrap();
    let detail = api.get(&format!("/users/{id}")).await;
    let direct: Vec<String> = detail["direct_roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    let inherited = user["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["type"] == "group")
        })
        .unwrap()
        .clone();
    let group_name = inherited["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["group"]["name"].as_str())
        .unwrap()
        .to_string();

    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    let email = user["email"].as_str().unwrap();
    browser
        .fill(By::role("searchbox", "Search users"), email)
        .await;
    browser.wait_for_text("Showing 1–1 of 1 user").await;
    browser.click(By::role("link", "Edit")).await;
    browser.wait_for_text("Roles from groups").await;
    browser.wait_for_text(&group_name).await;

    // Toggle one catalogue role that is not direct yet (or drop one that is).
    let toggled = ["Production", "Staging", "Testing", "Development"]
        .into_iter()
        .find(|r| !direct.iter().any(|d| d == r))
        .unwrap_or("Production");
    let adding = !direct.iter().any(|d| d == toggled);
    browser.click(By::role("checkbox", toggled)).await;
    browser.click(By::role("button", "Submit")).await;
    let name = format!(
        "{} {}",
        user["first_name"].as_str().unwrap(),
        user["last_name"].as_str().unwrap()
    );
    browser.wait_for_text(&format!("User {name} saved")).await;

    let after = api.get(&format!("/users/{id}")).await;
    let after_direct: Vec<&str> = after["direct_roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        after_direct.contains(&toggled),
        adding,
        "{toggled} toggled: {after_direct:?}"
    );
    assert_eq!(after["groups"], detail["groups"], "groups are unchanged");
    let still = after["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == inherited["role"])
        .unwrap();
    assert!(still["sources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["group"]["name"] == group_name.as_str()));
    browser.close().await;
}

#[tokio::test]
async fn a_space_typed_in_the_email_stays_where_it_was_typed() {
    let server = Server::start();
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.click(By::role("link", "Add new")).await;
    // An email field's value drops a trailing space; the form used to write
    // that back into the field, so the space vanished and the next key
    // landed without it.
    browser
        .fill(By::role("textbox", "Email"), "grace hopper@acme.example")
        .await;
    let typed = browser
        .eval("return document.getElementById('user-email').value;")
        .await;
    assert_eq!(typed, "grace hopper@acme.example");
    browser.press(Browser::TAB).await;
    let email = browser.find(By::role("textbox", "Email")).await;
    assert_eq!(
        email.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true"),
        "an email with a space is refused on the field"
    );
    browser.close().await;
}
