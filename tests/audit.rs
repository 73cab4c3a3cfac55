//! The audit log in the app: the Audit log view (filters in the URL,
//! cursor paging), a user's Activity on their Edit page, the token
//! dialog's last regeneration, and the sentences entries read as.

mod common;

use common::*;
use serde_json::json;
use users_api::{AuditEntry, AuditPerson, UserPatch};
use users_console::api::ApiClient;
use users_console::pages::audit::describe::{change_lines, relative_time, sentence};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Signs the test's own calls in as the administrator.
fn as_admin(company: &Company) -> &std::rc::Rc<users_client::memory::MemoryClient> {
    company.client.set_token(Some(company.admin_token()));
    &company.client
}

/// John's direct roles go from Development and Testing to Testing.
async fn john_loses_development(client: &users_client::memory::MemoryClient, john: i64) {
    let patch = UserPatch {
        roles: Some(vec!["Testing".into()]),
        ..Default::default()
    };
    client.update_user(john, 1, &patch).await.unwrap();
}

/// The "Who" cells (row headers) of the Audit log table, in order.
fn audit_rows() -> Vec<String> {
    let list = document()
        .query_selector_all("table[aria-label='Audit log'] tbody tr")
        .unwrap();
    (0..list.length())
        .map(|i| text_of(list.item(i).unwrap().unchecked_ref()))
        .collect()
}

async fn open(company: &Company, url: &str, heading: &str) -> Mounted {
    let mounted = mount_at(&company.client, url, Some(&company.admin_token()));
    find_by_role("heading", heading).await;
    mounted
}

#[wasm_bindgen_test]
fn entries_read_as_sentences_from_the_users_side() {
    let person = |id: i64, name: &str| AuditPerson {
        id,
        name: name.into(),
        email: format!("{id}@acme.test"),
    };
    let entry = |action: &str, details: serde_json::Value| AuditEntry {
        id: 1,
        at: "2026-12-04T06:00:00Z".into(),
        actor: Some(person(1, "Ada Admin")),
        action: action.into(),
        target_user: Some(person(7, "John Smith")),
        target_group: None,
        details,
    };
    let roles = entry(
        "user.update",
        json!({"changes": {"roles": {"before": ["Testing", "Production"], "after": ["Testing"]}}}),
    );
    assert_eq!(sentence(&roles, Some(7)), "Ada Admin removed Production");
    assert_eq!(
        sentence(&roles, Some(1)),
        "Ada Admin removed Production for John Smith"
    );
    assert_eq!(change_lines(&roles), ["Roles: removed Production"]);
    let name = entry(
        "user.update",
        json!({"changes": {"last_name": {"before": "Smith", "after": "Smithers"}}}),
    );
    assert_eq!(
        sentence(&name, Some(7)),
        "Ada Admin changed their last name to “Smithers”"
    );
    assert_eq!(
        sentence(&name, None),
        "Ada Admin changed John Smith's last name to “Smithers”"
    );
    assert_eq!(change_lines(&name), ["Last name: Smith → Smithers"]);
    let regenerated = entry("token.regenerate", json!({"hint": "uat_…ab12"}));
    assert_eq!(
        sentence(&regenerated, None),
        "Ada Admin regenerated John Smith's access token"
    );
    assert_eq!(change_lines(&regenerated), ["New token uat_…ab12"]);
    let exported = entry(
        "users.export",
        json!({"status": "active", "query": "ann", "rows": 2,
               "filters": {"role": "Production", "source": "group"}}),
    );
    assert_eq!(sentence(&exported, None), "Ada Admin exported 2 users");
    assert_eq!(
        change_lines(&exported),
        [
            "2 rows, active users",
            "Search: “ann”",
            "Role: Production",
            "Source: group"
        ]
    );
    let at = 1_796_364_000_000.0; // 2026-12-04T06:00:00Z
    assert_eq!(
        relative_time("2026-12-04T06:00:00Z", at + 7_200_000.0),
        "2 hours ago"
    );
    assert_eq!(
        relative_time("2026-12-04T06:00:00Z", at + 10_000.0),
        "just now"
    );
    assert_eq!(
        relative_time("2026-12-04T06:00:00Z", at + 86_400_000.0),
        "1 day ago"
    );
}

