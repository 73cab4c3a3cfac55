//! The one place an API error is shown: its message and "Retry". A 401
//! shows nothing here: the API layer has already sent the user to sign-in.

use leptos::prelude::*;

use crate::api::ApiError;

/// An error message with a "Retry" button.
#[component]
pub fn ErrorView(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    error.shown().map(|message| {
        view! {
            <div class="error-view" role="alert">
                <p>{message}</p>
                <button type="button" class="button" on:click=move |_| on_retry()>
                    "Retry"
                </button>
            </div>
        }
    })
}
