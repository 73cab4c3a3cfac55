//! The users list and its search on PostgreSQL, with exact totals, planned
//! as on SQLite (and with the same counts: migration 0002).
//!
//! * The whole tab: the total is one `user_counts` row; the page's ids come
//!   from the covering index `users_list` read from whichever end of the
//!   tab is nearer, so the last page costs what the first does.
//! * A search of up to three characters: the exact total is one
//!   `user_gram_counts` row. A longer one reads the counts of its trigrams:
//!   none of a trigram means no match; a rare one bounds the candidates.
//! * Dense matches (the page lies within the first few tens of thousands
//!   of index entries) are found by walking `users_list` in order with the
//!   `strpos` test; sparse ones through the pg_trgm GIN indexes, checked
//!   against the row and sorted, with their count in the same statement.
//!   The choice is made here from the counts, not left to the planner's
//!   estimates for `LIKE '%…%'`, which are far off both ways.

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::{PgConnection, Row};
use users_api::ListQuery;

use super::candidates::Candidates;
use super::plan::{self, Page, Total};
use super::summaries::summaries_sql;
use crate::storage::window::Window;
use crate::storage::StoreResult;

/// One page of the whole tab in one statement (one snapshot, one round
/// trip): the total from `user_counts`, the page's ids from `users_list`
/// read from the nearer end (the branch not taken has LIMIT 0), and the
/// users' summaries. $1 company, $2 status, $3 offset, $4 per page.
pub(super) static TAB_PAGE: LazyLock<String> = LazyLock::new(|| {
    summaries_sql(
        "WITH tab(total) AS (
             SELECT COALESCE((SELECT n FROM user_counts WHERE company_id = $1 AND status = $2), 0)),
         win(total, rows, skip_back) AS (
             SELECT total, GREATEST(LEAST($4, total - $3), 0),
                    GREATEST(total - $3 - GREATEST(LEAST($4, total - $3), 0), 0)
             FROM tab),
         page(id) AS MATERIALIZED (
             (SELECT id FROM users WHERE company_id = $1 AND status = $2
              ORDER BY sort_key, email_key, id
              LIMIT (SELECT CASE WHEN skip_back < $3 THEN 0 ELSE rows END FROM win) OFFSET $3)
             UNION ALL
             (SELECT id FROM users WHERE company_id = $1 AND status = $2
              ORDER BY sort_key DESC, email_key DESC, id DESC
              LIMIT (SELECT CASE WHEN skip_back < $3 THEN rows ELSE 0 END FROM win)
              OFFSET (SELECT skip_back FROM win)))",
        "(SELECT total FROM win),",
        // An array, not the CTE itself: the planner would size the page
        // by its unknown LIMIT (a tenth of the tab) and join by scanning.
        "SELECT UNNEST((SELECT array_agg(id) FROM page))",
    )
});

/// How a statement must find its rows (set for the statement's transaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// In list order along `users_list` (no sort, stops at the page).
    Walk,
    /// Bitmap scans of the trigram indexes, then a sort of the matches.
    Candidates,
}

impl Access {
    /// Steers the planner for the rest of the transaction.
    async fn apply(self, conn: &mut PgConnection) -> StoreResult<()> {
        let (seqscan, indexscan, bitmapscan) = match self {
            Access::Walk => ("off", "on", "off"),
            Access::Candidates => ("off", "off", "on"),
        };
        sqlx::query(
            "SELECT set_config('enable_seqscan', $1, true), set_config('enable_indexscan', $2, true),
                    set_config('enable_bitmapscan', $3, true)",
        )
        .bind(seqscan)
        .bind(indexscan)
        .bind(bitmapscan)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// The access path set for a read transaction so far: a statement changes
/// it only when it needs another (each change is a round trip).
#[derive(Debug, Default)]
struct Steering(Option<Access>);

impl Steering {
    async fn to(&mut self, conn: &mut PgConnection, access: Access) -> StoreResult<()> {
        if self.0 != Some(access) {
            access.apply(conn).await?;
            self.0 = Some(access);
        }
        Ok(())
    }
}

/// The search's condition on the needle `$5` (absent for the whole tab):
/// `strpos`, which tests an index entry in about half the time `LIKE`
/// takes (no index serves either here).
fn filter(needle: Option<&str>) -> &'static str {
    if needle.is_some() {
        "AND (strpos(sort_key, $5) > 0 OR strpos(email_key, $5) > 0)"
    } else {
        "AND $5::text IS NULL"
    }
}

/// The ids of one page, walking `users_list` from the nearer end of the
/// tab (`needle` None) or of the tab's `total` matches.
async fn walk_page(
    conn: &mut PgConnection,
    company_id: i64,
    status: &str,
    needle: Option<&str>,
    total: u64,
    window: Window,
) -> StoreResult<Vec<i64>> {
    let from_end = window.nearer_the_end(total);
    let order = if from_end {
        "sort_key DESC, email_key DESC, id DESC"
    } else {
        "sort_key, email_key, id"
    };
    let skip = if from_end {
        window.offset_from_end(total)
    } else {
        window.offset
    };
    let sql = format!(
        "SELECT id FROM users WHERE company_id = $1 AND status = $2 {}
         ORDER BY {order} LIMIT $3 OFFSET $4",
        filter(needle)
    );
    let mut ids: Vec<i64> = sqlx::query_scalar(&sql)
        .bind(company_id)
        .bind(status)
        .bind(i64::try_from(window.rows).unwrap_or(i64::MAX))
        .bind(i64::try_from(skip).unwrap_or(i64::MAX))
        .bind(needle)
        .fetch_all(&mut *conn)
        .await?;
    if from_end {
        ids.reverse();
    }
    Ok(ids)
}

/// Counts the tab's matches by walking the covering index once.
async fn walk_count(
    conn: &mut PgConnection,
    company_id: i64,
    status: &str,
    needle: &str,
) -> StoreResult<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE company_id = $1 AND status = $2
           AND (strpos(sort_key, $3) > 0 OR strpos(email_key, $3) > 0)",
    )
    .bind(company_id)
    .bind(status)
    .bind(needle)
    .fetch_one(&mut *conn)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Users of the tab (`None`) or of the tab containing each of `grams`.
