//! The users list and its search on PostgreSQL, with exact totals.
//!
//! * The whole tab: the total is one `user_counts` row; the page's ids come
//!   from the covering index `users_list` read from whichever end of the
//!   tab is nearer, so the last page costs what the first does.
//! * A search: `LIKE '%needle%'` on the lower-cased name and email texts.
//!   The planner picks between the pg_trgm GIN indexes (a rare needle of
//!   three or more characters: only candidate rows are read) and walking
//!   `users_list` in order with the test (a common needle: the page is
//!   found within the first rows). The total is a count of the same
//!   predicate; the page is read from the nearer end of the matches.

use sqlx::PgConnection;
use users_api::{ListQuery, Page, UserSummary};

use super::summaries::load_summaries;
use super::PgStore;
use crate::storage::window::Window;
use crate::storage::StoreResult;

/// The ids of one page, walking `users_list` from the nearer end of the
/// tab (`pattern` None) or of the tab's matches.
async fn page_ids(
    conn: &mut PgConnection,
    company_id: i64,
    status: &str,
    pattern: Option<&str>,
    total: u64,
    window: Window,
) -> StoreResult<Vec<i64>> {
    let from_end = window.nearer_the_end(total);
    let filter = if pattern.is_some() {
        "AND (sort_key LIKE $5 OR email_key LIKE $5)"
    } else {
        "AND $5::text IS NULL"
    };
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
        "SELECT id FROM users WHERE company_id = $1 AND status = $2 {filter}
         ORDER BY {order} LIMIT $3 OFFSET $4"
    );
    let mut ids: Vec<i64> = sqlx::query_scalar(&sql)
        .bind(company_id)
        .bind(status)
        .bind(i64::try_from(window.rows).unwrap_or(i64::MAX))
        .bind(i64::try_from(skip).unwrap_or(i64::MAX))
        .bind(pattern)
        .fetch_all(&mut *conn)
        .await?;
    if from_end {
        ids.reverse();
    }
    Ok(ids)
}

/// The exact number of the tab's users: the tab count, or the matches.
async fn total(
    conn: &mut PgConnection,
    company_id: i64,
    status: &str,
    pattern: Option<&str>,
) -> StoreResult<u64> {
    let n: i64 = match pattern {
        None => sqlx::query_scalar(
            "SELECT COALESCE((SELECT n FROM user_counts WHERE company_id = $1 AND status = $2), 0)",
        )
        .bind(company_id)
        .bind(status)
        .fetch_one(&mut *conn)
        .await?,
        Some(pattern) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM users WHERE company_id = $1 AND status = $2
               AND (sort_key LIKE $3 OR email_key LIKE $3)",
            )
            .bind(company_id)
            .bind(status)
            .bind(pattern)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A `LIKE` pattern matching `needle` anywhere, its wildcards escaped
/// (PostgreSQL's default escape character is the backslash).
fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl PgStore {
    /// One page of a company's users, alphabetical, with role provenance.
    pub async fn list_users(
        &self,
        company_id: i64,
        q: &ListQuery,
    ) -> StoreResult<Page<UserSummary>> {
        let needle = q.query.to_lowercase();
        let status = q.status.as_str();
        let page = |total: u64, entries: Vec<UserSummary>| Page {
            entries,
            current_page: q.page,
            per_page: q.per_page,
            total_entries: total,
            total_pages: total.div_ceil(u64::from(q.per_page)),
        };
        // No name or email holds a control character (validation refuses
        // them, and PostgreSQL text cannot hold NUL): nothing matches.
        if needle.chars().any(char::is_control) {
            return Ok(page(0, Vec::new()));
        }
        let pattern = (!needle.is_empty()).then(|| contains_pattern(&needle));
        let mut tx = self.begin_read().await?;
        let total = total(&mut tx, company_id, status, pattern.as_deref()).await?;
        let entries = match Window::new(total, q.offset(), u64::from(q.per_page)) {
            None => Vec::new(),
            Some(window) => {
                let ids = page_ids(
                    &mut tx,
                    company_id,
                    status,
                    pattern.as_deref(),
                    total,
                    window,
                )
                .await?;
                load_summaries(&mut tx, &ids).await?
            }
        };
        tx.commit().await?;
        Ok(page(total, entries))
    }
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn patterns_escape_like_wildcards() {
        assert_eq!(contains_pattern("ada"), "%ada%");
        assert_eq!(contains_pattern("50%_\\"), "%50\\%\\_\\\\%");
    }
}
