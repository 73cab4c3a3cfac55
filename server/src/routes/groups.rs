//! `/api/v1/groups`: list, add, read, edit and delete groups, and manage
//! their members. Settings required; manageable in directory mode too.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use users_api::group::{validate_group_patch, validate_member_ids, validate_new_group};
use users_api::{
    AddMembers, ErrorBody, Group, GroupDeletion, GroupMember, GroupPatch, NewGroup, Page,
    PageQuery, ParamStyle,
};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::{if_match, ApiJson, ApiQuery, IdPairPath, IdPath};
use crate::routes::users::etag;
use crate::state::AppState;

/// A group with its ETag (and a status).
fn with_etag(status: StatusCode, group: Group) -> Response {
    let tag = etag(group.version);
    (status, [(header::ETAG, tag)], Json(group)).into_response()
}

fn page_query(query: &ApiQuery) -> Result<PageQuery, ApiError> {
    PageQuery::from_params(ParamStyle::Api, false, |name| query.get(name))
        .map_err(|e| ApiError::BadRequest(e.0))
}

async fn catalogue(state: &AppState) -> Result<Vec<String>, ApiError> {
    Ok(state
        .store
        .roles()
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect())
}

/// List groups, alphabetical by name (ignoring case), searched by name.
#[utoipa::path(get, path = "/api/v1/groups", tag = "groups",
    params(
        ("query" = Option<String>, Query, description = "Case-insensitive substring of the name"),
        ("page" = Option<u32>, Query, description = "1-based page (default 1)"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 25)"),
    ),
    responses(
        (status = 200, description = "One page, with exact totals and each group's active member count", body = Page<Group>),
        (status = 400, description = "Bad query parameter", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_groups(
    State(state): State<AppState>,
    Admin(caller): Admin,
    query: ApiQuery,
) -> Result<Json<Page<Group>>, ApiError> {
    let q = page_query(&query)?;
    Ok(Json(state.store.list_groups(caller.company_id, &q).await?))
}

/// Add a group.
#[utoipa::path(post, path = "/api/v1/groups", tag = "groups", request_body = NewGroup,
    responses(
        (status = 201, description = "Created", body = Group,
            headers(("Location" = String, description = "`/api/v1/groups/{id}` of the new group"),
                    ("ETag" = String, description = "`\"<version>\"`: send it back in `If-Match` to edit"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid`, every violation in `fields`; beyond the schema: another group of the company has the name (ignoring case)", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create_group(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewGroup>,
) -> Result<Response, ApiError> {
    let valid = validate_new_group(&input, &catalogue(&state).await?).map_err(ApiError::Invalid)?;
    let group = state
        .store
        .create_group(caller.company_id, caller.user_id, &valid)
        .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/groups/{}", group.id))
        .expect("a path is a valid header value");
    let mut response = with_etag(StatusCode::CREATED, group);
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// One group.
#[utoipa::path(get, path = "/api/v1/groups/{id}", tag = "groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "The group", body = Group, headers(("ETag" = String, description = "`\"<version>\"`"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such group in the caller's company", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_group(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let group = state.store.group(caller.company_id, id).await?;
    Ok(with_etag(StatusCode::OK, group))
}

/// Edit a group (`If-Match` required); `roles` is the full new set.
#[utoipa::path(patch, path = "/api/v1/groups/{id}", tag = "groups", request_body = GroupPatch,
    params(("id" = i64, Path, description = "Group id"),
           ("If-Match" = String, Header, description = "The ETag read with the group")),
    responses(
        (status = 200, description = "Edited (unchanged, same version, when nothing differs)", body = Group, headers(("ETag" = String, description = "`\"<version>\"`"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`self_lockout`: the new roles would take the caller's own Settings away; `last_admin`: they would leave the company without an active Settings holder", body = ErrorBody),
        (status = 412, description = "`stale_version`: `current` is the group now", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid`; beyond the schema: another group has the name", body = ErrorBody),
        (status = 428, description = "`version_required`: no If-Match", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_group(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<GroupPatch>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers).ok_or(ApiError::VersionRequired)?;
    let changes =
        validate_group_patch(&patch, &catalogue(&state).await?).map_err(ApiError::Invalid)?;
    let group = state
        .store
        .update_group(caller.company_id, caller.user_id, id, &expected, &changes)
        .await?;
    Ok(with_etag(StatusCode::OK, group))
}

/// What deleting the group would do now: the roles its active members would lose.
#[utoipa::path(get, path = "/api/v1/groups/{id}/deletion", tag = "groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "The group and, per role, how many active members have it from no other source", body = GroupDeletion),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn group_deletion(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Json<GroupDeletion>, ApiError> {
    Ok(Json(
        state.store.group_deletion(caller.company_id, id).await?,
    ))
}

/// Delete a group and its memberships.
#[utoipa::path(delete, path = "/api/v1/groups/{id}", tag = "groups",
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "Deleted: the group as it was and the roles members lost", body = GroupDeletion),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`self_lockout`: deleting it would take the caller's own Settings away; `last_admin`: it would leave the company without an active Settings holder", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_group(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Json<GroupDeletion>, ApiError> {
    Ok(Json(
        state
            .store
            .delete_group(caller.company_id, caller.user_id, id)
            .await?,
    ))
}

/// A group's active members, in the users list's order, searched by name or email.
#[utoipa::path(get, path = "/api/v1/groups/{id}/members", tag = "groups",
    params(
        ("id" = i64, Path, description = "Group id"),
        ("query" = Option<String>, Query, description = "Case-insensitive substring of \"first last\" or email"),
        ("page" = Option<u32>, Query, description = "1-based page (default 1)"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 25)"),
    ),
    responses(
        (status = 200, description = "One page with exact totals", body = Page<GroupMember>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn group_members(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    query: ApiQuery,
) -> Result<Json<Page<GroupMember>>, ApiError> {
    let q = page_query(&query)?;
    Ok(Json(
        state.store.group_members(caller.company_id, id, &q).await?,
    ))
}

/// Add active users of the company to a group, all or none.
#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "groups", request_body = AddMembers,
    params(("id" = i64, Path, description = "Group id")),
    responses(
        (status = 200, description = "Added (users already members are left as they are); the group with its new member count", body = Group),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid` `fields.user_ids`: none or more than 100 ids, or ids that are no active user of the company (named)", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn add_group_members(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AddMembers>,
) -> Result<Json<Group>, ApiError> {
    let ids = validate_member_ids(&body.user_ids).map_err(ApiError::Invalid)?;
    Ok(Json(
        state
            .store
            .add_group_members(caller.company_id, caller.user_id, id, &ids)
            .await?,
    ))
}

/// Take a user out of a group.
#[utoipa::path(delete, path = "/api/v1/groups/{id}/members/{user_id}", tag = "groups",
    params(("id" = i64, Path, description = "Group id"), ("user_id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Removed; the group with its new member count", body = Group),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such group, or the user is not a member", body = ErrorBody),
        (status = 409, description = "`self_lockout`: the caller's own Settings would go with the membership; `last_admin`", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn remove_group_member(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPairPath(id, user_id): IdPairPath,
) -> Result<Json<Group>, ApiError> {
    Ok(Json(
        state
            .store
            .remove_group_member(caller.company_id, caller.user_id, id, user_id)
            .await?,
    ))
}
