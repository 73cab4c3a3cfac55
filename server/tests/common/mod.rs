//! Test harness: a real server on 127.0.0.1 (in-process, its own tokio
//! task) over a real database, plus helpers to seed data through the
//! storage layer and to call the API with reqwest.
//!
//! The backend is the suite's parameter: a SQLite file in the test's
//! temporary directory by default; a fresh PostgreSQL database per test when
//! `USERS_TEST_POSTGRES_URL` names a server (`cargo xtask test` starts a
//! throwaway cluster and runs the suite both ways).

#![allow(dead_code)]

pub mod process;

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use users_api::validation::{PersonName, ValidNewUser};
use users_api::Email;
use users_server::crypto::{TokenCrypto, TokenKey};
use users_server::storage::Location;

/// The variable naming a PostgreSQL server to run the suite on (a superuser
/// URL: each test creates its own database).
pub const POSTGRES_VAR: &str = "USERS_TEST_POSTGRES_URL";

/// Where one test's data lives, for the in-process store and for the binary.
pub struct TestDatabase {
    pub location: Location,
    /// The binary's options selecting the same database and token key.
    pub cli_args: Vec<std::ffi::OsString>,
}

impl TestDatabase {
    /// A new, empty database for one test, on the suite's backend; the token
    /// key file is `dir/token.key`.
    pub async fn create(dir: &std::path::Path) -> TestDatabase {
        match postgres_server() {
            Some(server) => Self::postgres(dir, &server).await,
            None => Self::sqlite(dir),
        }
    }

    /// A SQLite file under `dir/data`.
    pub fn sqlite(dir: &std::path::Path) -> TestDatabase {
        let data = dir.join("data");
        std::fs::create_dir_all(&data).expect("data directory");
        TestDatabase {
            location: Location::File(data.join("users.db")),
            cli_args: vec![
                "--data-dir".into(),
                data.into(),
                "--token-key-file".into(),
                dir.join("token.key").into(),
            ],
        }
    }

    /// A new database on the PostgreSQL server at `server`.
    pub async fn postgres(dir: &std::path::Path, server: &str) -> TestDatabase {
        let url = create_postgres_database(server).await;
        TestDatabase {
            location: Location::Url(url.clone()),
            cli_args: vec![
                "--database-url".into(),
                url.into(),
                "--token-key-file".into(),
                dir.join("token.key").into(),
            ],
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.location.is_postgres()
    }

    /// Runs one statement directly on the database (`$1`, `$2`, … bound to
    /// `texts`): for tests that must set up what the API would refuse, such
    /// as rows written by an older version.
    pub async fn execute(&self, sql: &str, texts: &[&str]) {
        use sqlx::Connection;
        match &self.location {
            Location::Url(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
                let mut query = sqlx::query(sql);
                for text in texts {
                    query = query.bind(*text);
                }
                query.execute(&mut conn).await.expect(sql);
            }
            Location::File(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                let mut query = sqlx::query(sql);
                for text in texts {
                    query = query.bind(*text);
                }
                query.execute(&mut conn).await.expect(sql);
            }
        }
    }

    /// The number a `SELECT COUNT(*) …` statement answers.
    pub async fn count(&self, sql: &str) -> i64 {
        use sqlx::Connection;
        match &self.location {
            Location::Url(url) => {
                let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect(sql)
            }
            Location::File(path) => {
                let url = format!("sqlite://{}", path.display());
                let mut conn = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("connect");
                sqlx::query_scalar(sql)
                    .fetch_one(&mut conn)
                    .await
                    .expect(sql)
            }
        }
    }
}

/// The PostgreSQL server the suite runs on, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VAR)
        .ok()
        .filter(|url| !url.is_empty())
}

/// Creates a uniquely named database on the server; returns its URL.
async fn create_postgres_database(server: &str) -> String {
    use sqlx::Connection;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!(
        "users_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        time_suffix()
    );
    let mut conn = sqlx::PgConnection::connect(server)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_VAR}: cannot connect: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create the test database");
    conn.close().await.ok();
    let (base, query) = match server.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (server, String::new()),
    };
    let prefix = base
        .rsplit_once('/')
        .filter(|(p, _)| p.contains("//") && !p.ends_with('/'))
        .map_or(base, |(p, _)| p);
    format!("{prefix}/{name}{query}")
}

fn time_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() % 1_000_000_000)
}

/// The key in `dir/token.key` (created when missing), as the binary reads it.
pub fn test_key(dir: &std::path::Path) -> TokenKey {
    TokenKey::load_or_create(&dir.join("token.key")).expect("token key")
}
use users_server::{router, AppConfig, Store};

pub const COMPANY: &str = "Acme Robotics";

/// Calls to one server's API over HTTP (`base` is `http://IP:PORT`).
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub client: Client,
}

impl Api {
    pub fn new(base: String) -> Api {
        Api {
            base,
            client: Client::new(),
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
}

/// A server running in-process on its own database; derefs to its [`Api`].
pub struct TestServer {
    pub api: Api,
    pub store: Store,
    /// The first administrator of `COMPANY`.
    pub admin: Account,
    pub company_id: i64,
    pub dir: tempfile::TempDir,
    pub database: TestDatabase,
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
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
        let database = TestDatabase::create(dir.path()).await;
        Self::start_on(dir, database, config).await
    }

    /// A server on the given database (made in `dir`).
    pub async fn start_on(
        dir: tempfile::TempDir,
        database: TestDatabase,
        config: impl FnOnce(&std::path::Path) -> AppConfig,
    ) -> TestServer {
        let key = test_key(dir.path());
        let store = Store::open(&database.location, TokenCrypto::new(&key))
            .await
            .expect("open the database");
        let app = router(store.clone(), &config(dir.path())).expect("router");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        // The production accept loop: its limits and its rejection bodies.
        tokio::spawn(users_server::connections::serve(
            listener,
            app,
            users_server::connections::Limits::default(),
            tokio_util::sync::CancellationToken::new(),
        ));
        let admin_user = store
            .create_admin(
                COMPANY,
                &valid_user("Ada", "Admin", "admin@acme.example", &["Settings"]),
            )
            .await
            .expect("first administrator");
        TestServer {
            api: Api::new(base),
            store,
            admin: Account {
                id: admin_user.user_id,
                token: admin_user.token,
            },
            company_id: admin_user.company_id,
            dir,
            database,
        }
    }

    /// Everything the database holds, as text: the SQLite files' bytes, or
    /// every PostgreSQL row as JSON (byte strings hex-encoded).
    pub async fn stored_text(&self) -> String {
        if let Location::Url(url) = &self.database.location {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&mut conn)
            .await
            .expect("tables");
            let mut text = String::new();
            for table in tables {
                let rows: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM \"{table}\" t"))
                        .fetch_all(&mut conn)
                        .await
                        .expect("rows");
                text.push_str(&rows.join("\n"));
            }
            return text;
        }
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(self.dir.path().join("data")).expect("data directory") {
            bytes.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
        }
        String::from_utf8_lossy(&bytes).into_owned()
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
