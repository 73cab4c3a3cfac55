//! The row dialogs: Delete (with ownership hand-over and Undo), Restore,
//! and Access token (masked, shown, copied, regenerated after confirming);
//! Esc, the focus trap and focus returning to the row's menu button.

mod common;

use common::*;
use users_api::{token, UserStatus};
use users_console::api::ApiError;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

/// The open `<dialog>`, if any.
fn open_dialog() -> Option<HtmlElement> {
    document()
        .query_selector("dialog[open]")
        .unwrap()
        .map(|d| d.unchecked_into())
}

/// Waits for the open dialog named `name` (by its `aria-labelledby` heading).
async fn find_dialog(name: &str) -> HtmlElement {
    wait_for(&format!("dialog {name:?}"), || {
        open_dialog().filter(|d| accessible_name(d) == name)
    })
    .await
}

async fn no_dialog() {
    wait_until("the dialog to close", || open_dialog().is_none()).await;
}

/// Opens the row menu of `user_name` and chooses `item`; returns the menu button.
async fn choose_row_action(user_name: &str, item: &str) -> HtmlElement {
    let button = find_by_role("button", &format!("More actions for {user_name}")).await;
    click(&button);
    let item = find_by_role("menuitem", item).await;
    click(&item);
    button
}

/// A button inside `root` by its text.
fn button_in(root: &HtmlElement, name: &str) -> Option<HtmlElement> {
    let list = root.query_selector_all("button").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<HtmlElement>())
        .find(|b| accessible_name(b) == name)
}

async fn find_button_in(root: &HtmlElement, name: &str) -> HtmlElement {
    wait_for(&format!("button {name:?} in the dialog"), || {
        button_in(root, name).filter(|b| !b.has_attribute("disabled"))
    })
    .await
}

fn notices_text() -> String {
    document()
        .query_selector(".notices")
        .unwrap()
        .map(|n| text_of(&n))
        .unwrap_or_default()
}

fn is_focused(el: &web_sys::Element) -> bool {
    active_element().as_ref() == Some(el)
}

fn shift_tab(el: &web_sys::Element) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Tab");
    init.set_shift_key(true);
    init.set_bubbles(true);
    init.set_cancelable(true);
    el.dispatch_event(
        &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap(),
    )
    .unwrap();
}

fn calls_with(company: &Company, prefix: &str) -> Vec<String> {
    company
        .client
        .calls()
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .collect()
}

