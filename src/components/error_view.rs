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

/// The first API error an `ErrorBoundary` caught (an unexpected error when
/// something else was thrown).
pub fn caught_api_error(errors: &Errors) -> ApiError {
    errors
        .iter()
        .find_map(|(_, e)| e.downcast_ref::<ApiError>().cloned())
        .unwrap_or_else(|| ApiError::Unexpected {
            status: 0,
            message: String::new(),
        })
}

/// An `ErrorBoundary`'s fallback: the caught error as [`ErrorView`].
#[component]
pub fn ErrorsView(
    errors: ArcRwSignal<Errors>,
    on_retry: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        let on_retry = on_retry.clone();
        view! { <ErrorView error=errors.with(caught_api_error) on_retry=on_retry /> }
    }
}
