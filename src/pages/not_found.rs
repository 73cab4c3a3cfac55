use leptos::prelude::*;

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    document().set_title("Page not found — Users console");
    view! {
        <main id="main" class="page">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p><a href="/users">"Go to users"</a></p>
        </main>
    }
}
