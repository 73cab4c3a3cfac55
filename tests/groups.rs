//! The Groups views, by role and accessible name: the Settings navigation,
//! the groups list, adding a group and its members, the delete dialog's
//! impact and the last-admin refusal, group links on the Users list, and
//! the edit form's Groups field with its Effective roles.

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

/// Types into the combobox named `label` and picks the option starting with `name`.
async fn pick(label: &str, typed: &str, name: &str) {
    let input = get_by_role("combobox", label);
    input.focus().unwrap();
    type_into(&input, typed);
    let option = wait_for(&format!("option {name:?}"), || {
        all_by_role("option")
            .into_iter()
            .find(|o| accessible_name(o).starts_with(name))
    })
    .await;
    click(&option);
}

#[wasm_bindgen_test]
async fn the_settings_navigation_marks_the_current_page() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    // The frame is built per page: find the navigation anew each time.
    let current = |name: &str| {
        let nav = get_by_role("navigation", "Settings");
        let link = get_by_role("link", name);
        assert!(
            nav.contains(Some(&link)),
            "{name} is in the Settings navigation: {}",
            link.outer_html()
        );
        link.get_attribute("aria-current")
    };
    assert_eq!(current("Users").as_deref(), Some("page"));
    assert_eq!(current("Groups"), None);
    click(&get_by_role("link", "Groups"));
    find_by_role("heading", "Groups").await;
    wait_until("Groups is current", || {
        current("Groups").as_deref() == Some("page")
    })
    .await;
    assert_eq!(current("Users"), None);
}

#[wasm_bindgen_test]
async fn the_groups_list_searches_and_counts() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups", "Groups").await;
    let table = find_by_role("table", "Groups").await;
    wait_until("two groups", || text_of(&table).contains("Release team")).await;
    assert_eq!(status_line(), "Showing 1–2 of 2 groups");
    assert!(by_role("link", "Add group").is_some());
    assert!(by_role("button", "More actions for QA team").is_some());
    let search = get_by_role("searchbox", "Search groups");
    type_into(&search, "rel");
    wait_until("the search applied", || url().contains("q=rel")).await;
    wait_until("one group", || status_line() == "Showing 1–1 of 1 group").await;
    assert!(!text_of(&get_by_role("table", "Groups")).contains("QA team"));
}

#[wasm_bindgen_test]
async fn a_new_group_gets_roles_then_members() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups/new", "Add group").await;
    type_into(&by_label("Name"), "Builders");
    click(&get_by_role("checkbox", "Development"));
    click(&get_by_role("button", "Submit"));
    find_by_role("heading", "Builders").await;
    assert!(url().starts_with("/groups/"), "{}", url());
    find_by_role("table", "Members").await;
    pick("Add members", "mary", "Mary Major").await;
    find_by_role("button", "Remove Mary Major").await;
    click(&get_by_role("button", "Add"));
    let remove = find_by_role("button", "Remove Mary Major from Builders").await;
    let mary = company.client.user(company.mary).unwrap();
    assert!(mary.summary.groups.iter().any(|g| g.name == "Builders"));
    assert!(mary
        .summary
        .roles
        .iter()
        .any(|r| r.role == "Development" && r.groups().any(|g| g.name == "Builders")));
    click(&remove);
    wait_until("Mary removed", || body_text().contains("No members yet")).await;
    assert!(company
        .client
        .user(company.mary)
        .unwrap()
        .summary
        .groups
        .is_empty());
}

#[wasm_bindgen_test]
async fn the_delete_dialog_states_the_impact_first() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups", "Groups").await;
    click(&find_by_role("button", "More actions for QA team").await);
    click(&get_by_role("menuitem", "Delete"));
    let dialog = find_by_role("dialog", "Delete QA team?").await;
    wait_until("the impact", || {
        text_of(&dialog).contains("1 member loses Staging")
    })
    .await;
    assert!(text_of(&dialog).contains("Deleting QA team removes it from its 1 member."));
    click(&get_by_role("button", "Delete"));
    wait_until("announced", || {
        body_text().contains("Group QA team deleted")
    })
    .await;
    wait_until("gone from the list", || {
        status_line() == "Showing 1–1 of 1 group"
    })
    .await;
}

