//! The users list and its search, planned to stay fast at a million users
//! while totals stay exact (see migration 0002 for the tables).
//!
//! * Totals: `user_counts` for the whole tab; `user_gram_counts` for a
//!   search of up to three characters. Longer searches count the rows
//!   they find (or, when even their rarest trigram is common, scan the
//!   covering list index once).
//! * Pages of the list are read from the covering index
//!   `users_list (company_id, status, sort_key, email_key, id)`: only ids,
//!   and from whichever end of the tab is nearer, so the last page costs
//!   what the first does. Only the page's own rows are then loaded.
//! * A search whose matches are dense walks the same index in order with an
//!   exact substring test (`instr` on the lower-cased texts: no wildcards to
//!   escape) and stops at the page; a sparse one takes candidates from the
//!   trigram index `users_search` (scoped to the tab by rowid range, its
//!   rarest trigrams ANDed), checks each against the row, and sorts them.

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::{Row, SqliteConnection};
use users_api::{ListQuery, UserStatus};

use super::plan::{self, Page, Total};
use super::summaries::summaries_sql;
use crate::storage::window::Window;
use crate::storage::{StoreError, StoreResult};

/// The `users_search` rowids of one company's tab: `company_id << 33 |
/// archived << 32 | id` (migration 0002).
pub(super) fn search_scope(company_id: i64, status: UserStatus) -> (i64, i64) {
    let archived = i64::from(status == UserStatus::Archived);
    let low = (company_id << 33) | (archived << 32);
    (low, low | 0xFFFF_FFFF)
}

/// An FTS5 query ANDing the given trigrams, each a quoted string.
fn match_expression(terms: &[&str]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The ids of one page of the tab's rows containing `needle`, walking the
/// covering index from the nearer end.
async fn walk_page(
    conn: &mut SqliteConnection,
    company_id: i64,
    status: &str,
    needle: &str,
    total: u64,
    window: Window,
) -> StoreResult<Vec<i64>> {
    let from_end = window.nearer_the_end(total);
    let sql = if from_end {
        "SELECT id FROM users INDEXED BY users_list WHERE company_id = ?1 AND status = ?2
           AND (instr(sort_key, ?5) > 0 OR instr(email_key, ?5) > 0)
         ORDER BY sort_key DESC, email_key DESC, id DESC LIMIT ?3 OFFSET ?4"
    } else {
        "SELECT id FROM users INDEXED BY users_list WHERE company_id = ?1 AND status = ?2
           AND (instr(sort_key, ?5) > 0 OR instr(email_key, ?5) > 0)
         ORDER BY sort_key, email_key, id LIMIT ?3 OFFSET ?4"
    };
    let skip = if from_end {
        window.offset_from_end(total)
    } else {
        window.offset
    };
    // One row (a JSON array of ids) rather than a row per id: each row is
    // a round trip to the connection's thread. The order is restored when
    // the page's rows are loaded.
    let ids: String = sqlx::query_scalar(&format!("SELECT json_group_array(id) FROM ({sql})"))
        .bind(company_id)
        .bind(status)
        .bind(i64::try_from(window.rows).unwrap_or(i64::MAX))
        .bind(i64::try_from(skip).unwrap_or(i64::MAX))
        .bind(needle)
        .fetch_one(&mut *conn)
        .await?;
    parse_ids(&ids)
}

/// A JSON array of ids as SQLite's `json_group_array` writes it.
fn parse_ids(json: &str) -> StoreResult<Vec<i64>> {
    serde_json::from_str(json).map_err(|e| StoreError::Decode(format!("id list: {e}")))
}

/// Counts the tab's rows containing `needle` by walking the covering index.
async fn walk_count(
    conn: &mut SqliteConnection,
    company_id: i64,
    status: &str,
    needle: &str,
) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users INDEXED BY users_list WHERE company_id = ?1 AND status = ?2
           AND (instr(sort_key, ?3) > 0 OR instr(email_key, ?3) > 0)",
    )
    .bind(company_id)
    .bind(status)
    .bind(needle)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Matches of `needle` among the trigram index's candidates for `terms`
/// (all must occur), checked against each row: the total and one page.
#[allow(clippy::too_many_arguments)]
async fn candidates_page(
    conn: &mut SqliteConnection,
    company_id: i64,
    status: UserStatus,
    terms: &[&str],
    needle: &str,
    offset: u64,
    per_page: u64,
) -> StoreResult<(u64, Vec<i64>)> {
    let (low, high) = search_scope(company_id, status);
    let matched = "SELECT u.id, u.sort_key, u.email_key
        FROM users_search s CROSS JOIN users u ON u.id = s.rowid - ?2
        WHERE s.users_search MATCH ?1 AND s.rowid BETWEEN ?2 AND ?3
          AND u.company_id = ?4 AND u.status = ?5
          AND (instr(u.sort_key, ?6) > 0 OR instr(u.email_key, ?6) > 0)";
    let expression = match_expression(terms);
    let page_sql = format!(
        "SELECT json_group_array(id), MAX(total) FROM (
           SELECT id, COUNT(*) OVER () AS total FROM ({matched})
           ORDER BY sort_key, email_key, id LIMIT ?7 OFFSET ?8)"
    );
    let (ids, total): (String, Option<i64>) = sqlx::query_as(&page_sql)
        .bind(&expression)
        .bind(low)
        .bind(high)
        .bind(company_id)
        .bind(status.as_str())
        .bind(needle)
        .bind(i64::try_from(per_page).unwrap_or(i64::MAX))
        .bind(i64::try_from(offset).unwrap_or(i64::MAX))
        .fetch_one(&mut *conn)
        .await?;
    if let Some(total) = total {
        return Ok((u64::try_from(total).unwrap_or(0), parse_ids(&ids)?));
    }
    // A page past the end still reports the true total.
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({matched})"))
        .bind(&expression)
        .bind(low)
        .bind(high)
        .bind(company_id)
        .bind(status.as_str())
        .bind(needle)
        .fetch_one(&mut *conn)
        .await?;
    Ok((u64::try_from(total).unwrap_or(0), Vec::new()))
}

