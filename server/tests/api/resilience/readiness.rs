//! `/healthz` is readiness: `ok` while the database answers, the contract's
//! `503 unavailable` (with `Retry-After`) when it does not — as every API
//! request then is, instead of a 500.

use reqwest::StatusCode;

use crate::common::{assert_error, send, TestServer};

#[tokio::test]
async fn without_its_database_the_server_answers_503_and_is_not_ready() {
    let s = TestServer::start().await;
    let response = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");

    // The pools closed: no connection can be had, as when the database is gone.
    s.store.close().await;
    let response = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "5");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_error(StatusCode::SERVICE_UNAVAILABLE, &body, 503, "unavailable");

    let (status, body) = send(s.req(reqwest::Method::GET, "/api/v1/users", &s.admin.token)).await;
    assert_error(status, &body, 503, "unavailable");
    let (status, body) = s
        .post(
            "/api/v1/users",
            &s.admin.token,
            serde_json::json!({"first_name": "No", "last_name": "Database",
                               "email": "nodb@acme.example", "identity_provider": "Avaamo", "roles": []}),
        )
        .await;
    assert_error(status, &body, 503, "unavailable");
}
