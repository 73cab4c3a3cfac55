//! "Access token for <First Last>": the token masked by default, "Show
//! token" (a toggle with `aria-pressed`), "Copy" (clipboard API, "Copied"
//! announced), created and last-used times, the service-account advice, and
//! "Regenerate access token" behind a confirmation step. The token lives in
//! this component's signals only: never in the URL, storage or logs.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use users_api::{token, RevealedToken, TokenHint, UserSummary};
use wasm_bindgen::JsCast;

use super::modal::Modal;
use crate::api::{use_api, ApiError};
use crate::state::session::use_session;

/// A timestamp as people read it ("Jan 5, 2025, 14:03"), in the browser's
/// time zone; the raw value when it cannot be read.
pub fn human_time(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string("en", &options).into()
}

/// Writes `text` to the clipboard; `Err` when the browser has no clipboard
/// here (insecure context) or refuses (permission, focus).
pub async fn copy_to_clipboard(text: &str) -> Result<(), ()> {
    let navigator = window().navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).map_err(|_| ())?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return Err(());
    }
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| ())
}

/// Focuses a button once the pending render (enabling it, showing it) is done.
fn focus_after_render(button: NodeRef<html::Button>) {
    spawn_local(async move {
        leptos::task::tick().await;
        if let Some(button) = button.try_get_untracked().flatten() {
            let _ = button.focus();
        }
    });
}

/// The confirmation step of "Regenerate access token".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Idle,
    Confirm,
}

