//! Requests `index.html` starts before the app has loaded: `config.json`,
//! and with a stored token `/me` and, on `/users`, the list's first page
//! (see the inline script there). The wasm downloads and compiles while they
//! travel; the client takes an answer from here instead of asking again.
//!
//! The script guesses the list's request from the URL the way
//! `users_api::ListQuery` reads it, and the API's base from what this tab
//! last read in `config.json` ([`remember_api_base`]), else the page's own
//! origin, so it never waits for `config.json` (a guess `config.json`
//! contradicts went to the origin that already holds the token, and is
//! asked again at the right base). An answer is used only for exactly the
//! URL and token it was asked with; a guess the app never makes is left
//! unused. Each is handed out once, so a later identical request goes to
//! the server.

use js_sys::{Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The global the inline script fills: `{config, "/me": Promise<{url,
/// token, status, body}>, …}`, keyed by the path after `/api/v1`.
const GLOBAL: &str = "usersConsoleEarly";

fn take(key: &str) -> Option<Promise> {
    let early = Reflect::get(&js_sys::global(), &JsValue::from_str(GLOBAL)).ok()?;
    if !early.is_object() {
        return None;
    }
    let key = JsValue::from_str(key);
    let value = Reflect::get(&early, &key).ok()?;
    let _ = Reflect::delete_property(&early.into(), &key);
    value.dyn_into::<Promise>().ok()
}

/// The answer (status and body) already asked for `url` (absolute, as
/// `Request.url` says it) with `token`, if the script asked exactly that and
/// it arrived. (An answer for another token — the stored one was refused and
/// the user signed in again — is not the caller's.)
pub async fn answer(url: &str, token: Option<&str>) -> Option<(u16, String)> {
    let answer = JsFuture::from(take(api_path(url)?)?).await.ok()?;
    let field = |name: &str| Reflect::get(&answer, &name.into()).ok();
    let asked = field("url")?.as_string()?;
    let asked_with = field("token")?.as_string()?;
    if asked != url || Some(asked_with.as_str()) != token {
        return None;
    }
    let status = field("status")?.as_f64()?;
    let body = field("body")?.as_string()?;
    Some((status as u16, body))
}

/// `sessionStorage` key of the API base this tab last read from `config.json`.
const API_BASE_KEY: &str = "users-console.api-base";

/// Remembers `api_base` for this tab, for the script's next start.
pub fn remember_api_base(api_base: &str) {
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    if let Some(storage) = storage {
        let _ = storage.set_item(API_BASE_KEY, api_base);
    }
}

/// `config.json` as the script read it (`None`: no script ran, or it failed).
pub async fn config() -> Option<JsValue> {
    JsFuture::from(take("config")?).await.ok()
}

/// `url`'s part after `/api/v1` (path and query), the script's key.
fn api_path(url: &str) -> Option<&str> {
    let path_end = url.find('?').unwrap_or(url.len());
    let at = url[..path_end].rfind("/api/v1/")?;
    Some(&url[at + "/api/v1".len()..])
}
