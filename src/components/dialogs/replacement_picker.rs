//! "Replacement user": the [`Combobox`] searching the server for other
//! active users, one of whom takes over the agents of the user being
//! deleted (never offered). The choice stays in the input; typing again
//! drops it.

use std::collections::HashMap;
use std::rc::Rc;

use leptos::prelude::*;
use users_api::{ListQuery, UserId, UserStatus, UserSummary};

use crate::api::use_api;
use crate::components::combobox::{Combobox, PickOption, Search, Wording};

/// The input's id (the dialog focuses it when a replacement is missing).
pub const INPUT_ID: &str = "replacement-user";
/// How many matches are offered at once.
const MAX_OPTIONS: u32 = 10;

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
    // Every user the searches found, by id: a pick brings the whole user
    // along (whichever answer the option it was came from).
    let found = StoredValue::new_local(HashMap::<UserId, UserSummary>::new());
    let search: Search = Rc::new(move |text: String| {
        Box::pin(async move {
            let query = ListQuery {
                status: UserStatus::Active,
                query: text,
                page: 1,
                per_page: MAX_OPTIONS + 1,
                filter: Default::default(),
            };
            api.call(move |c| c.list_users(&query)).await.map(|page| {
                let users: Vec<UserSummary> = page
                    .entries
                    .into_iter()
                    .filter(|u| u.id != exclude && u.status == UserStatus::Active)
                    .take(MAX_OPTIONS as usize)
                    .collect();
                let options = users
                    .iter()
                    .map(|u| PickOption {
                        id: u.id,
                        label: u.full_name(),
                        detail: u.email.clone(),
                    })
                    .collect();
                found.update_value(|found| found.extend(users.into_iter().map(|u| (u.id, u))));
                options
            })
        })
    });
    let on_pick = move |option: PickOption| {
        let user = found.with_value(|users| users.get(&option.id).cloned());
        if let Some(user) = user {
            selected.set(Some(user));
            error.set(None);
        }
    };
    let on_edit = move || {
        if selected.with_untracked(Option::is_some) {
            selected.set(None);
        }
    };
    let status = Signal::derive(move || {
        selected.with(|s| {
            s.as_ref().map(|user| {
                format!(
                    "{} ({}) becomes the owner of the agents.",
                    user.full_name(),
                    user.email
                )
            })
        })
    });
    view! {
        <Combobox
            id=INPUT_ID
            label="Replacement user"
            options_label="Active users"
            placeholder="Search by name or email"
            search=search
            wording=Wording {
                noun: ("user", "users"),
                none: "There are no other active users.",
                no_match: "No other active users match",
                hint: "",
            }
            on_pick=on_pick
            keep_choice=true
            on_edit=on_edit
            status=status
            error=error
        />
    }
}
