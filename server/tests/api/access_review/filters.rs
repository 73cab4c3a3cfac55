//! Every filter and combination against a brute-force reading, paging,
//! filters following changes, and the 422 for each bad or unknown value.

use reqwest::StatusCode;
use serde_json::Value;

use super::{every_case, export, ids, parse_csv, seed, Known};
use crate::common::{assert_error, TestServer};

#[tokio::test]
async fn every_filter_and_combination_matches_a_brute_force_reading() {
    let s = TestServer::start().await;
    let (known, group_ids) = seed(&s, 90).await;
    crate::recount::assert_role_holders_exact(&s).await;
    crate::recount::assert_provider_counts_exact(&s).await;
    let cases = every_case();
    assert_eq!(cases.len(), 16 * 4 * 3 * 3 * 2);
    let mut nonempty = 0;
    for case in &cases {
        let expected = case.expected(&known);
        let path = format!("/api/v1/users?{}&per_page=100", case.params(&group_ids));
        let (status, page) = s.get(&path, &s.admin.token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        assert_eq!(ids(&page), expected, "{path}");
        assert_eq!(page["total_entries"], expected.len(), "{path}");
        nonempty += usize::from(!expected.is_empty());
    }
    // The data is rich enough that most combinations find someone.
    assert!(nonempty > cases.len() / 3, "{nonempty} of {}", cases.len());

    // The export reads the same rows in batches: the same users.
    let by_id: std::collections::HashMap<i64, &Known> = known.iter().map(|k| (k.id, k)).collect();
    for case in cases.iter().step_by(5) {
        let response = export(&s, &case.params(&group_ids), &s.admin.token).await;
        let records = parse_csv(&response.text().await.unwrap());
        let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
        let expected: Vec<&str> = case
            .expected(&known)
            .iter()
            .map(|id| by_id[id].email.as_str())
            .collect();
        assert_eq!(emails, expected, "export {}", case.params(&group_ids));
    }

    // Paging: pages of 4 put together are the whole answer, with exact
    // totals on every page (and past the end).
    for case in cases.iter().step_by(37) {
        let expected = case.expected(&known);
        let mut walked = Vec::new();
        for page_no in 1..=(expected.len() / 4 + 2) {
            let path = format!(
                "/api/v1/users?{}&per_page=4&page={page_no}",
                case.params(&group_ids)
            );
            let (_, page) = s.get(&path, &s.admin.token).await;
            assert_eq!(page["total_entries"], expected.len(), "{path}");
            assert_eq!(page["total_pages"], expected.len().div_ceil(4), "{path}");
            walked.extend(ids(&page));
        }
        assert_eq!(walked, expected, "{}", case.params(&group_ids));
    }
}

#[tokio::test]
async fn filters_follow_changes_to_roles_groups_and_memberships() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let user = s
        .create_user("Gail", "Grant", "gail@acme.example", &[])
        .await;
    let id = user["id"].as_i64().unwrap();
    let production = |source: &'static str| {
        let source = if source.is_empty() {
            String::new()
        } else {
            format!("&source={source}")
        };
        format!("/api/v1/users?role=Production{source}")
    };
    let (_, none) = s.get(&production(""), t).await;
    assert_eq!(none["total_entries"], 0);
    // A group without the role, then the role given to the group.
    let (_, group) = s
        .post(
            "/api/v1/groups",
            t,
            serde_json::json!({"name": "Ops", "roles": []}),
        )
        .await;
    let group_id = group["id"].as_i64().unwrap();
    s.post(
        &format!("/api/v1/groups/{group_id}/members"),
        t,
        serde_json::json!({"user_ids": [id]}),
    )
    .await;
    let (_, still_none) = s.get(&production("group"), t).await;
    assert_eq!(still_none["total_entries"], 0);
    let (_, group) = s.get(&format!("/api/v1/groups/{group_id}"), t).await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/groups/{group_id}"),
            t,
            group["version"].as_i64().unwrap(),
            serde_json::json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, via_group) = s.get(&production("group"), t).await;
    assert_eq!(ids(&via_group), [id]);
    let (_, direct) = s.get(&production("direct"), t).await;
    assert_eq!(direct["total_entries"], 0);
    // Also directly: both sources; then out of the group: direct only.
    let (_, user) = s.get(&format!("/api/v1/users/{id}"), t).await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{id}"),
            t,
            user["version"].as_i64().unwrap(),
            serde_json::json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for source in ["", "direct", "group"] {
        let (_, page) = s.get(&production(source), t).await;
        assert_eq!(ids(&page), [id], "source {source:?}");
    }
    let (status, _) = s
        .delete(
            &format!("/api/v1/groups/{group_id}/members/{id}"),
            t,
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, gone) = s.get(&production("group"), t).await;
    assert_eq!(gone["total_entries"], 0);
    let (_, kept) = s.get(&production(""), t).await;
    assert_eq!(ids(&kept), [id]);
    let (_, members) = s.get(&format!("/api/v1/users?group={group_id}"), t).await;
    assert_eq!(members["total_entries"], 0);
}

