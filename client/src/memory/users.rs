//! Reading the user list the way the server does: substring search,
//! alphabetical order by "first last" (then email, then id) and paging
//! with true totals; the audit log is paged the same way, newest first.

use users_api::{identity, AuditEntry, ListQuery, Page, UserId, UserSummary};

use super::store::{Store, StoredUser};
use crate::ApiError;

impl StoredUser {
    /// The server's order: folded "first last", then the email key, then id.
    pub(super) fn sort_key(&self) -> (String, String, UserId) {
        (
            identity::name_key(&self.first_name, &self.last_name),
            identity::email_key(&self.email),
            self.id,
        )
    }

    /// The server's search: the folded needle inside the folded name or
    /// the email key.
    pub(super) fn matches(&self, needle: &str) -> bool {
        needle.is_empty()
            || identity::name_key(&self.first_name, &self.last_name).contains(needle)
            || identity::email_key(&self.email).contains(needle)
    }
}

impl Store {
    /// `GET /users`: one page of the users with the query's status whose
    /// names or email contain the search text.
    pub(super) fn list_users(&self, query: &ListQuery) -> Result<Page<UserSummary>, ApiError> {
        query.check().map_err(|e| ApiError::BadRequest(e.0))?;
        let needle = identity::fold(query.query.trim());
        let mut found: Vec<&StoredUser> = self
            .users
            .iter()
            .filter(|u| u.status == query.status && u.matches(&needle))
            .collect();
        found.sort_by_key(|u| u.sort_key());
        let total = found.len() as u64;
        let entries = found
            .into_iter()
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .map(|u| self.summary(u))
            .collect();
        Ok(Page::new(entries, query.page, query.per_page, total))
    }

    /// `GET /audit`: one page of the log, newest first, optionally only the
    /// entries about one user.
    pub(super) fn audit_page(
        &self,
        user_id: Option<UserId>,
        page: u32,
        per_page: u32,
    ) -> Page<AuditEntry> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, users_api::MAX_PER_PAGE);
        let entries: Vec<&AuditEntry> = self
            .audit
            .iter()
            .rev()
            .filter(|e| user_id.is_none_or(|id| e.target_user.as_ref().is_some_and(|t| t.id == id)))
            .collect();
        let total = entries.len() as u64;
        let entries = entries
            .into_iter()
            .skip(((page - 1) * per_page) as usize)
            .take(per_page as usize)
            .cloned()
            .collect();
        Page::new(entries, page, per_page, total)
    }
}
