//! The operator CLI: the command functions in-process, and the binary itself.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::json;
use users_server::cli::{self, CreateAdminArgs, SeedDemoArgs};

use crate::common::{TestDatabase, TestServer, COMPANY};

fn last_line(out: &[u8]) -> String {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string()
}

#[tokio::test]
async fn create_admin_prints_the_token_last_and_reuses_an_existing_admin() {
    let s = TestServer::start().await;
    let args = CreateAdminArgs {
        email: "boss@newco.example".into(),
        first_name: "Bo".into(),
        last_name: "Boss".into(),
        company: "NewCo".into(),
    };
    let mut out = Vec::new();
    cli::create_admin(&s.store, &args, &mut out).await.unwrap();
    let token = last_line(&out);
    assert!(
        users_api::token::check_format(&token).is_ok(),
        "{}",
        String::from_utf8_lossy(&out)
    );
    let (status, me) = s.get("/api/v1/me", &token).await;
    assert_eq!(status, 200);
    assert_eq!(me["company"]["name"], "NewCo");
    assert_eq!(me["can_manage_users"], true);

    let mut again = Vec::new();
    let args = CreateAdminArgs {
        email: "BOSS@newco.example".into(),
        ..args
    };
    cli::create_admin(&s.store, &args, &mut again)
        .await
        .unwrap();
    assert_eq!(last_line(&again), token);
    let (_, page) = s.get("/api/v1/users", &token).await;
    assert_eq!(page["total_entries"], 1);
    let (_, audit) = s.get("/api/v1/audit", &token).await;
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["token.reveal", "user.create"]);

    // An email of another company is refused.
    let clash = CreateAdminArgs {
        email: "admin@acme.example".into(),
        ..args
    };
    assert!(cli::create_admin(&s.store, &clash, &mut Vec::new())
        .await
        .is_err());
}

#[tokio::test]
async fn seed_demo_adds_realistic_data_and_can_run_twice() {
    let s = TestServer::start().await;
    let args = SeedDemoArgs {
        audit_entries: None,
        users: 400,
        company: COMPANY.into(),
    };
    let mut out = Vec::new();
    cli::seed_demo(&s.store, &args, &mut out).await.unwrap();
    assert!(String::from_utf8_lossy(&out).contains("400 users"));
    cli::seed_demo(&s.store, &args, &mut Vec::new())
        .await
        .unwrap();
    // The bulk loader's own counts equal what the triggers would keep.
    crate::recount::assert_counts_exact(&s).await;
    let t = &s.admin.token;
    let (_, active) = s.get("/api/v1/users?per_page=100", t).await;
    let (_, archived) = s.get("/api/v1/users?status=archived", t).await;
    let total =
        active["total_entries"].as_u64().unwrap() + archived["total_entries"].as_u64().unwrap();
    assert_eq!(total, 801);
    assert_eq!(archived["total_entries"], 40);
    let (_, groups) = s.get("/api/v1/groups", t).await;
    assert_eq!(groups["total_entries"], 9);
    assert!(active["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["owned_agents"].as_u64().unwrap() > 0));
    assert!(active["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["roles"].as_array().unwrap().len() > 1));
    // Seeded users are searchable (the index was filled in bulk) and usable.
    let email = active["entries"][5]["email"].as_str().unwrap().to_string();
    let (_, found) = s
        .get(
            &format!("/api/v1/users?query={}", &email[..email.len() - 4]),
            t,
        )
        .await;
    assert_eq!(found["entries"][0]["email"], email);
    let id = active["entries"][5]["id"].as_i64().unwrap();
    let (status, token) = s.get(&format!("/api/v1/users/{id}/access_token"), t).await;
    assert_eq!(status, 200);
    let (status, _) = s.get("/api/v1/me", token["token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    // New users still enter the index one by one after a seed.
    s.create_user("Fresh", "Person", "fresh@acme.example", &[])
        .await;
    let (_, found) = s.get("/api/v1/users?query=fresh", t).await;
    assert_eq!(found["total_entries"], 1);
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_users-server"))
}

#[tokio::test]
async fn the_binary_creates_an_admin_serves_and_sets_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create(dir.path()).await;
    let out = bin()
        .args(&db.cli_args)
        .args([
            "create-admin",
            "--email",
            "ada@acme.example",
            "--first-name",
            "Ada",
            "--last-name",
            "Admin",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = last_line(&out.stdout);
    assert!(users_api::token::check_format(&token).is_ok());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("token.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = bin()
        .args(&db.cli_args)
        .args(["set-directory", "--provider", "Azure AD"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        bin()
            .args(&db.cli_args)
            .arg("set-directory")
            .output()
            .unwrap()
            .status
            .code()
            == Some(2)
    );

    // No subcommand means serve; the address comes from the environment.
    let mut child = bin()
        .args(&db.cli_args)
        .env("USERS_CONSOLE_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout).lines().next().unwrap().unwrap()
    })
    .await
    .unwrap();
    let base = line.strip_prefix("Listening on ").expect(&line).to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let client = reqwest::Client::new();
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let me: serde_json::Value = client
        .get(format!("{base}/api/v1/me"))
        .header("Access-Token", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["company"]["directory"], json!({"provider": "Azure AD"}));
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn a_shared_database_needs_a_named_token_key_which_may_come_from_the_environment() {
    // PostgreSQL without a key: refused before connecting, with the fix named.
    let out = bin()
        .env_remove("USERS_CONSOLE_TOKEN_KEY")
        .env_remove("USERS_CONSOLE_TOKEN_KEY_FILE")
        .args(["--database-url", "postgres://nobody@127.0.0.1:1/none"])
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--token-key-file") && stderr.contains("USERS_CONSOLE_TOKEN_KEY"),
        "{stderr}"
    );

    // The key itself from the environment: the same key as the file works,
    // a malformed one is refused.
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create(dir.path()).await;
    let first = bin()
        .args(&db.cli_args)
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let key = std::fs::read_to_string(dir.path().join("token.key")).unwrap();
    let without_file: Vec<_> = db
        .cli_args
        .iter()
        .take_while(|a| *a != "--token-key-file")
        .collect();
    let out = bin()
        .args(&without_file)
        .env("USERS_CONSOLE_TOKEN_KEY", key.trim())
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin()
        .args(&without_file)
        .env("USERS_CONSOLE_TOKEN_KEY", "not hex")
        .args(["seed-demo", "--users", "1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("64 hex digits"));
}
