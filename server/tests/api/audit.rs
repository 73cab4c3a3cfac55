//! The audit log: one row per action, newest first, paged.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestServer;

#[tokio::test]
async fn every_action_is_audited_newest_first() {
    let s = TestServer::start().await;
    let heir = s
        .create_user("Hugo", "Heir", "hugo@acme.example", &[])
        .await;
    let user = s
        .create_user("Ann", "Audit", "ann@acme.example", &["Testing"])
        .await;
    let id = user["id"].as_i64().unwrap();
    let agent = s
        .store
        .create_agent(s.company_id, "Support bot", id)
        .await
        .unwrap();
    let path = format!("/api/v1/users/{id}");
    let (status, _) = s
        .patch(
            &path,
            &s.admin.token,
            1,
            json!({"first_name": "Anna", "roles": ["Staging"], "email": "ann@acme.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s.get(&format!("{path}/access_token"), &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .post(&format!("{path}/access_token"), &s.admin.token, json!(null))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = s
        .delete(
            &path,
            &s.admin.token,
            json!({"replacement_owner_id": heir["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .post(&format!("{path}/restore"), &s.admin.token, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK);

    let entries = s.audit_of(id).await;
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            // Restoring issues a new token: the archived one stays revoked.
            "token.regenerate",
            "user.restore",
            "user.archive",
            "token.regenerate",
            "token.reveal",
            "user.update",
            "user.create"
        ]
    );
    for e in &entries {
        assert_eq!(
            e["actor"],
            json!({"id": s.admin.id, "name": "Ada Admin", "email": "admin@acme.example"})
        );
        assert_eq!(e["target_user"]["id"], id);
        assert!(e["at"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(
        entries[5]["details"]["changes"],
        json!({"first_name": {"before": "Ann", "after": "Anna"}, "roles": {"before": ["Testing"], "after": ["Staging"]}})
    );
    assert_eq!(
        entries[2]["details"]["transferred_agents"],
        json!([{"id": agent, "name": "Support bot"}])
    );
    assert_eq!(entries[2]["details"]["replacement_owner"]["id"], heir["id"]);
    assert_eq!(entries[6]["details"]["user"]["email"], "ann@acme.example");
    assert_eq!(entries[0]["details"]["reason"], "restore");
    // The regenerate entry names the new token by its hint only.
    assert_eq!(
        entries[3]["details"]["hint"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        9
    );

    // The whole log pages newest first, by cursor.
    let (_, first) = s.get("/api/v1/audit?per_page=2", &s.admin.token).await;
    assert_eq!(first["entries"][0]["action"], "token.regenerate");
    let ids: Vec<i64> = first["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids[0] > ids[1]);
    assert_eq!(first["next"], ids[1].to_string());
    // Who, with their email; on whom.
    let entry = &first["entries"][0];
    assert_eq!(entry["actor"]["email"], "admin@acme.example", "{entry}");
    assert_eq!(entry["target_user"]["id"], id);
}

/// Every entry of the log for `query`, walking the cursor; also checks each
/// page's size and order.
async fn walk(s: &TestServer, query: &str, per_page: usize) -> Vec<Value> {
    let mut all: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let before = cursor.map(|c| format!("&before={c}")).unwrap_or_default();
        let path = format!("/api/v1/audit?{query}&per_page={per_page}{before}");
        let (status, page) = s.get(&path, &s.admin.token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        let entries = page["entries"].as_array().unwrap().clone();
        assert!(entries.len() <= per_page);
        all.extend(entries);
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats: {ids:?}"
    );
    all
}

fn ids(entries: &[Value]) -> Vec<i64> {
    entries.iter().map(|e| e["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn every_filter_and_combination_matches_a_brute_force_reading() {
    let s = TestServer::start().await;
    let other = s
        .account("Olga", "Other", "olga@acme.example", &["Settings"])
        .await;
    let mut users = Vec::new();
    for i in 0..6 {
        let u = s
            .create_user(
                "User",
                &format!("N{i}"),
                &format!("u{i}@acme.example"),
                &["Testing"],
            )
            .await;
        users.push(u["id"].as_i64().unwrap());
    }
    let (_, group) = s
        .post(
            "/api/v1/groups",
            &s.admin.token,
            json!({"name": "Auditors", "roles": ["Staging"]}),
        )
        .await;
    let group_id = group["id"].as_i64().unwrap();
    for (i, user) in users.iter().enumerate() {
        let token = if i % 2 == 0 {
            &s.admin.token
        } else {
            &other.token
        };
        let (status, _) = s
            .patch(
                &format!("/api/v1/users/{user}"),
                token,
                1,
                json!({"last_name": format!("M{i}")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = s
            .get(&format!("/api/v1/users/{user}/access_token"), token)
            .await;
        assert_eq!(status, StatusCode::OK);
        if i < 3 {
            let (status, _) = s
                .post(
                    &format!("/api/v1/groups/{group_id}/members"),
                    token,
                    json!({"user_ids": [user]}),
                )
                .await;
            assert_eq!(status, StatusCode::OK);
        }
    }
    // Backdate the log's first rows (its older part: times follow ids, as
    // written) so the time filters have something to cut.
    s.database
        .execute(
            "UPDATE audit_log SET at = '2026-01-01T00:00:00Z'
         WHERE id <= (SELECT MIN(id) + 8 FROM audit_log)",
            &[],
        )
        .await;

    let everything = walk(&s, "", 100).await;
    assert!(everything.len() >= 20, "{}", everything.len());
    let keep = |f: &dyn Fn(&Value) -> bool| -> Vec<i64> {
        everything
            .iter()
            .filter(|e| f(e))
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    };
    let (admin, olga, u0) = (s.admin.id, other.id, users[0]);
    let cases: Vec<(String, Vec<i64>)> = vec![
        (format!("actor={olga}"), keep(&|e| e["actor"]["id"] == olga)),
        (
            format!("actor={admin}"),
            keep(&|e| e["actor"]["id"] == admin),
        ),
        (
            format!("target={u0}"),
            keep(&|e| e["target_user"]["id"] == u0),
        ),
        (
            format!("user_id={u0}"),
            keep(&|e| e["target_user"]["id"] == u0),
        ),
        (
            format!("group={group_id}"),
            keep(&|e| e["target_group"]["id"] == group_id),
        ),
        (
            "action=token.reveal".into(),
            keep(&|e| e["action"] == "token.reveal"),
        ),
        (
            "action=token.reveal&action=group.members.add".into(),
            keep(&|e| e["action"] == "token.reveal" || e["action"] == "group.members.add"),
        ),
        (
            "since=2026-06-01T00:00:00Z".into(),
            keep(&|e| e["at"].as_str().unwrap() >= "2026-06-01"),
        ),
        (
            "until=2026-06-01T00:00:00Z".into(),
            keep(&|e| e["at"].as_str().unwrap() < "2026-06-01"),
        ),
        (
            "since=2025-12-31T23:00:00-01:00&until=2026-01-01T00:00:01Z".into(),
            keep(&|e| e["at"] == "2026-01-01T00:00:00Z"),
        ),
        (
            format!("actor={olga}&action=user.update"),
            keep(&|e| e["actor"]["id"] == olga && e["action"] == "user.update"),
        ),
        (
            format!("actor={admin}&target={u0}&since=2026-06-01T00:00:00Z"),
            keep(&|e| {
                e["actor"]["id"] == admin
                    && e["target_user"]["id"] == u0
                    && e["at"].as_str().unwrap() >= "2026-06-01"
            }),
        ),
        (
            format!("group={group_id}&actor={olga}"),
            keep(&|e| e["target_group"]["id"] == group_id && e["actor"]["id"] == olga),
        ),
        ("action=audit.prune".into(), vec![]),
    ];
    for (query, expected) in cases {
        for per_page in [1, 3, 100] {
            let got = ids(&walk(&s, &query, per_page).await);
            assert_eq!(got, expected, "{query} per_page={per_page}");
        }
    }
}

#[tokio::test]
async fn a_cursor_never_skips_or_repeats_while_rows_arrive() {
    let s = TestServer::start().await;
    for i in 0..5 {
        s.create_user(
            "Early",
            &format!("E{i}"),
            &format!("e{i}@acme.example"),
            &[],
        )
        .await;
    }
    let (_, first) = s.get("/api/v1/audit?per_page=2", &s.admin.token).await;
    let mut seen = ids(first["entries"].as_array().unwrap());
    let mut cursor = first["next"].as_str().unwrap().to_string();
    let mut round = 0;
    loop {
        // Someone writes between every two pages.
        s.create_user(
            "Late",
            &format!("L{round}"),
            &format!("l{round}@acme.example"),
            &[],
        )
        .await;
        round += 1;
        let (_, page) = s
            .get(
                &format!("/api/v1/audit?per_page=2&before={cursor}"),
                &s.admin.token,
            )
            .await;
        seen.extend(ids(page["entries"].as_array().unwrap()));
        match page["next"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    // Exactly the rows there were when the first page was read.
    let (_, all) = s.get("/api/v1/audit?per_page=100", &s.admin.token).await;
    let late = round as usize;
    let then: Vec<i64> = ids(all["entries"].as_array().unwrap()).split_off(late);
    assert_eq!(seen, then);
}

#[tokio::test]
async fn a_users_activity_is_what_they_did_and_what_was_done_to_them() {
    let s = TestServer::start().await;
    let ada = s
        .account("Alma", "Able", "alma@acme.example", &["Settings"])
        .await;
    let bob = s
        .create_user("Bob", "Builder", "bob@acme.example", &[])
        .await;
    let bob_id = bob["id"].as_i64().unwrap();
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{bob_id}"),
            &ada.token,
            1,
            json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .post(
            &format!("/api/v1/users/{bob_id}/access_token"),
            &ada.token,
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, page) = s
        .get(
            &format!("/api/v1/users/{}/activity", ada.id),
            &s.admin.token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let actions: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first: what Alma did, then what was done to her (her
    // creation, her token's reveal).
    assert_eq!(actions[..2], ["token.regenerate", "user.update"]);
    assert!(actions.contains(&"user.create"), "{actions:?}");
    let change = &page["entries"][1];
    assert_eq!(change["actor"]["name"], "Alma Able", "{page}");
    assert_eq!(change["target_user"]["name"], "Bob Builder");
    assert_eq!(
        change["details"]["changes"]["roles"]["after"],
        json!(["Production"]),
        "{change}"
    );
    // The regeneration says which token (its hint), never the token.
    let (_, revealed) = s
        .get(
            &format!("/api/v1/users/{bob_id}/access_token"),
            &s.admin.token,
        )
        .await;
    let token = revealed["token"].as_str().unwrap();
    assert!(!page.to_string().contains(token), "never a token");
    assert!(page["entries"][0]["details"]["hint"]
        .as_str()
        .unwrap()
        .starts_with("uat_…"));

    // Paged by cursor, ten by default.
    let (_, one) = s
        .get(
            &format!("/api/v1/users/{}/activity?per_page=1", ada.id),
            &s.admin.token,
        )
        .await;
    let next = one["next"].as_str().unwrap();
    let (_, two) = s
        .get(
            &format!("/api/v1/users/{}/activity?per_page=1&before={next}", ada.id),
            &s.admin.token,
        )
        .await;
    assert_eq!(two["entries"][0]["action"], "user.update");

    for (path, status) in [
        (format!("/api/v1/users/{}/activity?before=x", ada.id), 400),
        ("/api/v1/users/999999/activity".to_string(), 404),
        ("/api/v1/users/0/activity".to_string(), 404),
    ] {
        let (got, body) = s.get(&path, &s.admin.token).await;
        assert_eq!(got.as_u16(), status, "{path}: {body}");
    }
    // An archived actor is still named, with their email.
    let (status, _) = s
        .delete(
            &format!("/api/v1/users/{}", ada.id),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = s
        .get(&format!("/api/v1/audit?actor={}", ada.id), &s.admin.token)
        .await;
    assert_eq!(after["entries"][0]["actor"]["email"], "alma@acme.example");
}

#[tokio::test]
async fn prune_audit_deletes_old_entries_in_batches_and_is_itself_audited() {
    let s = TestServer::start().await;
    for i in 0..30 {
        s.create_user("Old", &format!("O{i}"), &format!("o{i}@acme.example"), &[])
            .await;
    }
    s.create_user("New", "One", "new@acme.example", &[]).await;
    s.database
        .execute(
            "UPDATE audit_log SET at = '2020-05-01T10:00:00Z' WHERE action = 'user.create'
         AND target_user_id IN (SELECT id FROM users WHERE first_name = 'Old')",
            &[],
        )
        .await;
    let before = s.database.count("SELECT COUNT(*) FROM audit_log").await;

    let mut out = Vec::new();
    let args = users_server::cli::PruneAuditArgs {
        before: "2021-01-01".into(),
    };
    users_server::cli::prune_audit(&s.store, &args, &mut out)
        .await
        .unwrap();
    let said = String::from_utf8(out).unwrap();
    assert!(
        said.contains("Deleted 30 audit entries from before 2021-01-01T00:00:00Z"),
        "{said}"
    );
    assert_eq!(
        s.database.count("SELECT COUNT(*) FROM audit_log").await,
        before - 30 + 1
    );

    let (_, page) = s
        .get("/api/v1/audit?action=audit.prune", &s.admin.token)
        .await;
    let entry = &page["entries"][0];
    assert_eq!(entry["details"]["deleted"], 30);
    assert!(
        entry.get("actor").is_none(),
        "the operator, not a user: {entry}"
    );
    // Nothing newer went; a second run has nothing to do.
    let (_, newer) = s
        .get("/api/v1/audit?action=user.create", &s.admin.token)
        .await;
    assert!(newer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["target_user"]["name"] == "New One"));
    let mut again = Vec::new();
    users_server::cli::prune_audit(&s.store, &args, &mut again)
        .await
        .unwrap();
    assert!(String::from_utf8(again)
        .unwrap()
        .contains("Deleted 0 audit entries"));
    let mut bad = Vec::new();
    let wrong = users_server::cli::PruneAuditArgs {
        before: "last year".into(),
    };
    assert!(users_server::cli::prune_audit(&s.store, &wrong, &mut bad)
        .await
        .is_err());
}
