//! Test harness: a real server on 127.0.0.1 (in-process, its own tokio
//! task) over a real SQLite file in a temporary directory, plus helpers to
//! seed data through the storage layer and to call the API with reqwest.

#![allow(dead_code)]

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use users_api::validation::{PersonName, ValidNewUser};
use users_api::Email;
use users_server::crypto::{TokenCrypto, TokenKey};
use users_server::storage::Location;
use users_server::{router, AppConfig, Store};

pub const COMPANY: &str = "Acme Robotics";

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub client: Client,
    /// The first administrator of `COMPANY`.
    pub admin: Account,
    pub company_id: i64,
    pub dir: tempfile::TempDir,
}

/// A user and its access token.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub token: String,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| AppConfig::default()).await
    }

    /// `config` gets the temporary directory (to place a static site in it).
    pub async fn start_with(config: impl FnOnce(&std::path::Path) -> AppConfig) -> TestServer {
        let dir = tempfile::tempdir().expect("temporary directory");
        let key = TokenKey::generate().expect("random key");
        let store = Store::open(
            &Location::File(dir.path().join("users.db")),
            TokenCrypto::new(&key),
        )
        .await
        .expect("open the database");
        let app = router(store.clone(), &config(dir.path())).expect("router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        let admin_user = store
            .create_admin(
                COMPANY,
                &valid_user("Ada", "Admin", "admin@acme.example", &["Settings"]),
            )
            .await
            .expect("first administrator");
        TestServer {
            base,
            store,
            client: Client::new(),
            admin: Account {
                id: admin_user.user_id,
                token: admin_user.token,
            },
            company_id: admin_user.company_id,
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with `Access-Token: token`.
    pub fn req(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("Access-Token", token)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        send(self.req(Method::GET, path, token)).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        send(self.req(Method::POST, path, token).json(&body)).await
    }

    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        version: i64,
        body: Value,
    ) -> (StatusCode, Value) {
        send(
            self.req(Method::PATCH, path, token)
                .header("If-Match", format!("\"{version}\""))
                .json(&body),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        send(self.req(Method::DELETE, path, token).json(&body)).await
    }

    /// Creates a user through the API as the administrator.
    pub async fn create_user(&self, first: &str, last: &str, email: &str, roles: &[&str]) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/users",
                &self.admin.token,
                json!({"first_name": first, "last_name": last, "email": email,
                       "identity_provider": "Avaamo", "roles": roles}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Creates a user and reveals its token.
    pub async fn account(&self, first: &str, last: &str, email: &str, roles: &[&str]) -> Account {
        let user = self.create_user(first, last, email, roles).await;
        let id = user["id"].as_i64().expect("id");
        let (status, token) = self
            .get(
                &format!("/api/v1/users/{id}/access_token"),
                &self.admin.token,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        Account {
            id,
            token: token["token"].as_str().expect("token").to_string(),
        }
    }

    /// The administrator of another company.
    pub async fn other_company_admin(&self) -> Account {
        let other = self
            .store
            .create_admin(
                "Globex",
                &valid_user("Otto", "Other", "otto@globex.example", &["Settings"]),
            )
            .await
            .expect("other company");
        Account {
            id: other.user_id,
            token: other.token,
        }
    }

    /// Audit entries about one user, newest first.
    pub async fn audit_of(&self, user_id: i64) -> Vec<Value> {
        let (status, page) = self
            .get(
                &format!("/api/v1/audit?user_id={user_id}&per_page=100"),
                &self.admin.token,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        page["entries"].as_array().expect("entries").clone()
    }
}

pub fn valid_user(first: &str, last: &str, email: &str, roles: &[&str]) -> ValidNewUser {
    ValidNewUser {
        first_name: PersonName::parse(first).expect("first name"),
        last_name: PersonName::parse(last).expect("last name"),
        email: Email::parse(email).expect("email"),
        identity_provider: "Avaamo".into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

/// Sends a request; returns the status and the JSON body (Null when empty or not JSON).
pub async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    let response = req.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Asserts the contract's error shape and code.
pub fn assert_error(status: StatusCode, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status.as_u16(), expected_status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
