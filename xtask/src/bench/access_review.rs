//! The access-review figures at a company's size: the first page of every
//! filter (each role × source, the largest and a small group, a provider;
//! each alone and with a 3-character search) and the export of every user
//! (rows per second; the server's anonymous resident memory — its heap,
//! not the database file it maps — before and at its peak).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::Connection;
use super::measure::{groups, sample, Latency};
use super::server::BenchServer;

/// Requests per filter (each text of a search as often), after two
/// warm-ups of each text, as the list's figures are taken.
pub const SAMPLES: usize = 48;

const ROLES: [&str; 5] = [
    "Development",
    "Testing",
    "Staging",
    "Production",
    "Settings",
];
const SEARCHES: [&str; 6] = ["son", "mar", "lee", "ann", "che", "ova"];

/// What the export of every active user measured.
pub struct ExportFigures {
    pub rows: u64,
    pub secs: f64,
    pub rss_anon_before_kib: u64,
    pub rss_anon_peak_kib: u64,
}

impl ExportFigures {
    pub fn rows_per_sec(&self) -> f64 {
        self.rows as f64 / self.secs.max(f64::EPSILON)
    }
}

/// The filters measured: (name, query string without a search).
fn filters(conn: &mut Connection) -> Result<Vec<(String, String)>, String> {
    let mut filters = Vec::new();
    for role in ROLES {
        for (source, words) in [
            ("", "any source"),
            ("direct", "direct"),
            ("group", "from a group"),
        ] {
            let param = if source.is_empty() {
                String::new()
            } else {
                format!("&source={source}")
            };
            filters.push((
                format!("role {role}, {words}"),
                format!("role={role}{param}"),
            ));
        }
    }
    let entries = groups(conn)?;
    let largest = entries
        .iter()
        .max_by_key(|(_, n, _)| *n)
        .ok_or("no groups")?;
    let smallest = entries
        .iter()
        .filter(|(_, n, _)| *n > 0)
        .min_by_key(|(_, n, _)| *n)
        .ok_or("no group with members")?;
    for (id, members, name) in [largest, smallest] {
        filters.push((
            format!("group {name} ({members} members)"),
            format!("group={id}"),
        ));
    }
    filters.push((
        "identity provider Okta".into(),
        "identity_provider=Okta".into(),
    ));
    Ok(filters)
}

/// p50/p95/p99 of the first page of each filter, alone and with a search.
pub fn latencies(conn: &mut Connection) -> Result<Vec<Latency>, String> {
    let mut out = Vec::new();
    for (name, filter) in filters(conn)? {
        for searched in [false, true] {
            let paths: Vec<String> = if searched {
                SEARCHES
                    .iter()
                    .map(|s| format!("/api/v1/users?{filter}&query={s}"))
                    .collect()
            } else {
                vec![format!("/api/v1/users?{filter}")]
            };
            let name = if searched {
                format!("{name} + 3-character search")
            } else {
                name.clone()
            };
            out.push(sample(conn, name, true, &paths, 2, SAMPLES)?);
        }
    }
    Ok(out)
}

/// The server's anonymous resident memory (`RssAnon`), in KiB.
fn rss_anon_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Exports every active user once, sampling the server's memory meanwhile.
pub fn export(bench: &BenchServer) -> Result<ExportFigures, String> {
    let pid = bench.child.id();
    let before = rss_anon_kib(pid).unwrap_or(0);
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss_anon_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };
    let mut conn = Connection::open(&bench.addr, &bench.token)?;
    let started = Instant::now();
    let (status, body, _) = conn.get("/api/v1/users/export.csv")?;
    let secs = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    if status != 200 {
        return Err(format!("the export answered {status}"));
    }
    let lines = body.windows(2).filter(|w| w == b"\r\n").count() as u64;
    Ok(ExportFigures {
        rows: lines.saturating_sub(1),
        secs,
        rss_anon_before_kib: before,
        rss_anon_peak_kib: peak.max(before),
    })
}
