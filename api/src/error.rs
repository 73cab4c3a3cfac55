//! The contract's error body and its codes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Field name → what is wrong with it (sentence fragments such as
/// "is already taken", shown after the field's label).
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Every error code the API answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthenticated,
    Forbidden,
    DirectoryManaged,
    NotFound,
    OwnsAgents,
    CannotArchiveSelf,
    LastAdmin,
    /// The change would take the caller's own Settings away.
    SelfLockout,
    EmailArchived,
    StaleVersion,
    PayloadTooLarge,
    Invalid,
    VersionRequired,
    Internal,
    /// The request's body did not arrive within the server's time limit.
    RequestTimeout,
    /// The request's URL is longer than the server reads.
    UriTooLong,
    /// The request's headers are too many or too large.
    HeadersTooLarge,
    /// The database does not answer (stopped, unreachable or overloaded):
    /// try again shortly (`Retry-After` says when).
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status the contract pairs with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden | ErrorCode::DirectoryManaged => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::OwnsAgents
            | ErrorCode::CannotArchiveSelf
            | ErrorCode::LastAdmin
            | ErrorCode::SelfLockout
            | ErrorCode::EmailArchived => 409,
            ErrorCode::StaleVersion => 412,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Invalid => 422,
            ErrorCode::VersionRequired => 428,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::UriTooLong => 414,
            ErrorCode::HeadersTooLarge => 431,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable => 503,
        }
    }

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::DirectoryManaged => "directory_managed",
            ErrorCode::NotFound => "not_found",
            ErrorCode::OwnsAgents => "owns_agents",
            ErrorCode::CannotArchiveSelf => "cannot_archive_self",
            ErrorCode::LastAdmin => "last_admin",
            ErrorCode::SelfLockout => "self_lockout",
            ErrorCode::EmailArchived => "email_archived",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Invalid => "invalid",
            ErrorCode::VersionRequired => "version_required",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::HeadersTooLarge => "headers_too_large",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
        }
    }
}

/// The `error` object of every error response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// Present only with `invalid` (422) and `email_archived`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
}

/// The whole error body: `{"error": {...}}`, plus the extra members some
/// codes carry next to `error` (`agents` for `owns_agents`, `current` for
/// `stale_version`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents: Option<Vec<crate::types::AgentRef>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Current>,
}

/// The current state a `stale_version` answer carries: the user or the
/// group as it is now (told apart by their fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Current {
    User(Box<crate::types::UserDetail>),
    Group(Box<crate::group::Group>),
}

impl ErrorBody {
    /// A body with just a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code,
                message: message.into(),
                fields: None,
            },
            agents: None,
            current: None,
        }
    }
}
