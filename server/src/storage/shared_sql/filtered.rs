//! The users list filtered for an access review (role and how it is held,
//! group, identity provider; with or without a search), and the export's
//! batches: one copy of the SQL for both backends.
//!
//! The rows are driven from the narrowest structure the filter names, each
//! already in list order: a group's `group_members_list` range, else the
//! role's `role_holders_list` range (or its partial index per source), else
//! the tab's `users_list` range; every other part of the filter is a test
//! on the row. Totals are exact: a role alone (or with a search of up to
//! three characters) reads them from the trigger-kept `role_counts` /
//! `role_gram_counts`, a provider alone likewise from `provider_counts` /
//! `provider_gram_counts`; everything else counts the same rows in the same
//! snapshot.

use users_api::{ListQuery, SourceFilter, UserFilter, UserStatus, UserSummary};

use super::groups::placeholders;
use super::{on_backend, Tx};
use crate::storage::grams::matches_nothing;
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

    /// The source name the role counts are kept under.
    fn source_key(&self) -> &'static str {
        match self.filter.source {
            None => "any",
            Some(SourceFilter::Direct) => "direct",
            Some(SourceFilter::Group) => "group",
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

/// `(id, sort_key, email_key)` of every matching user, in list order along
/// the index it is driven from, as a subquery, and its parameters.
fn matches(tx: &Tx, s: &Selection, sql: &mut Sql) -> String {
    let find = super::groups::find_fn(tx);
    let company = sql.param(Bind::Int(s.company_id));
    let status = sql.param(Bind::Text(s.status.as_str().into()));
    let role = s.filter.role.as_ref().map(|name| {
        let name = sql.param(Bind::Text(name.clone()));
        format!("(SELECT id FROM roles WHERE name = {name})")
    });
    let mut tests = Vec::new();
    // `keys`: the alias whose sort_key and email_key the search tests.
    let (from, keys) = match (s.filter.group, role) {
        (Some(group), role) => {
            let group = sql.param(Bind::Int(group));
            if let Some(role) = role {
                tests.push(holds("u.id", &role, s.filter.source));
            }
            let from = format!(
                "SELECT u.id, gm.sort_key, gm.email_key FROM group_members gm
                 JOIN users u ON u.id = gm.user_id
                 WHERE gm.group_id = {group} AND gm.status = {status} AND u.company_id = {company}"
            );
            (from, "gm")
        }
        (None, Some(role)) => {
            // The literal source test picks the partial index.
            let source = source_test("h", s.filter.source);
            let users = if s.filter.identity_provider.is_some() {
                " JOIN users u ON u.id = h.user_id"
            } else {
                ""
            };
            let from = format!(
                "SELECT h.user_id AS id, h.sort_key, h.email_key FROM role_holders h{users}
                 WHERE h.company_id = {company} AND h.role_id = {role} AND h.status = {status}{source}"
            );
            (from, "h")
        }
        (None, None) => {
            let from = format!(
                "SELECT u.id, u.sort_key, u.email_key FROM users u
                 WHERE u.company_id = {company} AND u.status = {status}"
            );
            (from, "u")
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
            "({find}({keys}.sort_key, {needle}) > 0 OR {find}({keys}.email_key, {needle}) > 0)"
        ));
    }
    tests
        .into_iter()
        .fold(from, |sql, test| format!("{sql} AND {test}"))
}

/// The test (` AND …`, empty for any source) that the `role_holders` row
/// aliased `holder` holds its role by `source`, as the partial indexes
/// state it.
fn source_test(holder: &str, source: Option<SourceFilter>) -> String {
    match source {
        None => String::new(),
        Some(SourceFilter::Direct) => format!(" AND {holder}.direct = 1"),
        Some(SourceFilter::Group) => format!(" AND {holder}.via_groups > 0"),
    }
}

