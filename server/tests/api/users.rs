//! Success paths of the users endpoints, the catalogue and /me.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, send, TestServer};

#[tokio::test]
async fn me_describes_the_caller_and_company() {
    let s = TestServer::start().await;
    let (status, me) = s.get("/api/v1/me", &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["email"], "admin@acme.example");
    assert_eq!(me["user"]["direct_roles"], json!(["Settings"]));
    assert_eq!(me["company"]["name"], "Acme Robotics");
    assert_eq!(me["company"]["directory"], json!(null));
    assert_eq!(me["can_manage_users"], true);
    assert!(me["user"]["access_token"]["hint"]
        .as_str()
        .unwrap()
        .starts_with("uat_…"));
}

#[tokio::test]
async fn create_read_edit_archive_restore() {
    let s = TestServer::start().await;
    let response = s
        .req(Method::POST, "/api/v1/users", &s.admin.token)
        .json(
            &json!({"first_name": " Grace ", "last_name": "Hopper", "email": " Grace@Navy.example ",
                      "identity_provider": "Okta", "roles": ["Testing", "Development"]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let created: serde_json::Value = response.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/users/{id}"));
    assert_eq!(created["first_name"], "Grace");
    assert_eq!(created["email"], "Grace@Navy.example");
    assert_eq!(created["identity_provider"], "Okta");
    assert_eq!(created["status"], "active");
    assert_eq!(created["direct_roles"], json!(["Development", "Testing"]));
    assert_eq!(
        created["roles"][0],
        json!({"role": "Development", "sources": [{"type": "direct"}]})
    );
    assert_eq!(created["version"], 1);

    let response = s
        .req(Method::GET, &location, &s.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"1\"");

    let response = s
        .req(Method::PATCH, &location, &s.admin.token)
        .header("If-Match", "\"1\"")
        .json(&json!({"last_name": "Brewster Hopper", "roles": ["Production"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let edited: serde_json::Value = response.json().await.unwrap();
    assert_eq!(edited["last_name"], "Brewster Hopper");
    assert_eq!(edited["direct_roles"], json!(["Production"]));
    assert_eq!(edited["first_name"], "Grace");

    // An edit that changes nothing keeps the version.
    let (status, same) = s
        .patch(&location, &s.admin.token, 2, json!({"first_name": "Grace"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same["version"], 2);

    let (status, deleted) = s.delete(&location, &s.admin.token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["user"]["status"], "archived");
    assert_eq!(deleted["user"]["archived_by"]["id"], s.admin.id);
    assert_eq!(deleted["user"]["archived_by"]["name"], "Ada Admin");
    assert!(deleted["user"]["archived_at"].is_string());
    assert_eq!(deleted["transferred_agents"], json!([]));

    let (status, restored) = s
        .post(&format!("{location}/restore"), &s.admin.token, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["status"], "active");
    assert_eq!(restored["direct_roles"], json!(["Production"]));
    assert!(restored.get("archived_at").is_none());
    assert!(restored.get("archived_by").is_none());
    assert_eq!(restored["version"], 4);
}

#[tokio::test]
async fn delete_transfers_agents_and_restore_keeps_roles_and_groups() {
    let s = TestServer::start().await;
    let owner = s
        .create_user("Olga", "Owner", "olga@acme.example", &["Development"])
        .await;
    let heir = s
        .create_user("Hugo", "Heir", "hugo@acme.example", &[])
        .await;
    let (owner_id, heir_id) = (owner["id"].as_i64().unwrap(), heir["id"].as_i64().unwrap());
    let group = s
        .store
        .seed_group(s.company_id, "QA team", "", &["Testing".into()])
        .await
        .unwrap();
    s.store.seed_membership(group, owner_id).await.unwrap();
    let a1 = s
        .store
        .create_agent(s.company_id, "Support bot", owner_id)
        .await
        .unwrap();
    let a2 = s
        .store
        .create_agent(s.company_id, "Billing bot", owner_id)
        .await
        .unwrap();

    let (status, detail) = s
        .get(&format!("/api/v1/users/{owner_id}"), &s.admin.token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["owned_agents"], 2);
    assert_eq!(
        detail["agents"],
        json!([{"id": a2, "name": "Billing bot"}, {"id": a1, "name": "Support bot"}])
    );

    let (status, result) = s
        .delete(
            &format!("/api/v1/users/{owner_id}"),
            &s.admin.token,
            json!({"replacement_owner_id": heir_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["transferred_agents"].as_array().unwrap().len(), 2);
    assert_eq!(result["user"]["owned_agents"], 0);
    let heir_agents = s.store.agents_of(heir_id).await.unwrap();
    assert_eq!(heir_agents.len(), 2);

    let (status, restored) = s
        .post(
            &format!("/api/v1/users/{owner_id}/restore"),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(restored["direct_roles"], json!(["Development"]));
    assert_eq!(
        restored["groups"],
        json!([{"id": group, "name": "QA team"}])
    );
    let roles: Vec<&str> = restored["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["Development", "Testing"]);
}

#[tokio::test]
async fn roles_carry_provenance_in_catalogue_order() {
    let s = TestServer::start().await;
    let user = s
        .create_user(
            "John",
            "Miller",
            "john@acme.example",
            &["Testing", "Development"],
        )
        .await;
    let id = user["id"].as_i64().unwrap();
    let qa = s
        .store
        .seed_group(s.company_id, "QA team", "Testers", &["Testing".into()])
        .await
        .unwrap();
    let alpha = s
        .store
        .seed_group(
            s.company_id,
            "Alpha",
            "",
            &["Staging".into(), "Testing".into()],
        )
        .await
        .unwrap();
    s.store.seed_membership(qa, id).await.unwrap();
    s.store.seed_membership(alpha, id).await.unwrap();
    let expected_roles = json!([
        {"role": "Development", "sources": [{"type": "direct"}]},
        {"role": "Testing", "sources": [{"type": "direct"},
            {"type": "group", "group": {"id": alpha, "name": "Alpha"}},
            {"type": "group", "group": {"id": qa, "name": "QA team"}}]},
        {"role": "Staging", "sources": [{"type": "group", "group": {"id": alpha, "name": "Alpha"}}]},
    ]);
    let (_, detail) = s.get(&format!("/api/v1/users/{id}"), &s.admin.token).await;
    assert_eq!(detail["roles"], expected_roles);
    assert_eq!(
        detail["groups"],
        json!([{"id": alpha, "name": "Alpha"}, {"id": qa, "name": "QA team"}])
    );
    assert_eq!(detail["direct_roles"], json!(["Development", "Testing"]));
    let (_, page) = s.get("/api/v1/users?query=john", &s.admin.token).await;
    assert_eq!(page["entries"][0]["roles"], expected_roles);

    let (status, groups) = s.get("/api/v1/groups", &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let summary: Vec<Value> = groups["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            json!([
                g["id"],
                g["name"],
                g["description"],
                g["roles"],
                g["member_count"]
            ])
        })
        .collect();
    assert_eq!(
        summary,
        [
            json!([alpha, "Alpha", "", ["Testing", "Staging"], 1]),
            json!([qa, "QA team", "Testers", ["Testing"], 1])
        ]
    );
}

#[tokio::test]
async fn catalogue_providers_openapi_and_health() {
    let s = TestServer::start().await;
    let (status, roles) = s.get("/api/v1/roles", &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = roles
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Development",
            "Testing",
            "Staging",
            "Production",
            "Settings"
        ]
    );
    assert!(roles[0]["description"]
        .as_str()
        .unwrap()
        .contains("development stage"));

    let (status, providers) = s.get("/api/v1/identity_providers", &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = providers
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Avaamo", "Azure AD", "Google", "Okta"]);

    let (status, doc) = send(s.client.get(s.url("/api/v1/openapi.json"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/users/{id}/access_token",
        "/api/v1/audit",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/users/{id}"]["patch"]["responses"]
        .get("428")
        .is_some());
    assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
    assert!(doc["components"]["schemas"].get("UserDetail").is_some());

    let response = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn twenty_concurrent_creates_with_one_email_make_one_user() {
    let s = TestServer::start().await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let req = s
            .req(Method::POST, "/api/v1/users", &s.admin.token)
            .json(&json!({"first_name": format!("Twin{i}"), "last_name": "Racer",
                          "email": if i % 2 == 0 { "race@acme.example" } else { "RACE@acme.example" },
                          "identity_provider": "Avaamo"}));
        tasks.push(tokio::spawn(send(req)));
    }
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        match status.as_u16() {
            201 => created += 1,
            422 => assert_eq!(
                body["error"]["fields"]["email"],
                json!(["is already taken"])
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    let (_, page) = s
        .get("/api/v1/users?query=race%40acme", &s.admin.token)
        .await;
    assert_eq!(page["total_entries"], 1);
}

/// Look-alike identities are refused with a field error the form shows
/// too: invisible and text-direction characters in emails and names. A
/// joiner between letters (Persian, Devanagari) is part of a name.
#[tokio::test]
async fn look_alike_emails_and_names_are_refused() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    s.create_user("Real", "Person", "real@acme.example", &[])
        .await;
    let invisible = "must not contain invisible or text-direction characters";
    let create = |first: &str, email: &str| {
        json!({"first_name": first, "last_name": "Person", "email": email,
               "identity_provider": "Avaamo", "roles": []})
    };
    for email in [
        "real\u{200B}@acme.example",
        "real@acme\u{202E}.example",
        "\u{FEFF}real@acme.example",
    ] {
        let (status, body) = s.post("/api/v1/users", t, create("Real", email)).await;
        assert_error(status, &body, 422, "invalid");
        assert!(
            body["error"]["fields"]["email"]
                .as_array()
                .unwrap()
                .contains(&json!(invisible)),
            "{email:?}: {body}"
        );
    }
    for first in [
        "\u{200B}",
        "\u{FEFF}",
        "Ada\u{202E}nimda",
        "A\u{2028}da",
        "\u{200D}",
    ] {
        let (status, body) = s
            .post("/api/v1/users", t, create(first, "other@acme.example"))
            .await;
        assert_error(status, &body, 422, "invalid");
        assert_eq!(
            body["error"]["fields"]["first_name"],
            json!([invisible]),
            "{first:?}"
        );
    }
    let (status, body) = s
        .post(
            "/api/v1/users",
            t,
            create("Ali\u{200C}reza", "alireza@acme.example"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Only the real address exists.
    let (_, page) = s.get("/api/v1/users?query=real", t).await;
    assert_eq!(page["total_entries"], 1);
}
