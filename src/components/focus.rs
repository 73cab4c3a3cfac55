//! Moving focus: to an element by id, to the page's heading, or to either
//! once the pending render is painted. Every view that moves focus calls
//! these, so focus is never dropped on `<body>` by a missing target.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

fn element(id: &str) -> Option<HtmlElement> {
    document()
        .get_element_by_id(id)
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
}

/// Focuses the element with `id`; `false` when there is none.
pub fn focus_id(id: &str) -> bool {
    element(id).is_some_and(|el| el.focus().is_ok())
}

/// Focuses the first element matching `selector` unless it is disabled
/// (`aria-disabled`); `false` when nothing took focus.
pub fn focus_selector(selector: &str) -> bool {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        .filter(|el| el.get_attribute("aria-disabled").as_deref() != Some("true"))
        .is_some_and(|el| el.focus().is_ok())
}

/// Focuses the page's main heading (made programmatically focusable);
/// `false` when the page has none.
pub fn focus_heading() -> bool {
    let Some(heading) = document()
        .query_selector("main h1")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    else {
        return false;
    };
    if !heading.has_attribute("tabindex") {
        let _ = heading.set_attribute("tabindex", "-1");
    }
    heading.focus().is_ok()
}

/// Focuses where a view starts: its main heading, or, when the view could
/// not be shown (its code or data failed to load), the error's "Retry",
/// the one thing to do there (the alert itself is announced).
pub fn focus_view_start() {
    if !focus_selector("main [role=alert] button") {
        focus_heading();
    }
}

/// Focuses the element with `id`, else the page's main heading.
pub fn focus_id_or_heading(id: &str) {
    if !focus_id(id) {
        focus_heading();
    }
}

/// Focuses the element with `id` once the current render has been painted
/// (for controls that a state change is about to show or enable).
pub fn focus_id_after_render(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        focus_id(&id);
    });
}

/// Whether focus has fallen to `<body>` (or nowhere).
pub fn focus_is_lost() -> bool {
    document()
        .active_element()
        .is_none_or(|el| el.tag_name() == "BODY")
}

/// Whether a blur moves focus to the form's own buttons (Submit, Cancel):
/// checking the field then would show its error line as the button is
/// pressed, moving the button from under the pointer before the click
/// lands. Submit checks every field anyway; Cancel leaves.
fn blur_to_form_actions(ev: &web_sys::FocusEvent) -> bool {
    ev.related_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".form-actions").ok().flatten())
        .is_some()
}

/// A field's blur handler: runs `check` unless focus is going to the form's
/// own buttons (see `blur_to_form_actions`).
pub fn check_on_blur(
    check: impl Fn() + Copy + 'static,
) -> impl Fn(web_sys::FocusEvent) + Copy + 'static {
    move |ev| {
        if !blur_to_form_actions(&ev) {
            check()
        }
    }
}

/// The first time within the next two seconds that focus is found on
/// `<body>` (the element focused went away as a view or a list painted
/// again), calls `refocus`, once — the one retry of the app (a dialog
/// returning focus, the heading of a new view). Once is enough, and more
/// would fight a later move of the user's or of another view.
pub fn refocus_once_lost(refocus: impl Fn() + 'static) {
    leptos::task::spawn_local(async move {
        for _ in 0..40 {
            gloo_timers::future::TimeoutFuture::new(50).await;
            if focus_is_lost() {
                refocus();
                return;
            }
        }
    });
}
