//! `/api/v1/users/{id}/access_token`: reveal and regenerate. Both answers
//! carry `Cache-Control: no-store` and are written to the audit log.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use users_api::{ErrorBody, RevealedToken};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::IdPath;
use crate::state::AppState;

fn no_store(status: StatusCode, token: RevealedToken) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        Json(token),
    )
        .into_response()
}

/// Reveal a user's access token.
#[utoipa::path(get, path = "/api/v1/users/{id}/access_token", tag = "tokens",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The token (audited as `token.reveal`)", body = RevealedToken, headers(("Cache-Control" = String, description = "`no-store`: the token is never cached"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn reveal_token(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let token = state
        .store
        .reveal_token(caller.company_id, caller.user_id, id)
        .await?;
    Ok(no_store(StatusCode::OK, token))
}

/// Regenerate a user's access token: the old one fails from now on.
#[utoipa::path(post, path = "/api/v1/users/{id}/access_token", tag = "tokens",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 201, description = "The new token; the old one fails from now on (audited as `token.regenerate`)", body = RevealedToken, headers(("Cache-Control" = String, description = "`no-store`: the token is never cached"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn regenerate_token(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let token = state
        .store
        .regenerate_token(caller.company_id, caller.user_id, id)
        .await?;
    Ok(no_store(StatusCode::CREATED, token))
}
