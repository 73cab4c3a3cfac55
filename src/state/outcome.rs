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
    Effect::watch(
        move || action.value().get(),
        move |answer, _, _| {
            if let Some(answer) = answer {
                handler(answer.clone());
            }
        },
        false,
    );
}
