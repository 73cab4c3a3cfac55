//! The Users console's API contract (v1), shared by the browser app and the
//! server so both sides speak the same types and check input with the same
//! rules. Nothing here performs I/O.

pub mod audit;
pub mod error;
pub mod export;
pub mod filter;
pub mod group;
pub mod identity;
pub mod query;
pub mod rules;
pub mod schema;
pub mod token;
pub mod types;
pub mod validation;

pub use audit::{AuditEntry, AuditFilter, AuditPage, AuditPerson, AuditQuery};
pub use error::{Current, ErrorBody, ErrorCode, ErrorDetail, FieldErrors};
pub use filter::{SourceFilter, UserFilter};
pub use group::{
    AddMembers, Group, GroupDeletion, GroupId, GroupMember, GroupPatch, NewGroup, PageQuery,
    RoleLoss,
};
pub use query::{
    ListParamError, ListQuery, ParamStyle, UserStatus, DEFAULT_PER_PAGE, MAX_PER_PAGE,
};
pub use types::*;
pub use validation::{Email, PersonName};

/// The role that lets a user manage users (the Users page's gate).
pub const SETTINGS_ROLE: &str = "Settings";

/// Largest request body the server accepts, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
