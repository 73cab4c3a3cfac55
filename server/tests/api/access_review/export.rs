//! The CSV export: every matching user in list order across batches,
//! quoting and formula neutralisation, compression, who may export.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use users_server::storage::EXPORT_BATCH;

use super::{export, groups, parse_csv, seed, Case, Known};
use crate::common::TestServer;

#[tokio::test]
async fn the_export_holds_every_matching_user_in_list_order_across_batches() {
    let s = TestServer::start().await;
    let n = EXPORT_BATCH as usize * 2 + 40;
    let (known, group_ids) = seed(&s, n).await;
    let case = Case {
        role: Some("Production"),
        ..Case::default()
    };
    let expected = case.expected(&known);
    assert!(expected.len() > EXPORT_BATCH as usize, "{}", expected.len());
    let response = export(&s, &case.params(&group_ids), &s.admin.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(
        headers["x-total-count"],
        expected.len().to_string().as_str()
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"users-active-production-2"),
        "{disposition}"
    );
    let records = parse_csv(&response.text().await.unwrap());
    assert_eq!(
        records[0],
        [
            "Name",
            "Email",
            "Identity provider",
            "Status",
            "Roles",
            "Groups",
            "Created",
            "Token last used"
        ]
    );
    let by_id: std::collections::HashMap<i64, &Known> = known.iter().map(|k| (k.id, k)).collect();
    let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|id| by_id[id].email.as_str()).collect();
    assert_eq!(emails, want, "every user once, in list order");
    // A row's roles say their sources; its groups are named.
    for record in &records[1..] {
        let k = known.iter().find(|k| k.email == record[1]).unwrap();
        assert_eq!(record[0], format!("{} {}", k.first, k.last));
        assert_eq!(record[2], k.provider);
        assert_eq!(record[3], "active");
        let production = record[4]
            .split(", ")
            .find(|r| r.starts_with("Production ("))
            .unwrap_or_else(|| panic!("{record:?}"));
        let mut sources = Vec::new();
        if k.direct("Production") {
            sources.push("direct".to_string());
        }
        let mut from: BTreeSet<&str> = BTreeSet::new();
        for g in &k.groups {
            if groups()[*g].roles.iter().any(|r| r == "Production") {
                from.insert(["QA team", "Release team", "Readers"][*g]);
            }
        }
        sources.extend(from.iter().map(|g| g.to_string()));
        assert_eq!(production, format!("Production ({})", sources.join("; ")));
        let group_names: BTreeSet<&str> = record[5].split(", ").filter(|g| !g.is_empty()).collect();
        assert_eq!(group_names.len(), k.groups.len(), "{record:?}");
    }
    // The export is audited once, with its filters and rows.
    let (_, log) = s
        .get("/api/v1/audit?action=users.export", &s.admin.token)
        .await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["actor"]["id"], s.admin.id);
    let details = &entries[0]["details"];
    assert_eq!(details["rows"], expected.len());
    assert_eq!(details["filters"]["role"], "Production");
    assert_eq!(details["status"], "active");
}

#[tokio::test]
async fn the_export_quotes_and_neutralises_user_text() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let (_, group) = s
        .post(
            "/api/v1/groups",
            t,
            serde_json::json!({"name": "+Ops, \"night\"", "roles": ["Testing"]}),
        )
        .await;
    let group_id = group["id"].as_i64().unwrap();
    let formula = s
        .create_user("=HYPERLINK(\"x\")", "Zoë", "formula@acme.example", &[])
        .await;
    let plain = s
        .create_user("Émile", "-Dash", "emile@acme.example", &["Production"])
        .await;
    for user in [&formula, &plain] {
        s.post(
            &format!("/api/v1/groups/{group_id}/members"),
            t,
            serde_json::json!({"user_ids": [user["id"]]}),
        )
        .await;
    }
    let response = export(&s, &format!("group={group_id}"), t).await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("users-active-group-ops-night-"),
        "{disposition}"
    );
    let raw = response.text().await.unwrap();
    // Quoted where RFC 4180 needs it; the formula disarmed inside.
    assert!(
        raw.contains("\"'=HYPERLINK(\"\"x\"\") Zoë\",formula@acme.example"),
        "{raw}"
    );
    let records = parse_csv(&raw);
    assert_eq!(records.len(), 3, "{records:?}");
    // In list order ("=" sorts before "é").
    assert_eq!(records[1][0], "'=HYPERLINK(\"x\") Zoë");
    assert_eq!(records[2][0], "Émile -Dash");
    // Roles in catalogue order, each with its sources.
    assert_eq!(
        records[2][4],
        "Testing (+Ops, \"night\"), Production (direct)"
    );
    assert_eq!(records[2][5], "'+Ops, \"night\"");
    // Search and tab apply as in the list; an empty result is a header.
    let response = export(&s, "status=archived", t).await;
    assert_eq!(response.headers()["x-total-count"], "0");
    assert_eq!(parse_csv(&response.text().await.unwrap()).len(), 1);
}

#[tokio::test]
async fn a_compressed_export_is_whole() {
    let s = TestServer::start().await;
    seed(&s, 700).await;
    let plain = export(&s, "", &s.admin.token).await.text().await.unwrap();
    let response = s
        .req(
            reqwest::Method::GET,
            "/api/v1/users/export.csv",
            &s.admin.token,
        )
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let bytes = response.bytes().await.expect("the whole body");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .expect("gzip");
    assert_eq!(text, plain);
    assert_eq!(parse_csv(&text).len(), 1 + 700 - 700 / 6 + 1);
}

#[tokio::test]
async fn only_administrators_export_and_only_their_company() {
    let s = TestServer::start().await;
    let member = s
        .account("Mo", "Member", "mo@acme.example", &["Testing"])
        .await;
    let response = export(&s, "", &member.token).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = export(&s, "", "uat_not-a-token").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let other = s.other_company_admin().await;
    let response = export(&s, "", &other.token).await;
    let records = parse_csv(&response.text().await.unwrap());
    let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(emails, ["otto@globex.example"]);
}
