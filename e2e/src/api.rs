//! A thin JSON client of the real API, for arranging data and checking
//! outcomes (who owns an agent now, whether a token still works).

use serde_json::Value;

pub struct ApiClient {
    base: String,
    token: String,
    http: reqwest::Client,
}

/// A response's status and JSON body (`Null` when the body is not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl ApiClient {
    pub fn new(base_url: &str, token: &str) -> Self {
        ApiClient {
            base: format!("{base_url}/api/v1"),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Reply {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("Access-Token", &self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("API request");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Reply { status, body }
    }

    /// GET that must succeed.
    pub async fn get(&self, path: &str) -> Value {
        let reply = self.send(reqwest::Method::GET, path, None).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        reply.body
    }

    /// POST that must answer 2xx.
    pub async fn post(&self, path: &str, body: Value) -> Value {
        let reply = self.send(reqwest::Method::POST, path, Some(body)).await;
        assert!(
            (200..300).contains(&reply.status),
            "POST {path}: {} {}",
            reply.status,
            reply.body
        );
        reply.body
    }

    /// Creates a user (Avaamo provider unless given) and returns its detail.
    pub async fn create_user(&self, first: &str, last: &str, email: &str, roles: &[&str]) -> Value {
        let providers = self.get("/identity_providers").await;
        let provider = providers[0]["name"].clone();
        self.post(
            "/users",
            serde_json::json!({"first_name": first, "last_name": last, "email": email,
                               "identity_provider": provider, "roles": roles}),
        )
        .await
    }

    /// A user of the demo data who owns agents: (id, "First Last", email).
    pub async fn an_agent_owner(&self) -> (i64, String, String) {
        let page = self.get("/users?per_page=100").await;
        let owner = page["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|u| u["owned_agents"].as_u64().unwrap_or(0) > 0)
            .cloned()
            .expect("the demo data has users who own agents");
        let text = |key: &str| owner[key].as_str().unwrap_or_default().to_string();
        (
            owner["id"].as_i64().expect("id"),
            format!("{} {}", text("first_name"), text("last_name")),
            text("email"),
        )
    }

    /// A user's current access token.
    pub async fn token_of(&self, user_id: i64) -> String {
        let reply = self.get(&format!("/users/{user_id}/access_token")).await;
        reply["token"].as_str().expect("token").to_string()
    }
}