#[component]
pub fn TokenDialog(
    user: UserSummary,
    /// The "More actions for …" button to return focus to.
    return_focus_id: String,
    #[prop(into)] on_close: UnsyncCallback<()>,
) -> impl IntoView {
    let api = use_api();
    let is_me = use_session()
        .me_untracked()
        .is_some_and(|me| me.user.summary.id == user.id);
    let id = user.id;
    let name = user.full_name();
    let title_id = "token-dialog-title";

    let hint = RwSignal::new(None::<TokenHint>);
    let load_error = RwSignal::new(None::<String>);
    let revealed = RwSignal::new(None::<RevealedToken>);
    let shown = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let step = RwSignal::new(Step::Idle);
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let copy_ref = NodeRef::<html::Button>::new();
    let regenerate_ref = NodeRef::<html::Button>::new();
    let confirm_cancel_ref = NodeRef::<html::Button>::new();

    spawn_local(async move {
        match api.call(|c| c.get_user(id)).await {
            Ok(detail) => {
                let _ = hint.try_set(Some(detail.access_token));
            }
            Err(ApiError::Unauthenticated) => {}
            Err(e) => {
                let _ = load_error.try_set(Some(e.message()));
            }
        }
    });

    // The token, fetched once (reveal) and then kept in this dialog only.
    let token_now = move || async move {
        if let Some(t) = revealed.get_untracked() {
            return Ok(t.token);
        }
        let t = api.call(|c| c.reveal_token(id)).await?;
        let token = t.token.clone();
        let _ = revealed.try_set(Some(t));
        Ok::<String, ApiError>(token)
    };

    let on_show = move |_| {
        if busy.get_untracked() {
            return;
        }
        if shown.get_untracked() {
            shown.set(false);
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = token_now().await;
            let _ = busy.try_set(false);
            match result {
                Ok(_) => {
                    let _ = shown.try_set(true);
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => {
                    let _ = error.try_set(Some(e.message()));
                }
            }
        });
    };

    let on_copy = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        status.set(String::new());
        spawn_local(async move {
            let result = token_now().await;
            let copied = match &result {
                Ok(token) => copy_to_clipboard(token).await,
                Err(_) => Err(()),
            };
            let _ = busy.try_set(false);
            match (result, copied) {
                (Ok(_), Ok(())) => {
                    let _ = status.try_set("Copied".to_string());
                }
                (Ok(_), Err(())) => {
                    // Show it so it can be selected and copied by hand.
                    let _ = shown.try_set(true);
                    let _ = error.try_set(Some(
                        "The browser did not allow copying. The token is shown: select it and copy it yourself."
                            .to_string(),
                    ));
                }
                (Err(ApiError::Unauthenticated), _) => {}
                (Err(e), _) => {
                    let _ = error.try_set(Some(e.message()));
                }
            }
        });
    };

    let ask_regenerate = move |_| {
        step.set(Step::Confirm);
        status.set(String::new());
        focus_after_render(confirm_cancel_ref);
    };
    let cancel_regenerate = move |_| {
        step.set(Step::Idle);
        focus_after_render(regenerate_ref);
    };
    let confirm_regenerate = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api.call(|c| c.regenerate_token(id)).await;
            let _ = busy.try_set(false);
            match result {
                Ok(fresh) => {
                    let _ = revealed.try_set(Some(fresh));
                    let _ = shown.try_set(true);
                    let _ = step.try_set(Step::Idle);
                    let _ = status.try_set(
                        "New access token created. The previous one no longer works.".to_string(),
                    );
                    focus_after_render(copy_ref);
                }
                Err(ApiError::Unauthenticated) => {}
                Err(e) => {
                    let _ = error.try_set(Some(e.message()));
                }
            }
        });
    };

    let token_text = move || match (revealed.get(), shown.get()) {
        (Some(t), true) => t.token,
        (Some(t), false) => token::masked(&t.token),
        (None, _) => match hint.get() {
            Some(h) => token::masked(&h.hint),
            None => format!("{}••••••••", token::PREFIX),
        },
    };
    let times = move || {
        let (created, used) = match (revealed.get(), hint.get()) {
            (Some(t), _) => (Some(t.created_at), t.last_used_at),
            (None, Some(h)) => (Some(h.created_at), h.last_used_at),
            (None, None) => (None, None),
        };
        created.map(|created| {
            let used_view = match used {
                Some(used) => {
                    view! { <time datetime=used.clone()>{human_time(&used)}</time> }.into_any()
                }
                None => "Never used".into_any(),
            };
            view! {
                <dl class="token-times">
                    <div>
                        <dt>"Created"</dt>
                        <dd><time datetime=created.clone()>{human_time(&created)}</time></dd>
                    </div>
                    <div>
                        <dt>"Last used"</dt>
                        <dd>{used_view}</dd>
                    </div>
                </dl>
            }
        })
    };

    let confirm_text = if is_me {
        "The current token stops working immediately. It is your own token: you will need the new one to sign in again."
    } else {
        "The current token stops working immediately."
    };

    view! {
        <Modal
            labelled_by=title_id
            on_cancel=move || on_close.run(())
            return_focus_id=return_focus_id
            class="token-dialog"
        >
            <h2 id=title_id class="dialog-title">{format!("Access token for {name}")}</h2>
            {move || load_error.get().map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })}
            <div class="token-box">
                <code class="token-value" id="token-value">{token_text}</code>
                <div class="token-buttons">
                    <button
                        type="button"
                        class="button"
                        aria-pressed=move || if shown.get() { "true" } else { "false" }
                        aria-controls="token-value"
                        disabled=move || busy.get()
                        on:click=on_show
                    >
                        "Show token"
                    </button>
                    <button
                        type="button"
                        class="button"
                        node_ref=copy_ref
                        autofocus=true
                        disabled=move || busy.get()
                        on:click=on_copy
                    >
                        "Copy"
                    </button>
                </div>
            </div>
            {times}
            <p class="dialog-note">
                "Service accounts are recommended for API access: a user's token stops working when their permissions change, and for good when the user is archived (restoring the user issues a new token)."
            </p>
            <p class="dialog-status" role="status">{move || status.get()}</p>
            {move || error.get().map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })}
            {move || match step.get() {
                Step::Idle => view! {
                    <div class="dialog-actions">
                        <button
                            type="button"
                            class="button danger-outline"
                            node_ref=regenerate_ref
                            disabled=move || busy.get()
                            on:click=ask_regenerate
                        >
                            "Regenerate access token"
                        </button>
                        <button type="button" class="button" on:click=move |_| on_close.run(())>
                            "Close"
                        </button>
                    </div>
                }
                .into_any(),
                Step::Confirm => view! {
                    <div class="confirm-step" role="group" aria-labelledby="regenerate-warning">
                        <p id="regenerate-warning" class="warning">{confirm_text}</p>
                        <div class="dialog-actions">
                            <button
                                type="button"
                                class="button danger"
                                disabled=move || busy.get()
                                aria-busy=move || busy.get().then_some("true")
                                on:click=confirm_regenerate
                            >
                                "Regenerate"
                            </button>
                            <button
                                type="button"
                                class="button"
                                node_ref=confirm_cancel_ref
                                on:click=cancel_regenerate
                            >
                                "Cancel"
                            </button>
                        </div>
                    </div>
                }
                .into_any(),
            }}
        </Modal>
    }
}
