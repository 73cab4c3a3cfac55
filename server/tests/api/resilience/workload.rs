//! The writes the resilience tests send, as raw HTTP (to hang up at any
//! moment) and through reqwest (to see the answer), and a small seeded
//! random generator so a failing run can be repeated.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::common::process::{create_admin, Instance};
use crate::common::{Api, TestDatabase};

/// The company every resilience test runs in.
pub const COMPANY: &str = "Acme Robotics";

/// A database of the suite's backend (or `db`), its first administrator
/// (token and id, made by the CLI) and a `serve` process on it.
pub struct Setup {
    pub dir: tempfile::TempDir,
    pub db: TestDatabase,
    pub admin: String,
    pub admin_id: i64,
    pub server: Instance,
}

impl Setup {
    pub async fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temporary directory");
        let db = TestDatabase::create(dir.path()).await;
        Self::on(dir, db).await
    }

    pub async fn on(dir: tempfile::TempDir, db: TestDatabase) -> Setup {
        let admin = create_admin(&db, COMPANY, "ada@acme.example");
        let server = Instance::start(&db).await;
        let (_, me) = server.get("/api/v1/me", &admin).await;
        let admin_id = me["user"]["id"].as_i64().expect("admin id");
        Setup {
            dir,
            db,
            admin,
            admin_id,
            server,
        }
    }
}

/// xorshift64*: deterministic from its seed, printed by each test.
pub struct Rng(u64);

impl Rng {
    /// Seeded from `USERS_TEST_SEED` when set, else from the clock.
    pub fn from_env(test: &str) -> Rng {
        let seed = std::env::var("USERS_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        println!("{test}: USERS_TEST_SEED={seed}");
        Rng::new(seed)
    }

    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// The catalogue roles a seeded user may get (never Settings: the tests'
/// administrator stays the only one, so no write is refused as `last_admin`).
const ROLES: [&str; 3] = ["Development", "Testing", "Production"];

pub fn some_roles(rng: &mut Rng) -> Vec<&'static str> {
    ROLES
        .iter()
        .copied()
        .filter(|_| rng.below(2) == 0)
        .collect()
}

/// Every kind of write the API offers on a user (reveal writes its audit row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Create,
    Edit,
    Archive,
    Restore,
    Regenerate,
    Reveal,
}

pub const EVERY_WRITE: [WriteKind; 6] = [
    WriteKind::Create,
    WriteKind::Edit,
    WriteKind::Archive,
    WriteKind::Restore,
    WriteKind::Regenerate,
    WriteKind::Reveal,
];

/// One request: method, path, `If-Match`, body.
pub struct Write {
    pub method: &'static str,
    pub path: String,
    pub if_match: Option<String>,
    pub body: Option<Value>,
}

impl Write {
    /// The write of `kind` on `target` (a new user for `Create`, numbered
    /// `n`); archives hand agents to `heir`.
    pub fn of(kind: WriteKind, target: i64, heir: i64, n: u64, rng: &mut Rng) -> Write {
        let user = format!("/api/v1/users/{target}");
        let (method, path, if_match, body) = match kind {
            WriteKind::Create => (
                "POST",
                "/api/v1/users".to_string(),
                None,
                Some(
                    json!({"first_name": "Gone", "last_name": format!("Client {n}"),
                            "email": format!("gone.{n}.{}@acme.example", rng.next()),
                            "identity_provider": "Avaamo", "roles": some_roles(rng)}),
                ),
            ),
            WriteKind::Edit => (
                "PATCH",
                user,
                Some("*".to_string()),
                Some(json!({"last_name": format!("Edited {n}"), "roles": some_roles(rng)})),
            ),
            WriteKind::Archive => (
                "DELETE",
                user,
                None,
                Some(json!({"replacement_owner_id": heir})),
            ),
            WriteKind::Restore => ("POST", format!("{user}/restore"), None, None),
            WriteKind::Regenerate => ("POST", format!("{user}/access_token"), None, None),
            WriteKind::Reveal => ("GET", format!("{user}/access_token"), None, None),
        };
        Write {
            method,
            path,
            if_match,
            body,
        }
    }

    /// The request as bytes on the wire.
    fn raw(&self, host: &str, token: &str) -> Vec<u8> {
        let body = self.body.as_ref().map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {host}\r\nAccess-Token: {token}\r\nContent-Length: {}\r\n",
            self.method,
            self.path,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(tag) = &self.if_match {
            head.push_str(&format!("If-Match: {tag}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend(body.into_bytes());
        bytes
    }

    /// Sends the request and hangs up `after` it is sent, with a reset (as a
    /// closed tab or a proxy timeout does), whatever the server is doing.
    pub async fn abandon(&self, host: &str, token: &str, after: Duration) {
        let Ok(mut stream) = TcpStream::connect(host).await else {
            return;
        };
        if stream.write_all(&self.raw(host, token)).await.is_err() {
            return;
        }
        tokio::time::sleep(after).await;
        stream.set_zero_linger().ok();
        drop(stream);
    }

    /// Sends the request and waits for the answer (status, JSON body).
    pub async fn send(&self, api: &Api, token: &str) -> Result<(u16, Value), reqwest::Error> {
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).expect("method");
        let mut request = api.req(method, &self.path, token);
        if let Some(tag) = &self.if_match {
            request = request.header("If-Match", tag);
        }
        if let Some(body) = &self.body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }
}

/// How long any single ordinary request may take before the server counts
/// as wedged (a hang detector, not a speed target).
pub const PROMPT: Duration = Duration::from_secs(20);

/// Creates `n` users with random roles; returns their ids.
pub async fn seed_users(api: &Api, token: &str, n: usize, rng: &mut Rng) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let body = json!({"first_name": format!("Seed{i}"), "last_name": format!("Person {i}"),
                          "email": format!("seed{i}@acme.example"),
                          "identity_provider": "Avaamo", "roles": some_roles(rng)});
        let (status, user) = api.post("/api/v1/users", token, body).await;
        assert_eq!(status, 201, "{user}");
        ids.push(user["id"].as_i64().expect("id"));
    }
    ids
}
