//! Clients that hang up in the middle of a write (a closed tab, a proxy
//! timeout, a mobile link) must not leave anything behind: no connection
//! stuck in a transaction, no lock held, no half-applied change.

use std::time::{Duration, Instant};

use serde_json::json;

use super::check::assert_consistent;
use super::workload::{seed_users, Rng, Setup, Write, WriteKind, COMPANY, EVERY_WRITE, PROMPT};
use crate::common::process::{bin, Instance};
use crate::common::test_key;
use users_server::crypto::TokenCrypto;
use users_server::Store;

/// Sends `write` until it is served, as a client honouring `Retry-After`
/// does: while the abandoned writes still drain (each runs to its end, in
/// turn under the company's lock), the server may answer 503 `unavailable`
/// — a wedge is never being served, which the caller's timeout catches.
async fn served(write: &Write, server: &Instance, admin: &str) -> (u16, serde_json::Value) {
    loop {
        let answer = write.send(server, admin).await.expect("answer");
        if answer.0 != 503 {
            return answer;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// A hang-up moment: mostly within the first few milliseconds, when the
/// write is inside its transaction.
fn moment(rng: &mut Rng) -> Duration {
    Duration::from_micros(rng.below(4_000))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_abandoned_by_their_clients_never_wedge_the_server() {
    let mut rng = Rng::from_env("abandoned writes");
    let Setup {
        dir,
        db,
        admin,
        admin_id,
        mut server,
    } = Setup::new().await;

    // 40 users; every third owns two agents (archives must move them).
    let users = seed_users(&server, &admin, 40, &mut rng).await;
    let agents = {
        let store = Store::open(&db.location, TokenCrypto::new(&test_key(dir.path())))
            .await
            .unwrap();
        let (company_id, _) = store.ensure_company(COMPANY).await.unwrap();
        let mut agents = 0;
        for owner in users.iter().step_by(3) {
            for k in 0..2 {
                store
                    .create_agent(company_id, &format!("Agent {owner}.{k}"), *owner)
                    .await
                    .unwrap();
                agents += 1;
            }
        }
        store.close().await;
        agents
    };

    // Alone: 60 abandoned writes of every kind, one after another.
    let host = server.addr().to_string();
    let mut abandoned = 0;
    for kind in EVERY_WRITE {
        for n in 0..60 {
            let target = *rng.pick(&users);
            let write = Write::of(kind, target, admin_id, rng.next(), &mut rng);
            write.abandon(&host, &admin, moment(&mut rng)).await;
            abandoned += 1;
            if n % 20 == 19 {
                tokio::task::yield_now().await;
            }
        }
    }

    // Bursts from 32 clients: 800 edits, then 800 writes of every kind.
    for mixed in [false, true] {
        let mut clients = Vec::new();
        for client in 0..32u64 {
            let (host, admin, users) = (host.clone(), admin.clone(), users.clone());
            let mut rng = Rng::new(rng.next() ^ client);
            clients.push(tokio::spawn(async move {
                for _ in 0..25 {
                    let kind = if mixed {
                        *rng.pick(&EVERY_WRITE)
                    } else {
                        WriteKind::Edit
                    };
                    let target = *rng.pick(&users);
                    let write = Write::of(kind, target, admin_id, rng.next(), &mut rng);
                    write.abandon(&host, &admin, moment(&mut rng)).await;
                }
            }));
        }
        for client in clients {
            client.await.unwrap();
        }
        abandoned += 800;
    }
    println!("abandoned {abandoned} writes");

    // Every ordinary write now succeeds promptly.
    use WriteKind::*;
    let started = Instant::now();
    let target = users[1];
    let ordinary = [Restore, Create, Edit, Archive, Restore, Regenerate, Reveal];
    for kind in ordinary {
        let write = Write::of(kind, target, admin_id, rng.next(), &mut rng);
        let answer = tokio::time::timeout(PROMPT, served(&write, &server, &admin))
            .await
            .unwrap_or_else(|_| panic!("{kind:?} was not served; log:\n{}", server.log_tail()));
        assert!(
            (200..300).contains(&answer.0),
            "{kind:?} after abandoned writes: {answer:?}; log:\n{}",
            server.log_tail()
        );
    }
    let (status, user) = server.get(&format!("/api/v1/users/{target}"), &admin).await;
    assert_eq!(status, 200);
    assert_eq!(user["status"], "active", "the restore after the archive");
    let version = user["version"].as_i64().unwrap();
    let (status, edited) = server
        .patch(
            &format!("/api/v1/users/{target}"),
            &admin,
            version,
            json!({"first_name": "Still"}),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], version + 1);
    println!("ordinary writes answered in {:?}", started.elapsed());

    // The operator CLI works alongside the running server.
    let cli = bin(&db);
    let out = tokio::time::timeout(
        PROMPT,
        tokio::task::spawn_blocking(move || {
            let mut cli = cli;
            cli.args(["create-admin", "--company", "Other Co"])
                .args(["--email", "olga@other.example"])
                .args(["--first-name", "Olga", "--last-name", "Other"])
                .output()
        }),
    )
    .await
    .expect("create-admin did not finish: the database stays locked")
    .unwrap()
    .unwrap();
    assert!(
        out.status.success(),
        "create-admin beside the server: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    assert_consistent(&server, &admin, agents).await;

    // SIGTERM in the middle of a burst, with connections that never finish
    // their request open: it still stops within its shutdown timeout (10 s
    // by default, plus closing), and what it was doing committed or rolled
    // back as a whole.
    let mut stalled = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(
            &mut stream,
            b"PATCH /api/v1/users/1 HTTP/1.1\r\nHost: x\r\n",
        )
        .await
        .unwrap();
        stalled.push(stream);
    }
    let mut burst = Vec::new();
    for client in 0..32u64 {
        let (host, admin, users) = (host.clone(), admin.clone(), users.clone());
        let mut rng = Rng::new(rng.next() ^ client);
        burst.push(tokio::spawn(async move {
            for _ in 0..10 {
                let kind = *rng.pick(&EVERY_WRITE);
                let write = Write::of(kind, *rng.pick(&users), admin_id, rng.next(), &mut rng);
                write.abandon(&host, &admin, moment(&mut rng)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(30)).await;
    let took = server.terminate(Duration::from_secs(16)).await;
    assert!(took.is_some(), "still running 16 s after SIGTERM");
    println!("stopped {:?} after SIGTERM mid-burst", took.unwrap());
    for client in burst {
        client.await.unwrap();
    }
    drop(stalled);
    let server = Instance::start(&db).await;
    assert_consistent(&server, &admin, agents).await;
}
