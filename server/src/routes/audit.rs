//! `/api/v1/audit`: the company's audit log, newest first.

use axum::extract::State;
use axum::Json;
use users_api::{AuditEntry, ErrorBody, ListQuery, Page};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The audit log, newest first; `user_id` keeps the entries about one user.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit",
    params(
        ("user_id" = Option<i64>, Query, description = "Only entries whose target is this user"),
        ("page" = Option<u32>, Query, description = "1-based page (default 1)"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 25)"),
    ),
    responses(
        (status = 200, body = Page<AuditEntry>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn audit_log(
    State(state): State<AppState>,
    Admin(caller): Admin,
    query: ApiQuery,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let paging = ListQuery::parse(None, None, query.get("page"), query.get("per_page"))
        .map_err(|e| ApiError::BadRequest(e.0))?;
    let user_id = match query.get("user_id") {
        None => None,
        Some(raw) => match raw.parse::<i64>() {
            Ok(id) if id >= 1 => Some(id),
            _ => {
                return Err(ApiError::BadRequest(format!(
                    "user_id must be a user id (a whole number from 1), not {raw:?}."
                )))
            }
        },
    };
    let page = state
        .store
        .audit_log(caller.company_id, user_id, paging.page, paging.per_page)
        .await?;
    Ok(Json(page))
}
