//! `/api/v1/me`: who the caller is; any active user may ask.

use axum::extract::State;
use axum::Json;
use users_api::{ErrorBody, Me};

use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller, its company and whether it may manage users.
#[utoipa::path(get, path = "/api/v1/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn me(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> Result<Json<Me>, ApiError> {
    let user = state
        .store
        .user_detail(caller.company_id, caller.user_id)
        .await?;
    let company = state.store.company(caller.company_id).await?;
    Ok(Json(Me {
        user,
        company,
        can_manage_users: caller.can_manage_users,
    }))
}
