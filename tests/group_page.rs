//! A group's page, by role and accessible name: its form (checks, server
//! errors on their fields, a stale version with "Reload"), its Members
//! (adding several through the "Add members" combobox, listing, searching,
//! removing, refusals explained), "Delete group", and focus on the view's
//! heading after moving between views.

mod common;

use common::*;
use users_api::{GroupPatch, PageQuery};
use users_console::api::{ApiClient, ApiError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlInputElement;

wasm_bindgen_test_configure!(run_in_browser);

/// The id of the group named `name`.
async fn group_id(company: &Company, name: &str) -> i64 {
    company.client.set_token(Some(company.admin_token()));
    let page = company
        .client
        .list_groups(&PageQuery::default())
        .await
        .unwrap();
    page.entries
        .into_iter()
        .find(|g| g.name == name)
        .map(|g| g.id)
        .unwrap()
}

async fn open_at(company: &Company, url: &str, heading: &str) -> Mounted {
    let mounted = mount_at(&company.client, url, Some(&company.admin_token()));
    find_by_role("heading", heading).await;
    mounted
}

fn value_of(el: &web_sys::HtmlElement) -> String {
    el.unchecked_ref::<HtmlInputElement>().value()
}

fn is_focused(el: &web_sys::Element) -> bool {
    active_element().as_ref() == Some(el)
}

fn notices_text() -> String {
    document()
        .query_selector(".notices")
        .unwrap()
        .map(|e| text_of(&e))
        .unwrap_or_default()
}

fn members_rows() -> Vec<String> {
    let list = document()
        .query_selector_all("table[aria-label=Members] tbody th[scope=row]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| text_of(n.unchecked_ref()))
        .collect()
}

/// Waits for the option starting with `name` in the open listbox.
async fn option(name: &str) -> web_sys::HtmlElement {
    wait_for(&format!("option {name:?}"), || {
        all_by_role("option")
            .into_iter()
            .find(|o| accessible_name(o).starts_with(name))
    })
    .await
}

#[wasm_bindgen_test]
async fn a_new_group_gets_roles_two_members_then_loses_one() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups/new", "Add group").await;
    type_into(&by_label("Name"), "Builders");
    click(&get_by_role("checkbox", "Development"));
    click(&get_by_role("checkbox", "Staging"));
    click(&get_by_role("button", "Submit"));
    let heading = find_by_role("heading", "Builders").await;
    assert!(notices_text().contains("Group Builders added. Add its members below."));
    // The button pressed went with the old view: focus starts at the heading.
    wait_until("focus on the heading", || is_focused(&heading)).await;

    // Two users gathered as chips: one with the keyboard, one with the mouse.
    let input = find_by_role("combobox", "Add members").await;
    input.focus().unwrap();
    type_into(&input, "ma");
    // The first focus listed everyone: wait for the search typed.
    wait_until("only Mary offered", || {
        names_of("option") == ["Mary Major mary@acme.test"]
    })
    .await;
    assert!(press(&input, "ArrowDown"));
    assert!(press(&input, "Enter"), "Enter picks, and submits nothing");
    find_by_role("button", "Remove Mary Major").await;
    assert_eq!(value_of(&input), "", "the input empties for the next");
    type_into(&input, "john");
    click(&option("John Smith").await);
    find_by_role("button", "Remove John Smith").await;
    click(&get_by_role("button", "Add"));

    wait_until("both listed", || {
        members_rows() == ["John Smith", "Mary Major"]
    })
    .await;
    assert_eq!(status_line(), "Showing 1–2 of 2 members");
    assert!(by_role("heading", "Members (2)").is_some());
    assert!(notices_text().contains("2 users added to Builders"));
    assert!(
        by_role("button", "Remove Mary Major").is_none(),
        "chips cleared"
    );
    wait_until("focus back on the search", || {
        is_focused(&get_by_role("combobox", "Add members"))
    })
    .await;
    let mary = company.client.user(company.mary).unwrap();
    assert!(mary
        .summary
        .roles
        .iter()
        .any(|r| r.role == "Staging" && r.groups().any(|g| g.name == "Builders")));

    // Removing one: the other stays, and focus takes the removed row's place.
    click(&get_by_role("button", "Remove John Smith from Builders"));
    wait_until("John gone", || members_rows() == ["Mary Major"]).await;
    assert_eq!(status_line(), "Showing 1–1 of 1 member");
    assert!(notices_text().contains("John Smith removed from Builders"));
    wait_until("focus on the next Remove", || {
        is_focused(&get_by_role("button", "Remove Mary Major from Builders"))
    })
    .await;
    let john = company.client.user(company.john).unwrap();
    assert!(!john.summary.groups.iter().any(|g| g.name == "Builders"));

    // Searching the members.
    let search = get_by_role("searchbox", "Search members");
    type_into(&search, "zzz");
    wait_until("no match", || {
        text_of(&get_by_role("table", "Members")).contains("No members match “zzz”.")
    })
    .await;
    type_into(&search, "mary");
    wait_until("Mary found", || members_rows() == ["Mary Major"]).await;
}

#[wasm_bindgen_test]
async fn member_refusals_are_explained() {
    let company = Company::new(0);
    let qa = group_id(&company, "QA team").await;
    let _app = open_at(&company, &format!("/groups/{qa}"), "QA team").await;
    find_by_role("button", "Remove John Smith from QA team").await;

    // The company's last Settings holder cannot lose it through the group.
    company.client.fail_next(ApiError::LastAdmin);
    click(&get_by_role("button", "Remove John Smith from QA team"));
    wait_until("the last-admin reason", || {
        body_text().contains(
            "John Smith can't leave QA team: they are the company's last active administrator",
        )
    })
    .await;
    assert_eq!(members_rows(), ["John Smith"]);

    // All or none: a user archived meanwhile is named, and no one is added.
    let input = get_by_role("combobox", "Add members");
    input.focus().unwrap();
    type_into(&input, "mary");
    click(&option("Mary Major").await);
    find_by_role("button", "Remove Mary Major").await;
    company.client.archive(company.mary);
    click(&get_by_role("button", "Add"));
    wait_until("the refusal", || {
        body_text().contains(&format!(
            "Nothing was added. The list of users has no active user of this company with id {} (Mary Major).",
            company.mary
        ))
    })
    .await;
    assert_eq!(members_rows(), ["John Smith"]);
    assert!(
        by_role("button", "Remove Mary Major").is_some(),
        "the choice is kept"
    );
}

#[wasm_bindgen_test]
async fn the_group_form_checks_its_fields_like_the_user_form() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups/new", "Add group").await;
    let name = by_label("Name");
    click(&get_by_role("button", "Submit"));
    wait_until("Name invalid", || {
        name.get_attribute("aria-invalid").as_deref() == Some("true")
    })
    .await;
    assert!(is_focused(&name), "focus on the first invalid field");
    let error_id = name.get_attribute("aria-describedby").unwrap();
    let message = document().get_element_by_id(&error_id).unwrap();
    assert!(
        text_of(&message).starts_with("Name "),
        "{}",
        text_of(&message)
    );

    // Fixing it clears the message while typing.
    type_into(&name, "Ops");
    wait_until("Name valid", || {
        name.get_attribute("aria-invalid").is_none()
    })
    .await;

    // The server's answer lands on the field it names.
    type_into(&name, "qa TEAM");
    click(&get_by_role("button", "Submit"));
    wait_until("the server's error", || {
        text_of(&message) == "Name is already used by another group"
    })
    .await;
    assert_eq!(name.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(url().starts_with("/groups/new"));
}

#[wasm_bindgen_test]
async fn a_stale_group_is_never_overwritten_and_reload_shows_theirs() {
    let company = Company::new(0);
    let qa = group_id(&company, "QA team").await;
    let _app = open_at(&company, &format!("/groups/{qa}"), "QA team").await;
    let name = by_label("Name");
    type_into(&name, "QA crew");

    // Someone else edits it meanwhile.
    let theirs = GroupPatch {
        description: Some("Release checks".into()),
        ..GroupPatch::default()
    };
    company.client.update_group(qa, 1, &theirs).await.unwrap();
    click(&get_by_role("button", "Submit"));
    let alert = wait_for("the stale alert", || {
        all_by_role("alert")
            .into_iter()
            .find(|a| text_of(a).contains("Someone else changed this group"))
    })
    .await;
    assert!(text_of(&alert).contains("while you were editing, so your changes were not saved."));
    assert!(text_of(&alert)
        .contains("Their version: QA team, “Release checks”; roles: Testing, Staging."));
    let reload = get_by_role("button", "Reload");
    wait_until("focus on Reload", || is_focused(&reload)).await;
    assert_eq!(company.client.get_group(qa).await.unwrap().name, "QA team");

    click(&reload);
    wait_until("their version shown", || value_of(&name) == "QA team").await;
    assert_eq!(
        by_label("Description")
            .unchecked_ref::<web_sys::HtmlTextAreaElement>()
            .value(),
        "Release checks"
    );
    assert!(body_text().contains("Showing their version."));
    assert!(is_focused(&name));

    type_into(&name, "QA crew");
    click(&get_by_role("button", "Submit"));
    find_by_role("heading", "Groups").await;
    assert!(notices_text().contains("Group QA crew saved"));
}

#[wasm_bindgen_test]
async fn delete_group_on_its_page_goes_back_to_the_list() {
    let company = Company::new(0);
    let release = group_id(&company, "Release team").await;
    let _app = open_at(&company, &format!("/groups/{release}"), "Release team").await;
    click(&find_by_role("button", "Delete group").await);
    let dialog = find_by_role("dialog", "Delete Release team?").await;
    wait_until("the impact", || {
        text_of(&dialog).contains("Deleting Release team removes it from its 1 member.")
    })
    .await;
    assert!(text_of(&dialog).contains("1 member loses Production."));
    click(&get_by_role("button", "Delete"));
    let heading = find_by_role("heading", "Groups").await;
    assert_eq!(url(), "/groups");
    assert!(notices_text().contains("Group Release team deleted"));
    wait_until("focus on the heading", || is_focused(&heading)).await;
    let table = find_by_role("table", "Groups").await;
    wait_until("the list without it", || {
        text_of(&table).contains("QA team") && !text_of(&table).contains("Release team")
    })
    .await;
}

#[wasm_bindgen_test]
async fn moving_between_views_puts_focus_on_the_new_heading() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    click(&get_by_role("link", "Groups"));
    let heading = find_by_role("heading", "Groups").await;
    wait_until("focus on Groups", || is_focused(&heading)).await;

    // A search is not a move: focus stays in the search box.
    let search = get_by_role("searchbox", "Search groups");
    search.focus().unwrap();
    type_into(&search, "qa");
    wait_until("the search applied", || url().contains("q=qa")).await;
    sleep(50).await;
    assert!(is_focused(&search));

    click(&find_by_role("link", "QA team").await);
    let heading = find_by_role("heading", "QA team").await;
    wait_until("focus on the group's name", || is_focused(&heading)).await;
    click(&get_by_role("link", "Back to groups"));
    let heading = find_by_role("heading", "Groups").await;
    wait_until("focus on Groups again", || is_focused(&heading)).await;
}

#[wasm_bindgen_test]
async fn leaving_a_group_form_with_changes_asks_first() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups/new", "Add group").await;
    type_into(&by_label("Name"), "Auditors");
    click(&get_by_role("link", "Back to groups"));
    find_by_role("dialog", "Discard changes?").await;
    assert_eq!(url(), "/groups/new");
    click(&get_by_role("button", "Keep editing"));
    wait_until("closed", || all_by_role("dialog").is_empty()).await;
    assert_eq!(value_of(&by_label("Name")), "Auditors");
    click(&get_by_role("button", "Cancel"));
    find_by_role("dialog", "Discard changes?").await;
    click(&get_by_role("button", "Discard"));
    wait_until("on the groups list", || url() == "/groups").await;
    assert!(!company
        .client
        .calls()
        .iter()
        .any(|c| c.starts_with("create_group")));
}
