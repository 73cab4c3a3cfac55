//! The authorization matrix: every endpoint against every kind of bad caller.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{assert_error, send, Account, TestServer};

/// Every authenticated endpoint, with `{id}` standing for a user of the company.
fn endpoints(id: i64) -> Vec<(Method, String, Option<Value>)> {
    let user = format!("/api/v1/users/{id}");
    vec![
        (Method::GET, "/api/v1/me".into(), None),
        (Method::GET, "/api/v1/users".into(), None),
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({"first_name": "N", "last_name": "N",
            "email": "matrix@acme.example", "identity_provider": "Avaamo"})),
        ),
        (Method::GET, user.clone(), None),
        (
            Method::PATCH,
            user.clone(),
            Some(json!({"first_name": "Changed"})),
        ),
        (Method::DELETE, user.clone(), Some(json!({}))),
        (Method::POST, format!("{user}/restore"), Some(json!({}))),
        (Method::GET, format!("{user}/access_token"), None),
        (Method::POST, format!("{user}/access_token"), None),
        (Method::GET, "/api/v1/roles".into(), None),
        (Method::GET, "/api/v1/groups".into(), None),
        (Method::GET, "/api/v1/identity_providers".into(), None),
        (Method::GET, "/api/v1/audit".into(), None),
        (Method::GET, format!("{user}/activity"), None),
    ]
}

async fn call(
    s: &TestServer,
    token: Option<&str>,
    method: &Method,
    path: &str,
    body: &Option<Value>,
) -> (StatusCode, Value) {
    let mut req = s
        .client
        .request(method.clone(), s.url(path))
        .header("If-Match", "\"1\"");
    if let Some(token) = token {
        req = req.header("Access-Token", token);
    }
    if let Some(body) = body {
        req = req.json(body);
    }
    send(req).await
}

#[tokio::test]
async fn bad_callers_are_refused_everywhere() {
    let s = TestServer::start().await;
    let target = s
        .create_user("Tar", "Get", "target@acme.example", &[])
        .await;
    let target_id = target["id"].as_i64().unwrap();
    let plain: Account = s
        .account("Plain", "User", "plain@acme.example", &["Development"])
        .await;
    let archived = s
        .account("Arch", "Ived", "archived@acme.example", &["Settings"])
        .await;
    let (status, _) = s
        .delete(
            &format!("/api/v1/users/{}", archived.id),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let replaced = s
        .account("Re", "Placed", "replaced@acme.example", &["Settings"])
        .await;
    let (status, _) = s
        .post(
            &format!("/api/v1/users/{}/access_token", replaced.id),
            &s.admin.token,
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let other = s.other_company_admin().await;

    let garbage = "uat_thisisnotarealtokenatallbutlooksalittlelikeone";
    let wrong_checksum = {
        let mut t = s.admin.token.clone();
        let last = t.pop().unwrap();
        t.push(if last == 'a' { 'b' } else { 'a' });
        t
    };
    for (method, path, body) in endpoints(target_id) {
        for token in [
            None,
            Some(garbage),
            Some(wrong_checksum.as_str()),
            Some(""),
            Some(archived.token.as_str()),
            Some(replaced.token.as_str()),
        ] {
            let (status, body) = call(&s, token, &method, &path, &body).await;
            assert_error(status, &body, 401, "unauthenticated");
        }
        let (status, response) = call(&s, Some(&plain.token), &method, &path, &body).await;
        if path == "/api/v1/me" {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(response["can_manage_users"], false);
        } else {
            assert_error(status, &response, 403, "forbidden");
        }
        let (status, response) = call(&s, Some(&other.token), &method, &path, &body).await;
        if path.contains(&format!("/users/{target_id}")) {
            assert_error(status, &response, 404, "not_found");
        } else {
            assert!(status.is_success(), "{method} {path}: {status} {response}");
        }
    }
    // Nothing above changed the target.
    let (_, after) = s
        .get(&format!("/api/v1/users/{target_id}"), &s.admin.token)
        .await;
    assert_eq!(after["version"], 1);
    assert_eq!(after["status"], "active");
    // The other company sees only its own users, audit and groups.
    let (_, page) = s.get("/api/v1/users", &other.token).await;
    let emails: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["matrix@acme.example", "otto@globex.example"]);
    let (_, audit) = s.get("/api/v1/audit?per_page=100", &other.token).await;
    assert!(audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["id"] == other.id));
}

#[tokio::test]
async fn bearer_header_works_and_settings_through_a_group_counts() {
    let s = TestServer::start().await;
    let (status, _) = send(
        s.client
            .get(s.url("/api/v1/users"))
            .bearer_auth(&s.admin.token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        s.client
            .get(s.url("/api/v1/users"))
            .header("Authorization", format!("Basic {}", s.admin.token)),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let member = s.account("Gro", "Up", "group@acme.example", &[]).await;
    let (status, _) = s.get("/api/v1/users", &member.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let group = s
        .store
        .seed_group(s.company_id, "Admins", "", &["Settings".into()])
        .await
        .unwrap();
    s.store.seed_membership(group, member.id).await.unwrap();
    let (status, _) = s.get("/api/v1/users", &member.token).await;
    assert_eq!(status, StatusCode::OK);
    let (_, me) = s.get("/api/v1/me", &member.token).await;
    assert_eq!(me["can_manage_users"], true);
    s.store.end_membership(group, member.id).await.unwrap();
    let (status, _) = s.get("/api/v1/users", &member.token).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
