//! `/api/v1/roles`, `/api/v1/identity_providers`.

use axum::extract::State;
use axum::Json;
use users_api::{ErrorBody, IdentityProvider, Role};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::state::AppState;

/// The role catalogue, in catalogue order.
#[utoipa::path(get, path = "/api/v1/roles", tag = "catalogue",
    responses((status = 200, body = Vec<Role>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn roles(
    State(state): State<AppState>,
    Admin(_caller): Admin,
) -> Result<Json<Vec<Role>>, ApiError> {
    Ok(Json(state.store.roles().await?))
}

/// The identity providers a user of the company can be given.
#[utoipa::path(get, path = "/api/v1/identity_providers", tag = "catalogue",
    responses((status = 200, body = Vec<IdentityProvider>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn identity_providers(
    State(state): State<AppState>,
    Admin(caller): Admin,
) -> Result<Json<Vec<IdentityProvider>>, ApiError> {
    Ok(Json(
        state.store.identity_providers(caller.company_id).await?,
    ))
}
