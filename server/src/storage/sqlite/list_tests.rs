//! The SQLite list's statements against a populated database: every
//! plan, and each statement alone, agrees with brute force; the derived
//! tables stay exact.

use super::*;
use crate::storage::grams::trigrams;
use crate::storage::grams::user_grams;
use crate::storage::sqlite::plan::MAX_TERMS;
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
        groups: None,
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
    let counts: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT company_id, status, n FROM user_counts WHERE n > 0 ORDER BY 1, 2")
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
    let mut expected: std::collections::BTreeMap<(i64, String, String), i64> = Default::default();
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
                filter: Default::default(),
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
