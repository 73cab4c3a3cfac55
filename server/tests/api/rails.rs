//! Safety rails and the directory switch: owns_agents, cannot_archive_self,
//! last_admin, self_lockout, failed transfers, directory_managed.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::{assert_error, valid_user, TestServer};

#[tokio::test]
async fn archive_rails_owns_agents_self_and_last_admin() {
    let s = TestServer::start().await;
    let owner = s
        .create_user("Olga", "Owner", "olga@acme.example", &[])
        .await;
    let owner_id = owner["id"].as_i64().unwrap();
    let agent = s
        .store
        .create_agent(s.company_id, "Support bot", owner_id)
        .await
        .unwrap();
    let (status, body) = s
        .delete(
            &format!("/api/v1/users/{owner_id}"),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_error(status, &body, 409, "owns_agents");
    assert_eq!(
        body["agents"],
        json!([{"id": agent, "name": "Support bot"}])
    );

    let (status, body) = s
        .delete(
            &format!("/api/v1/users/{}", s.admin.id),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_error(status, &body, 409, "cannot_archive_self");

    // No one can drop their own Settings (another administrator can)...
    let path = format!("/api/v1/users/{}", s.admin.id);
    let (status, body) = s
        .patch(&path, &s.admin.token, 1, json!({"roles": ["Development"]}))
        .await;
    assert_error(status, &body, 409, "self_lockout");
    assert_eq!(body["error"]["message"], users_api::rules::SELF_LOCKOUT);
    let (_, me) = s.get(&path, &s.admin.token).await;
    assert_eq!(me["direct_roles"], json!(["Settings"]));
    assert_eq!(me["version"], 1);
    // ...even while someone else holds it (through a group here)...
    let group = s
        .store
        .seed_group(s.company_id, "Admins", "", &["Settings".into()])
        .await
        .unwrap();
    s.store.seed_membership(group, owner_id).await.unwrap();
    let (status, body) = s
        .patch(&path, &s.admin.token, 1, json!({"roles": ["Development"]}))
        .await;
    assert_error(status, &body, 409, "self_lockout");
    // ...but another administrator can take it away.
    let other = s
        .account("Oli", "Other", "oli@acme.example", &["Settings"])
        .await;
    let (status, body) = s
        .patch(&path, &other.token, 1, json!({"roles": ["Development"]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The caller lost Settings: the very next request is forbidden.
    let (status, body) = s.get("/api/v1/users", &s.admin.token).await;
    assert_error(status, &body, 403, "forbidden");

    // Archiving the last active Settings holder is refused as well.
    let second = s
        .store
        .create_admin(
            "Acme Robotics",
            &valid_user("Sam", "Second", "sam@acme.example", &[]),
        )
        .await
        .unwrap();
    s.store.end_membership(group, owner_id).await.unwrap();
    s.store
        .seed_membership(group, second.user_id)
        .await
        .unwrap();
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{}", second.user_id),
            &second.token,
            1,
            json!({"roles": []}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // second holds Settings only through the group now; the group loses its last member...
    let third = s
        .store
        .create_admin(
            "Acme Robotics",
            &valid_user("Tia", "Third", "tia@acme.example", &[]),
        )
        .await
        .unwrap();
    let (status, body) = s
        .delete(
            &format!("/api/v1/users/{}", second.user_id),
            &third.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = s
        .patch(
            &format!("/api/v1/users/{}", third.user_id),
            &third.token,
            1,
            json!({"roles": []}),
        )
        .await;
    assert_error(status, &body, 409, "self_lockout");
}

#[tokio::test]
async fn failed_transfer_leaves_users_and_agents_unchanged() {
    let s = TestServer::start().await;
    let owner = s
        .create_user("Olga", "Owner", "olga@acme.example", &[])
        .await;
    let owner_id = owner["id"].as_i64().unwrap();
    let archived = s
        .create_user("Arch", "Ived", "arch@acme.example", &[])
        .await;
    let archived_id = archived["id"].as_i64().unwrap();
    s.delete(
        &format!("/api/v1/users/{archived_id}"),
        &s.admin.token,
        json!({}),
    )
    .await;
    let other = s.other_company_admin().await;
    s.store
        .create_agent(s.company_id, "Support bot", owner_id)
        .await
        .unwrap();
    s.store
        .create_agent(s.company_id, "FAQ bot", owner_id)
        .await
        .unwrap();
    let path = format!("/api/v1/users/{owner_id}");
    for bad in [owner_id, archived_id, other.id, 987654] {
        let (status, body) = s
            .delete(&path, &s.admin.token, json!({"replacement_owner_id": bad}))
            .await;
        assert_error(status, &body, 422, "invalid");
        assert!(
            body["error"]["fields"]["replacement_owner_id"].is_array(),
            "{body}"
        );
    }
    let (_, after) = s.get(&path, &s.admin.token).await;
    assert_eq!(after["status"], "active");
    assert_eq!(after["version"], 1);
    assert_eq!(s.store.agents_of(owner_id).await.unwrap().len(), 2);
    let actions: Vec<String> = s
        .audit_of(owner_id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["user.create"]);
}

#[tokio::test]
async fn directory_managed_blocks_user_changes_but_not_reads() {
    let s = TestServer::start().await;
    let user = s.create_user("Dir", "Ected", "dir@acme.example", &[]).await;
    let path = format!("/api/v1/users/{}", user["id"]);
    s.store
        .set_directory("Acme Robotics", Some("Azure AD"))
        .await
        .unwrap();
    let new_user = json!({"first_name": "A", "last_name": "B", "email": "ab@acme.example", "identity_provider": "Avaamo"});
    let (status, body) = s.post("/api/v1/users", &s.admin.token, new_user).await;
    assert_error(status, &body, 403, "directory_managed");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Azure AD"));
    let (status, body) = s
        .patch(&path, &s.admin.token, 1, json!({"first_name": "X"}))
        .await;
    assert_error(status, &body, 403, "directory_managed");
    let (status, body) = s.delete(&path, &s.admin.token, json!({})).await;
    assert_error(status, &body, 403, "directory_managed");
    let (status, body) = s
        .post(&format!("{path}/restore"), &s.admin.token, json!({}))
        .await;
    assert_error(status, &body, 403, "directory_managed");
    let (status, _) = s.get("/api/v1/users", &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let (_, me) = s.get("/api/v1/me", &s.admin.token).await;
    assert_eq!(me["company"]["directory"], json!({"provider": "Azure AD"}));
    s.store.set_directory("Acme Robotics", None).await.unwrap();
    let (status, _) = s
        .patch(&path, &s.admin.token, 1, json!({"first_name": "X"}))
        .await;
    assert_eq!(status, StatusCode::OK);
}
