//! Mixed load, as an operator's busiest hour looks: 64 keep-alive clients
//! reading (pages, searches, one user) and writing (edits) at once, first
//! alone, then beside 1,000 idle connections; the server's peak memory.
//! Figures for the report; the only failure is a 5xx or a dropped request
//! (a correctness fault, not a slow figure).

use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::backend::Backend;
use super::http::{percentile_ms, Connection};
use super::server::start;

/// Concurrent clients, as in the reliability issue.
pub const CLIENTS: usize = 64;
/// Idle connections opened beside the load (fewer when the descriptor
/// limit would not allow them).
const IDLE: usize = 1_000;
/// One request in this many is a write.
const WRITE_EVERY: u64 = 5;

pub struct LoadFigures {
    pub backend: &'static str,
    pub users: u64,
    pub secs: f64,
    pub alone: Phase,
    pub beside_idle: Phase,
    /// Idle connections actually held open during the second phase.
    pub idle: usize,
    /// The server's peak resident memory (VmHWM), MiB.
    pub peak_rss_mib: f64,
}

/// One phase: requests answered and their latency.
pub struct Phase {
    pub requests: usize,
    pub writes: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub write_p99_ms: f64,
}

/// Runs both phases of `secs` seconds each against a server of `users` users.
pub fn mixed_load(
    server: &Path,
    backend: &Backend,
    users: u64,
    secs: f64,
) -> Result<LoadFigures, String> {
    let (bench, _, _) = start(server, backend, users)?;
    let mut conn = Connection::open(&bench.addr, &bench.token)?;
    let (_, me, _) = conn.get("/api/v1/me")?;
    let admin =
        super::measure::number(&String::from_utf8_lossy(&me), "id").ok_or("no id in /me")?;
    let alone = phase(&bench.addr, &bench.token, admin, users, secs)?;
    let idle_count = IDLE.min(descriptor_room());
    let idle: Vec<TcpStream> = (0..idle_count)
        .map(|_| TcpStream::connect(&bench.addr).map_err(|e| format!("idle connection: {e}")))
        .collect::<Result<_, _>>()?;
    let beside_idle = phase(&bench.addr, &bench.token, admin, users, secs)?;
    drop(idle);
    Ok(LoadFigures {
        backend: backend.label(),
        users,
        secs,
        alone,
        beside_idle,
        idle: idle_count,
        peak_rss_mib: peak_rss_kib(bench.child.id()).ok_or("no VmHWM")? as f64 / 1024.0,
    })
}

/// `CLIENTS` threads for `secs`; each request's status must be below 500.
fn phase(addr: &str, token: &str, admin: u64, users: u64, secs: f64) -> Result<Phase, String> {
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..CLIENTS as u64)
        .map(|client| {
            let (addr, token, stop) = (addr.to_string(), token.to_string(), stop.clone());
            std::thread::spawn(move || client_loop(&addr, &token, admin, users, client, &stop))
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    let (mut all, mut writes) = (Vec::new(), Vec::new());
    for thread in threads {
        let (reads, written) = thread.join().map_err(|_| "a load thread panicked")??;
        all.extend(reads);
        all.extend(written.iter().copied());
        writes.extend(written);
    }
    all.sort();
    writes.sort();
    Ok(Phase {
        requests: all.len(),
        writes: writes.len(),
        p50_ms: percentile_ms(&all, 50.0),
        p99_ms: percentile_ms(&all, 99.0),
        write_p99_ms: percentile_ms(&writes, 99.0),
    })
}

type Timings = (Vec<Duration>, Vec<Duration>);

fn client_loop(
    addr: &str,
    token: &str,
    admin: u64,
    users: u64,
    client: u64,
    stop: &AtomicBool,
) -> Result<Timings, String> {
    let mut conn = Connection::open(addr, token)?;
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    let mut n = client.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let searches = ["a", "ma", "son", "lee", "garcia"];
    while !stop.load(Ordering::Relaxed) {
        n ^= n << 13;
        n ^= n >> 7;
        n ^= n << 17;
        let id = 1 + n % users.max(1);
        let (status, body, _) = if n.is_multiple_of(WRITE_EVERY) && id != admin {
            let body = format!("{{\"last_name\":\"Load {}\"}}", n % 100_000);
            let answer = conn.send(
                "PATCH",
                &format!("/api/v1/users/{id}"),
                "If-Match: *\r\n",
                &body,
            )?;
            writes.push(answer.2);
            answer
        } else {
            let path = match n % 4 {
                0 => format!("/api/v1/users/{id}"),
                1 => format!("/api/v1/users?query={}", searches[(n / 4 % 5) as usize]),
                _ => format!("/api/v1/users?per_page=25&page={}", 1 + n / 4 % 20),
            };
            let answer = conn.get(&path)?;
            reads.push(answer.2);
            answer
        };
        if status >= 500 {
            return Err(format!(
                "{status} under load: {}",
                String::from_utf8_lossy(&body)
            ));
        }
    }
    Ok((reads, writes))
}

/// Descriptors this process may still open, keeping 200 in reserve (the
/// server inherits the same limit).
fn descriptor_room() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1024);
    soft.saturating_sub(CLIENTS + 200)
}

/// VmHWM of a process, KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_peak_memory() {
        let kib = peak_rss_kib(std::process::id()).unwrap();
        assert!(kib > 100, "{kib} KiB");
    }
}
