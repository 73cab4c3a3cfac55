//! The one error type of every API call, decoded from the contract's error
//! body (`users_api::ErrorBody`) or from a failure to reach the server.

use serde::Deserialize;
use serde_json::value::RawValue;
use users_api::{AgentRef, ErrorCode, ErrorDetail, FieldErrors, Group, UserDetail};

/// `users_api::ErrorBody` as the client reads it: `current` stays raw until
/// the code says what it is, so the app carries no buffering decoder for
/// the untagged `Current` (11 KB of wasm gzip).
#[derive(Deserialize)]
struct ErrorBodyRead {
    error: ErrorDetail,
    #[serde(default)]
    agents: Option<Vec<AgentRef>>,
    #[serde(default)]
    current: Option<Box<RawValue>>,
}

/// Everything an API call can fail with. Each contract error code has its
/// own variant, carrying the extra data the code comes with.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server could not be reached, or its answer could not be read.
    Network(String),
    /// 400: the request was malformed (a bug in the app, or a bad URL value).
    BadRequest(String),
    /// 401: the access token is missing, unknown, regenerated or archived.
    Unauthenticated,
    /// 403: the signed-in user lacks the Settings role.
    Forbidden,
    /// 403: users are managed in a directory; no create/edit/delete/restore.
    DirectoryManaged,
    /// 404: no such user in the company.
    NotFound,
    /// 422: validation; field name → what is wrong with it.
    Invalid { fields: FieldErrors },
    /// 409: delete without a replacement while the user owns these agents.
    OwnsAgents { agents: Vec<AgentRef> },
    /// 409: an administrator cannot archive themselves.
    CannotArchiveSelf,
    /// 409: the change would leave no active Settings holder.
    LastAdmin,
    /// 409: the change would take the caller's own Settings away.
    SelfLockout,
    /// 409: create with the email of an archived user (restore instead).
    EmailArchived { fields: FieldErrors },
    /// 412: someone else changed the user; `current` is their version.
    StaleVersion { current: Box<UserDetail> },
    /// 412: someone else changed the group; `current` is their version.
    StaleGroup { current: Box<Group> },
    /// 413: the request body is over 64 KiB.
    PayloadTooLarge,
    /// 428: an edit was sent without `If-Match`.
    VersionRequired,
    /// Anything else (5xx, an unknown code): status and the server's message.
    Unexpected { status: u16, message: String },
}

impl ApiError {
    /// Decodes an error response from its status and body; a body that is
    /// not the contract's error shape is judged by the status alone.
    pub fn from_body(status: u16, body: &str) -> Self {
        let Ok(body) = serde_json::from_str::<ErrorBodyRead>(body) else {
            return match status {
                401 => ApiError::Unauthenticated,
                403 => ApiError::Forbidden,
                404 => ApiError::NotFound,
                413 => ApiError::PayloadTooLarge,
                _ => ApiError::Unexpected {
                    status,
                    message: String::new(),
                },
            };
        };
        let ErrorBodyRead {
            error,
            agents,
            current,
        } = body;
        match error.code {
            ErrorCode::BadRequest => ApiError::BadRequest(error.message),
            ErrorCode::Unauthenticated => ApiError::Unauthenticated,
            ErrorCode::Forbidden => ApiError::Forbidden,
            ErrorCode::DirectoryManaged => ApiError::DirectoryManaged,
            ErrorCode::NotFound => ApiError::NotFound,
            ErrorCode::OwnsAgents => ApiError::OwnsAgents {
                agents: agents.unwrap_or_default(),
            },
            ErrorCode::CannotArchiveSelf => ApiError::CannotArchiveSelf,
            ErrorCode::LastAdmin => ApiError::LastAdmin,
            ErrorCode::SelfLockout => ApiError::SelfLockout,
            ErrorCode::EmailArchived => ApiError::EmailArchived {
                fields: error.fields.unwrap_or_default(),
            },
            // The user or the group as it is now, told apart by their fields.
            ErrorCode::StaleVersion => {
                let raw = current.as_deref().map_or("", RawValue::get);
                if let Ok(current) = serde_json::from_str::<Box<UserDetail>>(raw) {
                    ApiError::StaleVersion { current }
                } else if let Ok(current) = serde_json::from_str::<Box<Group>>(raw) {
                    ApiError::StaleGroup { current }
                } else {
                    ApiError::Unexpected {
                        status,
                        message: error.message,
                    }
                }
            }
            ErrorCode::PayloadTooLarge => ApiError::PayloadTooLarge,
            ErrorCode::Invalid => ApiError::Invalid {
                fields: error.fields.unwrap_or_default(),
            },
            ErrorCode::VersionRequired => ApiError::VersionRequired,
            ErrorCode::Internal
            | ErrorCode::Unavailable
            | ErrorCode::RequestTimeout
            | ErrorCode::UriTooLong
            | ErrorCode::HeadersTooLarge => ApiError::Unexpected {
                status,
                message: error.message,
            },
        }
    }

