use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use users_api::UserStatus;

/// The id of a status tab's element.
pub fn tab_id(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Active => "tab-active",
        UserStatus::Archived => "tab-archived",
    }
}

/// The id of the panel the tabs control.
pub const PANEL_ID: &str = "users-panel";

const TABS: [(UserStatus, &str); 2] = [
    (UserStatus::Active, "Active"),
    (UserStatus::Archived, "Archived"),
];

fn focus_by_id(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        use wasm_bindgen::JsCast;
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// The "Active"/"Archived" tabs: role=tablist, automatic activation,
/// arrow keys, Home and End move between them.
#[component]
pub fn StatusTabs(
    #[prop(into)] current: Signal<UserStatus>,
    on_select: impl Fn(UserStatus) + Clone + 'static,
) -> impl IntoView {
    let tabs = TABS
        .iter()
        .enumerate()
        .map(|(index, &(status, label))| {
            let select = on_select.clone();
            let select_key = on_select.clone();
            let selected = move || current.get() == status;
            let on_keydown = move |ev: KeyboardEvent| {
                let target = match ev.key().as_str() {
                    "ArrowRight" | "ArrowDown" => (index + 1) % TABS.len(),
                    "ArrowLeft" | "ArrowUp" => (index + TABS.len() - 1) % TABS.len(),
                    "Home" => 0,
                    "End" => TABS.len() - 1,
                    _ => return,
                };
                ev.prevent_default();
                let status = TABS[target].0;
                focus_by_id(tab_id(status));
                select_key(status);
            };
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id=tab_id(status)
                    aria-controls=PANEL_ID
                    aria-selected=move || if selected() { "true" } else { "false" }
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| select(status)
                    on:keydown=on_keydown
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <div role="tablist" aria-label="User status" class="tabs">
            {tabs}
        </div>
    }
}
