//! The users list filtered for an access review (role and how it is held,
//! group, identity provider; with or without a search), and the export's
//! batches: one copy of the SQL for both backends.
//!
//! The rows are driven from the narrowest structure the filter names: a
//! group's `group_members_list` range (already in list order), else the
//! role's holders (`user_roles_by_role`, and the members of the groups that
//! give it), else the tab's `users_list` range; every other part of the
//! filter is a test on the row. Totals are exact: counted over the same
//! rows in the same snapshot.

use users_api::{ListQuery, SourceFilter, UserFilter, UserStatus, UserSummary};

use super::groups::{find_fn, placeholders};
use super::{on_backend, Tx};
use crate::storage::{postgres, sqlite, StoreResult};

/// A value bound to a numbered parameter.
enum Bind {
    Int(i64),
    Text(String),
}

/// Which users a filtered read looks at: company, tab, folded search text
/// (empty: no search) and filter.
pub(crate) struct Selection {
    pub company_id: i64,
    pub status: UserStatus,
    pub needle: String,
    pub filter: UserFilter,
}

impl Selection {
    /// The selection a list request names (its paging aside).
    pub(crate) fn of(company_id: i64, q: &ListQuery) -> Self {
        Selection {
            company_id,
            status: q.status,
            needle: users_api::identity::fold(&q.query),
            filter: q.filter.clone(),
        }
    }
}

/// Where a filtered list resumes: the last row's sort key, email key and id.
pub(crate) type After = (String, String, i64);

/// A statement being written: its text and its numbered parameters.
struct Sql {
    binds: Vec<Bind>,
}

impl Sql {
    fn param(&mut self, bind: Bind) -> String {
        self.binds.push(bind);
        format!("${}", self.binds.len())
    }
}

/// How a role filter (without a group) finds its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RoleDrive {
    /// Gather the role's holders (assignments and the members of the
    /// groups that give it), then keep the tab's: best to count, and for
    /// a page of a rare role (it is sorted from few).
    Holders,
    /// Walk the tab in list order and test each user for the role (two
    /// index lookups): a page of a common role stops after a few dozen
    /// users, and an export visits each user once instead of sorting the
    /// holders again for every batch.
    Walk,
}

/// A role's holders are walked to rather than gathered when at least one
/// user in this many of the tab holds it (a page then visits at most
/// `per_page` times this many users).
pub(crate) const WALK_DENSITY: u64 = 40;

/// `(id, sort_key, email_key)` of every matching user, as a subquery, and
/// its parameters.
fn matches(tx: &Tx, s: &Selection, drive: RoleDrive, sql: &mut Sql) -> String {
    let find = find_fn(tx);
    let company = sql.param(Bind::Int(s.company_id));
    let status = sql.param(Bind::Text(s.status.as_str().into()));
    let role = s.filter.role.as_ref().map(|name| {
        let name = sql.param(Bind::Text(name.clone()));
        format!("(SELECT id FROM roles WHERE name = {name})")
    });
    let mut tests = Vec::new();
    let from = match (s.filter.group, role) {
        (Some(group), role) => {
            let group = sql.param(Bind::Int(group));
            if let Some(role) = role {
                tests.push(holds(&role, s.filter.source));
            }
            format!(
                "SELECT u.id, gm.sort_key, gm.email_key FROM group_members gm
                 JOIN users u ON u.id = gm.user_id
                 WHERE gm.group_id = {group} AND gm.status = {status} AND u.company_id = {company}"
            )
        }
        (None, Some(role)) if drive == RoleDrive::Holders => {
            let direct = format!("SELECT ur.user_id FROM user_roles ur WHERE ur.role_id = {role}");
            let from_groups = format!(
                "SELECT gm.user_id FROM group_roles gr
                 JOIN group_members gm ON gm.group_id = gr.group_id WHERE gr.role_id = {role}"
            );
            let holders = match s.filter.source {
                Some(SourceFilter::Direct) => direct,
                Some(SourceFilter::Group) => from_groups,
                None => format!("{direct} UNION {from_groups}"),
            };
            format!(
                "SELECT u.id, u.sort_key, u.email_key FROM users u
                 WHERE u.id IN ({holders}) AND u.company_id = {company} AND u.status = {status}"
            )
        }
        (None, role) => {
            if let Some(role) = role {
                tests.push(holds(&role, s.filter.source));
            }
            format!(
                "SELECT u.id, u.sort_key, u.email_key FROM users u
                 WHERE u.company_id = {company} AND u.status = {status}"
            )
        }
    };
    if let Some(provider) = &s.filter.identity_provider {
        let provider = sql.param(Bind::Text(provider.clone()));
        tests.push(format!(
            "u.identity_provider_id = (SELECT id FROM identity_providers
                                       WHERE company_id = {company} AND name = {provider})"
        ));
    }
    if !s.needle.is_empty() {
        let needle = sql.param(Bind::Text(s.needle.clone()));
        tests.push(format!(
            "({find}(u.sort_key, {needle}) > 0 OR {find}(u.email_key, {needle}) > 0)"
        ));
    }
    tests
        .into_iter()
        .fold(from, |sql, test| format!("{sql} AND {test}"))
}

