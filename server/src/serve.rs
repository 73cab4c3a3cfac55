//! `users-server serve`: listens until SIGTERM or Ctrl-C, then stops within
//! the shutdown timeout whatever state it is in.
//!
//! A stop closes the listener, lets open requests finish (idle keep-alive
//! connections close at once), then waits for the requests whose clients
//! already left (they run to completion, see [`crate::in_flight`]). Whatever
//! is still running when the timeout is up is dropped with the process: its
//! transaction never committed, so the database rolls it back. Nothing half
//! applied survives either way.

use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::app::{app, App, AppConfig};
use crate::cli::{CliResult, ServeArgs};
use crate::connections::Limits;
use crate::storage::Store;

/// Serves until Ctrl-C or SIGTERM; prints `Listening on http://ADDR` once bound.
pub async fn serve(store: Store, args: &ServeArgs) -> CliResult<()> {
    init_tracing();
    let limits = Limits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        max_connections: args
            .max_connections
            .unwrap_or_else(default_max_connections)
            .max(1),
    };
    let config = AppConfig {
        static_dir: args.static_dir.clone(),
        cors_origins: args
            .cors_origins
            .iter()
            .filter(|o| !o.trim().is_empty())
            .cloned()
            .collect(),
        body_timeout: Some(limits.body_timeout),
    };
    let App { router, in_flight } = app(store, &config)?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    let local = listener.local_addr()?;
    println!("Listening on http://{local}");
    std::io::stdout().flush()?;

    let stopping = CancellationToken::new();
    let stop_requested = Arc::new(OnceLock::new());
    let signal = {
        let (stopping, stop_requested) = (stopping.clone(), stop_requested.clone());
        async move {
            shutdown_signal().await;
            stop_requested.get_or_init(Instant::now);
            stopping.cancel();
        }
    };
    let timeout = Duration::from_secs(args.shutdown_timeout);
    tokio::spawn(signal);
    let server = crate::connections::serve(listener, router, limits, stopping.clone());
    let connections_closed = async {
        stopping.cancelled().await;
        tokio::time::sleep(timeout).await;
    };
    tokio::select! {
        () = server => {},
        () = connections_closed => tracing::warn!(
            ?timeout, "connections still open at the shutdown timeout: closed"
        ),
    }
    // What is left of the timeout is for the requests whose clients had
    // already gone.
    let deadline = *stop_requested.get_or_init(Instant::now) + timeout;
    let running = in_flight.len();
    if !in_flight
        .drain(deadline.saturating_duration_since(Instant::now()))
        .await
    {
        tracing::warn!(
            running = in_flight.len(),
            "requests still running at the shutdown timeout: rolled back"
        );
    } else if running > 0 {
        tracing::info!(running, "requests of departed clients finished");
    }
    tracing::info!("stopped");
    Ok(())
}

/// 4096 connections, or fewer when the process may open fewer descriptors
/// (keeping 64 for the database, logs and the listener).
fn default_max_connections() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1024);
    soft.saturating_sub(64).clamp(16, 4_096)
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