#[tokio::test]
async fn bad_and_unknown_filter_values_are_named() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let other = s.other_company_admin().await;
    let (_, theirs) = s
        .post(
            "/api/v1/groups",
            &other.token,
            serde_json::json!({"name": "Theirs", "roles": []}),
        )
        .await;
    let their_group = theirs["id"].as_i64().unwrap();
    let cases = [
        ("role=Janitor", "role"),
        ("role=", "role"),
        ("source=direct", "source"),
        ("role=Testing&source=inherited", "source"),
        ("group=abc", "group"),
        ("group=0", "group"),
        ("group=999999", "group"),
        (&format!("group={their_group}") as &str, "group"),
        ("identity_provider=Elsewhere", "identity_provider"),
    ];
    for path in ["/api/v1/users", "/api/v1/users/export.csv"] {
        for (query, field) in &cases {
            let (status, body) = s.get(&format!("{path}?{query}"), t).await;
            assert_error(status, &body, 422, "invalid");
            assert!(
                body["error"]["fields"][field].is_array(),
                "{path}?{query}: {body}"
            );
        }
        // Paging stays a 400, checked first.
        let (status, body) = s.get(&format!("{path}?page=0&role=Janitor"), t).await;
        assert_error(status, &body, 400, "bad_request");
    }
    // Nothing was exported, so nothing was audited.
    let (_, log) = s.get("/api/v1/audit?action=users.export", t).await;
    assert_eq!(log["entries"], serde_json::json!([]));
}

/// A search holding a control character (NUL among them, which PostgreSQL
/// text cannot hold) finds nobody under every filter, and the export of it
/// is the header alone: never a server error.
#[tokio::test]
async fn a_search_with_a_control_character_finds_nobody_under_any_filter() {
    let s = TestServer::start().await;
    let (_, group_ids) = seed(&s, 30).await;
    let group = group_ids[0];
    for filter in [
        format!("group={group}"),
        "role=Development&source=group".to_string(),
        "identity_provider=Okta".to_string(),
        format!("identity_provider=Google&group={group}&source=group&role=Development"),
    ] {
        for query in ["a%00b", "%00", "5%26%2C%C2%8A%00", "ann%01"] {
            let path = format!("/api/v1/users?{filter}&query={query}");
            let (status, page) = s.get(&path, &s.admin.token).await;
            assert_eq!(status, StatusCode::OK, "{path}: {page}");
            assert_eq!(page["total_entries"], 0, "{path}");
            assert_eq!(ids(&page), Vec::<i64>::new(), "{path}");
            let response = export(&s, &format!("{filter}&query={query}"), &s.admin.token).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let csv = response.text().await.expect("the export's body");
            assert_eq!(parse_csv(&csv).len(), 1, "{path}: the header alone");
        }
    }
    // The group's own members page likewise.
    let path = format!("/api/v1/groups/{group}/members?query=a%00b");
    let (status, page) = s.get(&path, &s.admin.token).await;
    assert_eq!(status, StatusCode::OK, "{path}: {page}");
    assert_eq!(page["total_entries"], 0, "{path}");
}
