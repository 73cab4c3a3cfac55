use leptos::ev::{FocusEvent, KeyboardEvent};
use leptos::html;
use leptos::prelude::*;
use users_api::UserSummary;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::state::row_action::{use_row_actions, RowAction, RowActionKind};

impl RowActionKind {
    /// The menu item's name.
    pub fn label(self) -> &'static str {
        match self {
            RowActionKind::AccessToken => "Access token",
            RowActionKind::Delete => "Delete",
        }
    }
}

/// The id of a row's "More actions for …" button.
pub fn menu_button_id(user_id: i64) -> String {
    format!("row-menu-button-{user_id}")
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
/// item puts a [`RowAction`] in context for the dialogs.
#[component]
pub fn RowMenu(user: UserSummary, items: Vec<RowActionKind>) -> impl IntoView {
    let row_actions = use_row_actions();
    let open = RwSignal::new(false);
    let button_id = menu_button_id(user.id);
    let menu_id = format!("row-menu-{}", user.id);
    let name = user.full_name();
    let wrapper_ref = NodeRef::<html::Div>::new();
    let button_ref = NodeRef::<html::Button>::new();
    let menu_ref = NodeRef::<html::Div>::new();
    let user = StoredValue::new(user);
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

    let choose = move |kind: RowActionKind| {
        hide(true);
        row_actions.0.set(Some(RowAction {
            kind,
            user: user.get_value(),
            return_focus_id: menu_button_id(user.with_value(|u| u.id)),
        }));
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
        .map(|kind| {
            let on_keydown = move |ev: KeyboardEvent| {
                if ev.key() == "Enter" || ev.key() == " " {
                    ev.prevent_default();
                    ev.stop_propagation();
                    choose(kind);
                }
            };
            view! {
                <button
                    type="button"
                    role="menuitem"
                    tabindex="-1"
                    class=if kind == RowActionKind::Delete { "menu-item danger" } else { "menu-item" }
                    on:click=move |_| choose(kind)
                    on:keydown=on_keydown
                >
                    {kind.label()}
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
