//! Accepting connections with limits, so slow or idle clients cannot use up
//! the process's descriptors and stall everyone:
//!
//! * a request's headers must arrive within `header_timeout`, and a
//!   keep-alive connection waiting for its next request is closed after the
//!   same time (hyper's header-read timer runs whenever it waits for a head);
//! * a body must arrive within `body_timeout` (`408 request_timeout`, set in
//!   the router);
//! * at most `max_connections` are open at once; a client beyond that gets
//!   a fast `503 unavailable` and the connection is closed, instead of
//!   queueing behind the others.
//!
//! Every socket is wrapped by [`crate::rejections`], so what hyper refuses
//! itself still answers with the contract's error body.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use users_api::{ErrorBody, ErrorCode};

use crate::error::RETRY_AFTER_SECONDS;
use crate::rejections::ContractRejections;

/// The limits every connection is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 4_096,
        }
    }
}

/// Serves `router` on `listener` until `stop`, then lets the open
/// connections finish their requests (the caller bounds how long).
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, stop: CancellationToken) {
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in
    // front terminates; and protocol detection would wait on a silent
    // connection with no timer running.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors (or a connection reset before it
                    // was accepted): wait a moment instead of spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = stop.cancelled() => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(refuse_busy(stream));
            continue;
        };
        stream.set_nodelay(true).ok();
        let io = TokioIo::new(ContractRejections::new(stream));
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The answer beyond `max_connections`: 503 at once, then close.
async fn refuse_busy(mut stream: TcpStream) {
    let body = serde_json::to_string(&ErrorBody::new(
        ErrorCode::Unavailable,
        "The server has too many open connections right now. Try again in a few seconds.",
    ))
    .unwrap_or_default();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: {RETRY_AFTER_SECONDS}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    // Read the request's head first (briefly), so an HTTP client sees an
    // answer to its request rather than one before it.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while head.len() < 16 * 1024 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