async fn counts(
    conn: &mut PgConnection,
    company_id: i64,
    status: &str,
    grams: &[&str],
) -> StoreResult<(u64, HashMap<String, u64>)> {
    let rows = sqlx::query(
        "SELECT NULL::text, n FROM user_counts WHERE company_id = $1 AND status = $2
         UNION ALL
         SELECT gram, n FROM user_gram_counts
         WHERE company_id = $1 AND status = $2 AND gram = ANY($3)",
    )
    .bind(company_id)
    .bind(status)
    .bind(grams)
    .fetch_all(&mut *conn)
    .await?;
    let mut size = 0;
    let mut found = HashMap::new();
    for row in rows {
        let n = u64::try_from(row.get::<i64, _>(1)).unwrap_or(0);
        match row.get::<Option<String>, _>(0) {
            None => size = n,
            Some(gram) => {
                found.insert(gram, n);
            }
        }
    }
    Ok((size, found))
}

/// The total and the page's ids (in list order) of one list request: the
/// counts are read here, the choice is [`super::plan`]'s, and the
/// statements it names run here (each with the planner steered to its
/// access path).
pub(super) async fn plan_page(
    conn: &mut PgConnection,
    company_id: i64,
    q: &ListQuery,
) -> StoreResult<(u64, Vec<i64>)> {
    let status = q.status.as_str();
    let (offset, per_page) = (q.offset(), u64::from(q.per_page));
    let needle = users_api::identity::fold(&q.query);
    if plan::matches_nothing(&needle) {
        return Ok((0, Vec::new()));
    }
    let grams = plan::grams_to_count(&needle);
    let (size, gram_counts) = counts(conn, company_id, status, &grams).await?;
    let mut steering = Steering::default();
    // Candidates from the trigram indexes, when they are few enough.
    let (total, candidates) = match plan::total_plan(&needle, &grams, size, &gram_counts) {
        Total::Nothing => return Ok((0, Vec::new())),
        Total::Counted { total, candidates } => (
            total,
            candidates.map(|terms| Candidates::new(company_id, status, &needle, &terms)),
        ),
        Total::Candidates(terms) => {
            let found = Candidates::new(company_id, status, &needle, &terms);
            steering.to(conn, Access::Candidates).await?;
            (found.count(conn).await?, Some(found))
        }
        Total::Walk => {
            steering.to(conn, Access::Walk).await?;
            (walk_count(conn, company_id, status, &needle).await?, None)
        }
    };
    let page = plan::page_plan(total, size, offset, per_page, candidates.is_some());
    match (page, candidates) {
        (Page::Empty, _) => Ok((total, Vec::new())),
        (Page::Candidates(window), Some(candidates)) => {
            steering.to(conn, Access::Candidates).await?;
            Ok((total, candidates.page(conn, window).await?))
        }
        (Page::Walk(window) | Page::Candidates(window), _) => {
            steering.to(conn, Access::Walk).await?;
            let needle = (!needle.is_empty()).then_some(needle.as_str());
            let ids = walk_page(conn, company_id, status, needle, total, window).await?;
            Ok((total, ids))
        }
    }
}
