//! Helpers of the browser tests: mount the app with the in-memory client,
//! find elements by role and accessible name, and drive them like a user.

#![allow(dead_code)]

use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use users_console::api::memory::MemoryClient;
use users_console::api::ApiClient;
use users_console::app::App;
use users_console::state::session::TOKEN_KEY;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Sets the address bar without a navigation (before mounting).
pub fn set_url(url: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .unwrap();
}

/// Path and query of the address bar.
pub fn url() -> String {
    let location = web_sys::window().unwrap().location();
    format!(
        "{}{}",
        location.pathname().unwrap(),
        location.search().unwrap()
    )
}

pub fn history_length() -> u32 {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .length()
        .unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

/// Puts a token in `sessionStorage` (as if signed in earlier in this tab), or clears it.
pub fn set_stored_token(token: Option<&str>) {
    // Whoever an earlier test signed in is not remembered into this one.
    storage()
        .remove_item(users_console::state::session::ME_KEY)
        .unwrap();
    match token {
        Some(t) => storage().set_item(TOKEN_KEY, t).unwrap(),
        None => storage().remove_item(TOKEN_KEY).unwrap(),
    }
}

pub fn stored_token() -> Option<String> {
    storage().get_item(TOKEN_KEY).unwrap()
}

/// The mounted app; unmounts and removes its container when dropped.
pub struct Mounted {
    handle: Option<Box<dyn std::any::Any>>,
    owner: Owner,
    container: HtmlElement,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Runs every cleanup (the router's window listeners included), even
        // where something global still holds the app's owner.
        self.owner.cleanup();
        drop(self.handle.take());
        self.container.remove();
    }
}

/// Mounts the whole app (router, session, pages) at the current URL.
pub fn mount_app(client: &Rc<MemoryClient>) -> Mounted {
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let client: Rc<dyn ApiClient> = client.clone();
    let owner = Owner::new();
    let handle = owner.with(|| {
        leptos::mount::mount_to(container.clone(), move || view! { <App client=client /> })
    });
    Mounted {
        handle: Some(Box::new(handle)),
        owner,
        container,
    }
}

/// Mounts the app at `url`, signed in with `token`.
pub fn mount_at(client: &Rc<MemoryClient>, url: &str, token: Option<&str>) -> Mounted {
    set_stored_token(token);
    set_url(url);
    mount_app(client)
}

pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Polls `f` every 10 ms for up to 3 s.
pub async fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..300 {
        if let Some(value) = f() {
            return value;
        }
        sleep(10).await;
    }
    panic!(
        "timed out waiting for {what}\nURL: {}\nbody text: {}",
        url(),
        body_text()
    );
}

pub async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    wait_for(what, || f().then_some(())).await
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn body_text() -> String {
    collapse(
        &document()
            .body()
            .unwrap()
            .text_content()
            .unwrap_or_default(),
    )
}

pub fn text_of(el: &Element) -> String {
    collapse(&el.text_content().unwrap_or_default())
}

/// Whether the element is rendered to assistive technology.
pub fn is_exposed(el: &Element) -> bool {
    el.closest("[hidden], [aria-hidden=true]")
        .unwrap()
        .is_none()
}

fn selector_for(role: &str) -> String {
    match role {
        "button" => "button:not([role]), [role=button]".into(),
        "link" => "a[href]:not([role]), [role=link]".into(),
        "searchbox" => "input[type=search]:not([role]), [role=searchbox]".into(),
        "checkbox" => "input[type=checkbox]:not([role]), [role=checkbox]".into(),
        "dialog" => "dialog[open]:not([role]), [role=dialog]".into(),
        "combobox" => "select:not([role]), [role=combobox]".into(),
        "heading" => "h1, h2, h3, h4, h5, h6, [role=heading]".into(),
        "table" => "table:not([role]), [role=table]".into(),
        "navigation" => "nav:not([role]), [role=navigation]".into(),
        "main" => "main:not([role]), [role=main]".into(),
        "banner" => "header:not([role]), [role=banner]".into(),
        "columnheader" => "th[scope=col], [role=columnheader]".into(),
        "row" => "tr:not([role]), [role=row]".into(),
        "progressbar" => "progress:not([role]), [role=progressbar]".into(),
        "region" => {
            "section[aria-labelledby]:not([role]), section[aria-label]:not([role]), [role=region]"
                .into()
        }
        other => format!("[role={other}]"),
    }
}

/// The accessible name, as far as these views need it: aria-labelledby,
/// aria-label, a `<label for>`, a table caption, else the text.
pub fn accessible_name(el: &Element) -> String {
    if let Some(ids) = el.get_attribute("aria-labelledby") {
        return ids
            .split_whitespace()
            .filter_map(|id| document().get_element_by_id(id))
            .map(|e| accessible_name_from_content(&e))
            .collect::<Vec<_>>()
            .join(" ");
    }
    if let Some(label) = el.get_attribute("aria-label") {
        return collapse(&label);
    }
    if !el.id().is_empty() {
        if let Ok(Some(label)) = document().query_selector(&format!("label[for='{}']", el.id())) {
            return text_of(&label);
        }
    }
    if el.tag_name() == "TABLE" {
        if let Ok(Some(caption)) = el.query_selector("caption") {
            return text_of(&caption);
        }
    }
    accessible_name_from_content(el)
}

