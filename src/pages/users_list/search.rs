//! The search box: debounced as you type (replacing the URL, back to page
//! 1), immediate on Enter, following the URL on back/forward, focused by
//! "/", and emptied by "Clear search" or Esc (focus stays in the box).

use gloo_timers::callback::Timeout;
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use users_api::ListQuery;
use wasm_bindgen::JsCast;

use super::SEARCH_DEBOUNCE_MS;

/// Whether a key press happens while the user types in a field.
fn typing_in_field(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT") || el.is_content_editable()
}

/// The search form for `query`; `go` navigates to the searched query.
pub(super) fn search_box(
    query: Memo<ListQuery>,
    go: impl Fn(ListQuery, bool) + Copy + 'static,
) -> impl IntoView {
    let search_ref = NodeRef::<html::Input>::new();
    let search_text = RwSignal::new(query.get_untracked().query);
    let debounce = StoredValue::new_local(None::<Timeout>);
    let typing = StoredValue::new(false);
    let apply_search = move |text: String| {
        typing.set_value(false);
        let q = query.get_untracked();
        let text = text.trim().to_string();
        if q.query != text {
            go(
                ListQuery {
                    query: text,
                    page: 1,
                    ..q
                },
                true,
            );
        }
    };
    let on_search_input = move |ev| {
        let text = event_target_value(&ev);
        search_text.set(text.clone());
        typing.set_value(true);
        debounce.set_value(Some(Timeout::new(SEARCH_DEBOUNCE_MS, move || {
            apply_search(text)
        })));
    };
    let on_search_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        debounce.set_value(None);
        apply_search(search_text.get_untracked());
    };
    // "Clear search" and Esc: empty now, not after the pause.
    let clear = move || {
        debounce.set_value(None);
        search_text.set(String::new());
        apply_search(String::new());
        if let Some(input) = search_ref.get_untracked() {
            let _ = input.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && !search_text.get_untracked().is_empty() {
            ev.prevent_default();
            clear();
        }
    };
    // Back/forward or a link changed the URL: show its search text.
    Effect::new(move |_| {
        let q = query.with(|q| q.query.clone());
        if !typing.get_value() && search_text.get_untracked().trim() != q {
            search_text.set(q);
        }
    });
    // "/" focuses the search box, unless typing in a field.
    let slash = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        if typing_in_field(ev.target()) {
            return;
        }
        if let Some(input) = search_ref.get_untracked() {
            ev.prevent_default();
            let _ = input.focus();
            input.select();
        }
    });
    on_cleanup(move || slash.remove());

    view! {
        <form role="search" class="search" on:submit=on_search_submit>
            <label for="user-search" class="visually-hidden">"Search users"</label>
            <input
                id="user-search"
                type="search"
                node_ref=search_ref
                placeholder="Search by name or email"
                autocomplete="off"
                spellcheck="false"
                aria-keyshortcuts="/"
                prop:value=move || search_text.get()
                on:input=on_search_input
                on:keydown=on_keydown
            />
            <kbd class="shortcut" aria-hidden="true" hidden=move || !search_text.with(String::is_empty)>
                "/"
            </kbd>
            <button
                type="button"
                class="search-clear"
                aria-label="Clear search"
                hidden=move || search_text.with(String::is_empty)
                on:click=move |_| clear()
            >
                <span aria-hidden="true">"×"</span>
            </button>
        </form>
    }
}
