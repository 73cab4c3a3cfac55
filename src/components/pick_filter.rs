//! A filter that picks one thing by searching for it (a user, a group):
//! the combobox while none is chosen, else the chosen one's name as a chip
//! with a button "Remove <label>: <name>". Focus follows the swap: a pick
//! lands on Remove, a removal back in the search box. Used by the Users
//! list's and the Audit log's filter bars.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

use crate::components::combobox::{Combobox, PickOption, Search, Wording};
use crate::components::focus::focus_id_after_render;
use crate::state::loaded::Loaded;

/// The name of the chosen id, as shown in the chip.
pub type NameOf = Rc<dyn Fn(i64) -> Pin<Box<dyn Future<Output = String>>>>;

/// What a pick filter searches and how it talks about it.
#[derive(Clone)]
pub struct Picker {
    /// The listbox's name ("Users", "Groups").
    pub options_label: &'static str,
    pub placeholder: &'static str,
    pub search: Search,
    pub wording: Wording,
    pub name_of: NameOf,
}

/// One pick filter; `chosen` comes from the URL, `on_choose` changes it.
#[component]
pub fn PickFilter(
    id: &'static str,
    label: &'static str,
    picker: Picker,
    chosen: Signal<Option<i64>>,
    #[prop(into)] on_choose: UnsyncCallback<Option<i64>>,
) -> impl IntoView {
    let name_of = picker.name_of.clone();
    let picker = StoredValue::new_local(picker);
    let name = Loaded::new(move || {
        let id = chosen.get();
        let name_of = name_of.clone();
        async move {
            match id {
                Some(id) => name_of(id).await,
                None => String::new(),
            }
        }
    });
    move || match chosen.get() {
        None => view! {
            <Combobox
                id=id
                label=label
                options_label=picker.with_value(|p| p.options_label)
                placeholder=picker.with_value(|p| p.placeholder)
                search=picker.with_value(|p| p.search.clone())
                wording=picker.with_value(|p| p.wording)
                on_pick=move |option: PickOption| {
                    on_choose.run(Some(option.id));
                    focus_id_after_render(format!("{id}-remove"));
                }
            />
        }
        .into_any(),
        Some(_) => view! {
            <div class="field chosen-filter">
                <span class="field-label">{label}</span>
                <span class="chip chip-direct">
                    {move || name.get().unwrap_or_default()}
                    <button
                        type="button"
                        id=format!("{id}-remove")
                        class="chip-remove"
                        aria-label=move || {
                            format!("Remove {label}: {}", name.get().unwrap_or_default())
                        }
                        on:click=move |_| {
                            on_choose.run(None);
                            focus_id_after_render(id);
                        }
                    >
                        <span aria-hidden="true">"×"</span>
                    </button>
                </span>
            </div>
        }
        .into_any(),
    }
}
