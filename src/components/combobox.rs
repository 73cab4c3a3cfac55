//! The one search combobox of the app (the replacement user of a delete,
//! the users to add to a group, a user's groups): a labelled input with a
//! listbox of what the server found for the text typed. Up/Down move
//! through the options, Enter picks (and never submits a form around it),
//! Esc closes the list (without closing a dialog around it), Tab leaves.
//! A pick either stays in the input (one choice: the replacement user) or
//! empties it for the next (several: the owner shows them as chips).

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

/// One thing the combobox offers.
#[derive(Debug, Clone, PartialEq)]
pub struct PickOption {
    pub id: i64,
    /// What it is called (the option's name starts with it).
    pub label: String,
    /// A second part of the option (an email, a group's roles).
    pub detail: String,
}

impl PickOption {
    /// A group as an option: its name, then its roles ("no roles").
    pub fn of_group(group: &users_api::Group) -> Self {
        PickOption {
            id: group.id,
            label: group.name.clone(),
            detail: if group.roles.is_empty() {
                "no roles".to_string()
            } else {
                group.roles.join(", ")
            },
        }
    }
}

/// Finds the options for a search text.
pub type Search =
    Rc<dyn Fn(String) -> Pin<Box<dyn Future<Output = Result<Vec<PickOption>, ApiError>>>>>;

/// What the combobox says about a search.
#[derive(Clone, Copy)]
pub struct Wording {
    /// What it finds: ("user", "users").
    pub noun: (&'static str, &'static str),
    /// An empty search found nothing: "There are no other active users."
    pub none: &'static str,
    /// Before the searched text: "No other active users match" “…”.
    pub no_match: &'static str,
    /// Before any search.
    pub hint: &'static str,
}