#[wasm_bindgen_test]
async fn deleting_your_own_settings_group_is_refused_with_the_reason() {
    let client = std::rc::Rc::new(users_console::api::memory::MemoryClient::new("Acme"));
    let admins = client.add_group("Admins", &["Settings"]);
    let admin = client.add_user("Ada", "Admin", "ada@acme.test", &[], &[admins]);
    let _app = mount_at(&client, "/groups", Some(&client.token_of(admin)));
    click(&find_by_role("button", "More actions for Admins").await);
    click(&get_by_role("menuitem", "Delete"));
    let dialog = find_by_role("dialog", "Delete Admins?").await;
    wait_until("the impact", || {
        text_of(&dialog).contains("1 member loses Settings")
    })
    .await;
    click(&get_by_role("button", "Delete"));
    wait_until("refused", || {
        text_of(&dialog).contains("it gives you your Settings access. Another administrator can.")
    })
    .await;
    assert!(by_role("dialog", "Delete Admins?").is_some());
}

#[wasm_bindgen_test]
async fn group_names_on_the_users_list_lead_to_the_group() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let links: Vec<String> = all_by_role("link")
        .into_iter()
        .filter(|l| accessible_name(l) == "QA team")
        .map(|l| l.get_attribute("href").unwrap_or_default())
        .collect();
    assert!(
        links.len() >= 2,
        "the chip and the Groups column: {links:?}"
    );
    assert!(links.iter().all(|href| href.starts_with("/groups/")));
}

#[wasm_bindgen_test]
async fn the_edit_form_shows_effective_roles_as_groups_change() {
    let company = Company::new(0);
    let _app = open_at(
        &company,
        &format!("/users/{}/edit", company.john),
        "Edit John Smith",
    )
    .await;
    let summary = || {
        text_of(
            &document()
                .query_selector(".effective-roles [aria-live=polite]")
                .unwrap()
                .expect("the live summary"),
        )
    };
    find_by_role("combobox", "Groups").await;
    wait_until("the summary", || {
        summary().contains("Staging — from QA team")
    })
    .await;
    // Unticking a direct role a group also grants keeps it, and says why.
    click(&get_by_role("checkbox", "Testing"));
    wait_until("the note", || {
        summary().contains("Testing stays: granted by QA team, Release team.")
    })
    .await;
    // Removing a group takes its roles out of the summary before saving.
    click(&get_by_role("button", "Remove QA team"));
    wait_until("Staging gone", || !summary().contains("Staging")).await;
    click(&get_by_role("button", "Submit"));
    wait_until("back on the list", || !url().contains("/edit")).await;
    let john = company.client.user(company.john).unwrap();
    let groups: Vec<String> = john.summary.groups.into_iter().map(|g| g.name).collect();
    assert_eq!(groups, ["Release team"]);
    assert_eq!(john.direct_roles, ["Development"]);
}

#[wasm_bindgen_test]
async fn forty_groups_page_as_users_do() {
    let company = Company::new(0);
    for i in 1..=38 {
        company
            .client
            .add_group(&format!("Team {i:02}"), &["Development"]);
    }
    let _app = open_at(&company, "/groups", "Groups").await;
    find_by_role("table", "Groups").await;
    wait_until("the first page", || {
        status_line() == "Showing 1–25 of 40 groups"
    })
    .await;
    click(&get_by_role("link", "Next page"));
    wait_until("the second page", || {
        status_line() == "Showing 26–40 of 40 groups"
    })
    .await;
    assert!(url().contains("page=2"), "{}", url());
    assert_eq!(
        get_by_role("link", "Page 2")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
}

#[wasm_bindgen_test]
async fn a_last_admin_refusal_is_explained_in_the_delete_dialog() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups", "Groups").await;
    click(&find_by_role("button", "More actions for Release team").await);
    click(&get_by_role("menuitem", "Delete"));
    let dialog = find_by_role("dialog", "Delete Release team?").await;
    wait_until("the impact", || {
        text_of(&dialog).contains("1 member loses Production.")
    })
    .await;
    // Only a race gets here (your own Settings is refused before it).
    company
        .client
        .fail_next(users_console::api::ApiError::LastAdmin);
    click(&get_by_role("button", "Delete"));
    wait_until("refused", || {
        text_of(&dialog).contains(
            "Release team can't be deleted: it gives the company's last active administrator the Settings role.",
        )
    })
    .await;
    assert!(by_role("dialog", "Delete Release team?").is_some());
    click(&get_by_role("button", "Cancel"));
    wait_until("closed", || {
        by_role("dialog", "Delete Release team?").is_none()
    })
    .await;
    assert!(text_of(&get_by_role("table", "Groups")).contains("Release team"));
}

