//! Slow and idle clients cannot exhaust the server: headers and bodies must
//! arrive in time, idle connections are closed, and beyond its connection
//! cap the server answers a fast 503 — while well-behaved clients are served
//! promptly throughout.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::workload::{Setup, PROMPT};
use crate::common::process::Instance;

/// Whether the server closed `stream` within `within` (EOF or reset).
async fn closed_by_server(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

/// Everything `stream` receives until the server closes it.
async fn answer_of(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(PROMPT, stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_and_idle_clients_are_cut_off_while_others_are_served() {
    let setup = Setup::new().await;
    drop(setup.server);
    let server =
        Instance::start_with(&setup.db, &["--header-timeout", "2", "--body-timeout", "2"]).await;
    let host = server.addr().to_string();

    let mut idle = Vec::new();
    let mut slowloris = Vec::new();
    let mut slow_bodies = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(&host).await.unwrap());
        let mut partial = TcpStream::connect(&host).await.unwrap();
        partial
            .write_all(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slowloris.push(partial);
    }
    for _ in 0..100 {
        let mut body = TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST /api/v1/users HTTP/1.1\r\nHost: x\r\nAccess-Token: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"first_name\":",
            setup.admin
        );
        body.write_all(head.as_bytes()).await.unwrap();
        slow_bodies.push(body);
    }

    // Well-behaved clients meanwhile: served promptly.
    let started = Instant::now();
    for _ in 0..20 {
        let (status, body) = tokio::time::timeout(PROMPT, server.get("/api/v1/me", &setup.admin))
            .await
            .expect("an ordinary request answered beside 500 slow connections");
        assert_eq!(status, 200, "{body}");
    }
    println!(
        "20 ordinary requests beside 500 slow connections in {:?}",
        started.elapsed()
    );

    // The slow ones are cut off after their timeouts (2 s here).
    for stream in idle.iter_mut().chain(slowloris.iter_mut()) {
        assert!(
            closed_by_server(stream, Duration::from_secs(6)).await,
            "a slow connection stayed open"
        );
    }
    for stream in slow_bodies.iter_mut().take(10) {
        let answer = answer_of(stream).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beyond_its_connection_cap_the_server_answers_a_fast_503() {
    let setup = Setup::new().await;
    drop(setup.server);
    let server = Instance::start_with(&setup.db, &["--max-connections", "20"]).await;
    let host = server.addr().to_string();
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&host).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = TcpStream::connect(&host).await.unwrap();
    let _ = extra
        .write_all(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let answer = answer_of(&mut extra).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"code\":\"unavailable\""), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 5"),
        "{answer}"
    );

    drop(held);
    let deadline = Instant::now() + PROMPT;
    loop {
        // Until the server has seen the held connections close, a new one is
        // still refused (the 503 comes before the request: a client error).
        let answer = server
            .req(reqwest::Method::GET, "/api/v1/me", &setup.admin)
            .send()
            .await;
        if answer.is_ok_and(|a| a.status() == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "connections freed, yet still refused"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
