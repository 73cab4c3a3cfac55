use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::api::ApiError;
use crate::state::outcome::on_outcome;
use crate::state::session::{use_session, SessionState};

/// `/sign-in`: the "Access token" field and "Sign in". The token is checked
/// with `/me`; a wrong one says so and stays here.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    document().set_title("Sign in — Users console");
    let token = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sign_in = Action::new_local(move |token: &String| {
        let token = token.clone();
        async move { session.sign_in(token).await }
    });
    let busy = sign_in.pending();
    let input_ref = NodeRef::<leptos::html::Input>::new();

    // Signed in (now or already): go where the user was heading.
    Effect::new(move |_| {
        if !matches!(session.state.get(), SessionState::SignedIn(_)) {
            return;
        }
        untrack(|| {
            let to = session
                .return_to
                .get_untracked()
                .filter(|to| to.starts_with("/users"))
                .unwrap_or_else(|| "/users".to_string());
            session.return_to.set(None);
            navigate(
                &to,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        });
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let value = token.get_untracked();
        if value.trim().is_empty() {
            error.set(Some("Enter your access token.".into()));
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            }
            return;
        }
        error.set(None);
        sign_in.dispatch(value);
    };
    // A token that was not accepted: say so and stay in the field.
    on_outcome(sign_in, move |answer| {
        let Err(e) = answer else {
            return;
        };
        error.set(Some(match e {
            ApiError::Unauthenticated => {
                "That access token was not accepted. Check it and try again.".to_string()
            }
            other => other.message(),
        }));
        if let Some(input) = input_ref.get_untracked() {
            let _ = input.focus();
        }
    });

    view! {
        <main id="main" class="sign-in">
            <form class="card sign-in-card" on:submit=on_submit novalidate>
                <h1>"Sign in"</h1>
                <p class="muted">"Use your access token to manage your company's users."</p>
                {move || {
                    session
                        .notice
                        .get()
                        .map(|notice| view! { <p class="notice" role="status">{notice}</p> })
                }}
                // No `name` on the field: were the form ever submitted by the
                // browser itself, the token would not end up in a URL.
                <div class="field">
                    <label for="access-token">"Access token"</label>
                    <input
                        id="access-token"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        node_ref=input_ref
                        aria-invalid=move || error.get().is_some().then_some("true")
                        aria-describedby="access-token-error"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))
                    />
                    <p id="access-token-error" class="field-error" role="alert">
                        {move || error.get()}
                    </p>
                </div>
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || busy.get()
                    aria-busy=move || busy.get().then_some("true")
                >
                    "Sign in"
                </button>
            </form>
        </main>
    }
}