#[component]
pub fn Combobox(
    /// The input's id; the listbox, options, hint and error ids start with it.
    id: &'static str,
    label: &'static str,
    /// The listbox's name ("Active users", "Groups").
    options_label: &'static str,
    placeholder: &'static str,
    search: Search,
    wording: Wording,
    /// Called with each pick.
    #[prop(into)]
    on_pick: UnsyncCallback<PickOption>,
    /// Ids never offered (already chosen, the user being deleted).
    #[prop(optional, into)]
    exclude: Signal<Vec<i64>>,
    /// One choice, kept in the input; otherwise the input empties for the next.
    #[prop(optional)]
    keep_choice: bool,
    /// Typing changed the text (a kept choice no longer stands).
    #[prop(optional, into)]
    on_edit: Option<UnsyncCallback<()>>,
    /// Said instead of the search's status while set (the choice made).
    #[prop(optional, into)]
    status: Option<Signal<Option<String>>>,
    /// What is wrong with the choice, shown under the field.
    #[prop(optional)]
    error: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let listbox_id = format!("{id}-options");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let option_id = move |i: usize| format!("{id}-option-{i}");
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    // A kept choice is in the input: focus and Enter leave it be.
    let chosen = RwSignal::new(false);
    let debounce = StoredValue::new_local(None::<Timeout>);
    // Esc closed the list: an answer still on its way must not open it
    // again (until the next search is asked for).
    let dismissed = StoredValue::new(false);
    // The text searched for; `None` before a search and after a pick
    // (which drops any answer still on its way).
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
    let searching = move || {
        let answered = found.with(|f| f.as_ref().and_then(|a| a.as_ref().map(|(n, _)| n.clone())));
        needle.with(|n| n.is_some() && *n != answered)
    };
    let message = move || {
        let (one, many) = wording.noun;
        found.with(|f| match f {
            Some(Some((_, Err(e)))) => e
                .shown()
                .map(|why| format!("Could not search {many}. {why}"))
                .unwrap_or_default(),
            Some(Some((needle, Ok(_)))) => match results.with(Vec::len) {
                0 if needle.is_empty() => wording.none.to_string(),
                0 => format!("{} “{needle}”.", wording.no_match),
                1 => format!("1 {one} found. Use the arrow keys to choose."),
                n => format!("{n} {many} found. Use the arrow keys to choose."),
            },
            _ => wording.hint.to_string(),
        })
    };
    let shown_status = move || {
        if searching() {
            "Searching…".to_string()
        } else if let Some(said) = status.and_then(|s| s.get()) {
            said
        } else {
            message()
        }
    };
    // Each answer opens the list, with no option active yet.
    Effect::new(move |_| {
        if found.with(|f| matches!(f, Some(Some((_, Ok(_)))))) && !dismissed.get_value() {
            open.set(true);
            active.set(None);
        }
    });
    let run_search = move |value: String| {
        dismissed.set_value(false);
        needle.set(Some(value.trim().to_string()))
    };

    // The pick is the option shown: a click may land just as newer results
    // replace the list, so an option carries its value, not an index.
    let pick = move |option: PickOption| {
        // A pick ends the search: neither a pending keystroke's search nor
        // one still in flight may reopen the list.
        debounce.set_value(None);
        text.set(if keep_choice {
            option.label.clone()
        } else {
            String::new()
        });
        chosen.set(keep_choice);
        open.set(false);
        active.set(None);
        needle.set(None);
        on_pick.run(option);
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        chosen.set(false);
        if let Some(on_edit) = on_edit {
            on_edit.run(());
        }
        debounce.set_value(Some(Timeout::new(DEBOUNCE_MS, move || run_search(value))));
    };
    let on_focus = move |_| {
        if chosen.get_untracked() {
            return;
        }
        if needle.with_untracked(Option::is_none) {
            run_search(text.get_untracked());
        } else if !results.with_untracked(Vec::is_empty) {
            open.set(true);
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        let count = results.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                if !open.get_untracked() {
                    open.set(true);
                    if needle.with_untracked(Option::is_none) {
                        run_search(text.get_untracked());
                    }
                }
                if count > 0 {
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
                // Enter never submits the form around the combobox.
                ev.prevent_default();
                let option = active
                    .get_untracked()
                    .filter(|_| open.get_untracked())
                    .and_then(|i| results.with_untracked(|r| r.get(i).cloned()));
                if let Some(option) = option {
                    pick(option);
                } else if !chosen.get_untracked() {
                    debounce.set_value(None);
                    run_search(text.get_untracked());
                }
            }
            "Escape" if open.get_untracked() => {
                // Close the list only, not a dialog around it; a search
                // still pending or on its way does not reopen it.
                ev.prevent_default();
                ev.stop_propagation();
                debounce.set_value(None);
                dismissed.set_value(true);
                open.set(false);
                active.set(None);
            }
            "Tab" => open.set(false),
            _ => {}
        }
    };
    let on_blur = move |_| {
        let _ = open.try_set(false);
        if !keep_choice {
            // Found again on the next focus: what may be added changes meanwhile.
            let _ = needle.try_set(None);
        }
    };

    let invalid = move || error.is_some_and(|e| e.with(Option::is_some));
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            if invalid() {
                format!("{error_id} {hint_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    let options = move || {
        results
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, option)| {
                let is_active = move || active.get() == Some(i);
                let picked = option.clone();
                view! {
                    <li
                        role="option"
                        id=option_id(i)
                        class="option"
                        class:is-active=is_active
                        aria-selected=move || if is_active() { "true" } else { "false" }
                        // Keep focus in the input while choosing with the mouse.
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| pick(picked.clone())
                    >
                        <span class="option-name">{option.label.clone()}</span>
                        " "
                        <span class="option-email">{option.detail.clone()}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let error_line = error.map(|error| {
        view! { <p id=error_id.clone() class="field-error">{move || error.get()}</p> }
    });
    view! {
        <div class="field combobox">
            <label for=id>{label}</label>
            // The list hangs from the input, over what follows.
            <div class="combobox-anchor">
            <input
                id=id
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                aria-autocomplete="list"
                aria-controls=listbox_id.clone()
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || active.get().map(option_id)
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=described_by
                prop:value=move || text.get()
                on:input=on_input
                on:focus=on_focus
                on:keydown=on_keydown
                on:blur=on_blur
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
            </div>
            <p id=hint_id class="field-hint" role="status">
                {shown_status}
            </p>
            {error_line}
        </div>
    }
}
