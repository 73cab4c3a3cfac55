//! Long content, phone width, and nothing that jumps: a 100-character name
//! and a 254-character email at 1280 × 900 and 360 × 800, the delete
//! dialog's buttons while its list opens, the tabs, and a reload's layout
//! shift.

use serde_json::Value;
use users_e2e::{ApiClient, Browser, By, Server};

/// A name of exactly 100 characters (first and last name together, with
/// the space between them).
const FIRST: &str = "Maximiliana-Alexandrina Konstantinopoulou";
const LAST: &str = "Papadopoulou-Wolfeschlegelsteinhausen Bergerdorff Voralter";

/// An email of exactly 254 characters: dots and hyphens to break at, as
/// real long addresses have.
fn long_email() -> String {
    let local = "maximiliana.alexandrina.konstantinopoulou-papadopoulou";
    let domain = "research-and-development.subsidiary-company.very-long-division-name.example.test";
    let mut email = format!("{local}@{domain}");
    let mut n = 1;
    while email.len() + "dept-00.".len() <= 254 {
        email = email.replacen('@', &format!("@dept-{n:02}."), 1);
        n += 1;
    }
    let short = 254 - email.len();
    email.replacen('@', &format!("@{}", "x".repeat(short)), 1)
}

async fn server_with_a_long_user() -> (Server, ApiClient, String) {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "40"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let name = format!("{FIRST} {LAST}");
    assert_eq!(name.chars().count(), 100);
    let email = long_email();
    assert_eq!(email.len(), 254, "{email}");
    api.create_user(
        FIRST,
        LAST,
        &email,
        &["Development", "Testing", "Production"],
    )
    .await;
    (server, api, name)
}

/// Rectangles of every row's name and "More actions" button, the table's
/// box and the viewport, as JSON.
const GEOMETRY: &str = r#"
    const r = e => { const b = e.getBoundingClientRect(); return {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; };
    const box = document.querySelector('.table-scroll');
    return {
        viewport: document.documentElement.clientWidth,
        pageScroll: document.documentElement.scrollWidth,
        boxScroll: box.scrollWidth, boxClient: box.clientWidth, box: r(box),
        names: [...document.querySelectorAll('tbody th[role=rowheader]')].map(r),
        menus: [...document.querySelectorAll('button[aria-label^="More actions for"]')].map(r),
    };
"#;

fn assert_inside(what: &str, rect: &Value, left: f64, right: f64) {
    let (l, r) = (
        rect["left"].as_f64().unwrap(),
        rect["right"].as_f64().unwrap(),
    );
    assert!(
        l >= left - 0.5 && r <= right + 0.5,
        "{what} at {l}–{r}, outside {left}–{right}"
    );
}

#[tokio::test]
async fn a_100_character_name_fits_at_1280_and_is_a_card_at_360() {
    let (server, _api, name) = server_with_a_long_user().await;
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    // Among others (the first page), and alone (searched).
    for url in ["/users?per_page=100", "/users?q=maximiliana"] {
        browser.goto(&server.url(url)).await;
        browser
            .find(By::role("button", &format!("More actions for {name}")))
            .await;
        browser
            .wait_for(
                "rows",
                "document.querySelectorAll('tbody th[role=rowheader]').length > 0",
            )
            .await;
        let g = browser.eval(GEOMETRY).await;
        assert!(
            g["boxScroll"].as_f64() <= g["boxClient"].as_f64(),
            "no sideways scroll in the table at 1280 ({url}): {g}"
        );
        let (left, right) = (
            g["box"]["left"].as_f64().unwrap(),
            g["box"]["right"].as_f64().unwrap(),
        );
        for menu in g["menus"].as_array().unwrap() {
            assert_inside("a row's More actions", menu, left, right);
        }
    }
    // The filters' fields line up: one top and one height, hint or none.
    let filters = browser
        .eval(
            "return [...document.querySelectorAll('.filter-bar select, .filter-bar input')]
                .map(e => { const b = e.getBoundingClientRect(); return [b.top, b.height]; });",
        )
        .await;
    let filters = filters.as_array().unwrap();
    assert!(filters.len() >= 4, "{filters:?}");
    assert!(
        filters.iter().all(|f| f == &filters[0]),
        "the filters' fields at one top and height: {filters:?}"
    );
    // The name wraps; the email breaks after "@" (never before it).
    let email_cell = browser
        .eval("return document.querySelector('td.email').innerHTML;")
        .await;
    assert!(
        email_cell.as_str().unwrap().contains("@<wbr>"),
        "{email_cell}"
    );
    let wraps = browser
        .eval("const th = document.querySelector('tbody th[role=rowheader]'); return th.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(th).lineHeight);")
        .await;
    assert_eq!(wraps, Value::Bool(true), "the long name wraps");

    browser.set_viewport(360, 800).await;
    browser.goto(&server.url("/users?per_page=100")).await;
    // Still a table by role, rows and row headers included.
    browser.find(By::role("table", "Users")).await;
    // One filter a line, with no room kept under a field (Role has no hint).
    let room = browser
        .eval(
            "const field = document.getElementById('filter-role').closest('.field');
             return field.getBoundingClientRect().bottom
                 - document.getElementById('filter-role').getBoundingClientRect().bottom;",
        )
        .await;
    assert!(
        room.as_f64().unwrap() < 1.0,
        "room under Role at 360: {room}"
    );
    // The search spans the line, as the filters do.
    let short = browser
        .eval(
            "return document.querySelector('.filter-bar').getBoundingClientRect().width
                 - document.querySelector('form[role=search]').getBoundingClientRect().width;",
        )
        .await;
    assert!(
        short.as_f64().unwrap() < 1.0,
        "the search is {short} px narrower at 360"
    );
    browser.find(By::role("rowheader", &name)).await;
    browser
        .find(By::role("button", &format!("More actions for {name}")))
        .await;
    let g = browser.eval(GEOMETRY).await;
    let viewport = g["viewport"].as_f64().unwrap();
    assert!(
        g["pageScroll"].as_f64().unwrap() <= viewport,
        "no sideways scroll at 360: {g}"
    );
    assert!(g["boxScroll"].as_f64() <= g["boxClient"].as_f64(), "{g}");
    for (what, rects) in [("name", &g["names"]), ("More actions", &g["menus"])] {
        let rects = rects.as_array().unwrap();
        assert!(!rects.is_empty());
        for rect in rects {
            assert_inside(what, rect, 0.0, viewport);
        }
    }
    browser.assert_accessible("the card list at 360 px").await;
    browser.close().await;
}

#[tokio::test]
async fn tabs_dialogs_and_a_reload_do_not_jump() {
    let (server, api, _name) = server_with_a_long_user().await;
    let browser = Browser::start().await;
    browser.set_viewport(1280, 900).await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    // Switching tabs moves nothing above the table.
    let tabs_top = "return document.querySelector('[role=tablist]').getBoundingClientRect().top;";
    let active = browser.eval(tabs_top).await;
    browser.click(By::role("tab", "Archived")).await;
    browser
        .wait_for(
            "the Archived tab",
            "location.search.includes('status=archived')",
        )
        .await;
    assert_eq!(
        browser.eval(tabs_top).await,
        active,
        "the tab list stays put"
    );

    // The delete dialog's buttons stay put while the replacement list opens.
    let (_, name, email) = api.an_agent_owner().await;
    browser
        .goto(&server.url(&format!("/users?q={email}")))
        .await;
    browser
        .click(By::role("button", &format!("More actions for {name}")))
        .await;
    browser.click(By::role("menuitem", "Delete")).await;
    browser
        .find(By::role("dialog", &format!("Delete {name}?")))
        .await;
    browser.find(By::role("combobox", "Replacement user")).await;
    browser.wait_for_text("Choose a replacement user").await;
    // The dialog's opening animation (120 ms) is over.
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let buttons = r#"
        const d = document.querySelector('dialog[open]');
        const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.width, b.height].map(Math.round); };
        return [r(d), ...[...d.querySelectorAll('.dialog-actions button')].map(r)];
    "#;
    let before = browser.eval(buttons).await;
    browser
        .fill(By::role("combobox", "Replacement user"), "a")
        .await;
    browser
        .wait_for(
            "the open list",
            "document.querySelectorAll('[role=option]').length > 2",
        )
        .await;
    assert_eq!(
        browser.eval(buttons).await,
        before,
        "the dialog, Delete and Cancel do not move as the list opens"
    );
    // The list lies over the buttons: Esc closes it, then Cancel.
    browser.press(Browser::ESCAPE).await;
    browser.click(By::role("button", "Cancel")).await;

    // A reload's cumulative layout shift.
    browser.goto(&server.url("/users")).await;
    browser
        .wait_for(
            "rows painted",
            "performance.getEntriesByName('users-rows-painted').length > 0",
        )
        .await;
    let shift = browser
        .client
        .execute_async(
            "const done = arguments[0]; let sum = 0; \
             new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) sum += e.value; }) \
               .observe({type: 'layout-shift', buffered: true}); \
             setTimeout(() => done(sum), 500);",
            vec![],
        )
        .await
        .expect("layout shift");
    let shift = shift.as_f64().unwrap();
    println!("a reload's cumulative layout shift: {shift}");
    assert!(shift <= 0.02, "a reload's layout shift is {shift}");
    browser.close().await;
}

