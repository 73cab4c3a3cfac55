//! Reading the user list the way the server does: substring search,
//! alphabetical order by "first last" (then email, then id) and paging
//! with true totals; the export of every matching user; the audit log is
//! paged the same way, newest first.

use users_api::{
    export, identity, AuditEntry, AuditPage, AuditQuery, ListQuery, Page, SourceFilter, UserFilter,
    UserId, UserSummary,
};

use super::store::{Store, StoredUser};
use crate::{ApiError, ExportStart};

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
        let found = self.selected(query)?;
        let total = found.len() as u64;
        let entries = found
            .into_iter()
            .skip(query.offset() as usize)
            .take(query.per_page as usize)
            .map(|u| self.summary(u))
            .collect();
        Ok(Page::new(entries, query.page, query.per_page, total))
    }

    /// Every user `query` names (tab, search, filter; its paging aside),
    /// in list order.
    fn selected(&self, query: &ListQuery) -> Result<Vec<&StoredUser>, ApiError> {
        self.check_filter(&query.filter)?;
        let needle = identity::fold(query.query.trim());
        let mut found: Vec<&StoredUser> = self
            .users
            .iter()
            .filter(|u| u.status == query.status && u.matches(&needle))
            .filter(|u| self.passes(u, &query.filter))
            .collect();
        found.sort_by_key(|u| u.sort_key());
        Ok(found)
    }

    /// `GET /users/export.csv`: the file's name and its pieces (the
    /// header, then a piece per `rows_per_piece` users), audited as the
    /// server does.
    pub(super) fn export(
        &mut self,
        caller: UserId,
        query: &ListQuery,
        rows_per_piece: usize,
    ) -> Result<(ExportStart, Vec<String>), ApiError> {
        let (group_name, rows) = {
            let found = self.selected(query)?;
            let group_name = query
                .filter
                .group
                .and_then(|id| self.groups.iter().find(|g| g.id == id))
                .map(|g| g.name.clone());
            let rows: Vec<(UserSummary, Option<String>)> = found
                .iter()
                .map(|u| (self.summary(u), u.token_last_used_at.clone()))
                .collect();
            (group_name, rows)
        };
        let mut pieces = vec![export::header()];
        for chunk in rows.chunks(rows_per_piece.max(1)) {
            let mut piece = String::new();
            for (user, last_used) in chunk {
                export::push_row(&mut piece, user, last_used.as_deref());
            }
            pieces.push(piece);
        }
        let details = export::audit_details(query, rows.len() as u64);
        self.record_about(caller, "users.export", (None, None), details);
        let today = self.now();
        let start = ExportStart {
            file_name: export::file_name(query, group_name.as_deref(), &today[..10]),
            total: rows.len() as u64,
        };
        Ok((start, pieces))
    }

    /// The server's 422 for a filter naming a role, group or identity
    /// provider there is not.
    fn check_filter(&self, filter: &UserFilter) -> Result<(), ApiError> {
        filter
            .check_known(
                |role| self.catalogue.iter().any(|r| r.name == role),
                |group| self.groups.iter().any(|g| g.id == group),
                |provider| self.providers.iter().any(|p| p.name == provider),
            )
            .map_err(|fields| ApiError::Invalid { fields })
    }

    /// Whether `user` is one the filter keeps: has the role by the source
    /// asked (direct, from a group, or either), is in the group, signs in
    /// with the provider.
    fn passes(&self, user: &StoredUser, filter: &UserFilter) -> bool {
        let role = filter.role.as_ref().is_none_or(|role| {
            let direct = user.direct_roles.contains(role);
            let via_group = self.groups_of(user).iter().any(|g| g.roles.contains(role));
            match filter.source {
                Some(SourceFilter::Direct) => direct,
                Some(SourceFilter::Group) => via_group,
                None => direct || via_group,
            }
        });
        role && filter.group.is_none_or(|g| user.groups.contains(&g))
            && filter
                .identity_provider
                .as_ref()
                .is_none_or(|p| &user.identity_provider == p)
    }

    /// `GET /audit`: one page of the log, newest first, every filter
    /// holding, after the cursor.
    pub(super) fn audit_page(&self, query: &AuditQuery) -> AuditPage {
        let f = &query.filter;
        let is = |person: &Option<users_api::AuditPerson>, id: Option<UserId>| {
            id.is_none_or(|id| person.as_ref().is_some_and(|p| p.id == id))
        };
        self.audit_after(query.before, query.per_page, |e| {
            is(&e.actor, f.actor)
                && is(&e.target_user, f.target)
                && f.user
                    .is_none_or(|u| is(&e.actor, Some(u)) || is(&e.target_user, Some(u)))
                && f.group
                    .is_none_or(|g| e.target_group.as_ref().is_some_and(|t| t.id == g))
                && (f.actions.is_empty() || f.actions.contains(&e.action))
                && f.since.as_ref().is_none_or(|since| e.at >= *since)
                && f.until.as_ref().is_none_or(|until| e.at < *until)
        })
    }

    /// `GET /users/{id}/activity`: entries where the user acted or was affected.
    pub(super) fn activity_page(
        &self,
        user: UserId,
        before: Option<i64>,
        per_page: u32,
    ) -> AuditPage {
        let is =
            |person: &Option<users_api::AuditPerson>| person.as_ref().is_some_and(|p| p.id == user);
        self.audit_after(before, per_page, |e| is(&e.actor) || is(&e.target_user))
    }

    /// The newest `per_page` entries older than `before` that `keep` keeps,
    /// with the cursor of the next page when there is one.
    fn audit_after(
        &self,
        before: Option<i64>,
        per_page: u32,
        keep: impl Fn(&AuditEntry) -> bool,
    ) -> AuditPage {
        let mut matching = self
            .audit
            .iter()
            .rev()
            .filter(|e| before.is_none_or(|b| e.id < b))
            .filter(|e| keep(e));
        let entries: Vec<AuditEntry> = matching.by_ref().take(per_page as usize).cloned().collect();
        let next = matching
            .next()
            .and(entries.last())
            .map(|last| last.id.to_string());
        AuditPage { entries, next }
    }
}
