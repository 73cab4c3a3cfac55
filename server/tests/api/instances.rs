//! Several server processes on one database, as behind a load balancer:
//! nothing one instance keeps may let a stale edit, a replaced token or a
//! removed role through on another. Runs on the suite's backend (one
//! PostgreSQL database, or one SQLite file shared by two processes).

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::common::process::{bin, create_admin, Instance};
use crate::common::TestDatabase;

const COMPANY: &str = "Acme Robotics";

#[tokio::test]
async fn two_instances_agree_on_versions_tokens_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create(dir.path()).await;
    let admin = create_admin(&db, COMPANY, "ada@acme.example");
    let (a, b) = (Instance::start(&db).await, Instance::start(&db).await);

    // A user made through A, read through B.
    let mia = json!({"first_name": "Mia", "last_name": "Manager", "email": "mia@acme.example",
                     "identity_provider": "Avaamo", "roles": ["Development", "Settings"]});
    let (status, user) = a.post("/api/v1/users", &admin, mia).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let path = format!("/api/v1/users/{}", user["id"]);
    let (status, seen) = b.get(&path, &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["version"], 1);

    // An edit through A, then a stale edit through B: 412 with the current user.
    let (status, edited) = a
        .patch(&path, &admin, 1, json!({"first_name": "Mina"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let (status, body) = b
        .patch(&path, &admin, 1, json!({"last_name": "Late"}))
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{body}");
    assert_eq!(body["error"]["code"], "stale_version");
    assert_eq!(body["current"]["first_name"], "Mina");
    assert_eq!(body["current"]["version"], 2);

    // A token regenerated through A fails at once on B; the new one works there.
    let token_path = format!("{path}/access_token");
    let (_, old) = b.get(&token_path, &admin).await;
    let old = old["token"].as_str().unwrap().to_string();
    let (status, _) = b.get("/api/v1/users", &old).await;
    assert_eq!(status, StatusCode::OK, "Mia holds Settings");
    let (status, new) = a.post(&token_path, &admin, json!(null)).await;
    assert_eq!(status, StatusCode::CREATED);
    let new = new["token"].as_str().unwrap().to_string();
    let (status, _) = b.get("/api/v1/me", &old).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = b.get("/api/v1/users", &new).await;
    assert_eq!(status, StatusCode::OK);

    // last_used_at is written once a minute per token, whichever instance
    // sees the use: a use through A a second later leaves B's record.
    let (_, detail) = a.get(&path, &admin).await;
    let first_use = detail["access_token"]["last_used_at"].clone();
    assert!(first_use.is_string(), "{detail}");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (status, _) = a.get("/api/v1/me", &new).await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = b.get(&path, &admin).await;
    assert_eq!(detail["access_token"]["last_used_at"], first_use);

    // A role removed through A is gone on B: the user and its rights.
    let (status, _) = a
        .patch(&path, &admin, 2, json!({"roles": ["Development"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = b.get("/api/v1/users", &new).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (_, me) = b.get("/api/v1/me", &new).await;
    assert_eq!(me["can_manage_users"], false);
    let (_, seen) = b.get(&path, &admin).await;
    assert_eq!(seen["direct_roles"], json!(["Development"]));
    assert_eq!(seen["version"], 3);
}

#[tokio::test]
async fn an_instance_with_another_token_key_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create(dir.path()).await;
    create_admin(&db, COMPANY, "ada@acme.example");
    let other_key = dir.path().join("other.key");
    std::fs::write(&other_key, "ab".repeat(32)).unwrap();
    let mut args = db.cli_args.clone();
    let key_at = args.iter().position(|a| a == "--token-key-file").unwrap() + 1;
    args[key_at] = other_key.into();
    let out = Command::new(env!("CARGO_BIN_EXE_users-server"))
        .args(&args)
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("token key"), "{stderr}");
    // The right key still opens it, and the data is intact.
    let out = bin(&db)
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
