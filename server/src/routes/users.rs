//! `/api/v1/users`: list, add, read, edit, archive and restore.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use users_api::rules;
use users_api::validation::{validate_new_user, validate_patch, Context, Email};
use users_api::{
    DeleteResult, DeleteUser, ErrorBody, ListParamError, ListQuery, NewUser, Page, ParamStyle,
    UserDetail, UserPatch, UserSummary,
};

use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::{if_match, ApiJson, ApiQuery, IdPath, OptionalJson};
use crate::state::AppState;
use crate::storage::{EmailUse, StoreError};

/// `"<version>"`, the user's entity tag.
pub fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\""))
        .expect("a quoted number is a valid header value")
}

/// A user with its ETag (and a status).
fn with_etag(status: StatusCode, detail: UserDetail) -> Response {
    let tag = etag(detail.version);
    (status, [(header::ETAG, tag)], Json(detail)).into_response()
}

/// Refuses user mutations while the company's users live in a directory.
async fn check_not_directory(state: &AppState, company_id: i64) -> Result<(), ApiError> {
    match state.store.company(company_id).await?.directory {
        Some(directory) => Err(ApiError::DirectoryManaged(directory.provider)),
        None => Ok(()),
    }
}

/// Adds "is already taken" to a 422 whose email is otherwise valid, so every
/// violation is reported at once.
async fn add_email_conflict(
    state: &AppState,
    company_id: i64,
    email: Option<&str>,
    exclude: Option<i64>,
    mut fields: users_api::FieldErrors,
) -> Result<ApiError, ApiError> {
    if let (Some(email), false) = (email, fields.contains_key("email")) {
        if let Ok(email) = Email::parse(email) {
            let message = match state
                .store
                .email_use(company_id, &email.key(), exclude)
                .await?
            {
                EmailUse::Free => None,
                EmailUse::Archived if exclude.is_none() => Some(rules::EMAIL_ARCHIVED),
                EmailUse::Archived | EmailUse::Taken => Some(rules::EMAIL_TAKEN),
            };
            if let Some(message) = message {
                fields.insert("email".into(), vec![message.into()]);
            }
        }
    }
    Ok(ApiError::Invalid(fields))
}

/// List users, alphabetical by name (then email, then id).
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    params(
        ("status" = Option<String>, Query, description = "`active` (default) or `archived`"),
        ("query" = Option<String>, Query, description = "Case-insensitive substring of first name, last name, \"first last\" or email"),
        ("page" = Option<u32>, Query, description = "1-based page (default 1)"),
        ("per_page" = Option<u32>, Query, description = "1 to 100 (default 25)"),
        ("role" = Option<String>, Query, description = "Only users who have this role (a catalogue name), by any source unless `source` says"),
        ("source" = Option<String>, Query, description = "With `role`: `direct` (assigned to them) or `group` (from at least one of their groups)"),
        ("group" = Option<i64>, Query, description = "Only members of this group"),
        ("identity_provider" = Option<String>, Query, description = "Only users who sign in with this identity provider (by name)"),
    ),
    responses(
        (status = 200, description = "One page; a page past the end has no entries and true totals", body = Page<UserSummary>),
        (status = 400, description = "Bad query parameter", body = ErrorBody),
        (status = 422, description = "A filter names no role, group or identity provider there is, or `source` without `role`; `fields` names the parameter", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Caller lacks Settings", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn list_users(
    State(state): State<AppState>,
    Admin(caller): Admin,
    query: ApiQuery,
) -> Result<Json<Page<UserSummary>>, ApiError> {
    let (q, _) = list_query(&state, caller.company_id, &query).await?;
    Ok(Json(state.store.list_users(caller.company_id, &q).await?))
}

/// The list request `query` names, checked: tab and paging (400), then the
/// filter's values, each unknown role, group or provider a 422 on its
/// parameter. Also answers the filtered group's name.
pub(super) async fn list_query(
    state: &AppState,
    company_id: i64,
    query: &ApiQuery,
) -> Result<(ListQuery, Option<String>), ApiError> {
    let q =
        ListQuery::from_params(ParamStyle::Api, |name| query.get(name)).map_err(|e| match e {
            ListParamError::Bad(e) => ApiError::BadRequest(e.0),
            ListParamError::Invalid(fields) => ApiError::Invalid(fields),
        })?;
    let filter = &q.filter;
    let (roles, providers) = if filter.role.is_some() || filter.identity_provider.is_some() {
        state.store.validation_context(company_id).await?
    } else {
        Default::default()
    };
    let group = match filter.group {
        Some(id) => match state.store.group(company_id, id).await {
            Ok(group) => Some(group.name),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    filter
        .check_known(
            |role| roles.iter().any(|r| r == role),
            |_| group.is_some(),
            |provider| providers.iter().any(|p| p == provider),
        )
        .map_err(ApiError::Invalid)?;
    Ok((q, group))
}

/// Add a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = UserDetail,
            headers(("Location" = String, description = "`/api/v1/users/{id}` of the new user"),
                    ("ETag" = String, description = "`\"<version>\"`: send it back in `If-Match` to edit"))),
        (status = 400, description = "Malformed JSON or unknown field", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, description = "`forbidden`, or `directory_managed` while a directory manages the company's users", body = ErrorBody),
        (status = 409, description = "`email_archived`: an archived user has this email; restore that user instead", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid`, every violation in `fields`; beyond the schema: the email is taken (archived users included, ignoring case) or the identity provider is not one of the company's", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn create_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    ApiJson(input): ApiJson<NewUser>,
) -> Result<Response, ApiError> {
    check_not_directory(&state, caller.company_id).await?;
    let (catalogue, providers) = state.store.validation_context(caller.company_id).await?;
    let ctx = Context {
        catalogue: &catalogue,
        providers: &providers,
    };
    let valid = match validate_new_user(&input, ctx) {
        Ok(valid) => valid,
        Err(fields) => {
            return Err(add_email_conflict(
                &state,
                caller.company_id,
                Some(&input.email),
                None,
                fields,
            )
            .await?)
        }
    };
    let detail = state
        .store
        .create_user(caller.company_id, caller.user_id, &valid)
        .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/users/{}", detail.summary.id))
        .expect("a path is a valid header value");
    let mut response = with_etag(StatusCode::CREATED, detail);
    response.headers_mut().insert(header::LOCATION, location);
    Ok(response)
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "The user", body = UserDetail, headers(("ETag" = String, description = "`\"<version>\"`: send it back in `If-Match` to edit"))),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such user in the caller's company", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn get_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    let detail = state.store.user_detail(caller.company_id, id).await?;
    Ok(with_etag(StatusCode::OK, detail))
}

