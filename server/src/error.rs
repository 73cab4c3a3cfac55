//! The API's one error type and its one mapping to the contract's error body.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use users_api::rules;
use users_api::{AgentRef, Current, ErrorBody, ErrorCode, FieldErrors};

use crate::storage::StoreError;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("a valid access token is required")]
    Unauthenticated,
    #[error("the Settings role is required")]
    Forbidden,
    #[error("users are managed in {0}")]
    DirectoryManaged(String),
    #[error("not found")]
    NotFound,
    #[error("the user owns agents")]
    OwnsAgents(Vec<AgentRef>),
    #[error("cannot archive yourself")]
    CannotArchiveSelf,
    #[error("last active Settings holder")]
    LastAdmin,
    #[error("the caller's own Settings")]
    SelfLockout,
    #[error("email belongs to an archived user")]
    EmailArchived,
    #[error("stale version")]
    StaleVersion(Current),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("the body did not arrive in time")]
    RequestTimeout,
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("If-Match is required")]
    VersionRequired,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("internal error: {0}")]
    Internal(String),
    /// The database does not answer; the detail goes to the log only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

/// Seconds a client is asked to wait after a 503 before trying again.
pub const RETRY_AFTER_SECONDS: u32 = 5;

impl ApiError {
    /// A 422 with one message on one field.
    pub fn field(field: &str, message: &str) -> ApiError {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_string(), vec![message.to_string()]);
        ApiError::Invalid(fields)
    }

    fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) | ApiError::MethodNotAllowed => ErrorCode::BadRequest,
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::DirectoryManaged(_) => ErrorCode::DirectoryManaged,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::OwnsAgents(_) => ErrorCode::OwnsAgents,
            ApiError::CannotArchiveSelf => ErrorCode::CannotArchiveSelf,
            ApiError::LastAdmin => ErrorCode::LastAdmin,
            ApiError::SelfLockout => ErrorCode::SelfLockout,
            ApiError::EmailArchived => ErrorCode::EmailArchived,
            ApiError::StaleVersion(_) => ErrorCode::StaleVersion,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::RequestTimeout => ErrorCode::RequestTimeout,
            ApiError::Invalid(_) => ErrorCode::Invalid,
            ApiError::VersionRequired => ErrorCode::VersionRequired,
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::Unavailable(_) => ErrorCode::Unavailable,
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest(detail) => format!("The request is malformed: {detail}"),
            ApiError::Unauthenticated => "Sign in with a valid access token (Access-Token or Authorization: Bearer header).".into(),
            ApiError::Forbidden => "You need the Settings role to manage users.".into(),
            ApiError::DirectoryManaged(provider) => format!(
                "Users of this company are managed in {provider}. Ask your directory administrator to add, change or remove users."
            ),
            ApiError::NotFound => "Nothing with that id exists in your company.".into(),
            ApiError::OwnsAgents(agents) => format!(
                "This user owns {} agent(s). Choose a replacement owner to receive them.",
                agents.len()
            ),
            ApiError::CannotArchiveSelf => "You cannot delete yourself. Ask another administrator.".into(),
            ApiError::SelfLockout => rules::SELF_LOCKOUT.into(),
            ApiError::LastAdmin => "This change would leave the company with no active user holding Settings. Give Settings to someone else first.".into(),
            ApiError::EmailArchived => "An archived user has this email. Restore that user instead of adding a new one.".into(),
            ApiError::StaleVersion(Current::User(_)) => "Someone else changed this user since you opened it. Review the current values and try again.".into(),
            ApiError::StaleVersion(Current::Group(_)) => "Someone else changed this group since you opened it. Review the current values and try again.".into(),
            ApiError::RequestTimeout => "The request's body did not arrive in time. Send it again.".into(),
            ApiError::PayloadTooLarge => format!("The request body is larger than {} KiB.", users_api::MAX_BODY_BYTES / 1024),
            ApiError::Invalid(_) => "Some fields are not valid. Correct them and try again.".into(),
            ApiError::VersionRequired => "Send the If-Match header with the ETag of what you edit (the user's or the group's).".into(),
            ApiError::MethodNotAllowed => "This method is not allowed on this path.".into(),
            ApiError::Internal(_) => "Something went wrong on the server. Try again later.".into(),
            ApiError::Unavailable(_) => "The database is not answering right now. Try again in a few seconds.".into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::DirectoryManaged(provider) => ApiError::DirectoryManaged(provider),
            StoreError::EmailTaken => ApiError::field("email", rules::EMAIL_TAKEN),
            StoreError::EmailArchived => ApiError::EmailArchived,
            StoreError::OwnsAgents(agents) => ApiError::OwnsAgents(agents),
            StoreError::CannotArchiveSelf => ApiError::CannotArchiveSelf,
            StoreError::LastAdmin => ApiError::LastAdmin,
            StoreError::SelfLockout => ApiError::SelfLockout,
            StoreError::InvalidReplacement(message) => {
                ApiError::field("replacement_owner_id", &message)
            }
            StoreError::Stale(current) => ApiError::StaleVersion(Current::User(current)),
            StoreError::StaleGroup(current) => ApiError::StaleVersion(Current::Group(current)),
            StoreError::InvalidField { field, message } => ApiError::field(field, &message),
            // Undecodable stored data is a bug, never the caller's: a 500.
            decode @ StoreError::Decode(_) => ApiError::Internal(decode.to_string()),
            other if other.is_unavailable() => ApiError::Unavailable(other.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        let status =
            StatusCode::from_u16(code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let status = match self {
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            _ => status,
        };
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "request failed"),
            // An outage is the operator's to see, not a bug: one line each.
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let mut body = ErrorBody::new(code, self.message());
        match self {
            ApiError::Invalid(fields) => body.error.fields = Some(fields),
            ApiError::EmailArchived => {
                let mut fields = FieldErrors::new();
                fields.insert("email".into(), vec![rules::EMAIL_ARCHIVED.into()]);
                body.error.fields = Some(fields);
            }
            ApiError::OwnsAgents(agents) => body.agents = Some(agents),
            ApiError::StaleVersion(current) => body.current = Some(current),
            _ => {}
        }
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
        }
        response
    }
}

/// The contract's 404 for unknown paths.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The answer for a known path with an unsupported method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undecodable_stored_data_is_a_500_not_a_conflict() {
        let error = ApiError::from(StoreError::Decode("page encoding: eof".into()));
        assert!(matches!(error, ApiError::Internal(_)));
        assert_eq!(
            error.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