/// The test that user `u` holds `role` (an SQL expression for its id) by
/// `source` (either when `None`).
fn holds(role: &str, source: Option<SourceFilter>) -> String {
    let direct = format!(
        "EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = {role})"
    );
    let from_group = format!(
        "EXISTS (SELECT 1 FROM group_members hm JOIN group_roles gr ON gr.group_id = hm.group_id
                 WHERE hm.user_id = u.id AND gr.role_id = {role})"
    );
    match source {
        Some(SourceFilter::Direct) => direct,
        Some(SourceFilter::Group) => from_group,
        None => format!("({direct} OR {from_group})"),
    }
}

/// Runs `$query` (a `query_as`/`query_scalar` builder over `$sql`) with the
/// binds of `$params` on the transaction's backend.
macro_rules! with_binds {
    ($tx:expr, $sql:expr, $params:expr, |$q:ident| $make:expr, $fetch:ident) => {
        on_backend!(Tx, $tx, |tx| {
            let mut $q = $make($sql);
            for bind in &$params.binds {
                $q = match bind {
                    Bind::Int(n) => $q.bind(*n),
                    Bind::Text(t) => $q.bind(t.as_str()),
                };
            }
            $q.$fetch(&mut **tx).await?
        })
    };
}

impl Tx {
    /// How many users the selection holds, exactly.
    pub(crate) async fn filtered_count(&mut self, s: &Selection) -> StoreResult<u64> {
        let mut sql = Sql { binds: Vec::new() };
        let text = format!(
            "SELECT COUNT(*) FROM ({}) m",
            matches(self, s, RoleDrive::Holders, &mut sql)
        );
        let n: i64 = with_binds!(&mut *self, &text, sql, |q| sqlx::query_scalar, fetch_one);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The selection's users in list order: `limit` of them after `offset`,
    /// or (for the export, which resumes where it stopped) after `after`.
    pub(crate) async fn filtered_ids(
        &mut self,
        s: &Selection,
        drive: RoleDrive,
        after: Option<&After>,
        (offset, limit): (u64, u32),
    ) -> StoreResult<Vec<(i64, String, String)>> {
        let mut sql = Sql { binds: Vec::new() };
        let rows = matches(self, s, drive, &mut sql);
        // A row-value comparison: both databases seek the list index to it
        // (spelled out with ORs, SQLite walked from the range's start on
        // every batch).
        let resume = match after {
            Some((sort_key, email_key, id)) => {
                let sort_key = sql.param(Bind::Text(sort_key.clone()));
                let email_key = sql.param(Bind::Text(email_key.clone()));
                let id = sql.param(Bind::Int(*id));
                format!("WHERE (m.sort_key, m.email_key, m.id) > ({sort_key}, {email_key}, {id})")
            }
            None => String::new(),
        };
        let limit = sql.param(Bind::Int(i64::from(limit)));
        let offset = sql.param(Bind::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
        let text = format!(
            "SELECT m.id, m.sort_key, m.email_key FROM ({rows}) m {resume}
             ORDER BY m.sort_key, m.email_key, m.id LIMIT {limit} OFFSET {offset}"
        );
        let found: Vec<(i64, String, String)> =
            with_binds!(&mut *self, &text, sql, |q| sqlx::query_as, fetch_all);
        Ok(found)
    }

    /// How many users the tab holds (the `user_counts` row).
    pub(crate) async fn tab_size(&mut self, s: &Selection) -> StoreResult<u64> {
        let n: Option<i64> = on_backend!(Tx, &mut *self, |tx| {
            sqlx::query_scalar("SELECT n FROM user_counts WHERE company_id = $1 AND status = $2")
                .bind(s.company_id)
                .bind(s.status.as_str())
                .fetch_optional(&mut **tx)
                .await?
        });
        Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
    }

    /// The summaries of `ids` (in list order) on this transaction's backend.
    pub(crate) async fn summaries(&mut self, ids: &[i64]) -> StoreResult<Vec<UserSummary>> {
        match self {
            Tx::Sqlite(tx) => sqlite::load_summaries(tx, ids).await,
            Tx::Postgres(tx) => postgres::load_summaries(tx, ids).await,
        }
    }

    /// When each of `ids` last used their token (users who never did, or
    /// have no token, are left out).
    pub(crate) async fn tokens_last_used(
        &mut self,
        ids: &[i64],
    ) -> StoreResult<std::collections::HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let text = format!(
            "SELECT user_id, last_used_at FROM access_tokens
             WHERE last_used_at IS NOT NULL AND user_id IN ({})",
            placeholders(1, ids.len())
        );
        let rows: Vec<(i64, String)> = on_backend!(Tx, &mut *self, |tx| {
            let mut query = sqlx::query_as(&text);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(&mut **tx).await?
        });
        Ok(rows.into_iter().collect())
    }
}
