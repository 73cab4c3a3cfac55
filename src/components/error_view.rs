use leptos::prelude::*;

use crate::api::ApiError;

/// An error message with a "Retry" button.
#[component]
pub fn ErrorView(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="error-view" role="alert">
            <p>{error.message()}</p>
            <button type="button" class="button" on:click=move |_| on_retry()>
                "Retry"
            </button>
        </div>
    }
}
