//! The document title of each view, the specific part first ("Edit Ada
//! Novak — Acme", "Sign in — Users console"), so tabs, history and screen
//! readers say which view this is (WCAG 2.4.2).

use leptos::prelude::*;

use crate::state::session::use_session;

/// What follows the view's own part: the company, once signed in.
fn suffix() -> String {
    use_session()
        .me_untracked()
        .map_or_else(|| "Users console".to_string(), |me| me.company.name)
}

/// Keeps the document title at "<specific> — <company>" while the view is
/// shown; `specific` is tracked (a loaded name, a tab).
pub fn view_title(specific: impl Fn() -> String + 'static) {
    let suffix = suffix();
    Effect::new(move |_| document().set_title(&format!("{} — {suffix}", specific())));
}