#[tokio::test]
async fn browser_back_from_a_form_with_changes_asks_first() {
    let server = Server::start_with(|cli| {
        cli.run(&["seed-demo", "--users", "10"]);
    });
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    let user = api
        .create_user("Bea", "Back", "bea@acme.example", &["Testing"])
        .await;
    let id = user["id"].as_i64().unwrap();
    let browser = Browser::start().await;
    browser.sign_in(&server.base_url, &server.admin_token).await;
    browser.goto(&server.url("/users?q=bea")).await;
    browser.find(By::role("rowheader", "Bea Back")).await;
    browser.click(By::role("link", "Edit")).await;
    browser.find(By::role("heading", "Edit Bea Back")).await;
    let edit_path = format!("/users/{id}/edit?q=bea");
    assert_eq!(browser.path().await, edit_path);

    // No changes: Back just goes back.
    browser.client.back().await.expect("back");
    browser.find(By::role("rowheader", "Bea Back")).await;
    browser.client.forward().await.expect("forward");
    browser.find(By::role("heading", "Edit Bea Back")).await;

    browser
        .fill(By::role("textbox", "Last name"), "Backwards")
        .await;
    browser.client.back().await.expect("back");
    browser.find(By::role("dialog", "Discard changes?")).await;
    assert_eq!(browser.path().await, edit_path, "still on the form");
    browser.click(By::role("button", "Keep editing")).await;
    let value = browser
        .eval("return document.getElementById('user-last-name').value;")
        .await;
    assert_eq!(value, "Backwards", "nothing typed is lost");

    browser.client.back().await.expect("back");
    browser.click(By::role("button", "Discard")).await;
    browser.find(By::role("rowheader", "Bea Back")).await;
    assert_eq!(browser.path().await, "/users?q=bea");
    assert_eq!(
        api.get(&format!("/users/{id}")).await["last_name"],
        "Back",
        "nothing saved"
    );
    browser.close().await;
}
