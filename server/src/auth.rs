//! Authentication (`Access-Token` or `Authorization: Bearer`) and the
//! Settings check, both read from current data on every request.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

use crate::error::ApiError;
use crate::state::AppState;
use crate::storage::Caller;

/// The header the platform's clients send a token in.
pub const ACCESS_TOKEN_HEADER: &str = "access-token";

/// Any active user with a valid token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

/// An active user holding Settings (directly or through a group).
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

/// The token presented by the request, if any (never logged).
pub fn presented_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get(ACCESS_TOKEN_HEADER) {
        return value.to_str().ok().map(str::trim);
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(Authenticated(caller.clone()));
        }
        let token = presented_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let caller = state
            .store
            .authenticate(token)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        parts.extensions.insert(caller.clone());
        Ok(Authenticated(caller))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Authenticated(caller) = Authenticated::from_request_parts(parts, state).await?;
        if caller.can_manage_users {
            Ok(Admin(caller))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_come_from_either_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(presented_token(&headers), None);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer uat_x"),
        );
        assert_eq!(presented_token(&headers), Some("uat_x"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(presented_token(&headers), None);
        headers.insert(ACCESS_TOKEN_HEADER, HeaderValue::from_static("uat_y"));
        assert_eq!(presented_token(&headers), Some("uat_y"));
    }
}
