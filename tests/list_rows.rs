//! The Users list's rows: role provenance, row actions and their menu,
//! Restore, the directory notice, errors with "Retry".

mod common;

use common::*;
use users_console::api::ApiError;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The chip of `role` in the row of `user_id`.
fn chip(user_id: i64, role: &str) -> web_sys::Element {
    let row = document()
        .get_element_by_id(&format!("user-{user_id}-name"))
        .expect("the row")
        .closest("tr")
        .unwrap()
        .unwrap();
    let chips = row.query_selector_all(".chip").unwrap();
    (0..chips.length())
        .map(|i| {
            use wasm_bindgen::JsCast;
            chips.item(i).unwrap().unchecked_into::<web_sys::Element>()
        })
        .find(|c| {
            c.query_selector(".chip-role")
                .unwrap()
                .is_some_and(|r| text_of(&r) == role)
        })
        .unwrap_or_else(|| panic!("no {role} chip"))
}

/// The accessible description (aria-describedby) of an element.
fn description(el: &web_sys::Element) -> String {
    el.get_attribute("aria-describedby")
        .expect("aria-describedby")
        .split_whitespace()
        .map(|id| {
            text_of(
                &document()
                    .get_element_by_id(id)
                    .expect("described-by target"),
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[wasm_bindgen_test]
async fn a_role_from_two_groups_and_direct_names_every_source() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let testing = chip(company.john, "Testing");
    assert_eq!(
        description(&testing),
        "Testing: assigned directly; from group QA team; from group Release team"
    );
    assert!(text_of(&testing).contains("via QA team"));

    let staging = chip(company.john, "Staging");
    assert_eq!(description(&staging), "Staging: from group QA team");
    assert_eq!(text_of(&staging), "Staging via QA team");

    let development = chip(company.john, "Development");
    assert_eq!(description(&development), "Development: assigned directly");
    assert_eq!(text_of(&development), "Development");

    // Chips come in catalogue order; groups are listed in their cell.
    let row = testing.closest("tr").unwrap().unwrap();
    let roles: Vec<String> = {
        let list = row.query_selector_all(".chip-role").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(roles, ["Development", "Testing", "Staging", "Production"]);
    assert!(text_of(&row).contains("QA team, Release team"));

    // What "via" leaves unsaid is a button away, as visible text.
    assert!(
        !names_of("button").iter().any(|n| n.ends_with("of Staging")),
        "one source: all said"
    );
    let more = get_by_role("button", "+2 more sources of Testing");
    assert_eq!(text_of(&more), "+2");
    assert_eq!(
        more.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    let sources = document()
        .get_element_by_id(&more.get_attribute("aria-controls").unwrap())
        .unwrap();
    assert!(!is_exposed(&sources));
    click(&more);
    wait_until("shown", || is_exposed(&sources)).await;
    assert_eq!(more.get_attribute("aria-expanded").as_deref(), Some("true"));
    assert_eq!(
        text_of(&sources),
        "Testing — assigned directly; from QA team, Release team"
    );
    click(&more);
    wait_until("hidden again", || !is_exposed(&sources)).await;
    // The legend says what the chips mean.
    assert!(body_text().contains("Roles: filled — assigned directly; outlined, “via” a group — from that group; “+N” shows every source."));
}

#[wasm_bindgen_test]
async fn row_actions_on_the_active_tab() {
    let company = Company::new(0);
    let _app = company.open("/users?q=smith&page=1&per_page=50").await;
    let edit = get_by_role("link", "Edit");
    assert_eq!(
        edit.get_attribute("href"),
        Some(format!("/users/{}/edit?q=smith&per_page=50", company.john))
    );
    let button = get_by_role("button", "More actions for John Smith");
    assert_eq!(
        button.get_attribute("aria-haspopup").as_deref(),
        Some("menu")
    );
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert!(all_by_role("menu").is_empty(), "the menu starts closed");
    click(&button);
    wait_until("open", || {
        button.get_attribute("aria-expanded").as_deref() == Some("true")
    })
    .await;
    assert_eq!(names_of("menuitem"), ["Access token", "Delete"]);
    // A mouse click on the button again closes it.
    click(&button);
    wait_until("closed", || all_by_role("menu").is_empty()).await;
}

#[wasm_bindgen_test]
async fn the_row_menu_works_with_the_keyboard() {
    let company = Company::new(0);
    let _app = company.open("/users?q=john").await;
    let button = get_by_role("button", "More actions for John Smith");
    button.focus().unwrap();

    // Enter opens on the first item.
    assert!(press(&button, "Enter"));
    let token = get_by_role("menuitem", "Access token");
    let delete = get_by_role("menuitem", "Delete");
    assert_eq!(active_element(), Some(token.clone().into()));
    let menu = all_by_role("menu").pop().expect("an open menu");
    assert_eq!(
        menu.get_attribute("aria-labelledby"),
        Some(button.id()),
        "the menu is named by its button"
    );
    wait_until("expanded", || {
        button.get_attribute("aria-expanded").as_deref() == Some("true")
    })
    .await;

    // Arrows move and wrap; Home and End jump.
    press(&token, "ArrowDown");
    assert_eq!(active_element(), Some(delete.clone().into()));
    press(&delete, "ArrowDown");
    assert_eq!(active_element(), Some(token.clone().into()));
    press(&token, "ArrowUp");
    assert_eq!(active_element(), Some(delete.clone().into()));
    press(&delete, "Home");
    assert_eq!(active_element(), Some(token.clone().into()));
    press(&token, "End");
    assert_eq!(active_element(), Some(delete.clone().into()));

    // Escape closes and returns focus to the button.
    assert!(press(&delete, "Escape"));
    assert_eq!(active_element(), Some(button.clone().into()));
    wait_until("collapsed", || {
        button.get_attribute("aria-expanded").as_deref() == Some("false")
    })
    .await;
    assert!(all_by_role("menu").is_empty());

    // Space opens too; ArrowUp opens on the last item.
    assert!(press(&button, " "));
    assert_eq!(active_element(), Some(token.clone().into()));
    press(&token, "Escape");
    assert!(press(&button, "ArrowUp"));
    assert_eq!(active_element(), Some(delete.clone().into()));

    // Choosing an item closes the menu and gives focus back to the button
    // (the dialogs take it from there).
    press(&delete, "Enter");
    assert_eq!(active_element(), Some(button.clone().into()));
    assert!(all_by_role("menu").is_empty());
}

#[wasm_bindgen_test]
async fn restore_brings_an_archived_user_back_and_announces_it() {
    let company = Company::new(0);
    let _app = company.open("/users?status=archived").await;
    assert_eq!(row_names(), ["Zed Archived"]);
    let restore = get_by_role("button", "Restore");
    assert_eq!(description(&restore), "Zed Archived");
    click(&restore);
    wait_until("the announcement", || {
        all_by_role("status")
            .iter()
            .any(|s| text_of(s).contains("Zed Archived restored"))
    })
    .await;
    wait_until("the row is gone", || {
        body_text().contains("No archived users.")
    })
    .await;
    // The Restore button went with its row: focus is on what happened.
    wait_until("focus on the announcement", || {
        active_element().is_some_and(|el| {
            el.closest(".notices").unwrap().is_some()
                && text_of(&el).contains("Zed Archived restored")
        })
    })
    .await;
    assert!(company
        .client
        .calls()
        .contains(&format!("restore_user {}", company.zed)));
    click(&get_by_role("tab", "Active"));
    wait_until("Zed is active", || {
        row_names().contains(&"Zed Archived".to_string())
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_directory_notice_replaces_every_user_mutating_control() {
    let company = Company::new(0);
    company.client.set_directory(Some("Azure AD"));
    let _app = company.open("/users").await;
    let notice = wait_for("the notice", || {
        all_by_role("status").into_iter().find(|s| {
            text_of(s)
                == "Users are managed in Azure AD. Contact your AD administrator to add, edit or delete users."
        })
    })
    .await;
    assert!(is_exposed(&notice));
    assert!(by_role("link", "Add new").is_none());
    assert!(by_role("link", "Edit").is_none());
    // Access tokens still work.
    let button = get_by_role("button", "More actions for John Smith");
    click(&button);
    wait_until("open", || !all_by_role("menu").is_empty()).await;
    assert_eq!(names_of("menuitem"), ["Access token"]);
    press(&get_by_role("menuitem", "Access token"), "Escape");

    assert!(names_of("columnheader").contains(&"Actions".to_string()));
    click(&get_by_role("tab", "Archived"));
    wait_until("archived rows", || row_names() == ["Zed Archived"]).await;
    assert!(by_role("button", "Restore").is_none());
    assert_eq!(
        names_of("columnheader"),
        ["Name", "Email", "Identity provider", "Roles", "Groups"],
        "no empty Actions column"
    );
    assert!(by_role("button", "Delete").is_none());
    assert!(by_role("menuitem", "Delete").is_none());
}

#[wasm_bindgen_test]
async fn an_error_shows_retry_and_retry_loads_the_page() {
    let company = Company::new(30);
    let _app = company.open("/users").await;
    company.client.fail_next(ApiError::Unexpected {
        status: 500,
        message: "boom".into(),
    });
    click(&get_by_role("link", "Next page"));
    let retry = find_by_role("button", "Retry").await;
    let alert = all_by_role("alert")
        .into_iter()
        .find(|a| text_of(a).contains("Something went wrong"))
        .expect("an alert with the message");
    assert!(text_of(&alert).contains("error 500"));
    assert!(by_role("table", "Users").is_none());
    click(&retry);
    wait_until("page 2", || status_line() == "Showing 26–33 of 33 users").await;
    assert!(by_role("button", "Retry").is_none());
}

#[wasm_bindgen_test]
async fn a_failed_restore_is_announced_and_the_row_stays() {
    let company = Company::new(0);
    let _app = company.open("/users?status=archived").await;
    company.client.fail_next(ApiError::DirectoryManaged);
    click(&get_by_role("button", "Restore"));
    wait_until("the announcement", || {
        all_by_role("status")
            .iter()
            .any(|s| text_of(s).contains("cannot be changed here"))
    })
    .await;
    assert_eq!(row_names(), ["Zed Archived"]);
}