#[wasm_bindgen_test]
async fn the_groups_combobox_adds_a_group_with_the_keyboard() {
    let company = Company::new(0);
    let _app = open_at(
        &company,
        &format!("/users/{}/edit", company.mary),
        "Edit Mary Major",
    )
    .await;
    let summary = || {
        text_of(
            &document()
                .query_selector(".effective-roles [aria-live=polite]")
                .unwrap()
                .expect("the live summary"),
        )
    };
    wait_until("direct only", || {
        summary() == "Development — assigned directly"
    })
    .await;
    let input = find_by_role("combobox", "Groups").await;
    input.focus().unwrap();
    type_into(&input, "qa");
    wait_until("QA team offered alone", || {
        names_of("option") == ["QA team Testing, Staging"]
    })
    .await;
    assert_eq!(
        input.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(press(&input, "ArrowDown"));
    leptos::task::tick().await;
    assert_eq!(
        input.get_attribute("aria-activedescendant").as_deref(),
        Some("user-groups-option-0")
    );
    assert!(press(&input, "Enter"), "Enter picks and does not submit");
    let chip_link = find_by_role("link", "QA team").await;
    assert!(chip_link
        .get_attribute("href")
        .unwrap_or_default()
        .starts_with("/groups/"));
    assert!(by_role("button", "Remove QA team").is_some());
    assert!(url().contains("/edit"), "still on the form");
    wait_until("the group's roles counted", || {
        summary().contains("Testing — from QA team") && summary().contains("Staging — from QA team")
    })
    .await;
    // Esc closes the list without leaving the form.
    type_into(&input, "rel");
    wait_until("Release team offered", || {
        names_of("option") == ["Release team Testing, Production"]
    })
    .await;
    assert!(press(&input, "Escape"));
    leptos::task::tick().await;
    assert_eq!(
        input.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );

    click(&get_by_role("button", "Submit"));
    wait_until("saved", || !url().contains("/edit")).await;
    let mary = company.client.user(company.mary).unwrap();
    let groups: Vec<String> = mary.summary.groups.into_iter().map(|g| g.name).collect();
    assert_eq!(groups, ["QA team"]);
    assert_eq!(mary.direct_roles, ["Development"]);
}

#[wasm_bindgen_test]
async fn a_group_deleted_meanwhile_is_said_and_the_list_refreshes_on_close() {
    let company = Company::new(0);
    let _app = open_at(&company, "/groups", "Groups").await;
    click(&find_by_role("button", "More actions for QA team").await);
    click(&get_by_role("menuitem", "Delete"));
    let dialog = find_by_role("dialog", "Delete QA team?").await;
    wait_until("the impact", || {
        text_of(&dialog).contains("1 member loses Staging")
    })
    .await;
    company
        .client
        .fail_next(users_console::api::ApiError::NotFound);
    click(&get_by_role("button", "Delete"));
    wait_until("said", || {
        text_of(&dialog).contains("QA team no longer exists. Someone else deleted it.")
    })
    .await;
    assert!(get_by_role("button", "Delete").has_attribute("disabled"));
    let lists = company
        .client
        .calls()
        .iter()
        .filter(|c| c.starts_with("list_groups"))
        .count();
    click(&get_by_role("button", "Cancel"));
    wait_until("the list asked again", || {
        company
            .client
            .calls()
            .iter()
            .filter(|c| c.starts_with("list_groups"))
            .count()
            > lists
    })
    .await;
}
