//! Reacting to what an action answered. The handler runs untracked: it
//! sets signals, navigates, focuses or dispatches, and none of that may
//! subscribe it to anything but the action's answer (a handler that read
//! the router's location would run again on the navigation it caused).

use leptos::prelude::*;

/// Runs `handler` with each answer `action` gives (not on creation).
pub fn on_outcome<I, O>(action: Action<I, O>, mut handler: impl FnMut(O) + 'static)
where
    I: 'static,
    O: Clone + 'static,
{
    let mut seen = action.version().get_untracked();
    watch_erased(Box::new(move || {
        // The action's version counts its answers: a new one is an answer.
        let version = action.version().get();
        if version == seen {
            return;
        }
        seen = version;
        if let Some(answer) = action.value().get_untracked() {
            untrack(|| handler(answer));
        }
    }));
}

/// One effect type for every `on_outcome` (its body boxed): the effect's
/// machinery is compiled once, not once per action (~3.5 KB of wasm each).
#[inline(never)]
fn watch_erased(mut body: Box<dyn FnMut()>) {
    Effect::new(move |_| body());
}
