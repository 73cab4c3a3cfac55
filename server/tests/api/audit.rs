//! The audit log: one row per action, newest first, paged.

use reqwest::StatusCode;
use serde_json::json;

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
        assert_eq!(e["actor"], json!({"id": s.admin.id, "name": "Ada Admin"}));
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

    // The whole log pages newest first with true totals.
    let (_, first) = s.get("/api/v1/audit?per_page=2", &s.admin.token).await;
    let total = first["total_entries"].as_u64().unwrap();
    assert!(total >= 9, "{first}");
    assert_eq!(first["entries"][0]["action"], "token.regenerate");
    let (_, past) = s
        .get(
            &format!("/api/v1/audit?per_page=2&page={}", total),
            &s.admin.token,
        )
        .await;
    assert_eq!(past["entries"], json!([]));
    assert_eq!(past["total_entries"], total);
    let ids: Vec<i64> = first["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids[0] > ids[1]);
}