/// Edit a user (`If-Match` required); `roles` is the full new set of direct
/// roles, `groups` the full new set of groups (allowed alone in directory mode).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    params(("id" = i64, Path, description = "User id"),
           ("If-Match" = String, Header, description = "The ETag read with the user")),
    responses(
        (status = 200, description = "Edited (unchanged, same version, when nothing differs)", body = UserDetail, headers(("ETag" = String, description = "`\"<version>\"`: send it back in `If-Match` to edit"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "`forbidden` or `directory_managed`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`self_lockout`: the change would take the caller's own Settings away (directly or through their groups); `last_admin`: it would leave the company without an active Settings holder", body = ErrorBody),
        (status = 412, description = "`stale_version`: `If-Match` names no current version (someone else changed the user); `current` is the user now", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid`, every violation in `fields`; beyond the schema: the email is taken, the identity provider is not one of the company's, or `groups` names an id that is no group of the company", body = ErrorBody),
        (status = 428, description = "`version_required`: no If-Match", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn update_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(patch): ApiJson<UserPatch>,
) -> Result<Response, ApiError> {
    // Memberships stay manageable in directory mode (the store checks again
    // in its transaction).
    let only_groups = patch.groups.is_some()
        && UserPatch {
            groups: None,
            ..patch.clone()
        } == UserPatch::default();
    if !only_groups {
        check_not_directory(&state, caller.company_id).await?;
    }
    let expected = if_match(&headers).ok_or(ApiError::VersionRequired)?;
    let (catalogue, providers) = state.store.validation_context(caller.company_id).await?;
    let ctx = Context {
        catalogue: &catalogue,
        providers: &providers,
    };
    let changes = match validate_patch(&patch, ctx) {
        Ok(changes) => changes,
        Err(fields) => {
            return Err(add_email_conflict(
                &state,
                caller.company_id,
                patch.email.as_deref(),
                Some(id),
                fields,
            )
            .await?)
        }
    };
    let detail = state
        .store
        .update_user(caller.company_id, caller.user_id, id, &expected, &changes)
        .await?;
    Ok(with_etag(StatusCode::OK, detail))
}

/// Archive a user, giving its agents to `replacement_owner_id` in the same step.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", request_body(content = Option<DeleteUser>, description = "May be empty"),
    params(("id" = i64, Path, description = "User id"),
           ("If-Match" = Option<String>, Header, description = "Checked when sent")),
    responses(
        (status = 200, description = "Archived (unchanged when already archived); the user stays readable and restorable", body = DeleteResult,
            headers(("ETag" = String, description = "`\"<version>\"` of the archived user"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "`forbidden` or `directory_managed`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`owns_agents` (the user owns agents and no replacement was given; `agents` lists them), `cannot_archive_self` or `last_admin`", body = ErrorBody),
        (status = 412, description = "`stale_version`: `If-Match` was sent and names no current version", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "`invalid` `fields.replacement_owner_id`: not another active user of the company", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn delete_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<DeleteUser>,
) -> Result<Response, ApiError> {
    if body.replacement_owner_id.is_some_and(|id| id < 1) {
        // Not an id at all: refused before any state is looked at.
        return Err(ApiError::field(
            "replacement_owner_id",
            rules::REPLACEMENT_NOT_ACTIVE,
        ));
    }
    let expected = if_match(&headers);
    let (user, transferred_agents) = state
        .store
        .archive_user(
            caller.company_id,
            caller.user_id,
            id,
            expected.as_ref(),
            body.replacement_owner_id,
        )
        .await?;
    let tag = etag(user.version);
    Ok((
        [(header::ETAG, tag)],
        Json(DeleteResult {
            user,
            transferred_agents,
        }),
    )
        .into_response())
}

/// Restore an archived user with the roles and groups it had, and a new access
/// token: the one it had before it was archived never works again.
#[utoipa::path(post, path = "/api/v1/users/{id}/restore", tag = "users",
    params(("id" = i64, Path, description = "User id"),
           ("If-Match" = Option<String>, Header, description = "Checked when sent")),
    responses(
        (status = 200, description = "Restored (unchanged when already active)", body = UserDetail, headers(("ETag" = String, description = "`\"<version>\"`: send it back in `If-Match` to edit"))),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`forbidden` or `directory_managed`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 412, description = "`stale_version`: `If-Match` was sent and names no current version", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn restore_user(
    State(state): State<AppState>,
    Admin(caller): Admin,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers);
    let detail = state
        .store
        .restore_user(caller.company_id, caller.user_id, id, expected.as_ref())
        .await?;
    Ok(with_etag(StatusCode::OK, detail))
}
