//! A combobox that picks several things found by a search (users to add to
//! a group, groups for a user): a labelled input with a listbox of what the
//! server found; Up/Down move, Enter picks, Esc closes the list; each pick
//! is handed to the owner (which shows it as a removable chip) and the input
//! empties for the next one.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::state::loaded::Loaded;

/// How long typing must pause before searching.
const DEBOUNCE_MS: u32 = 250;

/// One thing the picker offers.
#[derive(Debug, Clone, PartialEq)]
pub struct PickOption {
    pub id: i64,
    /// What it is called (the option's name starts with it).
    pub label: String,
    /// A second line (an email), if any.
    pub detail: String,
}

/// Finds the options for a search text.
pub type Search =
    Rc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<Vec<PickOption>, ApiError>>>>>;

#[component]
pub fn MultiPicker(
    /// The input's id (the label points at it).
    id: &'static str,
    label: &'static str,
    /// The listbox's name ("Users", "Groups").
    options_label: &'static str,
    search: Search,
    /// Ids not to offer (already chosen).
    #[prop(into)]
    exclude: Signal<Vec<i64>>,
    /// Called with each pick.
    #[prop(into)]
    on_pick: UnsyncCallback<PickOption>,
    /// Hint under the field.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let listbox_id = format!("{id}-options");
    let hint_id = format!("{id}-hint");
    let option_id = move |i: usize| format!("{id}-option-{i}");
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let debounce = StoredValue::new_local(None::<Timeout>);
    let needle = RwSignal::new(None::<String>);
    let search = StoredValue::new_local(search);
    let found = Loaded::new(move || {
        let needle = needle.get();
        let run = search.get_value();
        async move {
            let needle = needle?;
            Some((needle.clone(), run(needle).await))
        }
    });
    let results = Memo::new(move |_| {
        let exclude = exclude.get();
        found.with(|f| match f {
            Some(Some((_, Ok(options)))) => options
                .iter()
                .filter(|o| !exclude.contains(&o.id))
                .cloned()
                .collect(),
            _ => Vec::<PickOption>::new(),
        })
    });
    let message = move || {
        found.with(|f| match f {
            Some(Some((_, Err(e)))) => e
                .shown()
                .map(|why| format!("Could not search. {why}"))
                .unwrap_or_default(),
            Some(Some((needle, Ok(_)))) => match results.with(Vec::len) {
                0 if needle.is_empty() => "Nothing left to add.".to_string(),
                0 => format!("Nothing matches “{needle}”."),
                1 => "1 found. Use the arrow keys to choose.".to_string(),
                n => format!("{n} found. Use the arrow keys to choose."),
            },
            _ => hint.to_string(),
        })
    };
    Effect::new(move |_| {
        if found.with(|f| matches!(f, Some(Some((_, Ok(_)))))) {
            open.set(true);
            active.set(None);
        }
    });
    let run_search = move |value: String| needle.set(Some(value.trim().to_string()));

    let pick = move |option: PickOption| {
        debounce.set_value(None);
        text.set(String::new());
        open.set(false);
        active.set(None);
        needle.set(None);
        on_pick.run(option);
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        debounce.set_value(Some(Timeout::new(DEBOUNCE_MS, move || run_search(value))));
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let count = results.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if !open.get_untracked() {
                    run_search(text.get_untracked());
                }
                if count > 0 {
                    open.set(true);
                    active.set(Some(active.get_untracked().map_or(0, |i| (i + 1) % count)));
                }
            }
            "ArrowUp" => {
                ev.prevent_default();
                if count > 0 {
                    open.set(true);
                    active.set(Some(match active.get_untracked() {
                        Some(0) | None => count - 1,
                        Some(i) => i - 1,
                    }));
                }
            }
            "Enter" => {
                // Enter never submits the form around the picker.
                ev.prevent_default();
                let chosen = active
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| results.with_untracked(|r| r.get(i).cloned()));
                if let Some(option) = chosen {
                    pick(option);
                } else {
                    debounce.set_value(None);
                    run_search(text.get_untracked());
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                ev.stop_propagation();
                open.set(false);
                active.set(None);
            }
            "Tab" => open.set(false),
            _ => {}
        }
    };
    let options = move || {
        results
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, option)| {
                let is_active = move || active.get() == Some(i);
                let chosen = option.clone();
                view! {
                    <li
                        role="option"
                        id=option_id(i)
                        class="option"
                        class:is-active=is_active
                        aria-selected=move || if is_active() { "true" } else { "false" }
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| pick(chosen.clone())
                    >
                        <span class="option-name">{option.label.clone()}</span>
                        " "
                        <span class="option-email">{option.detail.clone()}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field combobox">
            <label for=id>{label}</label>
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                placeholder="Type to search"
                aria-autocomplete="list"
                aria-controls=listbox_id.clone()
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || active.get().map(option_id)
                aria-describedby=hint_id.clone()
                prop:value=move || text.get()
                on:input=on_input
                on:focus=move |_| {
                    if needle.get_untracked().is_none() {
                        run_search(text.get_untracked());
                    }
                }
                on:keydown=on_keydown
                on:blur=move |_| {
                    let _ = open.try_set(false);
                    let _ = needle.try_set(None);
                }
            />
            <ul
                id=listbox_id
                role="listbox"
                class="listbox"
                aria-label=options_label
                hidden=move || !open.get() || results.with(Vec::is_empty)
            >
                {options}
            </ul>
            <p id=hint_id class="field-hint" role="status">
                {message}
            </p>
        </div>
    }
}
