use std::rc::Rc;

use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// The id of a row's "More actions for …" button; `key` names the row
/// (a user's id, or `group-<id>`).
pub fn menu_button_id(key: &str) -> String {
    format!("row-menu-button-{key}")
}

/// One item of a row menu: its name and what choosing it does (the menu
/// has closed and focus is back on its button by then).
#[derive(Clone)]
pub struct MenuItem {
    pub label: &'static str,
    /// Destructive (shown as such).
    pub danger: bool,
    pub run: Rc<dyn Fn()>,
}

fn menu_items(menu: &HtmlElement) -> Vec<HtmlElement> {
    let Ok(list) = menu.query_selector_all("[role=menuitem]") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Which item gets focus when the menu opens or moves.
#[derive(Clone, Copy)]
enum Move {
    First,
    Last,
    Next,
    Previous,
}

/// A row's "More actions for <First Last>" menu button and its menu
/// (role=menu). Enter, Space and ArrowDown open it on the first item,
/// ArrowUp on the last; arrows move (wrapping), Home and End jump; Escape
/// closes it and returns focus to the button; Tab closes it. Choosing an
/// item runs it.
#[component]
pub fn RowMenu(
    /// Names the row in element ids (see [`menu_button_id`]).
    key: String,
    /// The row's name, as the button's name says it.
    name: String,
    items: Vec<MenuItem>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button_id = menu_button_id(&key);
    let menu_id = format!("row-menu-{key}");
    let wrapper_ref = NodeRef::<html::Div>::new();
    let button_ref = NodeRef::<html::Button>::new();
    let menu_ref = NodeRef::<html::Div>::new();
    // Closing the menu and leaving the page in one go (choosing "Delete",
    // then the page goes) can run the attribute updates after the row is
    // disposed: read `open` as closed then.
    let is_open = move || open.try_get().unwrap_or(false);

    let focus_item = move |how: Move| {
        let Some(menu) = menu_ref.get_untracked() else {
            return;
        };
        let menu: HtmlElement = menu.into();
        let items = menu_items(&menu);
        if items.is_empty() {
            return;
        }
        let active = document().active_element();
        let current = items
            .iter()
            .position(|item| active.as_ref() == Some(item.unchecked_ref()));
        let last = items.len() - 1;
        let index = match (how, current) {
            (Move::First, _) | (Move::Next, None) => 0,
            (Move::Last, _) | (Move::Previous, None) => last,
            (Move::Next, Some(i)) => {
                if i == last {
                    0
                } else {
                    i + 1
                }
            }
            (Move::Previous, Some(i)) => {
                if i == 0 {
                    last
                } else {
                    i - 1
                }
            }
        };
        let _ = items[index].focus();
    };

    let show = move |how: Move| {
        open.set(true);
        // Show it now (not on the next render) so focus can move into it.
        if let Some(menu) = menu_ref.get_untracked() {
            menu.set_hidden(false);
        }
        focus_item(how);
    };

    let hide = move |return_focus: bool| {
        open.set(false);
        if let Some(menu) = menu_ref.get_untracked() {
            menu.set_hidden(true);
        }
        if return_focus {
            if let Some(button) = button_ref.get_untracked() {
                let _ = button.focus();
            }
        }
    };

    let on_button_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Enter" | " " | "ArrowDown" => {
            ev.prevent_default();
            show(Move::First);
        }
        "ArrowUp" => {
            ev.prevent_default();
            show(Move::Last);
        }
        _ => {}
    };
    // Space activates a button on key up: the key down already opened it.
    let on_button_keyup = move |ev: KeyboardEvent| {
        if ev.key() == " " {
            ev.prevent_default();
        }
    };
    let on_button_click = move |_| {
        if open.get_untracked() {
            hide(false);
        } else {
            show(Move::First);
        }
    };

    let choose = move |item: &MenuItem| {
        hide(true);
        (item.run)();
    };

    let on_menu_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "ArrowDown" => {
            ev.prevent_default();
            focus_item(Move::Next);
        }
        "ArrowUp" => {
            ev.prevent_default();
            focus_item(Move::Previous);
        }
        "Home" => {
            ev.prevent_default();
            focus_item(Move::First);
        }
        "End" => {
            ev.prevent_default();
            focus_item(Move::Last);
        }
        "Escape" => {
            ev.prevent_default();
            hide(true);
        }
        "Tab" => hide(false),
        _ => {}
    };

    // Focus leaving the whole widget (click elsewhere, Tab) closes the menu.
    let on_focusout = move |ev: FocusEvent| {
        // Also fires while the row is being removed (the owner may be gone).
        if !open.try_get_untracked().unwrap_or(false) {
            return;
        }
        let Some(wrapper) = wrapper_ref.get_untracked() else {
            return;
        };
        let inside = ev
            .related_target()
            .and_then(|t| t.dyn_into::<web_sys::Node>().ok())
            .is_some_and(|node| wrapper.contains(Some(&node)));
        if !inside {
            hide(false);
        }
    };

    let entries = items
        .into_iter()
        .map(|item| {
            let item = StoredValue::new_local(item);
            let on_keydown = move |ev: KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    ev.stop_propagation();
                    item.with_value(choose);
                }
            };
            let (label, danger) = item.with_value(|i| (i.label, i.danger));
            view! {
                <button
                    type="button"
                    role="menuitem"
                    tabindex="-1"
                    class=if danger { "menu-item danger" } else { "menu-item" }
                    on:click=move |_| item.with_value(choose)
                    on:keydown=on_keydown
                >
                    {label}
                </button>
            }
        })
        .collect_view();

    view! {
        <div class="row-menu" node_ref=wrapper_ref on:focusout=on_focusout>
            <button
                type="button"
                class="button icon-button"
                id=button_id.clone()
                node_ref=button_ref
                aria-label=format!("More actions for {name}")
                aria-haspopup="menu"
                aria-controls=menu_id.clone()
                aria-expanded=move || if is_open() { "true" } else { "false" }
                on:click=on_button_click
                on:keydown=on_button_keydown
                on:keyup=on_button_keyup
            >
                <span aria-hidden="true">"⋯"</span>
            </button>
            <div
                role="menu"
                class="menu"
                id=menu_id
                node_ref=menu_ref
                aria-labelledby=button_id
                hidden=move || !is_open()
                on:keydown=on_menu_keydown
            >
                {entries}
            </div>
        </div>
    }
}
