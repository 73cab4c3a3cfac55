//! A modal built on the native `<dialog>`: opened with `showModal()` (the
//! rest of the page becomes inert and a backdrop is drawn), named by its
//! heading (`aria-labelledby`), Esc cancels, Tab and Shift+Tab wrap inside
//! it, and when it goes away focus returns to the control that opened it.

use std::cell::Cell;

use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlDialogElement, HtmlElement};

use crate::components::focus::{focus_id_or_heading, refocus_once_lost};

/// What can take focus inside a dialog (disabled and hidden controls excluded below).
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]), \
    select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

thread_local! {
    static NEXT_DIALOG: Cell<u64> = const { Cell::new(0) };
}

fn next_dialog_id() -> String {
    NEXT_DIALOG.with(|n| {
        n.set(n.get() + 1);
        format!("modal-{}", n.get())
    })
}

/// The focusable, rendered controls inside `root`, in document order.
pub fn focusable_in(root: &web_sys::Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        // Elements that are not rendered (hidden, display: none) have no offset parent.
        .filter(|el| el.offset_parent().is_some())
        .collect()
}

/// Moves focus to the element with `id`; when it no longer exists (its row
/// went away), to the page's main heading. The list may re-render its rows
/// right after a dialog closes; for a short while, focus that fell to
/// `<body>` is put back the same way.
pub fn return_focus(id: String) {
    focus_id_or_heading(&id);
    refocus_once_lost(move || focus_id_or_heading(&id));
}

/// Focuses the first `[autofocus]` element in `root`, else its first focusable one.
pub fn focus_initial(root: &web_sys::Element) {
    let wanted = root
        .query_selector("[autofocus]")
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
        .or_else(|| focusable_in(root).into_iter().next());
    if let Some(el) = wanted {
        let _ = el.focus();
    }
}

/// A modal dialog. It opens when mounted and closes when unmounted; the
/// owner unmounts it in `on_cancel` (Esc) and after its own buttons.
#[component]
pub fn Modal(
    /// The id of the heading that names the dialog.
    #[prop(into)]
    labelled_by: String,
    /// The id of the text that describes it, if any.
    #[prop(optional, into)]
    described_by: Option<String>,
    /// Esc (or the browser's own cancel) was pressed.
    #[prop(into)]
    on_cancel: UnsyncCallback<()>,
    /// Where focus goes when the dialog goes away.
    #[prop(optional, into)]
    return_focus_id: Option<String>,
    /// Extra classes for the `<dialog>`.
    #[prop(optional, into)]
    class: String,
    children: Children,
) -> impl IntoView {
    let dialog_ref = NodeRef::<html::Dialog>::new();
    let id = next_dialog_id();

    dialog_ref.on_load(move |dialog| {
        let dialog: HtmlDialogElement = dialog;
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
        focus_initial(&dialog);
    });

    {
        let id = id.clone();
        on_cleanup(move || {
            if let Some(dialog) = document()
                .get_element_by_id(&id)
                .and_then(|el| el.dyn_into::<HtmlDialogElement>().ok())
            {
                dialog.close();
            }
            if let Some(target) = return_focus_id {
                return_focus(target);
            }
        });
    }

    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            // Inner widgets (an open listbox) stop the key when they use it.
            ev.prevent_default();
            on_cancel.run(());
        }
        "Tab" => {
            let Some(dialog) = dialog_ref.get_untracked() else {
                return;
            };
            let items = focusable_in(&dialog);
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                ev.prevent_default();
                return;
            };
            let active = document().active_element();
            let inside = active
                .as_ref()
                .is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
            let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref());
            if ev.shift_key() && (at(first) || !inside) {
                ev.prevent_default();
                let _ = last.focus();
            } else if !ev.shift_key() && (at(last) || !inside) {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
        _ => {}
    };

    // The browser's own cancel (Esc when our key handler did not run first).
    let on_native_cancel = move |ev: web_sys::Event| {
        ev.prevent_default();
        on_cancel.run(());
    };

    view! {
        <dialog
            id=id
            node_ref=dialog_ref
            class=format!("modal {class}")
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:keydown=on_keydown
            on:cancel=on_native_cancel
        >
            {children()}
        </dialog>
    }
}
