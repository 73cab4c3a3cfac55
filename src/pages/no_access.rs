use leptos::prelude::*;

/// What a signed-in user without Settings sees instead of the Users page.
#[component]
pub fn NoAccess() -> impl IntoView {
    crate::components::title::view_title(|| "Users".to_string());
    view! {
        <h1>"Users"</h1>
        <p class="no-access" role="status">"You need the Settings role to manage users."</p>
    }
}
