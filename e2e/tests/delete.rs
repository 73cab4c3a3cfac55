//! Deleting a user who owns agents hands them to a replacement; restore
//! brings the user back.

use users_e2e::{ApiClient, Browser, By, Server};

#[tokio::test]
async fn delete_with_a_replacement_owner_then_restore() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "80"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let (owner_id, name, email) = api.an_agent_owner().await;
    let email = email.as_str();
    let agents = api.get(&format!("/users/{owner_id}")).await["agents"].clone();
    let agent_names: Vec<&str> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();

    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser
        .fill(By::role("searchbox", "Search users"), email)
        .await;
    browser.wait_for_text("Showing 1–1 of 1 user").await;
    browser
        .click(By::role("button", &format!("More actions for {name}")))
        .await;
    browser.click(By::role("menuitem", "Delete")).await;
    browser
        .find(By::role("dialog", &format!("Delete {name}?")))
        .await;
    for agent in &agent_names {
        browser.wait_for_text(agent).await;
    }
    // Without a replacement the dialog refuses.
    browser.click(By::role("button", "Delete")).await;
    browser
        .wait_for(
            "the replacement marked invalid",
            "document.querySelector('[role=combobox][aria-invalid=true]')",
        )
        .await;
    assert_eq!(
        api.get(&format!("/users/{owner_id}")).await["status"],
        "active"
    );

    browser
        .fill(By::role("combobox", "Replacement user"), "Ada")
        .await;
    // The list re-renders in place as the typed search answers: choose only
    // once it shows that search's results, or the option found may be
    // showing someone else by the time it is clicked.
    browser
        .wait_for(
            "the options for \"Ada\"",
            "(() => { const o = [...document.querySelectorAll('[role=option]')]; \
             return o.length > 0 && o.every(e => e.textContent.includes('Ada')); })()",
        )
        .await;
    browser
        .click(By::role_starting("option", "Ada Admin"))
        .await;
    browser.click(By::role("button", "Delete")).await;
    browser.wait_for_text(&format!("{name} archived")).await;

    // The API agrees: archived, and the agents belong to the administrator.
    let me = api.get("/me").await;
    let admin_id = me["user"]["id"].as_i64().unwrap();
    assert_eq!(
        api.get(&format!("/users/{owner_id}")).await["status"],
        "archived"
    );
    let admin_agents = api.get(&format!("/users/{admin_id}")).await["agents"].clone();
    for agent in agents.as_array().unwrap() {
        assert!(
            admin_agents.as_array().unwrap().contains(agent),
            "{agent} moved to the replacement"
        );
    }

    // On the Archived tab, and restored from there.
    browser.click(By::role("tab", "Archived")).await;
    browser.wait_for_text(email).await;
    browser.click(By::role("button", "Restore")).await;
    browser.wait_for_text(&format!("{name} restored")).await;
    assert_eq!(
        api.get(&format!("/users/{owner_id}")).await["status"],
        "active"
    );
    assert!(browser.console_errors().await.is_empty());
    browser.close().await;
}
