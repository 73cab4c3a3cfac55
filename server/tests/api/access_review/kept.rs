//! The effective roles the role filters read (`role_holders` with its
//! counts, kept by triggers) stay equal to a recount from the assignments,
//! memberships and group roles, through a bulk seed and through many
//! changes sent at once: roles edited on users and groups, members added
//! and removed, users archived, restored, renamed and moved to another
//! identity provider; likewise the providers' kept totals.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{ids, seed, PROVIDERS};
use crate::common::TestServer;
use crate::recount::{assert_provider_counts_exact, assert_role_holders_exact};
use users_server::crypto::TokenCrypto;

/// Sets a user's or a group's roles at its current version.
async fn set_roles(s: &TestServer, path: &str, roles: &[&str]) {
    let t = &s.admin.token;
    let (_, current) = s.get(path, t).await;
    let version = current["version"].as_i64().expect("a version");
    let (status, body) = s.patch(path, t, version, json!({ "roles": roles })).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
}

#[tokio::test]
async fn effective_roles_stay_exact_through_concurrent_changes() {
    let s = TestServer::start().await;
    let (known, group_ids) = seed(&s, 60).await;
    assert_role_holders_exact(&s).await;
    let t = &s.admin.token;
    let active: Vec<i64> = known
        .iter()
        .filter(|k| !k.archived && k.id != s.admin.id)
        .map(|k| k.id)
        .collect();
    assert!(active.len() >= 40, "enough active users ({})", active.len());

    let user_roles = active[..10].iter().enumerate().map(|(i, id)| {
        let s = &s;
        async move {
            let path = format!("/api/v1/users/{id}");
            for roles in [["Production", "Testing"].as_slice(), &["Staging"], &[]] {
                let roles = if i % 2 == 0 {
                    roles
                } else {
                    &roles[..roles.len().min(1)]
                };
                set_roles(s, &path, roles).await;
            }
        }
    });
    let group_roles = group_ids.iter().enumerate().map(|(i, id)| {
        let s = &s;
        async move {
            let path = format!("/api/v1/groups/{id}");
            let rounds: [&[&str]; 3] = [
                &["Production"],
                &["Testing", "Staging"],
                &["Production", "Testing"],
            ];
            for roles in rounds.iter().skip(i % 2) {
                set_roles(s, &path, roles).await;
            }
        }
    });
    let members = [0, 1].into_iter().map(|round| {
        let (s, group_ids, active) = (&s, &group_ids, &active);
        async move {
            let group = group_ids[round];
            let joining = &active[10 + round * 10..20 + round * 10];
            let (status, body) = s
                .post(
                    &format!("/api/v1/groups/{group}/members"),
                    t,
                    json!({ "user_ids": joining }),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            for user in &joining[..5] {
                let (status, body) = s
                    .delete(
                        &format!("/api/v1/groups/{group}/members/{user}"),
                        t,
                        Value::Null,
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
    });
    let lifecycle = active[30..40].iter().enumerate().map(|(i, id)| {
        let s = &s;
        async move {
            let path = format!("/api/v1/users/{id}");
            if i % 2 == 0 {
                let (status, body) = s
                    .delete(&path, t, json!({ "replacement_owner_id": s.admin.id }))
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                if i % 4 == 0 {
                    let (status, _) = s.post(&format!("{path}/restore"), t, Value::Null).await;
                    assert_eq!(status, StatusCode::OK);
                }
            } else {
                let (_, current) = s.get(&path, t).await;
                let version = current["version"].as_i64().unwrap();
                let (status, body) = s
                    .patch(
                        &path,
                        t,
                        version,
                        json!({ "last_name": format!("Renamed{i}"),
                                "identity_provider": PROVIDERS[i % PROVIDERS.len()] }),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
    });
    tokio::join!(
        join_all(user_roles),
        join_all(group_roles),
        join_all(members),
        join_all(lifecycle)
    );
    assert_role_holders_exact(&s).await;
    assert_provider_counts_exact(&s).await;

    // Each provider's list (walked whole, alone and with a one-letter
    // search, in both tabs) against its kept total.
    for provider in PROVIDERS {
        for status in ["active", "archived"] {
            for q in ["", "a"] {
                let path = format!(
                    "/api/v1/users?identity_provider={provider}&status={status}&query={q}&per_page=100"
                );
                let (_, page) = s.get(&path, t).await;
                assert_eq!(page["total_entries"], ids(&page).len(), "{path}");
            }
        }
    }

    // The filters read the same answer as the base tables give: each
    // role and source's list (walked whole) against its exact total, and
    // both against a recount in SQL.
    for role in ["Production", "Testing", "Staging", "Settings"] {
        for source in ["", "direct", "group"] {
            let param = if source.is_empty() {
                String::new()
            } else {
                format!("&source={source}")
            };
            let (_, page) = s
                .get(&format!("/api/v1/users?role={role}{param}&per_page=100"), t)
                .await;
            let listed = ids(&page);
            assert_eq!(page["total_entries"], listed.len(), "{role} {source}");
            let test = match source {
                "direct" => "direct = 1",
                "group" => "via_groups > 0",
                _ => "(direct = 1 OR via_groups > 0)",
            };
            let recounted = s
                .database
                .count(&format!(
                    "SELECT COUNT(*) FROM (
                         SELECT u.id, MAX(h.direct) AS direct, SUM(h.via) AS via_groups
                         FROM (SELECT user_id, role_id, 1 AS direct, 0 AS via FROM user_roles
                               UNION ALL SELECT gm.user_id, gr.role_id, 0, 1 FROM group_members gm
                               JOIN group_roles gr ON gr.group_id = gm.group_id) h
                         JOIN users u ON u.id = h.user_id JOIN roles r ON r.id = h.role_id
                         WHERE r.name = '{role}' AND u.status = 'active'
                         GROUP BY u.id) x WHERE {test}"
                ))
                .await;
            assert_eq!(listed.len() as i64, recounted, "{role} {source}");
        }
    }
}

/// After the migrations that create the kept counts, the server fills them
/// at its next start from the users already stored: emptied and marked
/// pending as the migrations leave them, a second open of the store brings
/// them back equal to a recount.
#[tokio::test]
async fn counts_a_migration_leaves_pending_are_filled_at_the_next_start() {
    let s = TestServer::start().await;
    seed(&s, 60).await;
    for table in [
        "role_gram_counts",
        "provider_counts",
        "provider_gram_counts",
    ] {
        s.database
            .execute(&format!("DELETE FROM {table}"), &[])
            .await;
    }
    for pending in ["role_gram_counts_pending", "provider_counts_pending"] {
        s.database
            .execute(
                "INSERT INTO settings (name, value) VALUES ($1, 'fill at start-up')",
                &[pending],
            )
            .await;
    }
    let key = crate::common::test_key(s.dir.path());
    users_server::Store::open(&s.database.location, TokenCrypto::new(&key))
        .await
        .expect("the second start");
    assert_role_holders_exact(&s).await;
    assert_provider_counts_exact(&s).await;
    let left = s
        .database
        .count("SELECT COUNT(*) FROM settings WHERE name LIKE '%_pending'")
        .await;
    assert_eq!(left, 0, "the fills are marked done");
}
