//! `/api/v1/audit` and `/api/v1/users/{id}/activity`: the company's audit
//! log, newest first, filtered, in cursor pages.

use axum::extract::State;
use axum::Json;
use users_api::audit::{DEFAULT_ACTIVITY_PER_PAGE, DEFAULT_AUDIT_PER_PAGE};
use users_api::{AuditPage, AuditQuery, ErrorBody};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::{ApiQuery, IdPath};
use crate::state::AppState;

/// The audit log, newest first: every filter given must hold.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(
        ("actor" = Option<i64>, Query, description = "Only what this user did"),
        ("target" = Option<i64>, Query, description = "Only entries about this user"),
        ("user_id" = Option<i64>, Query, description = "The same as target (its earlier name)"),
        ("group" = Option<i64>, Query, description = "Only entries about this group"),
        ("user" = Option<i64>, Query, description = "Only entries by or about this user (their activity)"),
        ("action" = Option<Vec<String>>, Query, explode = true,
            description = "Only these actions (repeat the parameter for several): user.create, user.update, user.archive, user.restore, token.reveal, token.regenerate, group.create, group.update, group.delete, group.members.add, group.members.remove, users.export, audit.prune, demo.seed"),
        ("since" = Option<String>, Query, description = "At or after this RFC 3339 time"),
        ("until" = Option<String>, Query, description = "Before this RFC 3339 time"),
        ("before" = Option<i64>, Query, description = "The cursor: a previous page's `next`"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 25)"),
    ),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn audit_log(
    State(state): State<AppState>,
    Admin(caller): Admin,
    query: ApiQuery,
) -> Result<Json<AuditPage>, ApiError> {
    let query = AuditQuery::parse(&query.0, DEFAULT_AUDIT_PER_PAGE)
        .map_err(|e| ApiError::BadRequest(e.0))?;
    let page = state.store.audit_log(caller.company_id, &query).await?;
    Ok(Json(page))
}

/// A user's activity: the newest entries where they acted or were
/// affected (changes to them, their token's reveals and regenerations, and
/// what they changed themselves).
#[utoipa::path(get, path = "/api/v1/users/{id}/activity", tag = "audit",
    params(
        ("id" = i64, Path, description = "The user"),
        ("before" = Option<i64>, Query, description = "The cursor: a previous page's `next`"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 10)"),
    ),
    responses(
        (status = 200, body = AuditPage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn user_activity(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    query: ApiQuery,
) -> Result<Json<AuditPage>, ApiError> {
    // Only the cursor and the page size apply here.
    let paging: Vec<(String, String)> = query
        .0
        .into_iter()
        .filter(|(k, _)| k == "before" || k == "per_page")
        .collect();
    let paging = AuditQuery::parse(&paging, DEFAULT_ACTIVITY_PER_PAGE)
        .map_err(|e| ApiError::BadRequest(e.0))?;
    // A user of another company, or none, is a 404 like everywhere else.
    state.store.user_detail(caller.company_id, id).await?;
    let page = state
        .store
        .user_activity(caller.company_id, id, paging.before, paging.per_page)
        .await?;
    Ok(Json(page))
}