    /// The contract's code for this error, when it has one.
    pub fn code(&self) -> Option<ErrorCode> {
        Some(match self {
            ApiError::Network(_) | ApiError::Unexpected { .. } => return None,
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::DirectoryManaged => ErrorCode::DirectoryManaged,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::Invalid { .. } => ErrorCode::Invalid,
            ApiError::OwnsAgents { .. } => ErrorCode::OwnsAgents,
            ApiError::CannotArchiveSelf => ErrorCode::CannotArchiveSelf,
            ApiError::LastAdmin => ErrorCode::LastAdmin,
            ApiError::SelfLockout => ErrorCode::SelfLockout,
            ApiError::EmailArchived { .. } => ErrorCode::EmailArchived,
            ApiError::StaleVersion { .. } | ApiError::StaleGroup { .. } => ErrorCode::StaleVersion,
            ApiError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            ApiError::VersionRequired => ErrorCode::VersionRequired,
        })
    }

    /// Field errors (validation and `email_archived`), if any.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            ApiError::Invalid { fields } | ApiError::EmailArchived { fields } => Some(fields),
            _ => None,
        }
    }

    /// What to show where the call was made: the [`ApiError::message`], or
    /// `None` for a 401, which the API layer has already handed to the
    /// session (it goes to sign-in and says why there).
    pub fn shown(&self) -> Option<String> {
        (*self != ApiError::Unauthenticated).then(|| self.message())
    }

    /// A sentence a person can act on.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network(_) => {
                "The server could not be reached. Check your connection and try again.".into()
            }
            ApiError::BadRequest(message) if !message.is_empty() => {
                format!("The request was not accepted: {message}")
            }
            ApiError::BadRequest(_) => "The request was not accepted.".into(),
            ApiError::Unauthenticated => "Your session ended. Sign in again.".into(),
            ApiError::Forbidden => "You need the Settings role to manage users.".into(),
            ApiError::DirectoryManaged => {
                "Users are managed in your directory and cannot be changed here.".into()
            }
            ApiError::NotFound => "This user no longer exists.".into(),
            ApiError::Invalid { .. } => "Some fields need attention.".into(),
            ApiError::OwnsAgents { agents } => format!(
                "This user owns {} agent{}. Choose a replacement user to take them over.",
                agents.len(),
                if agents.len() == 1 { "" } else { "s" }
            ),
            ApiError::CannotArchiveSelf => "You cannot delete yourself.".into(),
            ApiError::SelfLockout => users_api::rules::SELF_LOCKOUT.into(),
            ApiError::LastAdmin => {
                "This would leave the company without an active user holding Settings.".into()
            }
            ApiError::EmailArchived { .. } => {
                "An archived user has this email. Restore that user instead.".into()
            }
            ApiError::StaleVersion { .. } => "Someone else changed this user.".into(),
            ApiError::StaleGroup { .. } => "Someone else changed this group.".into(),
            ApiError::PayloadTooLarge => "The request is too large.".into(),
            ApiError::VersionRequired => {
                "The edit was sent without the user's version. Reload and try again.".into()
            }
            ApiError::Unexpected { status, .. } => {
                format!("Something went wrong on the server (error {status}). Try again.")
            }
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}
