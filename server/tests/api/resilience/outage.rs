//! PostgreSQL stopped (immediate mode) under load: the server answers 503
//! with the contract's body — no hang, no 500 — `/healthz` says not ready,
//! and everything works again once the database is back, without a restart.
//!
//! Needs a PostgreSQL cluster of its own that the test may stop and start:
//! `cargo xtask test` starts one and names it in `USERS_TEST_OUTAGE_URL`
//! (a superuser URL), `USERS_TEST_OUTAGE_STOP` and `USERS_TEST_OUTAGE_START`
//! (shell commands). Without them (the SQLite run) the test says so and
//! passes: SQLite has no server to lose.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::check::assert_consistent;
use super::workload::{seed_users, Rng, Setup, Write, WriteKind, PROMPT};
use crate::common::{Api, TestDatabase};

fn shell(command: &str) {
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .expect("sh");
    assert!(status.success(), "{command}");
}

/// Reads and writes from one client until `stop`; every answer's status
/// (0: no answer within [`PROMPT`]) with its error code.
async fn load(
    api: Api,
    token: String,
    heir: i64,
    users: Vec<i64>,
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<(u16, String)>>>,
    seed: u64,
) {
    let mut rng = Rng::new(seed);
    while !stop.load(Ordering::Relaxed) {
        let id = *rng.pick(&users);
        let kind = *rng.pick(&[
            WriteKind::Edit,
            WriteKind::Reveal,
            WriteKind::Archive,
            WriteKind::Restore,
        ]);
        let answer = if rng.below(2) == 0 {
            let read = api
                .req(reqwest::Method::GET, "/api/v1/users?per_page=10", &token)
                .send();
            match tokio::time::timeout(PROMPT, read).await {
                Ok(Ok(r)) => {
                    let status = r.status().as_u16();
                    let body: serde_json::Value = r.json().await.unwrap_or_default();
                    (status, body)
                }
                Ok(Err(e)) => panic!("no answer: {e}"),
                Err(_) => (0, serde_json::Value::Null),
            }
        } else {
            let write = Write::of(kind, id, heir, rng.next(), &mut rng);
            match tokio::time::timeout(PROMPT, write.send(&api, &token)).await {
                Ok(answer) => answer.expect("an answer"),
                Err(_) => (0, serde_json::Value::Null),
            }
        };
        let code = answer.1["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        seen.lock().unwrap().push((answer.0, code));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_answers_503_and_heals_by_itself() {
    let (Ok(server_url), Ok(stop_db), Ok(start_db)) = (
        std::env::var("USERS_TEST_OUTAGE_URL"),
        std::env::var("USERS_TEST_OUTAGE_STOP"),
        std::env::var("USERS_TEST_OUTAGE_START"),
    ) else {
        println!("no PostgreSQL cluster to stop (USERS_TEST_OUTAGE_*): the outage test runs in the PostgreSQL pass");
        return;
    };
    let mut rng = Rng::from_env("outage");
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::postgres(dir.path(), &server_url).await;
    let Setup {
        dir: _dir,
        admin,
        admin_id,
        server,
        ..
    } = Setup::on(dir, db).await;
    let users = seed_users(&server, &admin, 12, &mut rng).await;

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut clients = Vec::new();
    for c in 0..8u64 {
        clients.push(tokio::spawn(load(
            server.api.clone(),
            admin.clone(),
            admin_id,
            users.clone(),
            stop.clone(),
            seen.clone(),
            rng.next() ^ c,
        )));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    shell(&stop_db);
    let down = Instant::now();
    seen.lock().unwrap().clear();
    tokio::time::sleep(Duration::from_secs(4)).await;

    // While it is down: 503 with the contract's body, and not ready.
    let (status, body) = crate::common::send(server.client.get(server.url("/healthz"))).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let during: Vec<(u16, String)> = std::mem::take(&mut *seen.lock().unwrap());
    assert!(
        !during.is_empty(),
        "no answers at all while the database was down"
    );
    for (status, code) in &during {
        assert!(
            (*status == 503 && code == "unavailable") || (200..300).contains(status),
            "while the database was down: {status} {code}; log:\n{}",
            server.log_tail()
        );
    }
    println!(
        "{} answers during {:?} without the database",
        during.len(),
        down.elapsed()
    );

    shell(&start_db);
    let back = Instant::now();
    // Ready again by itself, and then every request succeeds.
    loop {
        let (status, _) = crate::common::send(server.client.get(server.url("/healthz"))).await;
        if status == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "not ready 30 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("ready {:?} after the database came back", back.elapsed());
    tokio::time::sleep(Duration::from_secs(1)).await;
    seen.lock().unwrap().clear();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let after: Vec<(u16, String)> = std::mem::take(&mut *seen.lock().unwrap());
    assert!(!after.is_empty());
    for (status, code) in &after {
        assert!(
            (200..300).contains(status),
            "after recovery: {status} {code}"
        );
    }
    assert_consistent(&server, &admin, 0).await;
    let log = server.log();
    assert!(!log.contains("request failed"), "500s in the log:\n{log}");
}
