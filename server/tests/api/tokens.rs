//! Access tokens: reveal, regenerate, caching headers, storage at rest.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::TestServer;

#[tokio::test]
async fn reveal_and_regenerate() {
    let s = TestServer::start().await;
    let user = s.account("Tok", "En", "token@acme.example", &[]).await;
    let path = format!("/api/v1/users/{}/access_token", user.id);

    let response = s
        .req(Method::GET, &path, &s.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let revealed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(revealed["token"], user.token);
    assert!(users_api::token::check_format(&user.token).is_ok());
    assert!(revealed["created_at"].is_string());

    // Using the token records last_used_at.
    let (status, me) = s.get("/api/v1/me", &user.token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        me["user"]["access_token"]["last_used_at"].is_string(),
        "{me}"
    );
    assert_eq!(
        me["user"]["access_token"]["hint"],
        users_api::token::hint(&user.token)
    );

    let response = s
        .req(Method::POST, &path, &s.admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let fresh: serde_json::Value = response.json().await.unwrap();
    let fresh = fresh["token"].as_str().unwrap().to_string();
    assert_ne!(fresh, user.token);
    assert!(users_api::token::check_format(&fresh).is_ok());

    // The old token fails at once; the new one works.
    let (status, body) = s.get("/api/v1/me", &user.token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthenticated");
    let (status, _) = s.get("/api/v1/me", &fresh).await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = s
        .get(&format!("/api/v1/users/{}", user.id), &s.admin.token)
        .await;
    assert_eq!(
        detail["access_token"]["hint"],
        users_api::token::hint(&fresh)
    );

    // Regenerating one's own token works too, and the old one stops.
    let own = format!("/api/v1/users/{}/access_token", s.admin.id);
    let (status, mine) = s.post(&own, &s.admin.token, json!(null)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = s.get("/api/v1/me", &s.admin.token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = s.get("/api/v1/me", mine["token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn tokens_are_not_stored_in_clear() {
    let s = TestServer::start().await;
    let user = s.account("Clear", "Text", "clear@acme.example", &[]).await;
    s.store.close().await;
    let haystack = s.stored_text().await;
    assert!(
        haystack.contains("clear@acme.example"),
        "the dump reads the data"
    );
    assert!(!haystack.contains(&user.token));
    assert!(!haystack.contains(&s.admin.token));
}

/// Archiving revokes a user's token for good: restoring issues a new one
/// (audited), and the token the user had before never works again.
#[tokio::test]
async fn a_restored_users_old_token_stays_revoked_and_a_new_one_works() {
    let s = TestServer::start().await;
    let mia = s.account("Mia", "Member", "mia@acme.example", &[]).await;
    let user = format!("/api/v1/users/{}", mia.id);
    let (status, _) = s.get("/api/v1/me", &mia.token).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = s.delete(&user, &s.admin.token, json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get("/api/v1/me", &mia.token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "archived");

    let (status, body) = s
        .post(&format!("{user}/restore"), &s.admin.token, json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get("/api/v1/me", &mia.token).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old token stays revoked"
    );

    let (status, revealed) = s.get(&format!("{user}/access_token"), &s.admin.token).await;
    assert_eq!(status, StatusCode::OK);
    let new = revealed["token"].as_str().unwrap();
    assert_ne!(new, mia.token);
    let (status, me) = s.get("/api/v1/me", new).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["id"], mia.id);

    let actions: Vec<String> = s
        .audit_of(mia.id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions[..3],
        ["token.reveal", "token.regenerate", "user.restore"],
        "newest first: {actions:?}"
    );
    let regenerated = &s.audit_of(mia.id).await[1];
    assert_eq!(regenerated["details"]["reason"], "restore");
    assert_eq!(
        regenerated["details"]["hint"],
        users_api::token::hint(new),
        "{regenerated}"
    );
}

/// Every API answer carries personal data or tokens, or may: none is
/// stored by a browser or a proxy. The public contract may be cached.
#[tokio::test]
async fn api_answers_are_never_cached_but_the_public_contract_may_be() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let user = format!("/api/v1/users/{}", s.admin.id);
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/users".to_string(),
        user.clone(),
        format!("{user}/access_token"),
        "/api/v1/audit".to_string(),
        "/api/v1/roles".to_string(),
        "/api/v1/users/999999".to_string(),
        "/healthz".to_string(),
    ] {
        let response = s.req(Method::GET, &path, t).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let response = s
        .req(Method::GET, "/api/v1/me", "not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let response = s
        .client
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
}
