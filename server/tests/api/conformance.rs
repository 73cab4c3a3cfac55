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