#[wasm_bindgen_test]
async fn delete_without_agents_archives_announces_and_undo_restores() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let trigger = choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    assert_eq!(dialog.tag_name(), "DIALOG");
    let heading = document()
        .get_element_by_id(&dialog.get_attribute("aria-labelledby").unwrap())
        .unwrap();
    assert_eq!(heading.tag_name(), "H2");
    wait_until("the agents check", || {
        text_of(&dialog).contains("Mary Major owns no agents.")
    })
    .await;
    let text = text_of(&dialog);
    assert!(text.contains("Mary Major moves to Archived"));
    assert!(text.contains(
        "Their access token stops working for good: if they are restored, they get a new one."
    ));
    assert!(document().get_element_by_id("replacement-user").is_none());

    click(&find_button_in(&dialog, "Delete").await);
    no_dialog().await;
    wait_until("the announcement", || {
        notices_text().contains("Mary Major archived")
    })
    .await;
    assert_eq!(
        company.client.user(company.mary).unwrap().summary.status,
        UserStatus::Archived
    );
    assert_eq!(
        calls_with(&company, "delete_user"),
        [format!("delete_user {}", company.mary)]
    );
    wait_until("the list reloaded", || {
        row_names() == ["Alice Admin", "John Smith"]
    })
    .await;
    assert!(!trigger.is_connected(), "the deleted row is gone");

    click(&get_by_role("button", "Undo"));
    wait_until("the restore announcement", || {
        notices_text().contains("Mary Major restored")
    })
    .await;
    assert_eq!(
        company.client.user(company.mary).unwrap().summary.status,
        UserStatus::Active
    );
    wait_until("the row is back", || {
        row_names() == ["Alice Admin", "John Smith", "Mary Major"]
    })
    .await;
    // Undo went with its announcement: focus is on the new one.
    wait_until("focus on the announcement", || {
        active_element().is_some_and(|el| text_of(&el).contains("Mary Major restored"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_announcement_stays_while_focused_and_goes_ten_seconds_after() {
    use users_console::state::notices::NOTICE_MS;
    const { assert!(NOTICE_MS >= 10_000) };
    let company = Company::new(0);
    let _app = company.open("/users").await;
    choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    wait_until("the agents check", || {
        text_of(&dialog).contains("Mary Major owns no agents.")
    })
    .await;
    click(&find_button_in(&dialog, "Delete").await);
    no_dialog().await;
    let undo = find_by_role("button", "Undo").await;
    undo.focus().unwrap();
    sleep(NOTICE_MS + 500).await;
    assert!(undo.is_connected(), "kept while it has focus");
    assert!(notices_text().contains("Mary Major archived"));

    // Focus elsewhere: it stays its full time again, then goes.
    get_by_role("searchbox", "Search users").focus().unwrap();
    sleep(NOTICE_MS - 1_500).await;
    assert!(undo.is_connected(), "not cut short by the first timer");
    wait_until("gone", || !notices_text().contains("Mary Major archived")).await;

    // "Dismiss" takes one away at once.
    click(&get_by_role("tab", "Archived"));
    click(&find_by_role("button", "Restore").await);
    wait_until("restored", || notices_text().contains("restored")).await;
    click(&get_by_role("button", "Dismiss"));
    wait_until("dismissed", || notices_text().is_empty()).await;
}

#[wasm_bindgen_test]
async fn delete_with_agents_requires_a_replacement_and_sends_it() {
    let company = Company::new(0);
    company.client.add_agent(company.john, "Support bot");
    company.client.add_agent(company.john, "Sales bot");
    let _app = company.open("/users").await;
    choose_row_action("John Smith", "Delete").await;
    let dialog = find_dialog("Delete John Smith?").await;
    wait_until("the agents", || {
        text_of(&dialog).contains("John Smith owns 2 agents.")
    })
    .await;
    let agents: Vec<String> = {
        let list = dialog.query_selector_all(".agent-list li").unwrap();
        (0..list.length())
            .map(|i| text_of(list.item(i).unwrap().unchecked_ref()))
            .collect()
    };
    assert_eq!(agents, ["Support bot", "Sales bot"]);

    // Delete without choosing: refused in the browser, explained on the field.
    let input = by_label("Replacement user");
    assert_eq!(input.get_attribute("role").as_deref(), Some("combobox"));
    click(&find_button_in(&dialog, "Delete").await);
    wait_until("the replacement error", || {
        input.get_attribute("aria-invalid").as_deref() == Some("true")
    })
    .await;
    assert!(text_of(&dialog).contains("Choose a replacement user to take over the agents."));
    assert!(calls_with(&company, "delete_user").is_empty());
    wait_until("focus on the replacement field", || is_focused(&input)).await;

    // Server search; the user being deleted is never offered.
    type_into(&input, "john");
    wait_until("the search", || {
        calls_with(&company, "list_users status=active query=john").len() == 1
    })
    .await;
    wait_until("no match", || {
        text_of(&dialog).contains("No other active users match “john”.")
    })
    .await;
    assert_eq!(names_of("option"), Vec::<String>::new());

    type_into(&input, "");
    wait_until("everyone else offered", || {
        names_of("option") == ["Alice Admin alice@acme.test", "Mary Major mary@acme.test"]
    })
    .await;
    assert_eq!(
        input.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(press(&input, "ArrowDown"));
    assert!(press(&input, "ArrowDown"));
    leptos::task::tick().await;
    assert_eq!(
        input.get_attribute("aria-activedescendant").as_deref(),
        Some("replacement-user-option-1")
    );
    assert!(press(&input, "Enter"));
    leptos::task::tick().await;
    assert_eq!(
        input.unchecked_ref::<web_sys::HtmlInputElement>().value(),
        "Mary Major"
    );
    assert!(
        text_of(&dialog).contains("Mary Major (mary@acme.test) becomes the owner of the agents.")
    );

    click(&find_button_in(&dialog, "Delete").await);
    no_dialog().await;
    wait_until("the announcement", || {
        notices_text().contains("John Smith archived")
    })
    .await;
    let mary = company.client.user(company.mary).unwrap();
    let names: Vec<&str> = mary.agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Support bot", "Sales bot"], "agents handed over");
    assert_eq!(
        company.client.user(company.john).unwrap().summary.status,
        UserStatus::Archived
    );
}

#[wasm_bindgen_test]
async fn a_choice_is_not_undone_by_a_search_still_pending() {
    let company = Company::new(0);
    company.client.add_agent(company.john, "Support bot");
    let _app = company.open("/users").await;
    choose_row_action("John Smith", "Delete").await;
    let dialog = find_dialog("Delete John Smith?").await;
    let input = by_label("Replacement user");
    input.focus().unwrap();
    wait_until("everyone else offered", || names_of("option").len() == 2).await;

    // Type, then choose from the options already shown before the typed
    // search has run: the later search must not reopen the list.
    type_into(&input, "ma");
    assert!(press(&input, "ArrowDown"));
    assert!(press(&input, "Enter"));
    leptos::task::tick().await;
    assert_eq!(
        input.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    sleep(600).await;
    assert_eq!(
        input.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    assert_eq!(
        input.unchecked_ref::<web_sys::HtmlInputElement>().value(),
        "Alice Admin"
    );
    assert!(
        text_of(&dialog).contains("Alice Admin (alice@acme.test) becomes the owner of the agents.")
    );
}

#[wasm_bindgen_test]
async fn agents_added_meanwhile_are_answered_with_the_replacement_field() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    let delete = find_button_in(&dialog, "Delete").await;
    // Someone gives Mary an agent after the dialog looked.
    company.client.add_agent(company.mary, "Late bot");
    click(&delete);
    let input = wait_for("the replacement field", || {
        document().get_element_by_id("replacement-user")
    })
    .await;
    assert!(text_of(&dialog).contains("Late bot"));
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        company.client.user(company.mary).unwrap().summary.status,
        UserStatus::Active
    );
}

#[wasm_bindgen_test]
async fn safety_rails_are_explained_in_words() {
    let company = Company::new(0);
    let _app = company.open("/users").await;

    // Yourself: explained, and no "Delete" offered.
    choose_row_action("Alice Admin", "Delete").await;
    let dialog = find_dialog("Delete Alice Admin?").await;
    assert!(text_of(&dialog).contains("You cannot delete yourself."));
    assert!(button_in(&dialog, "Delete").is_none());
    click(&button_in(&dialog, "Cancel").unwrap());
    no_dialog().await;

    // The last Settings holder, as the server says.
    choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    let delete = find_button_in(&dialog, "Delete").await;
    company.client.fail_next(ApiError::LastAdmin);
    click(&delete);
    wait_until("the explanation", || {
        text_of(&dialog).contains("Mary Major is the last active user with the Settings role.")
    })
    .await;
    assert!(open_dialog().is_some(), "the dialog stays open");

    // The server's cannot_archive_self, should the check above be bypassed.
    company.client.fail_next(ApiError::CannotArchiveSelf);
    click(&find_button_in(&dialog, "Delete").await);
    wait_until("the explanation", || {
        text_of(&dialog).contains("You cannot delete yourself. Another administrator can do it.")
    })
    .await;
}

#[wasm_bindgen_test]
async fn esc_and_cancel_close_dialogs_and_focus_returns_to_the_menu_button() {
    let company = Company::new(0);
    let _app = company.open("/users").await;

    let trigger = choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    let focused = active_element().expect("focus inside the dialog");
    assert!(
        dialog.contains(Some(&focused)),
        "focus moves into the dialog"
    );
    assert!(press(&focused, "Escape"));
    no_dialog().await;
    wait_until("focus on the menu button", || is_focused(&trigger)).await;
    assert!(calls_with(&company, "delete_user").is_empty());

    let trigger = choose_row_action("Mary Major", "Access token").await;
    let dialog = find_dialog("Access token for Mary Major").await;
    press(&active_element().unwrap(), "Escape");
    no_dialog().await;
    wait_until("focus on the menu button", || is_focused(&trigger)).await;
    assert!(!dialog.is_connected());

    let trigger = choose_row_action("John Smith", "Delete").await;
    let dialog = find_dialog("Delete John Smith?").await;
    click(&button_in(&dialog, "Cancel").unwrap());
    no_dialog().await;
    wait_until("focus on the menu button", || is_focused(&trigger)).await;
}

#[wasm_bindgen_test]
async fn focus_is_trapped_inside_the_dialog() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    choose_row_action("Mary Major", "Delete").await;
    let dialog = find_dialog("Delete Mary Major?").await;
    let delete = find_button_in(&dialog, "Delete").await;
    let cancel = button_in(&dialog, "Cancel").unwrap();
    cancel.focus().unwrap();
    assert!(
        press(&cancel, "Tab"),
        "Tab on the last control is kept inside"
    );
    assert!(is_focused(&delete), "wraps to the first control");
    shift_tab(&delete);
    assert!(is_focused(&cancel), "Shift+Tab wraps to the last control");
    delete.focus().unwrap();
    assert!(
        !press(&delete, "Tab"),
        "inside the dialog, Tab moves on as usual"
    );
}

#[wasm_bindgen_test]
async fn restore_from_the_archived_tab_announces_and_reloads() {
    let company = Company::new(0);
    let _app = company.open("/users?status=archived").await;
    assert_eq!(row_names(), ["Zed Archived"]);
    click(&get_by_role("button", "Restore"));
    wait_until("the announcement", || {
        notices_text().contains("Zed Archived restored")
    })
    .await;
    wait_until("the row leaves the Archived tab", || row_names().is_empty()).await;
    assert_eq!(
        company.client.user(company.zed).unwrap().summary.status,
        UserStatus::Active
    );
}

/// Replaces `navigator.clipboard.writeText` for this page: it records the
/// text in `window.__copied` and resolves, or rejects when `allow` is false.
fn stub_clipboard(allow: bool) {
    let window = web_sys::window().unwrap();
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).unwrap();
    let body = if allow {
        "window.__copied = text; return Promise.resolve();"
    } else {
        "return Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));"
    };
    let stub = js_sys::Function::new_with_args("text", body);
    js_sys::Reflect::set(&clipboard, &"writeText".into(), &stub).unwrap();
    js_sys::Reflect::set(&window, &"__copied".into(), &JsValue::UNDEFINED).unwrap();
}

fn copied_text() -> Option<String> {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &"__copied".into())
        .unwrap()
        .as_string()
}

fn token_shown() -> String {
    text_of(&document().get_element_by_id("token-value").unwrap())
}

/// Every value in session and local storage.
fn stored_values() -> Vec<String> {
    let window = web_sys::window().unwrap();
    let mut values = Vec::new();
    for storage in [
        window.session_storage().unwrap().unwrap(),
        window.local_storage().unwrap().unwrap(),
    ] {
        for i in 0..storage.length().unwrap() {
            let key = storage.key(i).unwrap().unwrap();
            values.push(storage.get_item(&key).unwrap().unwrap_or_default());
        }
    }
    values
}

#[wasm_bindgen_test]
async fn the_token_is_masked_shown_copied_and_regenerated_only_after_confirming() {
    let company = Company::new(0);
    let _app = company.open("/users").await;
    let old = company.client.token_of(company.mary);
    let trigger = choose_row_action("Mary Major", "Access token").await;
    let dialog = find_dialog("Access token for Mary Major").await;

    // Masked by default, from the hint.
    wait_until("the masked token", || token_shown() == token::masked(&old)).await;
    assert!(token_shown().starts_with("uat_••••••••"));
    assert!(!body_text().contains(&old));
    let text = text_of(&dialog);
    assert!(text.contains("Created"));
    assert!(text.contains("Never used"));
    assert!(text.contains("Service accounts are recommended for API access"));
    assert!(calls_with(&company, "reveal_token").is_empty());

    // "Show token" toggles, with aria-pressed, its name following ("Hide
    // token") and focus staying on it while the token is fetched.
    let show = button_in(&dialog, "Show token").unwrap();
    assert_eq!(show.get_attribute("aria-pressed").as_deref(), Some("false"));
    show.focus().unwrap();
    click(&show);
    wait_until("the token shown", || token_shown() == old).await;
    assert_eq!(show.get_attribute("aria-pressed").as_deref(), Some("true"));
    assert_eq!(text_of(&show), "Hide token");
    assert!(is_focused(&show), "focus stays on the toggle");
    click(&show);
    wait_until("masked again", || token_shown() == token::masked(&old)).await;
    assert_eq!(show.get_attribute("aria-pressed").as_deref(), Some("false"));
    assert_eq!(text_of(&show), "Show token");
    assert!(is_focused(&show));

    // "Copy" through the clipboard API, announced.
    stub_clipboard(true);
    click(&find_button_in(&dialog, "Copy").await);
    wait_until("Copied", || {
        dialog
            .query_selector("[role=status]")
            .unwrap()
            .is_some_and(|s| text_of(&s) == "Copied")
    })
    .await;
    assert_eq!(copied_text().as_deref(), Some(old.as_str()));

    // A refused clipboard says so and shows the token to copy by hand.
    stub_clipboard(false);
    click(&find_button_in(&dialog, "Copy").await);
    wait_until("the clipboard refusal", || {
        text_of(&dialog).contains("The browser did not allow copying.")
    })
    .await;
    assert_eq!(token_shown(), old);
    click(&show); // mask again

    // Regenerate asks first; Cancel keeps the token.
    click(&find_button_in(&dialog, "Regenerate access token").await);
    let warning = wait_for("the confirmation", || {
        document().get_element_by_id("regenerate-warning")
    })
    .await;
    assert_eq!(
        text_of(&warning),
        "The current token stops working immediately."
    );
    assert!(calls_with(&company, "regenerate_token").is_empty());
    click(&button_in(&dialog, "Cancel").unwrap());
    wait_until("the step closes", || {
        document().get_element_by_id("regenerate-warning").is_none()
    })
    .await;
    assert!(calls_with(&company, "regenerate_token").is_empty());
    assert_eq!(company.client.token_of(company.mary), old);

    click(&find_button_in(&dialog, "Regenerate access token").await);
    click(&find_button_in(&dialog, "Regenerate").await);
    let new = wait_for("the new token", || {
        let now = company.client.token_of(company.mary);
        (now != old && token_shown() == now).then_some(now)
    })
    .await;
    assert_eq!(calls_with(&company, "regenerate_token").len(), 1);
    assert!(new.starts_with("uat_"));
    assert_eq!(
        button_in(&dialog, "Hide token")
            .unwrap()
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true"),
        "the new token is shown revealed"
    );

    // Focus moves to Copy (the confirmation step it was in is gone).
    let copy = button_in(&dialog, "Copy").unwrap();
    wait_until("focus on Copy", || is_focused(&copy)).await;

    // Only in the dialog: not the URL, not storage.
    assert!(!url().contains("uat_"));
    assert!(!stored_values().iter().any(|v| *v == old || *v == new));

    press(&active_element().unwrap(), "Escape");
    no_dialog().await;
    wait_until("focus on the menu button", || is_focused(&trigger)).await;
    assert!(!body_text().contains(&new), "gone with the dialog");
}

#[wasm_bindgen_test]
async fn a_directory_managed_company_keeps_tokens_working() {
    let company = Company::new(0);
    company.client.set_directory(Some("Azure AD"));
    let _app = company.open("/users").await;
    let button = find_by_role("button", "More actions for Mary Major").await;
    click(&button);
    assert_eq!(names_of("menuitem"), ["Access token"]);
    click(&get_by_role("menuitem", "Access token"));
    let dialog = find_dialog("Access token for Mary Major").await;
    click(&find_button_in(&dialog, "Show token").await);
    let token = company.client.token_of(company.mary);
    wait_until("the token shown", || token_shown() == token).await;
    click(&find_button_in(&dialog, "Regenerate access token").await);
    click(&find_button_in(&dialog, "Regenerate").await);
    wait_until("a new token", || {
        company.client.token_of(company.mary) != token
    })
    .await;
}
