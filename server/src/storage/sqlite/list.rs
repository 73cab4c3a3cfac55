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

use super::summaries::summaries_sql;
use crate::storage::grams::trigrams;
use crate::storage::window::Window;
use crate::storage::{StoreError, StoreResult};

/// Index entries a dense walk may be expected to visit for one page (a
/// covering-index entry costs well under a microsecond).
const WALK_BUDGET: u64 = 40_000;

/// Candidate rows a trigram lookup may check one by one (a row lookup costs
/// about a microsecond); above this a search counts by walking the index.
const CANDIDATE_BUDGET: u64 = 60_000;

/// At most this many of a search's rarest trigrams are ANDed in the index.
const MAX_TERMS: usize = 3;

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

/// The total and the page's ids (in list order) of one list request.
pub(super) async fn plan_page(
    conn: &mut SqliteConnection,
    company_id: i64,
    q: &ListQuery,
) -> StoreResult<(u64, Vec<i64>)> {
    let status = q.status.as_str();
    let per_page = u64::from(q.per_page);
    let offset = q.offset();
    let needle = users_api::identity::fold(&q.query);
    if needle.chars().any(char::is_control) {
        // No name or email holds a control character (validation refuses
        // them; the search index's padding is one): match nothing.
        return Ok((0, Vec::new()));
    }
    let size = tab_size(conn, company_id, status).await?;
    let length = needle.chars().count();
    let (total, exact_count) = if length <= 3 {
        let counts = gram_counts(conn, company_id, status, &[needle.as_str()]).await?;
        (counts.get(&needle).copied().unwrap_or(0), true)
    } else {
        let trigrams = trigrams(&needle);
        let counts = gram_counts(conn, company_id, status, &trigrams).await?;
        let mut by_rarity: Vec<(u64, &str)> = trigrams
            .iter()
            .map(|t| (counts.get(*t).copied().unwrap_or(0), *t))
            .collect();
        by_rarity.sort_unstable();
        let rarest = by_rarity.first().map_or(0, |(n, _)| *n);
        if rarest == 0 {
            return Ok((0, Vec::new()));
        }
        if rarest <= CANDIDATE_BUDGET {
            let terms: Vec<&str> = by_rarity.iter().take(MAX_TERMS).map(|(_, t)| *t).collect();
            return candidates_page(
                conn, company_id, q.status, &terms, &needle, offset, per_page,
            )
            .await;
        }
        (walk_count(conn, company_id, status, &needle).await?, false)
    };
    let Some(window) = Window::new(total, offset, per_page) else {
        return Ok((total, Vec::new()));
    };
    let dense = window.walk_estimate(total, size) <= WALK_BUDGET;
    if length == 3 && exact_count && !dense && total <= CANDIDATE_BUDGET {
        let (_, ids) = candidates_page(
            conn,
            company_id,
            q.status,
            &[needle.as_str()],
            &needle,
            offset,
            per_page,
        )
        .await?;
        return Ok((total, ids));
    }
    let ids = walk_page(conn, company_id, status, &needle, total, window).await?;
    Ok((total, ids))
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
mod tests {
    use super::*;
    use crate::storage::grams::{grams, user_grams};
    use crate::storage::{SqliteStore, Store};

    /// The storage interface over this store (the user changes are shared
    /// flows, not methods of the backend).
    fn api(store: &SqliteStore) -> Store {
        Store::Sqlite(store.clone())
    }

    use crate::crypto::{TokenCrypto, TokenKey};
    use users_api::validation::{ValidChanges, ValidNewUser};
    use users_api::{Email, PersonName};

    fn new_user(first: &str, last: &str, email: &str, roles: &[&str]) -> ValidNewUser {
        ValidNewUser {
            first_name: PersonName::parse(first).unwrap(),
            last_name: PersonName::parse(last).unwrap(),
            email: Email::parse(email).unwrap(),
            identity_provider: "Avaamo".into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    /// A store with an administrator, 300 seeded users (bulk path), a few
    /// users with awkward names (per-row triggers), archives, a restore and
    /// edits of names and emails. Returns the store, company and admin ids.
    async fn populated() -> (tempfile::TempDir, SqliteStore, i64, i64) {
        let dir = tempfile::tempdir().unwrap();
        let crypto = TokenCrypto::new(&TokenKey::generate().unwrap());
        let store = SqliteStore::open_file(&dir.path().join("users.db"), crypto)
            .await
            .unwrap();
        let admin = api(&store)
            .create_admin(
                "Acme",
                &new_user("Ada", "Admin", "admin@acme.example", &["Settings"]),
            )
            .await
            .unwrap();
        let (company, actor) = (admin.company_id, admin.user_id);
        store
            .seed_demo("Acme", |first| crate::seed::plan(300, first))
            .await
            .unwrap();
        let odd = [
            ("Zoë", "Ñúñez", "zoe@acme.example"),
            ("Conor", "O'Brien", "conor.obrien@acme.example"),
            ("Percent", "Sign", "100%real@acme.example"),
            ("Under", "Score", "under_score@acme.example"),
            ("Back", "Slash", "back\\slash@acme.example"),
            ("ÅSA", "Öberg", "asa@acme.example"),
            ("Qi", "Xu", "qx@zz.example"),
        ];
        let mut ids = Vec::new();
        for (first, last, email) in odd {
            let user = new_user(first, last, email, &[]);
            ids.push(
                api(&store)
                    .create_user(company, actor, &user)
                    .await
                    .unwrap()
                    .summary
                    .id,
            );
        }
        api(&store)
            .archive_user(company, actor, ids[1], None, None)
            .await
            .unwrap();
        api(&store)
            .archive_user(company, actor, ids[6], None, None)
            .await
            .unwrap();
        api(&store)
            .archive_user(company, actor, ids[2], None, None)
            .await
            .unwrap();
        api(&store)
            .restore_user(company, actor, ids[2], None)
            .await
            .unwrap();
        let rename = ValidChanges {
            first_name: Some(PersonName::parse("Perla").unwrap()),
            last_name: None,
            email: Some(Email::parse("PERLA@acme.example").unwrap()),
            identity_provider: None,
            roles: None,
        };
        let expected = crate::storage::Expected::Any;
        api(&store)
            .update_user(company, actor, ids[2], &expected, &rename)
            .await
            .unwrap();
        (dir, store, company, actor)
    }

    /// Every user as (id, status, sort key, email key), straight from the table.
    async fn all_users(store: &SqliteStore) -> Vec<(i64, String, String, String)> {
        sqlx::query_as("SELECT id, status, sort_key, email_key FROM users")
            .fetch_all(&store.read)
            .await
            .unwrap()
    }

    /// The matches of `needle` in a tab, in list order, by brute force.
    fn brute_force(
        users: &[(i64, String, String, String)],
        status: UserStatus,
        needle: &str,
    ) -> Vec<i64> {
        let mut found: Vec<&(i64, String, String, String)> = users
            .iter()
            .filter(|u| u.1 == status.as_str() && (u.2.contains(needle) || u.3.contains(needle)))
            .collect();
        found.sort_by(|a, b| (&a.2, &a.3, a.0).cmp(&(&b.2, &b.3, b.0)));
        found.into_iter().map(|u| u.0).collect()
    }

    /// Checks the derived tables against a recount from `users`.
    async fn assert_derived_tables_exact(store: &SqliteStore) {
        let counts: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT company_id, status, n FROM user_counts WHERE n > 0 ORDER BY 1, 2",
        )
        .fetch_all(&store.read)
        .await
        .unwrap();
        let recount: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT company_id, status, COUNT(*) FROM users GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&store.read)
        .await
        .unwrap();
        assert_eq!(counts, recount);
        let grams: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "SELECT company_id, status, gram, n FROM user_gram_counts WHERE n > 0
             ORDER BY 1, 2, 3",
        )
        .fetch_all(&store.read)
        .await
        .unwrap();
        let mut expected: std::collections::BTreeMap<(i64, String, String), i64> =
            Default::default();
        let users: Vec<(i64, i64, String, String, String)> =
            sqlx::query_as("SELECT id, company_id, status, sort_key, email_key FROM users")
                .fetch_all(&store.read)
                .await
                .unwrap();
        for (_, company, status, names, email) in &users {
            for gram in user_grams(names, email) {
                *expected
                    .entry((*company, status.clone(), gram.to_string()))
                    .or_default() += 1;
            }
        }
        let expected: Vec<(i64, String, String, i64)> = expected
            .into_iter()
            .map(|((c, s, g), n)| (c, s, g, n))
            .collect();
        assert_eq!(grams.len(), expected.len());
        assert_eq!(grams, expected);
        // The search index has exactly one entry per user, in its tab's range.
        for (id, company, status, names, _) in &users {
            let status = UserStatus::parse(status).unwrap();
            let (low, high) = search_scope(*company, status);
            let first: String = names.chars().take(3).collect();
            let term = match_expression(&[first.as_str()]);
            let hits: Vec<i64> = sqlx::query_scalar(
                "SELECT rowid FROM users_search WHERE users_search MATCH ?1 AND rowid = ?2",
            )
            .bind(&term)
            .bind(low + id)
            .fetch_all(&store.read)
            .await
            .unwrap();
            assert_eq!(hits, [low + id], "user {id} in the search index");
            assert!(low + id <= high);
        }
    }

    #[tokio::test]
    async fn counts_grams_and_index_stay_exact_through_seed_edits_and_concurrent_writes() {
        let (_dir, store, company, actor) = populated().await;
        assert_derived_tables_exact(&store).await;
        // Concurrent creates, archives and restores through the single writer.
        let mut tasks = Vec::new();
        for i in 0..24 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let email = format!("racer{i}@acme.example");
                let user = new_user("Racer", &format!("Number{i}"), &email, &[]);
                let id = api(&store)
                    .create_user(company, actor, &user)
                    .await
                    .unwrap()
                    .summary
                    .id;
                if i % 2 == 0 {
                    api(&store)
                        .archive_user(company, actor, id, None, None)
                        .await
                        .unwrap();
                }
                if i % 4 == 0 {
                    api(&store)
                        .restore_user(company, actor, id, None)
                        .await
                        .unwrap();
                }
                // Archiving twice concurrently changes nothing the second time.
                if i % 3 == 0 {
                    let api = api(&store);
                    let (a, b) = tokio::join!(
                        api.archive_user(company, actor, id, None, None),
                        api.archive_user(company, actor, id, None, None)
                    );
                    a.unwrap();
                    b.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_derived_tables_exact(&store).await;
        let users = all_users(&store).await;
        for status in [UserStatus::Active, UserStatus::Archived] {
            let q = ListQuery {
                status,
                per_page: 100,
                ..ListQuery::default()
            };
            let page = store.list_users(company, &q).await.unwrap();
            let expected = users.iter().filter(|u| u.1 == status.as_str()).count();
            assert_eq!(page.total_entries, expected as u64);
        }
    }

    /// Every page of a tab or search, fetched through `list_users`.
    async fn every_page(store: &SqliteStore, company: i64, mut q: ListQuery) -> (u64, Vec<i64>) {
        let mut ids = Vec::new();
        let first = store.list_users(company, &q).await.unwrap();
        let total = first.total_entries;
        for page in 1..=first.total_pages + 1 {
            q.page = u32::try_from(page).unwrap();
            let got = store.list_users(company, &q).await.unwrap();
            assert_eq!(got.total_entries, total, "{q:?}");
            if page > first.total_pages {
                assert!(got.entries.is_empty(), "past the end: {q:?}");
            }
            ids.extend(got.entries.iter().map(|u| u.id));
        }
        (total, ids)
    }

    #[tokio::test]
    async fn every_search_plan_agrees_with_brute_force() {
        let (_dir, store, company, _) = populated().await;
        let users = all_users(&store).await;
        let mut needles: Vec<String> = [
            "a",
            "e",
            "z",
            "q",
            "ñ",
            "%",
            "_",
            "\\",
            "'",
            " ",
            ".",
            "@",
            "1",
            "an",
            "ez",
            "qi",
            "a l",
            "o'b",
            "son",
            "ada",
            "xu@",
            "öbe",
            "zoë ñ",
            "lopez",
            "acme.example",
            "perla@acme",
            "nobody",
            "ann",
            "1@acme",
            "j",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every gram of a few users, and their whole emails.
        for (_, _, names, email) in users.iter().step_by(37) {
            needles.extend(user_grams(names, email).into_iter().map(str::to_string));
            needles.push(email.clone());
        }
        needles.sort();
        needles.dedup();
        let mut conn = store.read.acquire().await.unwrap();
        for status in [UserStatus::Active, UserStatus::Archived] {
            for needle in &needles {
                let expected = brute_force(&users, status, needle);
                let total = expected.len() as u64;
                // Through the planner, page by page (both ends of the list).
                let q = ListQuery {
                    status,
                    query: needle.to_uppercase(),
                    page: 1,
                    per_page: 7,
                };
                let (planned_total, planned) = every_page(&store, company, q).await;
                assert_eq!((planned_total, &planned), (total, &expected), "{needle:?}");
                // Each strategy alone, on the first, a middle and the last page.
                let mut offsets = vec![0, total / 2];
                if total > 0 {
                    offsets.push((total - 1) / 7 * 7);
                }
                for offset in offsets {
                    let want: Vec<i64> = expected
                        .iter()
                        .skip(offset as usize)
                        .take(7)
                        .copied()
                        .collect();
                    if let Some(window) = Window::new(total, offset, 7) {
                        let mut walked =
                            walk_page(&mut conn, company, status.as_str(), needle, total, window)
                                .await
                                .unwrap();
                        walked.sort_by_key(|id| expected.iter().position(|e| e == id));
                        assert_eq!(walked, want, "walk {needle:?} at {offset}");
                    }
                    let tri = trigrams(needle);
                    if !tri.is_empty() {
                        let terms: Vec<&str> = tri.iter().take(MAX_TERMS).copied().collect();
                        let (found, mut ids) =
                            candidates_page(&mut conn, company, status, &terms, needle, offset, 7)
                                .await
                                .unwrap();
                        ids.sort_by_key(|id| expected.iter().position(|e| e == id));
                        assert_eq!((found, ids), (total, want), "index {needle:?} at {offset}");
                    }
                }
                if needle.chars().count() >= 4 {
                    let counted = walk_count(&mut conn, company, status.as_str(), needle)
                        .await
                        .unwrap();
                    assert_eq!(counted, total, "walk count {needle:?}");
                }
            }
        }
    }

    #[tokio::test]
    async fn whole_tab_pages_from_both_ends() {
        let (_dir, store, company, _) = populated().await;
        let users = all_users(&store).await;
        for status in [UserStatus::Active, UserStatus::Archived] {
            let expected = brute_force(&users, status, "");
            for per_page in [1, 7, 25, 100] {
                let q = ListQuery {
                    status,
                    per_page,
                    ..ListQuery::default()
                };
                let (total, ids) = every_page(&store, company, q).await;
                assert_eq!(total, expected.len() as u64);
                assert_eq!(ids, expected, "{status:?} per page {per_page}");
            }
        }
    }

    #[test]
    fn grams_count_characters_not_bytes() {
        let mut spans = Vec::new();
        grams("zoë", &mut spans);
        let text = "zoë";
        let found: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(found, ["z", "o", "ë", "zo", "oë", "zoë"]);
        assert_eq!(user_grams("ab", "ba"), ["a", "ab", "b", "ba"]);
        assert_eq!(trigrams("abcab"), ["abc", "bca", "cab"]);
        assert!(trigrams("ab").is_empty());
    }

    #[test]
    fn search_scopes_do_not_overlap() {
        let (a_low, a_high) = search_scope(1, UserStatus::Active);
        let (b_low, b_high) = search_scope(1, UserStatus::Archived);
        let (c_low, _) = search_scope(2, UserStatus::Active);
        assert_eq!(a_low, 1 << 33);
        assert!(a_high < b_low && b_high < c_low);
    }

    #[test]
    fn match_expressions_quote_every_term() {
        assert_eq!(match_expression(&["o\"b", "abc"]), "\"o\"\"b\" AND \"abc\"");
    }

    #[test]
    fn windows_read_from_the_nearer_end() {
        assert_eq!(Window::new(10, 10, 5), None);
        let last = Window::new(11, 10, 5).unwrap();
        assert_eq!(last.rows, 1);
        assert_eq!(last.offset_from_end(11), 0);
        assert!(last.nearer_the_end(11));
        let first = Window::new(11, 0, 5).unwrap();
        assert!(!first.nearer_the_end(11));
        // Every other row matches: twice the entries are visited.
        assert_eq!(Window::new(50, 0, 5).unwrap().walk_estimate(50, 100), 10);
        assert_eq!(Window::new(50, 45, 5).unwrap().walk_estimate(50, 100), 10);
    }
}
