//! Groups end to end: made and filled from the Groups pages, seen on the
//! users they grant roles to, and chosen from a user's edit form.

use serde_json::{json, Value};
use users_e2e::{ApiClient, Browser, By, Server};

/// The roles of the user with `email`, each as "Role via Group" or "Role".
async fn roles_of(api: &ApiClient, email: &str) -> Vec<String> {
    let page = api.get(&format!("/users?query={email}")).await;
    page["entries"][0]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|role| {
            role["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |source| match source["group"]["name"].as_str() {
                    Some(group) => format!("{} via {group}", role["role"].as_str().unwrap()),
                    None => role["role"].as_str().unwrap().to_string(),
                })
        })
        .collect()
}

/// Picks `name` from the combobox labelled `label` by typing `typed`.
async fn pick(browser: &Browser, label: &str, typed: &str, name: &str) {
    browser.fill(By::role("combobox", label), typed).await;
    browser.click(By::role_starting("option", name)).await;
}

#[tokio::test]
async fn a_group_made_in_the_console_grants_its_role_to_the_members_added_there() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    api.create_user("Ann", "Able", "ann@acme.example", &[])
        .await;
    api.create_user("Bob", "Baker", "bob@acme.example", &[])
        .await;
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    browser.click(By::role("link", "Groups")).await;
    browser.find(By::role("heading", "Groups")).await;
    browser.assert_accessible("the empty groups list").await;
    browser.click(By::role("link", "Add group")).await;
    browser.fill(By::role("textbox", "Name"), "QA team").await;
    browser.click(By::role("checkbox", "Testing")).await;
    browser.assert_accessible("the add group form").await;
    browser.click(By::role("button", "Submit")).await;
    browser.find(By::role("heading", "QA team")).await;
    let group: Value = api.get("/groups?query=qa").await["entries"][0].clone();
    let group_id = group["id"].as_i64().unwrap();
    assert!(browser
        .path()
        .await
        .starts_with(&format!("/groups/{group_id}")));

    pick(&browser, "Add members", "Ann", "Ann Able").await;
    pick(&browser, "Add members", "bob@", "Bob Baker").await;
    browser.click(By::role("button", "Add")).await;
    browser
        .find(By::role("button", "Remove Ann Able from QA team"))
        .await;
    browser
        .find(By::role("button", "Remove Bob Baker from QA team"))
        .await;
    browser
        .assert_accessible("the group page with members")
        .await;

    browser.click(By::role("link", "Users")).await;
    browser.find(By::role("table", "Users")).await;
    browser
        .wait_for(
            "two chips from the group",
            "document.body.innerText.split('via QA team').length - 1 >= 2",
        )
        .await;
    for email in ["ann@acme.example", "bob@acme.example"] {
        assert_eq!(roles_of(&api, email).await, ["Testing via QA team"]);
    }

    // The chip's group link leads back to the group; Testing taken off it
    // leaves both users at once.
    browser.click(By::role_starting("link", "QA team")).await;
    browser.find(By::role("heading", "QA team")).await;
    assert!(browser
        .path()
        .await
        .starts_with(&format!("/groups/{group_id}")));
    browser.click(By::role("checkbox", "Testing")).await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("Group QA team saved").await;
    for email in ["ann@acme.example", "bob@acme.example"] {
        assert!(roles_of(&api, email).await.is_empty());
    }
    browser.find(By::role("table", "Groups")).await;
    browser.assert_accessible("the groups list").await;
    browser
        .click(By::role("button", "More actions for QA team"))
        .await;
    browser.click(By::role("menuitem", "Delete")).await;
    browser.find(By::role("dialog", "Delete QA team?")).await;
    browser.wait_for_text("removes it from its 2 members").await;
    browser.assert_accessible("the delete group dialog").await;
    browser.click(By::role("button", "Cancel")).await;

    // And in the Users list, Testing is gone from both.
    browser.click(By::role("link", "Users")).await;
    browser.find(By::role("table", "Users")).await;
    browser
        .wait_for(
            "the rows without the group's role",
            "document.querySelectorAll('table tbody th').length >= 3 \
             && !document.body.innerText.includes('via QA team')",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_group_added_on_the_edit_form_shows_in_the_effective_roles_before_submit() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let user = api
        .create_user("Cleo", "Chen", "cleo@acme.example", &["Testing"])
        .await;
    let id = user["id"].as_i64().unwrap();
    api.post(
        "/groups",
        json!({"name": "Builders", "roles": ["Development", "Testing"]}),
    )
    .await;
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser
        .goto(&server.url(&format!("/users/{id}/edit")))
        .await;
    browser.find(By::role("combobox", "Groups")).await;

    pick(&browser, "Groups", "buil", "Builders").await;
    browser.find(By::role("button", "Remove Builders")).await;
    browser
        .wait_for(
            "the effective roles to show the group's",
            "[...document.querySelectorAll('[aria-live=polite]')].some(e => e.innerText.includes('Development'))",
        )
        .await;
    // Unticking a direct role the group also grants keeps it, and says why.
    browser.click(By::role("checkbox", "Testing")).await;
    browser
        .wait_for_text("Testing stays: granted by Builders")
        .await;
    browser
        .assert_accessible("the edit form with a group chosen")
        .await;
    browser.click(By::role("button", "Submit")).await;
    browser.wait_for_text("Cleo Chen").await;
    browser
        .wait_for("the list", "location.pathname === '/users'")
        .await;
    assert_eq!(
        roles_of(&api, "cleo@acme.example").await,
        ["Development via Builders", "Testing via Builders"]
    );
    browser.close().await;
}