#[wasm_bindgen_test]
async fn the_audit_log_filters_by_who_action_and_affected_user_in_the_url() {
    let company = Company::new(0);
    let client = as_admin(&company);
    john_loses_development(client, company.john).await;
    client.reveal_token(company.mary).await.unwrap();
    let _app = open(&company, "/audit", "Audit log").await;
    assert_eq!(
        get_by_role("link", "Audit log")
            .get_attribute("aria-current")
            .as_deref(),
        Some("page")
    );
    wait_until("two entries", || audit_rows().len() == 2).await;
    assert_eq!(
        names_of("columnheader"),
        ["When", "Who", "Action", "Affected", "Details"]
    );
    let rows = audit_rows();
    assert!(
        rows[0].contains("Token revealed") && rows[0].contains("Mary Major"),
        "{rows:?}"
    );
    assert!(rows[1].contains("Roles: removed Development"), "{rows:?}");

    // Action: in the URL, and the rows follow.
    select_value(&by_label("Action"), "token.reveal");
    wait_until("only the reveal", || audit_rows().len() == 1).await;
    assert_eq!(url(), "/audit?action=token.reveal");

    // Affected user: picked in the combobox, then shown with "Remove".
    let affected = get_by_role("combobox", "Affected user");
    affected.focus().unwrap();
    type_into(&affected, "john");
    wait_until("John offered", || {
        names_of("option")
            .iter()
            .any(|o| o.starts_with("John Smith"))
    })
    .await;
    let john = wait_for("John's option", || {
        all_by_role("option")
            .into_iter()
            .find(|o| text_of(o).starts_with("John Smith"))
    })
    .await;
    click(&john);
    wait_until("no entry matches", || {
        body_text().contains("No entries match these filters.")
    })
    .await;
    assert_eq!(
        url(),
        format!("/audit?target={}&action=token.reveal", company.john)
    );
    let remove = find_by_role("button", "Remove Affected user: John Smith").await;

    // Clear filters: everything again.
    click(&get_by_role("button", "Clear filters"));
    wait_until("both again", || audit_rows().len() == 2).await;
    assert_eq!(url(), "/audit");
    assert!(!remove.is_connected());
}

#[wasm_bindgen_test]
async fn older_and_newer_follow_the_cursor() {
    let company = Company::new(0);
    let client = as_admin(&company);
    for _ in 0..30 {
        client.reveal_token(company.mary).await.unwrap();
    }
    let _app = open(&company, "/audit", "Audit log").await;
    wait_until("a full page", || audit_rows().len() == 25).await;
    let newer = get_by_role("button", "Newer");
    assert_eq!(
        newer.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    click(&get_by_role("button", "Older"));
    wait_until("the rest", || audit_rows().len() == 5).await;
    assert!(url().starts_with("/audit?before="), "{}", url());
    assert_eq!(
        get_by_role("button", "Older")
            .get_attribute("aria-disabled")
            .as_deref(),
        Some("true"),
        "the oldest page"
    );
    click(&get_by_role("button", "Newer"));
    wait_until("the first page again", || audit_rows().len() == 25).await;
    assert_eq!(url(), "/audit");
}

#[wasm_bindgen_test]
async fn a_users_activity_reads_as_sentences_and_leads_to_the_log() {
    let company = Company::new(0);
    let client = as_admin(&company);
    john_loses_development(client, company.john).await;
    let _app = open(
        &company,
        &format!("/users/{}/edit", company.john),
        "Edit John Smith",
    )
    .await;
    let section = find_by_role("region", "Activity").await;
    wait_until("the change", || {
        text_of(&section).contains("Alice Admin removed Development — ")
    })
    .await;
    let time = section.query_selector("time").unwrap().unwrap();
    assert!(
        time.get_attribute("title").is_some_and(|t| !t.is_empty()),
        "exact time in a tooltip"
    );
    assert!(text_of(&section).contains("("), "and for screen readers");
    let all = get_by_role("link", "View all activity");
    assert_eq!(
        all.get_attribute("href"),
        Some(format!("/audit?user={}", company.john))
    );
    click(&all);
    find_by_role("heading", "Audit log").await;
    wait_until("his entries", || audit_rows().len() == 1).await;
    assert!(by_role("button", "Remove Affected user: John Smith").is_some());
}

#[wasm_bindgen_test]
async fn the_token_dialog_says_when_and_by_whom_it_was_last_regenerated() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    click(&get_by_role("button", "More actions for Mary Major"));
    click(&find_by_role("menuitem", "Access token").await);
    let dialog = find_by_role("dialog", "Access token for Mary Major").await;
    wait_until("never", || text_of(&dialog).contains("Never regenerated.")).await;
    let history = get_by_role("link", "Token history");
    assert_eq!(
        history.get_attribute("href"),
        Some(format!(
            "/audit?target={}&action=token.regenerate",
            company.mary
        ))
    );
    click(&get_by_role("button", "Regenerate access token"));
    click(&find_by_role("button", "Regenerate").await);
    wait_until("the new last regeneration", || {
        let text = text_of(&dialog);
        text.contains("Last regenerated") && text.contains("by Alice Admin.")
    })
    .await;
}

#[wasm_bindgen_test]
async fn esc_closes_a_filters_list_and_a_pending_search_does_not_reopen_it() {
    let company = Company::new(0);
    let _app = open(&company, "/audit", "Audit log").await;
    let who = get_by_role("combobox", "Who");
    who.focus().unwrap();
    wait_until("the list", || !names_of("option").is_empty()).await;
    // Typing starts a search (after a pause); Esc before it answers.
    type_into(&who, "jo");
    assert!(press(&who, "Escape"));
    sleep(600).await;
    assert!(names_of("option").is_empty(), "{:?}", names_of("option"));
    assert_eq!(who.get_attribute("aria-expanded").as_deref(), Some("false"));
    // Asking again opens it.
    assert!(press(&who, "ArrowDown"));
    wait_until("the list again", || !names_of("option").is_empty()).await;
}
