//! The signed-in session: the access token (kept in `sessionStorage`), who
//! is signed in (`GET /me`), signing in and out, and the way back to
//! sign-in when any call answers 401.

use leptos::prelude::*;
use users_api::Me;

use crate::api::{Api, ApiError};
use crate::state::outcome::on_outcome;

/// `sessionStorage` key of the access token.
pub const TOKEN_KEY: &str = "users-console.access-token";

/// `sessionStorage` key of who the token belonged to when last asked: the
/// frame (company, name, "Sign out") shows from it while `/me` is asked
/// again, and stays when the API cannot be reached.
pub const ME_KEY: &str = "users-console.me";

/// Shown on the sign-in view after a 401.
pub const SESSION_ENDED: &str = "Your session ended. Sign in again.";

/// Where the session is.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// No token: the sign-in view.
    SignedOut,
    /// A stored token is being checked with `/me`.
    Checking,
    /// Signed in as this user.
    SignedIn(Box<Me>),
    /// The stored token could not be checked (e.g. the server is unreachable).
    Failed(ApiError),
}

#[derive(Clone, Copy)]
pub struct Session {
    pub state: RwSignal<SessionState>,
    /// Asking `/me` who the stored token belongs to.
    checking: Action<(), Result<Me, ApiError>>,
    /// A message for the sign-in view (e.g. [`SESSION_ENDED`]).
    pub notice: RwSignal<Option<String>>,
    /// Where to go after signing in (the page that needed a session).
    pub return_to: RwSignal<Option<String>>,
    api: Api,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// The token kept for this browser tab, if any.
pub fn stored_token() -> Option<String> {
    storage()?
        .get_item(TOKEN_KEY)
        .ok()?
        .filter(|t| !t.is_empty())
}

fn store_token(token: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match token {
            Some(token) => storage.set_item(TOKEN_KEY, token),
            None => storage.remove_item(TOKEN_KEY),
        };
        // A new token or none: whoever was remembered is not known any more.
        let _ = storage.remove_item(ME_KEY);
    }
}

fn remember_me(me: &Me) {
    if let (Some(storage), Ok(json)) = (storage(), serde_json::to_string(me)) {
        let _ = storage.set_item(ME_KEY, &json);
    }
}

/// Who the stored token belonged to when `/me` last answered, if known.
pub fn last_known_me() -> Option<Me> {
    let json = storage()?.get_item(ME_KEY).ok()??;
    serde_json::from_str(&json).ok()
}

impl Session {
    /// Starts the session from the stored token, installs the 401 hook on
    /// `api` and provides the session as context.
    pub fn start(api: Api) -> Session {
        let client = api.raw();
        let checking = Action::new_local(move |_: &()| client.me());
        let session = Session {
            state: RwSignal::new(SessionState::SignedOut),
            checking,
            notice: RwSignal::new(None),
            return_to: RwSignal::new(None),
            api,
        };
        provide_context(session);
        api.set_on_unauthenticated(move || session.expire());
        // Settings taken away mid-session: ask who we are now, so the pages
        // show the no-access view instead of controls that cannot work.
        api.set_on_forbidden(move || {
            session.checking.dispatch_local(());
        });
        on_outcome(checking, move |answer| session.checked(answer));
        if let Some(token) = stored_token() {
            api.raw().set_token(Some(token));
            session.check();
        }
        session
    }

    /// Asks `/me` who the stored token belongs to.
    pub fn check(&self) {
        self.state.set(SessionState::Checking);
        self.checking.dispatch_local(());
    }

    /// What `/me` answered for the stored token.
    fn checked(&self, answer: Result<Me, ApiError>) {
        self.state.set(match answer {
            Ok(me) => {
                remember_me(&me);
                SessionState::SignedIn(Box::new(me))
            }
            Err(ApiError::Unauthenticated) => {
                store_token(None);
                self.api.raw().set_token(None);
                self.notice.set(Some(SESSION_ENDED.to_string()));
                SessionState::SignedOut
            }
            Err(error) => SessionState::Failed(error),
        });
    }

    /// Checks `token` with `/me`; on success keeps it and signs in.
    pub async fn sign_in(&self, token: String) -> Result<(), ApiError> {
        let token = token.trim().to_string();
        let client = self.api.raw();
        client.set_token(Some(token.clone()));
        match client.me().await {
            Ok(me) => {
                store_token(Some(&token));
                remember_me(&me);
                self.notice.set(None);
                self.state.set(SessionState::SignedIn(Box::new(me)));
                Ok(())
            }
            Err(error) => {
                client.set_token(None);
                Err(error)
            }
        }
    }

    /// Forgets the token.
    pub fn sign_out(&self) {
        store_token(None);
        self.api.raw().set_token(None);
        self.notice.set(None);
        self.return_to.set(None);
        self.state.set(SessionState::SignedOut);
    }

    /// A call answered 401: forget the token and say why on the sign-in view.
    pub fn expire(&self) {
        let active = self
            .state
            .try_with_untracked(|s| matches!(s, SessionState::SignedIn(_) | SessionState::Checking))
            .unwrap_or(false);
        if active {
            store_token(None);
            self.api.raw().set_token(None);
            self.notice.set(Some(SESSION_ENDED.to_string()));
            self.state.set(SessionState::SignedOut);
        }
    }

    /// Who is signed in, not tracked.
    pub fn me_untracked(&self) -> Option<Me> {
        self.state.with_untracked(|s| match s {
            SessionState::SignedIn(me) => Some((**me).clone()),
            _ => None,
        })
    }

    /// Who is signed in, tracked.
    pub fn me(&self) -> Option<Me> {
        self.state
            .try_with(|s| match s {
                SessionState::SignedIn(me) => Some((**me).clone()),
                _ => None,
            })
            .flatten()
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
