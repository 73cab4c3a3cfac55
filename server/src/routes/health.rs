//! `GET /healthz`: readiness for load balancers and orchestrators.

use std::time::Duration;

use axum::extract::State;
use users_api::ErrorBody;

use crate::error::ApiError;
use crate::state::AppState;

/// How long the database may take to answer the check.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

/// `200 ok` when the server can serve: its database answers a query within
/// two seconds. Otherwise `503 unavailable` (with `Retry-After`), so a load
/// balancer sends no traffic to an instance that has lost its database; it
/// turns ready again by itself when the database is back. No authentication.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "Ready: the database answers", body = String, content_type = "text/plain"),
        (status = 503, description = "Not ready: the database does not answer", body = ErrorBody)))]
pub async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    match tokio::time::timeout(CHECK_WITHIN, state.store.ping()).await {
        Ok(Ok(())) => Ok("ok"),
        Ok(Err(error)) => Err(ApiError::Unavailable(error.to_string())),
        Err(_) => Err(ApiError::Unavailable(format!(
            "the database did not answer within {CHECK_WITHIN:?}"
        ))),
    }
}
