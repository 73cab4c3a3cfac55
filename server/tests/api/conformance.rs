//! The conformance script (`users-conformance`) over real HTTP against this
//! server, on the suite's database (SQLite, or PostgreSQL when configured):
//! the same script the in-memory client passes, so the app's component
//! tests stand on what the server really does.

use reqwest::Method;
use users_conformance::{run, Call, Outcome, Target, ADMIN};

use crate::common::{send, TestServer};

impl Target for TestServer {
    fn admin(&self) -> (i64, String) {
        (self.admin.id, self.admin.token.clone())
    }

    async fn call(&mut self, token: &str, call: Call) -> Outcome {
        let request = call.http();
        let method = Method::from_bytes(request.method.as_bytes()).expect("a method");
        let mut builder = self
            .req(method, &format!("/api/v1{}", request.path), token)
            .query(&request.query);
        if let Some(version) = request.if_match {
            builder = builder.header("If-Match", format!("\"{version}\""));
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        if matches!(call, Call::ExportUsers(_)) {
            return export_outcome(builder).await;
        }
        let (status, body) = send(builder).await;
        Outcome {
            status: status.as_u16(),
            body,
        }
    }

    async fn add_agent(&mut self, owner: i64, name: &str) {
        self.store
            .create_agent(self.company_id, name, owner)
            .await
            .expect("an agent");
    }
}

/// An export as the script reads it: the file's name, its size and its
/// text on success, the error body otherwise.
async fn export_outcome(builder: reqwest::RequestBuilder) -> Outcome {
    let response = builder.send().await.expect("export");
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let file_name = header("content-disposition")
        .split("filename=\"")
        .nth(1)
        .map(|rest| rest.trim_end_matches('"').to_string())
        .unwrap_or_default();
    let total: Option<u64> = header("x-total-count").parse().ok();
    let text = response.text().await.expect("body");
    let body = if status == 200 {
        serde_json::json!({"file_name": file_name, "total": total, "csv": text})
    } else {
        serde_json::from_str(&text).unwrap_or_default()
    };
    Outcome { status, body }
}

#[tokio::test]
async fn the_server_answers_as_the_contract_says() {
    let mut server = TestServer::start().await;
    let admin = server.get("/api/v1/me", &server.admin.token).await.1;
    assert_eq!(
        admin["user"]["email"], ADMIN.2,
        "the script's administrator"
    );
    let report = run(&mut server).await;
    report.assert_passed(if server.database.is_postgres() {
        "the server on PostgreSQL"
    } else {
        "the server on SQLite"
    });
    assert!(
        report.checked > 230,
        "the whole script ran: {}",
        report.checked
    );
}
