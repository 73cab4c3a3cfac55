//! The Add new and Edit forms: shared validation on blur and submit, server
//! errors on their fields, group roles read-only, pending state, stale
//! versions, the archived-email offer, the directory mode.

mod common;

use common::*;
use users_api::{UserPatch, UserStatus};
use users_console::api::{ApiClient, ApiError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Opens a form route signed in as the administrator and waits for the form.
async fn open_form(company: &Company, url: &str) -> Mounted {
    let mounted = mount_at(&company.client, url, Some(&company.admin_token()));
    wait_until("the form", || {
        document()
            .query_selector("form.user-form")
            .unwrap()
            .is_some()
    })
    .await;
    mounted
}

fn blur(el: &HtmlElement) {
    el.dispatch_event(&web_sys::Event::new("blur").unwrap())
        .unwrap();
}

fn value_of(el: &HtmlElement) -> String {
    el.unchecked_ref::<HtmlInputElement>().value()
}

fn checked(el: &HtmlElement) -> bool {
    el.unchecked_ref::<HtmlInputElement>().checked()
}

/// The text of the elements an element's `aria-describedby` names.
fn description(el: &web_sys::Element) -> String {
    el.get_attribute("aria-describedby")
        .unwrap_or_default()
        .split_whitespace()
        .map(|id| {
            let target = document()
                .get_element_by_id(id)
                .expect("described-by target");
            // One paragraph per message.
            let paragraphs = target.query_selector_all("p").unwrap();
            if paragraphs.length() == 0 {
                text_of(&target)
            } else {
                (0..paragraphs.length())
                    .map(|i| text_of(paragraphs.item(i).unwrap().unchecked_ref()))
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_invalid(el: &web_sys::Element) -> bool {
    el.get_attribute("aria-invalid").as_deref() == Some("true")
}

fn is_focused(el: &HtmlElement) -> bool {
    active_element().as_ref() == Some(el.unchecked_ref())
}

/// Fills the Add form with a valid new user.
fn fill_valid(first: &str, last: &str, email: &str) {
    type_into(&by_label("First name"), first);
    type_into(&by_label("Last name"), last);
    type_into(&by_label("Email"), email);
}

fn notices_text() -> String {
    document()
        .query_selector(".notices")
        .unwrap()
        .map(|n| text_of(&n))
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn every_field_is_checked_on_blur_with_the_shared_rules() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;

    let first = by_label("First name");
    blur(&first);
    leptos::task::tick().await;
    assert!(is_invalid(&first));
    assert_eq!(description(&first), "First name can't be blank");
    type_into(&first, "Ad\u{7}a");
    leptos::task::tick().await;
    assert_eq!(
        description(&first),
        "First name must not contain control characters"
    );
    type_into(&first, "Ada");
    leptos::task::tick().await;
    assert!(!is_invalid(&first), "fixing the field clears its error");
    assert_eq!(description(&first), "");

    let last = by_label("Last name");
    type_into(&last, &"x".repeat(101));
    blur(&last);
    leptos::task::tick().await;
    assert!(is_invalid(&last));
    assert_eq!(
        description(&last),
        "Last name is too long (at most 100 characters)"
    );

    let email = by_label("Email");
    blur(&email);
    leptos::task::tick().await;
    assert_eq!(description(&email), "Email can't be blank");
    type_into(&email, "ada at example");
    blur(&email);
    leptos::task::tick().await;
    assert_eq!(
        description(&email),
        "Email must not contain spaces Email must look like name@example.com"
    );
    type_into(&email, &format!("{}@example.com", "a".repeat(250)));
    leptos::task::tick().await;
    assert_eq!(
        description(&email),
        "Email is too long (at most 254 characters)"
    );

    let provider = by_label("Identity provider");
    assert_eq!(
        value_of(&provider),
        "Email",
        "the first provider by default"
    );
    select_value(&provider, "");
    leptos::task::tick().await;
    assert!(is_invalid(&provider));
    assert_eq!(description(&provider), "Identity provider can't be blank");
    select_value(&provider, "Google");
    leptos::task::tick().await;
    assert!(!is_invalid(&provider));
}

#[wasm_bindgen_test]
async fn submit_shows_every_error_and_focuses_the_first_invalid_field() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;
    type_into(&by_label("First name"), "Ada");
    type_into(&by_label("Email"), "nope");
    click(&get_by_role("button", "Submit"));
    leptos::task::tick().await;

    let last = by_label("Last name");
    assert!(is_focused(&last), "focus on the first invalid field");
    assert_eq!(description(&last), "Last name can't be blank");
    assert_eq!(
        description(&by_label("Email")),
        "Email must look like name@example.com"
    );
    assert!(!is_invalid(&by_label("First name")));
    assert!(
        !company.client.calls().iter().any(|c| c == "create_user"),
        "nothing invalid leaves the browser"
    );
}

/// Another spelling of a taken address (case, fullwidth letters, a
/// decomposed accent) is the same address, as on the server.
#[wasm_bindgen_test]
async fn the_servers_duplicate_email_error_lands_on_email() {
    for spelling in [
        "MARY@acme.test",
        "\u{FF4D}\u{FF41}\u{FF52}\u{FF59}@acme.test",
    ] {
        let company = Company::new(0);
        let _app = open_form(&company, "/users/new").await;
        fill_valid("Mary", "Again", spelling);
        click(&get_by_role("button", "Submit"));
        let email = by_label("Email");
        wait_until("the email error", || is_invalid(&email)).await;
        assert_eq!(description(&email), "Email is already taken", "{spelling}");
        assert!(is_focused(&email));
        assert!(url().starts_with("/users/new"), "stays on the form");
    }
}

#[wasm_bindgen_test]
async fn server_field_errors_on_roles_land_on_the_roles_fieldset() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;
    fill_valid("Ada", "Lovelace", "ada@acme.test");
    let mut fields = users_api::FieldErrors::new();
    fields.insert("roles".into(), vec!["has an unknown role: Root".into()]);
    company.client.fail_next(ApiError::Invalid { fields });
    click(&get_by_role("button", "Submit"));
    let fieldset = wait_for("the roles error", || {
        document()
            .query_selector("fieldset[aria-describedby]")
            .unwrap()
    })
    .await;
    assert_eq!(description(&fieldset), "Roles has an unknown role: Root");
    // Focus moves once the error has rendered (a frame later, under load).
    wait_until("focus on the first role", || {
        is_focused(&by_label("Development"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_archived_users_email_offers_to_restore_them() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new?q=zed").await;
    fill_valid("Zed", "Again", "zed@acme.test");
    click(&get_by_role("button", "Submit"));
    let restore = find_by_role("button", "Restore Zed Archived").await;
    assert!(description(&by_label("Email")).starts_with("Email belongs to an archived user"));
    click(&restore);
    wait_until("back on the list", || url() == "/users?q=zed").await;
    wait_until("the announcement", || {
        notices_text().contains("Zed Archived restored")
    })
    .await;
    assert_eq!(
        company.client.user(company.zed).unwrap().summary.status,
        UserStatus::Active
    );
}

#[wasm_bindgen_test]
async fn back_on_the_list_focus_lands_on_the_users_row() {
    let company = Company::new(0);
    let app = open_form(&company, &format!("/users/{}/edit", company.john)).await;
    // Cancel: the row's "Edit" link.
    click(&get_by_role("button", "Cancel"));
    let edit_link = format!("user-{}-edit", company.john);
    wait_until("focus on John's Edit", || {
        active_element().is_some_and(|el| el.id() == edit_link)
    })
    .await;
    drop(app);

    // Save: the saved user's name.
    let app = open_form(&company, &format!("/users/{}/edit", company.john)).await;
    type_into(&by_label("Last name"), "Smithers");
    click(&get_by_role("button", "Submit"));
    let name_cell = format!("user-{}-name", company.john);
    wait_until("focus on John's name", || {
        active_element().is_some_and(|el| el.id() == name_cell)
    })
    .await;
    assert_eq!(text_of(&active_element().unwrap()), "John Smithers");
    drop(app);

    // Added, but not on the page shown (the search leaves them out): the heading.
    let _app = open_form(&company, "/users/new?q=mary").await;
    fill_valid("Ada", "Lovelace", "ada@acme.test");
    click(&get_by_role("button", "Submit"));
    wait_until("back on the list", || url() == "/users?q=mary").await;
    wait_until("focus on the heading", || {
        active_element().is_some_and(|el| el.tag_name() == "H1" && text_of(&el) == "Users")
    })
    .await;
}

#[wasm_bindgen_test]
async fn adding_returns_to_the_list_with_its_query_and_announces() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new?q=gr&per_page=50").await;
    fill_valid("Grace", "Hopper", "grace@acme.test");
    select_value(&by_label("Identity provider"), "Google");
    click(&by_label("Testing"));
    click(&get_by_role("button", "Submit"));
    wait_until("back on the list", || url() == "/users?q=gr&per_page=50").await;
    wait_until("the announcement", || {
        notices_text().contains("User Grace Hopper added")
    })
    .await;
    let role = document()
        .query_selector(".notices [role=status], .notices")
        .unwrap()
        .unwrap();
    assert!(
        role.closest("[role=status]").unwrap().is_some(),
        "announced in a status region"
    );
    wait_until("the new row", || row_names() == ["Grace Hopper"]).await;
}

#[wasm_bindgen_test]
async fn pressing_submit_from_a_field_does_not_move_submit_before_the_click() {
    // Blurring a field to press Submit (or Cancel) does not check it then:
    // its error line would push the button from under the pointer between
    // press and release, and the click would be lost. Submit checks it.
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;
    let email = by_label("Email");
    type_into(&email, "ada@example");
    let submit = get_by_role("button", "Submit");
    let init = web_sys::FocusEventInit::new();
    init.set_related_target(Some(&submit));
    email
        .dispatch_event(
            &web_sys::FocusEvent::new_with_focus_event_init_dict("blur", &init).unwrap(),
        )
        .unwrap();
    leptos::task::tick().await;
    assert!(!is_invalid(&email), "not checked on the way to Submit");
    // Leaving for anything else checks it.
    blur(&email);
    leptos::task::tick().await;
    assert!(is_invalid(&email));
}

#[wasm_bindgen_test]
async fn submit_is_disabled_with_progress_while_saving() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;
    fill_valid("Ada", "Lovelace", "ada@acme.test");
    company.client.set_call_delay(400);
    let submit = get_by_role("button", "Submit");
    submit.focus().unwrap();
    click(&submit);
    leptos::task::tick().await;
    assert_eq!(
        submit.get_attribute("aria-disabled").as_deref(),
        Some("true"),
        "disabled while saving"
    );
    assert!(is_focused(&submit), "and focus stays on it");
    assert_eq!(submit.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(body_text().contains("Saving…"));
    // The fields cannot change meanwhile.
    for label in ["First name", "Email", "Identity provider", "Development"] {
        assert!(
            by_label(label).matches(":disabled").unwrap(),
            "{label} is disabled"
        );
    }
    // A second submit while pending sends nothing more.
    click(&submit);
    leptos::task::tick().await;
    let creates = || {
        company
            .client
            .calls()
            .iter()
            .filter(|c| *c == "create_user")
            .count()
    };
    assert_eq!(creates(), 1);
    wait_until("back on the list", || url() == "/users").await;
    assert_eq!(creates(), 1);
}

#[wasm_bindgen_test]
async fn cancel_returns_to_the_list_with_its_query_asking_first_when_anything_changed() {
    let company = Company::new(0);
    let app = open_form(&company, "/users/new?status=archived&page=2").await;
    // Nothing typed: nothing to ask.
    click(&get_by_role("button", "Cancel"));
    wait_until("back on the list", || {
        url() == "/users?status=archived&page=2"
    })
    .await;
    assert!(all_by_role("dialog").is_empty());
    drop(app);

    let _app = open_form(&company, "/users/new?status=archived&page=2").await;
    type_into(&by_label("First name"), "Never saved");
    let cancel = get_by_role("button", "Cancel");
    cancel.focus().unwrap();
    click(&cancel);
    let dialog = find_by_role("dialog", "Discard changes?").await;
    assert!(text_of(&dialog).contains("Your changes to this user have not been saved."));
    let keep = get_by_role("button", "Keep editing");
    wait_until("focus on Keep editing", || is_focused(&keep)).await;
    click(&keep);
    wait_until("the dialog closes", || all_by_role("dialog").is_empty()).await;
    wait_until("focus back on Cancel", || is_focused(&cancel)).await;
    assert!(url().starts_with("/users/new"), "still on the form");
    assert_eq!(
        value_of(&by_label("First name")),
        "Never saved",
        "typing kept"
    );

    // A link out asks too; "Discard" follows it.
    click(&get_by_role("link", "Back to users"));
    find_by_role("dialog", "Discard changes?").await;
    assert!(
        url().starts_with("/users/new"),
        "not followed before the answer"
    );
    click(&get_by_role("button", "Discard"));
    wait_until("back on the list", || {
        url() == "/users?status=archived&page=2"
    })
    .await;
    assert!(!company.client.calls().iter().any(|c| c == "create_user"));
}

#[wasm_bindgen_test]
async fn reloading_or_closing_the_tab_with_changes_gets_the_browsers_prompt() {
    let company = Company::new(0);
    let _app = open_form(&company, &format!("/users/{}/edit", company.john)).await;
    let before_unload = || {
        let init = web_sys::EventInit::new();
        init.set_cancelable(true);
        let ev = web_sys::Event::new_with_event_init_dict("beforeunload", &init).unwrap();
        web_sys::window().unwrap().dispatch_event(&ev).unwrap();
        ev.default_prevented()
    };
    assert!(!before_unload(), "no changes, no prompt");
    type_into(&by_label("Last name"), "Smithers");
    assert!(before_unload(), "changes: the browser asks");
    type_into(&by_label("Last name"), "Smith");
    assert!(
        !before_unload(),
        "typed back to what it was: nothing to lose"
    );
}

#[wasm_bindgen_test]
async fn edit_shows_group_roles_read_only_and_toggles_only_direct_roles() {
    let company = Company::new(0);
    let edit = format!("/users/{}/edit?q=smith", company.john);
    let _app = open_form(&company, &edit).await;
    assert_eq!(value_of(&by_label("First name")), "John");
    assert_eq!(value_of(&by_label("Email")), "john.smith@acme.test");

    // Direct roles are the checkboxes' state.
    assert!(checked(&by_label("Development")));
    assert!(checked(&by_label("Testing")));
    assert!(!checked(&by_label("Staging")), "inherited only: not direct");
    assert!(!checked(&by_label("Production")));
    assert!(!checked(&by_label("Settings")));

    // Roles from groups: each with its groups, not editable.
    let section = document()
        .query_selector("section[aria-labelledby=roles-from-groups]")
        .unwrap()
        .expect("Roles from groups");
    assert_eq!(accessible_name(&section), "Roles from groups");
    let items: Vec<String> = {
        let list = section.query_selector_all("li").unwrap();
        (0..list.length())
            .map(|i| text_of(list.item(i).unwrap().unchecked_ref()))
            .collect()
    };
    assert_eq!(
        items,
        [
            "Testing from QA team, Release team",
            "Staging from QA team",
            "Production from Release team"
        ]
    );
    assert!(section.query_selector("input").unwrap().is_none());
    assert!(text_of(&section).contains("change them on the group"));

    click(&by_label("Development"));
    click(&by_label("Production"));
    click(&get_by_role("button", "Submit"));
    wait_until("back on the list", || url() == "/users?q=smith").await;
    wait_until("the announcement", || {
        notices_text().contains("User John Smith saved")
    })
    .await;
    let after = company.client.user(company.john).unwrap();
    assert_eq!(after.direct_roles, ["Testing", "Production"]);
    let groups: Vec<&str> = after
        .summary
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(groups, ["QA team", "Release team"], "groups untouched");
    assert_eq!(after.version, 2);
}

#[wasm_bindgen_test]
async fn a_stale_version_is_never_overwritten_and_reload_merges_theirs_with_mine() {
    let company = Company::new(0);
    let _app = open_form(&company, &format!("/users/{}/edit", company.john)).await;

    // Someone else renames John and gives him Settings meanwhile.
    company
        .client
        .update_user(
            company.john,
            1,
            &UserPatch {
                first_name: Some("Johnny".into()),
                last_name: Some("Smythe".into()),
                roles: Some(vec!["Testing".into(), "Settings".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // We change the email, the last name (differently) and add Production.
    type_into(&by_label("Email"), "js@acme.test");
    type_into(&by_label("Last name"), "Smithson");
    click(&by_label("Production"));
    click(&get_by_role("button", "Submit"));
    let reload = find_by_role("button", "Reload").await;
    let alert = reload.closest("[role=alert]").unwrap().unwrap();
    assert!(text_of(&alert).contains("Someone else changed this user"));
    assert!(
        text_of(&alert).contains("Johnny Smythe"),
        "shows their version"
    );
    let now = company.client.user(company.john).unwrap();
    assert_eq!(now.summary.email, "john.smith@acme.test", "not overwritten");
    assert_eq!(now.summary.first_name, "Johnny");
    assert!(url().ends_with("/edit"), "stays on the form");

    click(&reload);
    leptos::task::tick().await;
    // Only they changed it: theirs. Only we did: ours. Roles: both changes.
    assert_eq!(value_of(&by_label("First name")), "Johnny");
    assert_eq!(value_of(&by_label("Email")), "js@acme.test");
    assert!(checked(&by_label("Settings")) && checked(&by_label("Production")));
    assert!(by_role("button", "Reload").is_none());
    // Both changed the last name: ours stays, theirs is shown beside it.
    let last = by_label("Last name");
    assert_eq!(value_of(&last), "Smithson");
    assert!(is_focused(&last), "focus on the first field to decide");
    let field = last.closest(".field").unwrap().unwrap();
    assert!(text_of(&field).contains("Their version: Smythe"));
    let use_theirs = get_by_role("button", "Use theirs");
    assert_eq!(description(&use_theirs), "Their version: Smythe");
    assert!(by_role("button", "Keep mine").is_some());
    click(&use_theirs);
    leptos::task::tick().await;
    assert_eq!(value_of(&last), "Smythe");
    assert!(by_role("button", "Use theirs").is_none(), "decided");

    // Saving again now edits their version, with our changes.
    click(&get_by_role("button", "Submit"));
    wait_until("back on the list", || url() == "/users").await;
    let saved = company.client.user(company.john).unwrap();
    assert_eq!(saved.summary.email, "js@acme.test");
    assert_eq!(saved.summary.first_name, "Johnny");
    assert_eq!(saved.summary.last_name, "Smythe");
    assert_eq!(saved.direct_roles, ["Testing", "Production", "Settings"]);
}

#[wasm_bindgen_test]
async fn removing_the_last_settings_holder_is_explained_on_roles() {
    // Only a race can get here (your own Settings cannot be unticked, and
    // whoever edits holds Settings): the server's answer is what counts.
    let company = Company::new(0);
    let _app = open_form(&company, &format!("/users/{}/edit", company.john)).await;
    click(&by_label("Settings"));
    company
        .client
        .fail_next(users_console::api::ApiError::LastAdmin);
    click(&get_by_role("button", "Submit"));
    let fieldset = wait_for("the roles error", || {
        document()
            .query_selector("fieldset[aria-describedby]")
            .unwrap()
    })
    .await;
    assert!(description(&fieldset).starts_with("Roles must keep Settings"));
    assert_eq!(
        company.client.user(company.john).unwrap().direct_roles,
        ["Development", "Testing"]
    );
}

#[wasm_bindgen_test]
async fn your_own_settings_refused_by_the_server_is_explained_on_roles() {
    // Settings given by a group, the direct one unticked, then the group
    // removed: nothing in the form stops it; the server does.
    let client = std::rc::Rc::new(users_console::api::memory::MemoryClient::new("Acme"));
    let admins = client.add_group("Admins", &["Settings"]);
    let admin = client.add_user("Ada", "Admin", "ada@acme.test", &["Settings"], &[admins]);
    let _app = mount_at(
        &client,
        &format!("/users/{admin}/edit"),
        Some(&client.token_of(admin)),
    );
    find_by_role("heading", "Edit Ada Admin").await;
    click(&by_label("Settings"));
    click(&get_by_role("button", "Remove Admins"));
    click(&get_by_role("button", "Submit"));
    let fieldset = wait_for("the roles error", || {
        document()
            .query_selector("fieldset[aria-describedby]")
            .unwrap()
    })
    .await;
    assert!(description(&fieldset).contains("you can't remove your own Settings access"));
    assert_eq!(client.user(admin).unwrap().direct_roles, ["Settings"]);
}

#[wasm_bindgen_test]
async fn a_directory_managed_company_gets_the_notice_and_no_form() {
    let company = Company::new(0);
    company.client.set_directory(Some("Azure AD"));
    for url in [
        "/users/new".to_string(),
        format!("/users/{}/edit", company.john),
    ] {
        let _app = mount_at(&company.client, &url, Some(&company.admin_token()));
        wait_until("the directory notice", || {
            body_text().contains(
                "Users are managed in Azure AD. Contact your AD administrator to add, edit or delete users.",
            )
        })
        .await;
        assert!(document().query_selector("form").unwrap().is_none());
        assert!(by_role("button", "Submit").is_none());
    }
}

/// Look-alike identities are refused in the form with the server's words
/// (the shared rules): invisible and text-direction characters in names and
/// emails, while a joiner inside a name (Persian, Devanagari) is fine.
#[wasm_bindgen_test]
async fn look_alike_names_and_emails_get_the_servers_field_errors() {
    let company = Company::new(0);
    let _app = open_form(&company, "/users/new").await;
    let invisible = "must not contain invisible or text-direction characters";

    let first = by_label("First name");
    for look_alike in ["\u{200B}", "\u{FEFF}", "Ada\u{202E}nimda", "A\u{2028}da"] {
        type_into(&first, look_alike);
        blur(&first);
        leptos::task::tick().await;
        assert!(is_invalid(&first), "{look_alike:?}");
        assert_eq!(
            description(&first),
            format!("First name {invisible}"),
            "{look_alike:?}"
        );
    }
    type_into(&first, "Ali\u{200C}reza");
    leptos::task::tick().await;
    assert!(
        !is_invalid(&first),
        "a joiner between letters is part of the name"
    );

    let email = by_label("Email");
    for look_alike in [
        "ada\u{200B}@example.com",
        "\u{FEFF}ada@example.com",
        "ada@exa\u{202E}mple.com",
    ] {
        type_into(&email, look_alike);
        blur(&email);
        leptos::task::tick().await;
        assert_eq!(
            description(&email),
            format!("Email {invisible}"),
            "{look_alike:?}"
        );
    }
}
