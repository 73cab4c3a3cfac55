//! The `/api/v1` routes.

pub mod audit;
pub mod catalogue;
pub mod export;
pub mod groups;
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
        .route("/users/export.csv", get(export::export_users))
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
        .route(
            "/groups",
            get(groups::list_groups).post(groups::create_group),
        )
        .route(
            "/groups/{id}",
            get(groups::get_group)
                .patch(groups::update_group)
                .delete(groups::delete_group),
        )
        .route("/groups/{id}/deletion", get(groups::group_deletion))
        .route(
            "/groups/{id}/members",
            get(groups::group_members).post(groups::add_group_members),
        )
        .route(
            "/groups/{id}/members/{user_id}",
            axum::routing::delete(groups::remove_group_member),
        )
        .route("/identity_providers", get(catalogue::identity_providers))
        .route("/audit", get(audit::audit_log))
        .route("/users/{id}/activity", get(audit::user_activity))
        .route("/openapi.json", get(crate::openapi::openapi_json))
        .method_not_allowed_fallback(method_not_allowed)
}
