//! Headless Chromium through a chromedriver started for each test, and the
//! role-and-name queries tests use instead of CSS classes or test ids.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::workspace_root;

/// How long a query waits for the app to show what it looks for.
const WAIT: Duration = Duration::from_secs(10);

const CONTROL: char = '\u{e009}';
const RELEASE: char = '\u{e000}';
const BACKSPACE: char = '\u{e003}';

/// What to look for: an ARIA role and its accessible name.
#[derive(Debug, Clone, Copy)]
pub struct By<'a> {
    pub role: &'a str,
    pub name: &'a str,
    /// Match names that start with `name` (options that add an email, say).
    pub prefix: bool,
}

impl Browser {
    pub const ESCAPE: &'static str = "\u{e00c}";
    pub const ENTER: &'static str = "\u{e007}";
    pub const TAB: &'static str = "\u{e004}";
    pub const ARROW_DOWN: &'static str = "\u{e015}";
}

impl<'a> By<'a> {
    pub fn role(role: &'a str, name: &'a str) -> Self {
        By {
            role,
            name,
            prefix: false,
        }
    }

    pub fn role_starting(role: &'a str, name: &'a str) -> Self {
        By {
            role,
            name,
            prefix: true,
        }
    }

    fn matches(&self, role: &str, name: &str) -> bool {
        let name = name.trim();
        role == self.role
            && if self.prefix {
                name.starts_with(self.name)
            } else {
                name == self.name
            }
    }
}

