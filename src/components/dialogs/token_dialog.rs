//! "Access token for <First Last>": the token masked by default, "Show
//! token" (a toggle with `aria-pressed`), "Copy" (clipboard API, "Copied"
//! announced), created and last-used times, the service-account advice, and
//! "Regenerate access token" behind a confirmation step. The token lives in
//! this component's signals only: never in the URL, storage or logs.

use leptos::prelude::*;
use users_api::{token, AuditFilter, AuditQuery, RevealedToken, UserSummary};
use wasm_bindgen::JsCast;

use super::modal::Modal;
use crate::api::use_api;
use crate::components::focus::focus_id_after_render;
use crate::state::audit_url::AuditView;
use crate::state::loaded::Loaded;
use crate::state::outcome::on_outcome;
use crate::state::session::use_session;

const COPY_ID: &str = "token-copy";
const REGENERATE_ID: &str = "token-regenerate";
const CONFIRM_CANCEL_ID: &str = "token-confirm-cancel";

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

/// What a button of the dialog asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Show,
    Copy,
    Regenerate,
}

/// What the token action did.
#[derive(Debug, Clone)]
enum Done {
    Shown(RevealedToken),
    /// The token, and whether the browser allowed copying it.
    Copied(RevealedToken, bool),
    Regenerated(RevealedToken),
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

    // The token's hint and times as stored now.
    let detail = Loaded::new(move || api.call(move |c| c.get_user(id)));
    let hint = move || {
        detail.with(|d| {
            d.as_ref()
                .and_then(|d| d.as_ref().ok().map(|d| d.access_token.clone()))
        })
    };
    let load_error = move || {
        detail.with(|d| match d {
            Some(Err(e)) => e.shown(),
            _ => None,
        })
    };
    // When and by whom the token was last regenerated (the audit log),
    // asked again after a regeneration here.
    let regenerations = RwSignal::new(0u64);
    let last_regenerated = Loaded::new(move || {
        regenerations.track();
        let query = AuditQuery {
            filter: AuditFilter {
                target: Some(id),
                actions: vec!["token.regenerate".to_string()],
                ..Default::default()
            },
            before: None,
            per_page: 1,
        };
        async move { api.call(move |c| c.audit(&query)).await }
    });
    let history_url = AuditView {
        target: Some(id),
        action: Some("token.regenerate".to_string()),
        ..AuditView::default()
    }
    .url();
    let regenerated_line = move || {
        last_regenerated.get().and_then(Result::ok).map(|page| {
            let said = match page.entries.first() {
                Some(entry) => format!(
                    "Last regenerated {} by {}.",
                    human_time(&entry.at),
                    entry
                        .actor
                        .as_ref()
                        .map_or("the operator", |a| a.name.as_str())
                ),
                None => "Never regenerated.".to_string(),
            };
            view! {
                <p class="dialog-note token-history">
                    {said} " " <a href=history_url.clone()>"Token history"</a>
                </p>
            }
        })
    };

    // The token, once revealed: kept in this dialog only.
    let revealed = RwSignal::new(None::<RevealedToken>);
    let shown = RwSignal::new(false);
    let step = RwSignal::new(Step::Idle);
    let status = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    // Show, Copy and Regenerate: one action, so one of them runs at a time.
    let token_action = Action::new_local(move |intent: &Intent| {
        let (intent, known) = (*intent, revealed.get_untracked());
        async move {
            if intent == Intent::Regenerate {
                return api
                    .call(move |c| c.regenerate_token(id))
                    .await
                    .map(Done::Regenerated);
            }
            let token = match known {
                Some(token) => token,
                None => api.call(move |c| c.reveal_token(id)).await?,
            };
            Ok(match intent {
                Intent::Copy => {
                    let copied = copy_to_clipboard(&token.token).await.is_ok();
                    Done::Copied(token, copied)
                }
                _ => Done::Shown(token),
            })
        }
    });
    let busy = token_action.pending();
    let run = move |intent: Intent| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        status.set(String::new());
        token_action.dispatch(intent);
    };
    on_outcome(token_action, move |result| {
        match result {
            Ok(Done::Shown(token)) => {
                revealed.set(Some(token));
                shown.set(true);
            }
            Ok(Done::Copied(token, true)) => {
                revealed.set(Some(token));
                status.set("Copied".to_string());
            }
            Ok(Done::Copied(token, false)) => {
                // Show it so it can be selected and copied by hand.
                revealed.set(Some(token));
                shown.set(true);
                error.set(Some(
                    "The browser did not allow copying. The token is shown: select it and copy it yourself."
                        .to_string(),
                ));
            }
            Ok(Done::Regenerated(token)) => {
                regenerations.update(|n| *n += 1);
                revealed.set(Some(token));
                shown.set(true);
                step.set(Step::Idle);
                status
                    .set("New access token created. The previous one no longer works.".to_string());
                focus_id_after_render(COPY_ID);
            }
            Err(e) => error.set(e.shown()),
        }
    });

    let on_show = move |_| {
        if shown.get_untracked() {
            shown.set(false);
        } else {
            run(Intent::Show);
        }
    };
    let on_copy = move |_| run(Intent::Copy);
    let ask_regenerate = move |_| {
        step.set(Step::Confirm);
        status.set(String::new());
        focus_id_after_render(CONFIRM_CANCEL_ID);
    };
    let cancel_regenerate = move |_| {
        step.set(Step::Idle);
        focus_id_after_render(REGENERATE_ID);
    };
    let confirm_regenerate = move |_| run(Intent::Regenerate);

    let token_text = move || match (revealed.get(), shown.get()) {
        (Some(t), true) => t.token,
        (Some(t), false) => token::masked(&t.token),
        (None, _) => match hint() {
            Some(h) => token::masked(&h.hint),
            None => format!("{}••••••••", token::PREFIX),
        },
    };
    let times = move || {
        let (created, used) = match (revealed.get(), hint()) {
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
            {move || load_error().map(|e| view! { <p class="dialog-error" role="alert">{e}</p> })}
            <div class="token-box">
                <code class="token-value" id="token-value">{token_text}</code>
                <div class="token-buttons">
                    <button
                        type="button"
                        class="button"
                        aria-pressed=move || if shown.get() { "true" } else { "false" }
                        aria-controls="token-value"
                        aria-disabled=move || busy.get().then_some("true")
                        on:click=on_show
                    >
                        {move || if shown.get() { "Hide token" } else { "Show token" }}
                    </button>
                    <button
                        type="button"
                        class="button"
                        id=COPY_ID
                        autofocus=true
                        aria-disabled=move || busy.get().then_some("true")
                        on:click=on_copy
                    >
                        "Copy"
                    </button>
                </div>
            </div>
            {times}
            {regenerated_line}
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
                            id=REGENERATE_ID
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
                                id=CONFIRM_CANCEL_ID
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