/// Users of the tab, by the `user_counts` table.
async fn tab_size(conn: &mut SqliteConnection, company_id: i64, status: &str) -> StoreResult<u64> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT n FROM user_counts WHERE company_id = ?1 AND status = ?2")
            .bind(company_id)
            .bind(status)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
}

/// Users of the tab containing each of `grams` (up to three characters).
async fn gram_counts(
    conn: &mut SqliteConnection,
    company_id: i64,
    status: &str,
    grams: &[&str],
) -> StoreResult<HashMap<String, u64>> {
    let names = serde_json::to_string(grams).expect("strings serialise");
    let rows = sqlx::query(
        "SELECT gram, n FROM user_gram_counts
         WHERE company_id = ?1 AND status = ?2 AND gram IN (SELECT value FROM json_each(?3))",
    )
    .bind(company_id)
    .bind(status)
    .bind(names)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.get(0), u64::try_from(r.get::<i64, _>(1)).unwrap_or(0)))
        .collect())
}

/// The total and the page's ids (in list order) of one list request: the
/// counts are read here, the choice is [`super::plan`]'s, and the
/// statements it names run here.
pub(super) async fn plan_page(
    conn: &mut SqliteConnection,
    company_id: i64,
    q: &ListQuery,
) -> StoreResult<(u64, Vec<i64>)> {
    let status = q.status.as_str();
    let per_page = u64::from(q.per_page);
    let offset = q.offset();
    let needle = users_api::identity::fold(&q.query);
    if plan::matches_nothing(&needle) {
        return Ok((0, Vec::new()));
    }
    let size = tab_size(conn, company_id, status).await?;
    let grams = plan::grams_to_count(&needle);
    let counts = gram_counts(conn, company_id, status, &grams).await?;
    let (total, counted) = match plan::total_plan(&needle, &grams, &counts) {
        Total::Nothing => return Ok((0, Vec::new())),
        Total::Counted(total) => (total, true),
        Total::Candidates(terms) => {
            return candidates_page(
                conn, company_id, q.status, &terms, &needle, offset, per_page,
            )
            .await;
        }
        Total::Walk => (walk_count(conn, company_id, status, &needle).await?, false),
    };
    let length = needle.chars().count();
    match plan::page_plan(length, total, counted, size, offset, per_page) {
        Page::Empty => Ok((total, Vec::new())),
        Page::Candidates => {
            let terms = [needle.as_str()];
            let (_, ids) = candidates_page(
                conn, company_id, q.status, &terms, &needle, offset, per_page,
            )
            .await?;
            Ok((total, ids))
        }
        Page::Walk(window) => {
            let ids = walk_page(conn, company_id, status, &needle, total, window).await?;
            Ok((total, ids))
        }
    }
}

/// One page of the whole tab in one statement (so one snapshot, and one
/// round trip): the total from `user_counts`, the page's ids from the
/// covering index read from the nearer end (the branch not taken has
/// LIMIT 0), and the users' summaries. ?1 company, ?2 status, ?3 offset,
/// ?4 per page.
pub(super) static TAB_PAGE: LazyLock<String> = LazyLock::new(|| {
    summaries_sql(
        "WITH tab(total) AS (
             SELECT COALESCE((SELECT n FROM user_counts WHERE company_id = ?1 AND status = ?2), 0)),
         win(total, rows, skip_back) AS (
             SELECT total, MAX(MIN(?4, total - ?3), 0), MAX(total - ?3 - MIN(?4, total - ?3), 0)
             FROM tab),
         page(id) AS MATERIALIZED (
             SELECT id FROM (
                 SELECT id FROM users INDEXED BY users_list WHERE company_id = ?1 AND status = ?2
                 ORDER BY sort_key, email_key, id
                 LIMIT (SELECT CASE WHEN skip_back < ?3 THEN 0 ELSE rows END FROM win) OFFSET ?3)
             UNION ALL
             SELECT id FROM (
                 SELECT id FROM users INDEXED BY users_list WHERE company_id = ?1 AND status = ?2
                 ORDER BY sort_key DESC, email_key DESC, id DESC
                 LIMIT (SELECT CASE WHEN skip_back < ?3 THEN rows ELSE 0 END FROM win)
                 OFFSET (SELECT skip_back FROM win)))",
        "(SELECT total FROM win),",
        "SELECT id FROM page",
    )
});

#[cfg(test)]
#[path = "list_tests.rs"]
mod tests;
