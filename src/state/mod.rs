//! App-wide state: the session, announcements, row actions and the list's URL state.

pub mod audit_url;
pub mod list_focus;
pub mod list_url;
pub mod loaded;
pub mod notices;
pub mod outcome;
pub mod restore;
pub mod row_action;
pub mod session;
