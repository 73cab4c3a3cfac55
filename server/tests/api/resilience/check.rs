//! The data is whole: what the list says matches a brute-force recount,
//! every change has its audit row, no archive left agents behind.

use std::collections::HashMap;

use serde_json::Value;

use crate::common::Api;

/// Every user of both tabs, read page by page; asserts each tab's total is
/// the number of users its pages hold.
pub async fn all_users(api: &Api, token: &str) -> Vec<Value> {
    let mut users = Vec::new();
    for status in ["active", "archived"] {
        let mut seen = 0;
        let mut reported = None;
        for page in 1.. {
            let (code, body) = api
                .get(
                    &format!("/api/v1/users?status={status}&per_page=100&page={page}"),
                    token,
                )
                .await;
            assert_eq!(code, 200, "{body}");
            let total = body["total_entries"].as_u64().expect("total");
            assert!(
                reported.is_none_or(|r| r == total),
                "{status} total changed while nothing was written"
            );
            reported = Some(total);
            let entries = body["entries"].as_array().expect("entries");
            if entries.is_empty() {
                break;
            }
            for user in entries {
                assert_eq!(user["status"], status, "{user}");
            }
            seen += entries.len() as u64;
            users.extend(entries.iter().cloned());
        }
        assert_eq!(
            reported,
            Some(seen),
            "the {status} tab's total is not the number of its users"
        );
    }
    users
}

/// Whether the list's search matches `user` (the contract's rule).
fn matches(user: &Value, needle: &str) -> bool {
    let first = user["first_name"].as_str().unwrap_or_default();
    let last = user["last_name"].as_str().unwrap_or_default();
    let email = user["email"].as_str().unwrap_or_default();
    let needle = needle.to_lowercase();
    [
        first.to_string(),
        last.to_string(),
        format!("{first} {last}"),
        email.to_string(),
    ]
    .iter()
    .any(|text| text.to_lowercase().contains(&needle))
}

/// Every audit entry about `user_id`, newest first.
async fn audit_of(api: &Api, token: &str, user_id: i64) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut cursor = String::new();
    loop {
        let (code, body) = api
            .get(
                &format!("/api/v1/audit?target={user_id}&per_page=100{cursor}"),
                token,
            )
            .await;
        assert_eq!(code, 200, "{body}");
        entries.extend(body["entries"].as_array().expect("entries").iter().cloned());
        match body["next"].as_str() {
            Some(next) => cursor = format!("&before={next}"),
            None => break,
        }
    }
    entries
}

/// Asserts the invariants no crash, hang-up or outage may break; returns
/// the users (both tabs). `agents` is how many agents the company has.
pub async fn assert_consistent(api: &Api, token: &str, agents: u64) -> Vec<Value> {
    let users = all_users(api, token).await;

    // Search totals equal a brute-force recount over every user.
    for needle in [
        "seed", "gone", "edited", "person 1", "client", "@acme", "zz",
    ] {
        for status in ["active", "archived"] {
            let (code, body) = api
                .get(
                    &format!(
                        "/api/v1/users?status={status}&per_page=1&query={}",
                        needle.replace(' ', "%20")
                    ),
                    token,
                )
                .await;
            assert_eq!(code, 200, "{body}");
            let expected = users
                .iter()
                .filter(|u| u["status"] == status && matches(u, needle))
                .count() as u64;
            assert_eq!(
                body["total_entries"], expected,
                "search {needle:?} in {status}: total differs from a recount"
            );
        }
    }

    // Agents: none lost, none left with an archived owner.
    let owned: u64 = users
        .iter()
        .map(|u| u["owned_agents"].as_u64().expect("owned_agents"))
        .sum();
    assert_eq!(owned, agents, "agents were lost or duplicated");
    for user in users.iter().filter(|u| u["status"] == "archived") {
        assert_eq!(user["owned_agents"], 0, "archived with agents: {user}");
    }

    // Every change has its audit row: a user's version counts its create
    // and each audited update, archive and restore; its status is what the
    // newest archive or restore entry says.
    for user in &users {
        let id = user["id"].as_i64().expect("id");
        let (code, detail) = api.get(&format!("/api/v1/users/{id}"), token).await;
        assert_eq!(code, 200, "{detail}");
        let entries = audit_of(api, token, id).await;
        let mut count: HashMap<&str, i64> = HashMap::new();
        for entry in &entries {
            *count
                .entry(entry["action"].as_str().expect("action"))
                .or_default() += 1;
        }
        let created_by_api = count.get("user.create").copied().unwrap_or(0);
        assert!(created_by_api <= 1, "user {id} created twice: {entries:?}");
        let changes = ["user.update", "user.archive", "user.restore"]
            .iter()
            .map(|a| count.get(a).copied().unwrap_or(0))
            .sum::<i64>();
        if created_by_api == 1 {
            assert_eq!(
                detail["version"].as_i64(),
                Some(1 + changes),
                "user {id}: version without its audit rows (or the reverse): {entries:?}"
            );
        }
        let newest_status_change = entries
            .iter()
            .find(|e| e["action"] == "user.archive" || e["action"] == "user.restore");
        if let Some(entry) = newest_status_change {
            let expected = if entry["action"] == "user.archive" {
                "archived"
            } else {
                "active"
            };
            assert_eq!(user["status"], expected, "user {id}: {entries:?}");
        }
    }
    users
}