/// The test that the user whose id is `user` holds `role` (an SQL
/// expression for its id) by `source` (either when `None`): one lookup of
/// the `role_holders` key.
fn holds(user: &str, role: &str, source: Option<SourceFilter>) -> String {
    let source = source_test("rh", source);
    format!(
        "EXISTS (SELECT 1 FROM role_holders rh
                 WHERE rh.user_id = {user} AND rh.role_id = {role}{source})"
    )
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
        if matches_nothing(&s.needle) {
            return Ok(0);
        }
        if let Some(n) = self.kept_count(s).await? {
            return Ok(n);
        }
        let mut sql = Sql { binds: Vec::new() };
        let text = format!("SELECT COUNT(*) FROM ({}) m", matches(self, s, &mut sql));
        let n: i64 = with_binds!(&mut *self, &text, sql, |q| sqlx::query_scalar, fetch_one);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The selection's total as the triggers keep it, when they do: a role
    /// (by its source) or a provider alone in the tab, with no search or a
    /// search of up to three characters (a role's grams are kept for the
    /// active tab only).
    async fn kept_count(&mut self, s: &Selection) -> StoreResult<Option<u64>> {
        let f = &s.filter;
        let searched = !s.needle.is_empty();
        if s.needle.chars().count() > 3 {
            return Ok(None);
        }
        const ROLE: &str = "(SELECT id FROM roles WHERE name = $2)";
        const PROVIDER: &str =
            "(SELECT id FROM identity_providers WHERE company_id = $1 AND name = $2)";
        // The statement and its keys after the company ($2 the counted
        // thing's name).
        let needle = s.needle.as_str();
        let (sql, keys) = match (&f.role, f.group, &f.identity_provider) {
            (Some(_), None, None) if searched && s.status != UserStatus::Active => return Ok(None),
            (Some(role), None, None) if searched => (
                format!(
                    "SELECT n FROM role_gram_counts
                     WHERE company_id = $1 AND role_id = {ROLE} AND source = $3 AND gram = $4"
                ),
                vec![role.as_str(), s.source_key(), needle],
            ),
            (Some(role), None, None) => (
                format!(
                    "SELECT n FROM role_counts
                     WHERE company_id = $1 AND role_id = {ROLE} AND status = $3 AND source = $4"
                ),
                vec![role.as_str(), s.status.as_str(), s.source_key()],
            ),
            (None, None, Some(provider)) if searched => (
                format!(
                    "SELECT n FROM provider_gram_counts
                     WHERE company_id = $1 AND provider_id = {PROVIDER} AND status = $3 AND gram = $4"
                ),
                vec![provider.as_str(), s.status.as_str(), needle],
            ),
            (None, None, Some(provider)) => (
                format!(
                    "SELECT n FROM provider_counts
                     WHERE company_id = $1 AND provider_id = {PROVIDER} AND status = $3"
                ),
                vec![provider.as_str(), s.status.as_str()],
            ),
            _ => return Ok(None),
        };
        let n: Option<i64> = on_backend!(Tx, &mut *self, |tx| {
            let mut query = sqlx::query_scalar(&sql).bind(s.company_id);
            for key in &keys {
                query = query.bind(*key);
            }
            query.fetch_optional(&mut **tx).await?
        });
        Ok(Some(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0)))
    }

    /// The selection's users in list order: `limit` of them after `offset`,
    /// or (for the export, which resumes where it stopped) after `after`.
    pub(crate) async fn filtered_ids(
        &mut self,
        s: &Selection,
        after: Option<&After>,
        (offset, limit): (u64, u32),
    ) -> StoreResult<Vec<(i64, String, String)>> {
        if matches_nothing(&s.needle) {
            return Ok(Vec::new());
        }
        let mut sql = Sql { binds: Vec::new() };
        let rows = matches(self, s, &mut sql);
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

    /// The summaries of `ids` (in list order) on this transaction's backend.
    pub(crate) async fn summaries(&mut self, ids: &[i64]) -> StoreResult<Vec<UserSummary>> {
        match self {
            Tx::Sqlite(tx) => sqlite::load_summaries(tx, ids).await,
            Tx::Postgres(tx) => postgres::load_summaries(tx, ids).await,
        }
    }

    /// The summaries of `ids` (in list order) as the export writes them
    /// (PostgreSQL leaves the owned-agents count out: it is not written).
    pub(crate) async fn export_summaries(&mut self, ids: &[i64]) -> StoreResult<Vec<UserSummary>> {
        match self {
            Tx::Sqlite(tx) => sqlite::load_summaries(tx, ids).await,
            Tx::Postgres(tx) => postgres::load_export_summaries(tx, ids).await,
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
        const WHERE_USED: &str = "SELECT user_id, last_used_at FROM access_tokens
                                  WHERE last_used_at IS NOT NULL AND user_id";
        let rows: Vec<(i64, String)> = match self {
            Tx::Sqlite(tx) => {
                let text = format!("{WHERE_USED} IN ({})", placeholders(1, ids.len()));
                let mut query = sqlx::query_as(&text);
                for id in ids {
                    query = query.bind(*id);
                }
                query.fetch_all(&mut **tx).await?
            }
            // One array instead of 500 parameters to bind.
            Tx::Postgres(tx) => {
                sqlx::query_as(&format!("{WHERE_USED} = ANY($1)"))
                    .bind(ids)
                    .fetch_all(&mut **tx)
                    .await?
            }
        };
        Ok(rows.into_iter().collect())
    }
}