/// A browser session; the driver process ends when this is dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Chromium's profile, ours so it is removed with the Browser: a killed
    /// Chromium leaves its own temporary profile (~100 MB) behind in /tmp.
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        // Its own process group, so dropping the Browser can end Chromium
        // too, even when a failing test never closed the session.
        let driver = Command::new(&driver_bin)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {driver_bin}: {e}"));
        let started = Instant::now();
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(started.elapsed() < WAIT, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::Builder::new()
            .prefix("users-e2e-chromium")
            .tempdir()
            .expect("a temporary Chromium profile");
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities(profile.path()))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session");
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    /// The element with this role and accessible name, waiting for it to appear.
    pub async fn find(&self, by: By<'_>) -> Element {
        let started = Instant::now();
        loop {
            if let Some(element) = self.query(by).await {
                return element;
            }
            if started.elapsed() > WAIT {
                self.fail(&format!("no {} named {:?} appeared", by.role, by.name))
                    .await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible element with this role and accessible name, if any now.
    pub async fn query(&self, by: By<'_>) -> Option<Element> {
        let candidates = self
            .client
            .find_all(Locator::Css(&candidate_selector(by.role)))
            .await
            .ok()?;
        for element in candidates {
            if !element.is_displayed().await.unwrap_or(false) {
                continue;
            }
            let role = self.computed(&element, "computedrole").await;
            let name = self.computed(&element, "computedlabel").await;
            if by.matches(&role, &name) {
                return Some(element);
            }
        }
        None
    }

    /// Chromium's computed role or accessible name of an element.
    async fn computed(&self, element: &Element, what: &'static str) -> String {
        match self
            .client
            .issue_cmd(SessionCommand::element_query(element, what))
            .await
        {
            Ok(Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Waits until `check` (a JS expression) is truthy, or panics with `what`.
    pub async fn wait_for(&self, what: &str, check: &str) {
        let started = Instant::now();
        let script = format!("return !!({check});");
        loop {
            if let Ok(Value::Bool(true)) = self.client.execute(&script, vec![]).await {
                return;
            }
            if started.elapsed() > WAIT {
                self.fail(&format!("timed out waiting for {what}")).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's visible text contains `text`.
    pub async fn wait_for_text(&self, text: &str) {
        let quoted = serde_json::to_string(text).expect("string");
        self.wait_for(
            &format!("text {text:?}"),
            &format!("document.body.innerText.includes({quoted})"),
        )
        .await;
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        match self
            .client
            .execute("return document.body.innerText;", vec![])
            .await
        {
            Ok(Value::String(s)) => s,
            _ => String::new(),
        }
    }

    /// Path and query of the current URL (`/users?page=2`).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Clicks the element with this role and name.
    pub async fn click(&self, by: By<'_>) {
        self.find(by)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {by:?}: {e}"));
    }

    /// Replaces the value of the field with this role and name by typing.
    pub async fn fill(&self, by: By<'_>, text: &str) {
        let field = self.find(by).await;
        // Select all and delete with keys, so the app sees real input events.
        field
            .send_keys(&format!("{CONTROL}a{RELEASE}{BACKSPACE}{text}"))
            .await
            .expect("type");
    }

    /// Types a new user's first name, last name and email into the form.
    pub async fn fill_user(&self, first: &str, last: &str, email: &str) {
        self.fill(By::role("textbox", "First name"), first).await;
        self.fill(By::role("textbox", "Last name"), last).await;
        self.fill(By::role("textbox", "Email"), email).await;
    }

    /// Presses Tab (at most 60 times) until the focused element has this
    /// role and name: how a keyboard user gets somewhere.
    pub async fn tab_to(&self, by: By<'_>) {
        for _ in 0..60 {
            if let Ok(focused) = self.client.active_element().await {
                let role = self.computed(&focused, "computedrole").await;
                let name = self.computed(&focused, "computedlabel").await;
                if by.matches(&role, &name) {
                    return;
                }
            }
            self.press(Self::TAB).await;
        }
        panic!("Tab never reached the {} named {:?}", by.role, by.name);
    }

    /// Lets the current page's origin write and read the clipboard, as a
    /// person's browser would after they allowed it.
    pub async fn allow_clipboard(&self) {
        for name in ["clipboard-write", "clipboard-read"] {
            self.client
                .issue_cmd(SessionCommand::grant(name))
                .await
                .expect("grant clipboard permission");
        }
    }

    /// The clipboard's text.
    pub async fn clipboard(&self) -> String {
        let script = "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('ERR ' + e));";
        match self.client.execute_async(script, vec![]).await {
            Ok(Value::String(s)) => s,
            other => panic!("read clipboard: {other:?}"),
        }
    }

    /// Sends keys to the focused element (e.g. `Browser::ESCAPE`, `"\t"`).
    pub async fn press(&self, keys: &str) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        focused.send_keys(keys).await.expect("send keys");
    }

    /// Renders the page as `prefers-color-scheme: scheme` ("light" or "dark").
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        let features = json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]});
        self.client
            .issue_cmd(SessionCommand::devtools(
                "Emulation.setEmulatedMedia",
                features,
            ))
            .await
            .expect("emulate the color scheme");
    }

    /// Makes requests whose URL matches one of `patterns` (`*` wildcards)
    /// fail as a dropped network would; an empty list lifts the block.
    pub async fn block_urls(&self, patterns: &[&str]) {
        for (command, params) in [
            ("Network.enable", json!({})),
            ("Network.setBlockedURLs", json!({ "urls": patterns })),
        ] {
            self.client
                .issue_cmd(SessionCommand::devtools(command, params))
                .await
                .expect("block URLs");
        }
    }

    /// Lets the page download files, into `dir`.
    pub async fn download_to(&self, dir: &std::path::Path) {
        let params = json!({"behavior": "allow", "downloadPath": dir.display().to_string()});
        self.client
            .issue_cmd(SessionCommand::devtools(
                "Browser.setDownloadBehavior",
                params,
            ))
            .await
            .expect("allow downloads");
    }

    /// Chooses the option with `value` of the select with this name.
    pub async fn select(&self, by: By<'_>, value: &str) {
        let select = self.find(by).await;
        select
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value:?} in {:?}: {e}", by.name));
    }

    /// The viewport as a PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        self.client.screenshot().await.expect("screenshot")
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Resizes the window so the page's viewport is `width` × `height` CSS
    /// pixels (the window's frame, if any, is added on top).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
        let inner = self
            .eval("return [window.innerWidth, window.innerHeight];")
            .await;
        let (w, h) = (
            inner[0].as_u64().unwrap_or(0) as u32,
            inner[1].as_u64().unwrap_or(0) as u32,
        );
        if (w, h) != (width, height) {
            self.client
                .set_window_size(
                    width + width.saturating_sub(w),
                    height + height.saturating_sub(h),
                )
                .await
                .expect("resize the window");
        }
    }

    /// Signs in through the sign-in view and waits for the Users heading.
    ///
    /// Once (seen on a loaded CI machine, never reproduced here) the view
    /// stayed as it was after Sign in, with no error: then the field's state
    /// is printed and the token typed and submitted once more, so a slow
    /// first load does not fail every test that merely needs a session.
    pub async fn sign_in(&self, base_url: &str, token: &str) {
        self.goto(&format!("{base_url}/sign-in")).await;
        for attempt in 1..=2 {
            self.fill(By::role("textbox", "Access token"), token).await;
            self.click(By::role("button", "Sign in")).await;
            let started = Instant::now();
            while started.elapsed() < WAIT / 2 {
                if self.query(By::role("heading", "Users")).await.is_some() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            let state = self
                .eval(
                    "const f = document.getElementById('access-token');
                     const b = document.querySelector('form button[type=submit]');
                     return { url: location.href.replace(/access-token=[^&]*/, 'access-token=…'),
                              typed: f ? f.value.length : null,
                              busy: b ? b.disabled : null,
                              error: (document.getElementById('access-token-error') || {}).textContent };",
                )
                .await;
            eprintln!("sign-in attempt {attempt} did not reach the Users view: {state}");
            if state["typed"].is_null() {
                break; // Left the sign-in view: wait for the list below.
            }
        }
        self.find(By::role("heading", "Users")).await;
    }

    /// Panics with `why`, the page's text and a screenshot saved under
    /// target/e2e-failures/ for whoever reads the CI log.
    async fn fail(&self, why: &str) -> ! {
        let text = self.text().await;
        let dir = workspace_root().join("target/e2e-failures");
        let shot = match self.client.screenshot().await {
            Ok(png) => {
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("{}.png", std::process::id()));
                std::fs::write(&path, png)
                    .map(|_| path.display().to_string())
                    .unwrap_or_default()
            }
            Err(_) => String::new(),
        };
        let url = self.client.current_url().await.map(|u| u.to_string());
        let url = url.unwrap_or_default();
        panic!("{why}; screenshot {shot}; at {url}; the page shows:\n{text}");
    }

    /// Ends the WebDriver session (closing Chromium), then the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The driver and the Chromium it started share a process group.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// CSS that selects every element that may have `role` (native or ARIA);
/// the computed role then decides.
fn candidate_selector(role: &str) -> String {
    let native = match role {
        "button" => "button, input[type=submit], input[type=button], summary",
        "link" => "a[href]",
        "textbox" => {
            "input:not([type]), input[type=text], input[type=email], input[type=password], textarea"
        }
        "searchbox" => "input[type=search]",
        "checkbox" => "input[type=checkbox]",
        "combobox" => "select, input[list]",
        "heading" => "h1, h2, h3, h4, h5, h6",
        "dialog" => "dialog",
        "navigation" => "nav",
        "table" => "table",
        "main" => "main",
        "region" => "section",
        _ => "",
    };
    if native.is_empty() {
        format!("[role={role}]")
    } else {
        format!("{native}, [role={role}]")
    }
}

/// A WebDriver command fantoccini has no method for: a path under the
/// session (computed role/label, permissions, chromedriver's browser log).
#[derive(Debug)]
pub(crate) struct SessionCommand {
    path: String,
    body: Option<Value>,
}

impl SessionCommand {
    /// W3C "Get Computed Role" (`computedrole`) or "Get Computed Label" (`computedlabel`).
    fn element_query(element: &Element, what: &str) -> Self {
        let path = format!("element/{}/{what}", element.element_id());
        SessionCommand { path, body: None }
    }

    /// W3C Permissions extension: grant a permission (e.g. clipboard access).
    fn grant(permission: &str) -> Self {
        let body = json!({"descriptor": {"name": permission}, "state": "granted"});
        SessionCommand {
            path: "permissions".into(),
            body: Some(body),
        }
    }

    /// A Chrome DevTools Protocol command through chromedriver.
    fn devtools(command: &str, params: Value) -> Self {
        SessionCommand {
            path: "goog/cdp/execute".into(),
            body: Some(json!({"cmd": command, "params": params})),
        }
    }

    /// chromedriver's browser-log endpoint (console messages, CSP reports).
    pub(crate) fn browser_log() -> Self {
        SessionCommand {
            path: "se/log".into(),
            body: Some(json!({"type": "browser"})),
        }
    }
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        match &self.body {
            Some(body) => (http::Method::POST, Some(body.to_string())),
            None => (http::Method::GET, None),
        }
    }
}

/// Headless Chromium with the flags in the workspace's webdriver.json.
fn capabilities(profile: &std::path::Path) -> Capabilities {
    let path = workspace_root().join("webdriver.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let mut caps: Value = serde_json::from_str(&text).expect("webdriver.json is JSON");
    caps["goog:chromeOptions"]["binary"] = json!("/usr/bin/chromium");
    if let Some(args) = caps["goog:chromeOptions"]["args"].as_array_mut() {
        args.push(json!("--window-size=1280,900"));
        args.push(json!(format!("--user-data-dir={}", profile.display())));
    }
    caps["goog:loggingPrefs"] = json!({"browser": "ALL"});
    match caps {
        Value::Object(map) => map,
        _ => panic!("webdriver.json must be an object"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
