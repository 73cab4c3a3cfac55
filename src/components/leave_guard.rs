//! Nothing typed is lost: while a form has unsaved changes, leaving it —
//! its own "Cancel", any link, the browser's Back — first asks "Discard
//! changes?" ("Discard" / "Keep editing"), and reloading or closing the tab
//! gets the browser's own prompt (`beforeunload`). No changes, no question.
//!
//! The listeners are installed once, by the app before its router
//! ([`install_leave_guards`]), and ask the form's guard mounted now, if
//! any. Links are caught in the capture phase (before the router's click
//! handler, which ignores a click whose default was prevented). Back is
//! caught by a `popstate` listener on `window` registered before the
//! router's (listeners on `window` run in the order they were added), so
//! it can stop the router from seeing it; the move is undone with
//! `history.go(1)` and replayed with `history.back()` on "Discard". Forward
//! from a form is treated like Back: reaching one with unsaved changes by
//! Forward needs a discarded edit first, and it lands on the same question.

use std::rc::Rc;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::components::dialogs::modal::Modal;

/// Where the administrator asked to go.
#[derive(Debug, Clone, PartialEq)]
enum Leaving {
    /// A path in the app (a link or the form's own Cancel).
    To(String),
    /// The browser's Back (already undone, replayed on "Discard").
    Back,
}

/// Goes to a path in the app (the router's `navigate`, kept for handlers).
type Navigate = Rc<dyn Fn(&str)>;

/// The guard of one form: [`LeaveGuard::leave`] for the form's own ways
/// out; links and Back are watched while it is mounted.
#[derive(Clone, Copy)]
pub struct LeaveGuard {
    dirty: Signal<bool>,
    navigate: StoredValue<Navigate, LocalStorage>,
    asking: RwSignal<Option<Leaving>>,
    /// Set once leaving is decided (saved or discarded): nothing is asked again.
    released: StoredValue<bool>,
}

impl LeaveGuard {
    /// Goes to `path`, first asking when there are unsaved changes.
    pub fn leave(&self, path: String) {
        if self.must_ask() {
            self.asking.set(Some(Leaving::To(path)));
        } else {
            self.go(&path);
        }
    }

    /// Lets the form leave without asking (after a save).
    pub fn release(&self) {
        self.released.set_value(true);
    }

    fn go(&self, path: &str) {
        self.navigate.with_value(|navigate| navigate(path));
    }

    fn must_ask(&self) -> bool {
        !self.released.try_get_value().unwrap_or(true) && self.dirty.get_untracked()
    }
}

/// The in-app path a click goes to, when it is a plain click on a link the
/// router would follow.
fn followed_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let anchor: web_sys::HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let here = window().location();
    let url = web_sys::Url::new(&anchor.href()).ok()?;
    (url.origin() == here.origin().ok()?).then(|| format!("{}{}", url.pathname(), url.search()))
}

/// Adds `handler` for `event` on `window` (in the capture phase when
/// `capture`) until the current owner is cleaned up.
fn listen_on_window<E: JsCast + 'static>(
    event: &'static str,
    capture: bool,
    handler: impl Fn(E) + 'static,
) {
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        handler(ev.unchecked_into())
    });
    let function: js_sys::Function = closure.into_js_value().unchecked_into();
    let _ = window().add_event_listener_with_callback_and_bool(event, &function, capture);
    let function = StoredValue::new_local(function);
    on_cleanup(move || {
        if let Some(function) = function.try_get_value() {
            let _ =
                window().remove_event_listener_with_callback_and_bool(event, &function, capture);
        }
    });
}

/// The guard of the form mounted now, if any (context).
#[derive(Clone, Copy)]
struct ActiveGuard(StoredValue<Option<LeaveGuard>, LocalStorage>);

impl ActiveGuard {
    /// The guard, when leaving now must ask.
    fn asking(&self) -> Option<LeaveGuard> {
        self.0
            .try_get_value()
            .flatten()
            .filter(LeaveGuard::must_ask)
    }
}

/// Watches links, Back and unloading for the whole app. Call before the
/// router is created: its `popstate` listener must come after this one.
pub fn install_leave_guards() {
    let active = ActiveGuard(StoredValue::new_local(None));
    provide_context(active);
    // Undoing a Back moves history once more: that move is ours, not asked.
    let undoing = StoredValue::new(false);

    listen_on_window("click", true, move |ev: web_sys::MouseEvent| {
        let Some(guard) = active.asking() else {
            return;
        };
        if let Some(path) = followed_link(&ev) {
            ev.prevent_default();
            guard.asking.set(Some(Leaving::To(path)));
        }
    });
    listen_on_window("popstate", false, move |ev: web_sys::Event| {
        if undoing.get_value() {
            undoing.set_value(false);
            ev.stop_immediate_propagation();
            return;
        }
        let Some(guard) = active.asking() else {
            return;
        };
        ev.stop_immediate_propagation();
        undoing.set_value(true);
        if let Ok(history) = window().history() {
            let _ = history.go_with_delta(1);
        }
        guard.asking.set(Some(Leaving::Back));
    });
    listen_on_window(
        "beforeunload",
        false,
        move |ev: web_sys::BeforeUnloadEvent| {
            if active.asking().is_some() {
                ev.prevent_default();
                ev.set_return_value("");
            }
        },
    );
}

/// Guards a form whose changes are `dirty` while it is mounted, and shows
/// "Discard changes?" when a way out is taken. `what` completes "Your
/// changes to … have not been saved." (e.g. "this user").
pub fn leave_guard(dirty: Signal<bool>, what: &'static str) -> (LeaveGuard, impl IntoView) {
    let navigate = use_navigate();
    let navigate: Navigate = Rc::new(move |path: &str| navigate(path, Default::default()));
    let guard = LeaveGuard {
        dirty,
        navigate: StoredValue::new_local(navigate),
        asking: RwSignal::new(None),
        released: StoredValue::new(false),
    };
    if let Some(active) = use_context::<ActiveGuard>() {
        active.0.set_value(Some(guard));
        on_cleanup(move || {
            // Only if no newer form took over meanwhile.
            let _ = active.0.try_update_value(|current| {
                if current.is_some_and(|g| g.asking == guard.asking) {
                    *current = None;
                }
            });
        });
    }

    let dialog = move || {
        guard.asking.get().map(|leaving| {
            let returning_to = document()
                .active_element()
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                .filter(|el| el.tag_name() != "BODY");
            let returning_to = StoredValue::new_local(returning_to);
            let keep_editing = move || {
                guard.asking.set(None);
                if let Some(el) = returning_to.get_value() {
                    request_animation_frame(move || {
                        let _ = el.focus();
                    });
                }
            };
            let discard = move |_| {
                guard.release();
                guard.asking.set(None);
                match &leaving {
                    Leaving::To(path) => guard.go(path),
                    Leaving::Back => {
                        if let Ok(history) = window().history() {
                            let _ = history.back();
                        }
                    }
                }
            };
            view! {
                <Modal
                    labelled_by="discard-title"
                    described_by="discard-text"
                    on_cancel=keep_editing
                    class="discard-dialog"
                >
                    <h2 id="discard-title" class="dialog-title">"Discard changes?"</h2>
                    <p id="discard-text">{format!("Your changes to {what} have not been saved.")}</p>
                    <div class="dialog-actions">
                        <button type="button" class="button danger" on:click=discard>
                            "Discard"
                        </button>
                        <button
                            type="button"
                            class="button"
                            autofocus=true
                            on:click=move |_| keep_editing()
                        >
                            "Keep editing"
                        </button>
                    </div>
                </Modal>
            }
        })
    };
    (guard, dialog)
}