fn accessible_name_from_content(el: &Element) -> String {
    if let Some(label) = el.get_attribute("aria-label") {
        return collapse(&label);
    }
    text_of(el)
}

/// Every exposed element with `role`.
pub fn all_by_role(role: &str) -> Vec<HtmlElement> {
    let list = document().query_selector_all(&selector_for(role)).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .filter(|e| is_exposed(e))
        .collect()
}

pub fn names_of(role: &str) -> Vec<String> {
    all_by_role(role)
        .iter()
        .map(|e| accessible_name(e))
        .collect()
}

/// The exposed element with `role` and exactly this accessible name.
pub fn by_role(role: &str, name: &str) -> Option<HtmlElement> {
    all_by_role(role)
        .into_iter()
        .find(|e| accessible_name(e) == name)
}

/// Like [`by_role`], failing the test with what exists instead.
pub fn get_by_role(role: &str, name: &str) -> HtmlElement {
    by_role(role, name).unwrap_or_else(|| {
        panic!(
            "no {role} named {name:?}; there are: {:?}\nbody: {}",
            names_of(role),
            body_text()
        )
    })
}

/// Waits for an element with `role` and `name`.
pub async fn find_by_role(role: &str, name: &str) -> HtmlElement {
    wait_for(&format!("{role} {name:?}"), || by_role(role, name)).await
}

/// The form control a `<label>` with this text labels.
pub fn by_label(text: &str) -> HtmlElement {
    let labels = document().query_selector_all("label").unwrap();
    for i in 0..labels.length() {
        let label: Element = labels.item(i).unwrap().unchecked_into();
        if text_of(&label) == text {
            let id = label.get_attribute("for").expect("label without for");
            return document()
                .get_element_by_id(&id)
                .expect("label's control")
                .unchecked_into();
        }
    }
    panic!("no label {text:?}; body: {}", body_text());
}

pub fn click(el: &HtmlElement) {
    el.click();
}

fn keyboard_event(kind: &str, key: &str) -> web_sys::KeyboardEvent {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    web_sys::KeyboardEvent::new_with_keyboard_event_init_dict(kind, &init).unwrap()
}

/// Presses a key on `el` (keydown, then keyup); returns whether the page
/// prevented the keydown's default action.
pub fn press(el: &Element, key: &str) -> bool {
    let down = keyboard_event("keydown", key);
    el.dispatch_event(&down).unwrap();
    el.dispatch_event(&keyboard_event("keyup", key)).unwrap();
    down.default_prevented()
}

/// Replaces an input's value as typing would, firing `input`.
pub fn type_into(el: &HtmlElement, text: &str) {
    let input: &HtmlInputElement = el.unchecked_ref();
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

/// Chooses an option of a `<select>`, firing `change`.
pub fn select_value(el: &HtmlElement, value: &str) {
    let select: &HtmlSelectElement = el.unchecked_ref();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

pub fn active_element() -> Option<Element> {
    document().active_element()
}

/// The accessible names of the rows' "Name" cells, in order.
pub fn row_names() -> Vec<String> {
    let list = document()
        .query_selector_all("table[aria-label=Users] tbody th[scope=row]")
        .unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| text_of(n.unchecked_ref()))
        .collect()
}

/// The "Showing a–b of n users" line.
pub fn status_line() -> String {
    document()
        .query_selector(".pagination-status")
        .unwrap()
        .map(|e| text_of(&e))
        .unwrap_or_default()
}

/// A small company: an administrator, John Smith with roles both direct
/// and from two groups, Mary Major without Settings, and `extra` generated
/// people; plus one archived user, Zed Archived.
pub struct Company {
    pub client: Rc<MemoryClient>,
    pub admin: i64,
    pub john: i64,
    pub mary: i64,
    pub zed: i64,
}

impl Company {
    pub fn new(extra: usize) -> Company {
        let client = Rc::new(MemoryClient::new("Acme Robotics"));
        let qa = client.add_group("QA team", &["Testing", "Staging"]);
        let release = client.add_group("Release team", &["Testing", "Production"]);
        let admin = client.add_user("Alice", "Admin", "alice@acme.test", &["Settings"], &[]);
        let john = client.add_user(
            "John",
            "Smith",
            "john.smith@acme.test",
            &["Development", "Testing"],
            &[qa, release],
        );
        let mary = client.add_user("Mary", "Major", "mary@acme.test", &["Development"], &[]);
        let zed = client.add_user("Zed", "Archived", "zed@acme.test", &["Testing"], &[]);
        client.archive(zed);
        client.seed_people(extra);
        Company {
            client,
            admin,
            john,
            mary,
            zed,
        }
    }

    pub fn admin_token(&self) -> String {
        self.client.token_of(self.admin)
    }

    /// Mounts the app at `url` signed in as the administrator and waits for rows.
    pub async fn open(&self, url: &str) -> Mounted {
        let mounted = mount_at(&self.client, url, Some(&self.admin_token()));
        wait_until("rows or an empty state", || {
            document()
                .query_selector("table[aria-label=Users] tbody tr:not(.skeleton-row)")
                .unwrap()
                .is_some()
        })
        .await;
        mounted
    }
}
