//! "Replacement user": a combobox (labelled input + listbox) that searches
//! the server for other active users. The user being deleted is never
//! offered. Up/Down move through the options, Enter chooses, Esc closes the
//! list (without closing the dialog around it).

use gloo_timers::callback::Timeout;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use users_api::{ListQuery, UserId, UserStatus, UserSummary};

use crate::api::use_api;
use crate::state::loaded::Loaded;

/// The input's id (the dialog focuses it when a replacement is missing).
pub const INPUT_ID: &str = "replacement-user";
const LISTBOX_ID: &str = "replacement-user-options";
const ERROR_ID: &str = "replacement-user-error";
const HINT_ID: &str = "replacement-user-hint";
/// How long typing must pause before searching.
const DEBOUNCE_MS: u32 = 250;
/// How many matches are offered at once.
const MAX_OPTIONS: u32 = 10;

fn option_id(i: usize) -> String {
    format!("replacement-user-option-{i}")
}

#[component]
pub fn ReplacementPicker(
    /// The user being deleted: never offered.
    exclude: UserId,
    /// The chosen user.
    selected: RwSignal<Option<UserSummary>>,
    /// What is wrong with the choice (shown under the field).
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let api = use_api();
    let text = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);
    let debounce = StoredValue::new_local(None::<Timeout>);
    // The text searched for; `None` before the first search and after a
    // choice (which drops any answer still on its way).
    let needle = RwSignal::new(None::<String>);
    let found = Loaded::new(move || {
        let needle = needle.get();
        async move {
            let needle = needle?;
            let query = ListQuery {
                status: UserStatus::Active,
                query: needle.clone(),
                page: 1,
                per_page: MAX_OPTIONS + 1,
            };
            Some((needle, api.call(move |c| c.list_users(&query)).await))
        }
    });
    // Whether a search ran yet: the first focus searches (listing everyone).
    let searched = StoredValue::new(false);
    let search = move |text: String| {
        searched.set_value(true);
        needle.set(Some(text.trim().to_string()));
    };
    let searching = move || {
        let answered = found.with(|f| f.as_ref().and_then(|a| a.as_ref().map(|(n, _)| n.clone())));
        needle.with(|n| n.is_some() && *n != answered)
    };
    let results = Memo::new(move |_| {
        found.with(|f| match f {
            Some(Some((_, Ok(page)))) => page
                .entries
                .iter()
                .filter(|u| u.id != exclude && u.status == UserStatus::Active)
                .take(MAX_OPTIONS as usize)
                .cloned()
                .collect(),
            _ => Vec::<UserSummary>::new(),
        })
    });
    let message = move || {
        found.with(|f| match f {
            Some(Some((_, Err(e)))) => e
                .shown()
                .map(|why| format!("Could not search users. {why}"))
                .unwrap_or_default(),
            Some(Some((needle, Ok(_)))) => match (results.with(Vec::len), needle.is_empty()) {
                (0, true) => "There are no other active users.".to_string(),
                (0, false) => format!("No other active users match “{needle}”."),
                (1, _) => "1 user found. Use the arrow keys to choose.".to_string(),
                (n, _) => format!("{n} users found. Use the arrow keys to choose."),
            },
            _ => String::new(),
        })
    };
    // Each answer opens the list, with no option active yet.
    Effect::new(move |_| {
        if found.with(|f| matches!(f, Some(Some((_, Ok(_)))))) {
            open.set(true);
            active.set(None);
        }
    });

    // The user chosen is the one the option showed: a click may land on an
    // option just as newer results replace the list, so it carries its user
    // rather than an index into whatever the list holds by then.
    let choose = move |user: UserSummary| {
        // A choice ends the search: neither a pending keystroke's search nor
        // one still in flight may reopen the list over the dialog's buttons.
        debounce.set_value(None);
        text.set(user.full_name());
        selected.set(Some(user));
        error.set(None);
        open.set(false);
        active.set(None);
        needle.set(None);
    };

    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if selected.get_untracked().is_some() {
            selected.set(None);
        }
        debounce.set_value(Some(Timeout::new(DEBOUNCE_MS, move || search(value))));
    };

    let on_focus = move |_| {
        if !searched.get_value() {
            search(text.get_untracked());
        } else if selected.with_untracked(Option::is_none) && !results.with_untracked(Vec::is_empty)
        {
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
                    if !searched.get_value() {
                        search(text.get_untracked());
                    }
                }
                if count > 0 {
                    active.set(Some(match active.get_untracked() {
                        Some(i) if i + 1 < count => i + 1,
                        Some(_) => 0,
                        None => 0,
                    }));
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
            "Enter" if open.get_untracked() && active.get_untracked().is_some() => {
                ev.prevent_default();
                let user = active
                    .get_untracked()
                    .and_then(|i| results.with_untracked(|r| r.get(i).cloned()));

                if let Some(user) = user {
                    choose(user);
                }
            }
            "Escape" if open.get_untracked() => {
                // Close the list only, not the dialog.
                ev.prevent_default();
                ev.stop_propagation();
                open.set(false);
                active.set(None);
            }
            "Tab" => open.set(false),
            _ => {}
        }
    };

    let described_by = move || {
        let mut ids = vec![HINT_ID];
        if error.with(Option::is_some) {
            ids.insert(0, ERROR_ID);
        }
        ids.join(" ")
    };

    let options = move || {
        results
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, user)| {
                let is_active = move || active.get() == Some(i);
                let shown = user.clone();
                view! {
                    <li
                        role="option"
                        id=option_id(i)
                        class="option"
                        class:is-active=is_active
                        aria-selected=move || if is_active() { "true" } else { "false" }
                        // Keep focus in the input while choosing with the mouse.
                        on:mousedown=|ev| ev.prevent_default()
                        on:click=move |_| choose(shown.clone())
                    >
                        <span class="option-name">{user.full_name()}</span>
                        " "
                        <span class="option-email">{user.email.clone()}</span>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <div class="field combobox">
            <label for=INPUT_ID>"Replacement user"</label>
            <input
                id=INPUT_ID
                type="text"
                role="combobox"
                autocomplete="off"
                spellcheck="false"
                placeholder="Search by name or email"
                aria-autocomplete="list"
                aria-controls=LISTBOX_ID
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-activedescendant=move || active.get().map(option_id)
                aria-invalid=move || error.with(Option::is_some).then_some("true")
                aria-describedby=described_by
                prop:value=move || text.get()
                on:input=on_input
                on:focus=on_focus
                on:keydown=on_keydown
                on:blur=move |_| {
                    let _ = open.try_set(false);
                }
            />
            <ul
                id=LISTBOX_ID
                role="listbox"
                class="listbox"
                aria-label="Active users"
                hidden=move || !open.get() || results.with(Vec::is_empty)
            >
                {options}
            </ul>
            <p id=HINT_ID class="field-hint" role="status">
                {move || {
                    if searching() {
                        "Searching…".to_string()
                    } else if let Some(user) = selected.get() {
                        format!("{} ({}) becomes the owner of the agents.", user.full_name(), user.email)
                    } else {
                        message()
                    }
                }}
            </p>
            <p id=ERROR_ID class="field-error">
                {move || error.get()}
            </p>
        </div>
    }
}
