//! The `/api/v1` routes.

pub mod audit;
pub mod catalogue;
pub mod health;
pub mod me;
pub mod tokens;
pub mod users;

use axum::routing::get;
use axum::Router;

use crate::error::method_not_allowed;
use crate::state::AppState;

/// Every `/api/v1` endpoint (paths relative to `/api/v1`).
pub fn api_v1() -> Router<AppState> {
    Router::new()
        .route("/me", get(me::me))
        .route("/users", get(users::list_users).post(users::create_user))
        .route(
            "/users/{id}",
            get(users::get_user)
                .patch(users::update_user)
                .delete(users::delete_user),
        )
        .route(
            "/users/{id}/restore",
            axum::routing::post(users::restore_user),
        )
        .route(
            "/users/{id}/access_token",
            get(tokens::reveal_token).post(tokens::regenerate_token),
        )
        .route("/roles", get(catalogue::roles))
        .route("/groups", get(catalogue::groups))
        .route("/identity_providers", get(catalogue::identity_providers))
        .route("/audit", get(audit::audit_log))
        .route("/openapi.json", get(crate::openapi::openapi_json))
        .method_not_allowed_fallback(method_not_allowed)
}
