//! Server figures at a given company size, on either backend: seeding
//! speed and size, latency of the list's queries (sequential keep-alive
//! requests), and throughput at concurrency 16 with wrk.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use super::backend::Backend;
use super::http::{percentile_ms, Connection};
use super::server::{start, BenchServer};
use crate::postgres::Cluster;

pub struct Latency {
    pub name: String,
    /// One of the issue's targeted queries (p95 ≤ 20 ms at 1,000,000
    /// users); the others are shown for context.
    pub targeted: bool,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

pub struct ServerFigures {
    /// "SQLite" or "PostgreSQL".
    pub backend: &'static str,
    pub users: u64,
    pub seed_users_per_sec: f64,
    /// `None` when the size could not be read.
    pub db_bytes_per_100k: Option<f64>,
    pub latencies: Vec<Latency>,
    pub samples: usize,
    pub requests_per_sec: f64,
    /// The server process's CPU time (user + system) per request during
    /// the throughput run, in microseconds: what the figure costs, apart
    /// from how busy the shared machine was.
    pub server_cpu_us_per_request: f64,
    /// The same for the database's processes (PostgreSQL only).
    pub database_cpu_us_per_request: Option<f64>,
    /// The first page of each access-review filter.
    pub access: Vec<Latency>,
    /// The export of every active user.
    pub export: Option<super::access_review::ExportFigures>,
}

/// Latency of each list query and throughput of the first page.
/// `cluster`: the PostgreSQL cluster behind `backend`, to count its CPU.
pub fn measure(
    server: &Path,
    backend: &Backend,
    cluster: Option<&Cluster>,
    users: u64,
    samples: usize,
    load_secs: u32,
) -> Result<ServerFigures, String> {
    let (bench, seed_rate, db_bytes) = start(server, backend, users)?;
    let mut conn = Connection::open(&bench.addr, &bench.token)?;
    let first = body_of(&mut conn, "/api/v1/users?per_page=25")?;
    let last_page = number(&first, "total_pages").ok_or("no total_pages")?;
    // Searches rotate through several texts per kind (what people type:
    // parts of names, email fragments), so no single lucky string decides
    // a figure; emails come from pages spread over the list.
    let mut emails = Vec::new();
    for page in [
        2,
        last_page / 4,
        last_page / 2 + 1,
        last_page * 3 / 4,
        last_page,
    ] {
        let body = body_of(
            &mut conn,
            &format!("/api/v1/users?per_page=25&page={}", page.max(1)),
        )?;
        emails.push(string(&body, "email").ok_or("no email on a page")?);
    }
    let search = |texts: &[&str]| -> Vec<String> {
        texts
            .iter()
            .map(|t| format!("/api/v1/users?query={}", encode(t)))
            .collect()
    };
    let queries: Vec<(String, bool, Vec<String>)> = vec![
        (
            "first page".into(),
            true,
            vec!["/api/v1/users?per_page=25".into()],
        ),
        (
            format!("last page ({last_page})"),
            true,
            vec![format!("/api/v1/users?per_page=25&page={last_page}")],
        ),
        (
            "search, 1 character (a e j m s k)".into(),
            true,
            search(&["a", "e", "j", "m", "s", "k"]),
        ),
        (
            "search, 2 characters (an ma jo li sa ch)".into(),
            true,
            search(&["an", "ma", "jo", "li", "sa", "ch"]),
        ),
        (
            "search, 3 characters (son mar lee ann che ova)".into(),
            true,
            search(&["son", "mar", "lee", "ann", "che", "ova"]),
        ),
        (
            "search, full email (5 users)".into(),
            true,
            search(&emails.iter().map(String::as_str).collect::<Vec<_>>()),
        ),
        (
            "archived tab".into(),
            true,
            vec!["/api/v1/users?status=archived".into()],
        ),
        (
            format!("middle page ({})", last_page / 2 + 1),
            false,
            vec![format!(
                "/api/v1/users?per_page=25&page={}",
                last_page / 2 + 1
            )],
        ),
        (
            "search, 4+ characters (lopez garcia john nakamura)".into(),
            false,
            search(&["lopez", "garcia", "john", "nakamura"]),
        ),
    ];
    let mut queries = queries;
    queries.extend(group_queries(&mut conn)?);
    queries.extend(audit_queries(&mut conn)?);
    let mut latencies = Vec::new();
    for (name, targeted, paths) in queries {
        latencies.push(sample(&mut conn, name, targeted, &paths, 2, samples)?);
    }
    let access = super::access_review::latencies(&mut conn)?;
    let export = super::access_review::export(&bench)?;
    let database_pids = || cluster.map(Cluster::pids).unwrap_or_default();
    let cpu_before = cpu_ticks(bench.child.id());
    let database_before = ticks_of(&database_pids());
    let (requests_per_sec, requests) = throughput(&bench, load_secs)?;
    let cpu_after = cpu_ticks(bench.child.id());
    let database_after = ticks_of(&database_pids());
    let per_request = |ticks: u64| ticks as f64 * 1e6 / CLOCK_TICKS / requests.max(1) as f64;
    let server_cpu_us_per_request = match (cpu_before, cpu_after) {
        (Some(a), Some(b)) if requests > 0 => per_request(b - a),
        _ => f64::NAN,
    };
    // Processes started during the run count whole; those that ended
    // during it are missed (the server's pool keeps its connections).
    let database_cpu_us_per_request = cluster.map(|_| {
        let used = database_after
            .iter()
            .map(|(pid, after)| after.saturating_sub(*database_before.get(pid).unwrap_or(&0)))
            .sum();
        per_request(used)
    });
    Ok(ServerFigures {
        backend: backend.label(),
        users,
        seed_users_per_sec: seed_rate,
        db_bytes_per_100k: db_bytes.map(|b| b as f64 * 100_000.0 / users as f64),
        latencies,
        samples,
        requests_per_sec,
        server_cpu_us_per_request,
        database_cpu_us_per_request,
        access,
        export: Some(export),
    })
}

/// The latency of `samples` sequential requests rotating through `paths`,
/// after `warm_ups` requests of each; any answer but 200 is an error.
pub(super) fn sample(
    conn: &mut Connection,
    name: String,
    targeted: bool,
    paths: &[String],
    warm_ups: usize,
    samples: usize,
) -> Result<Latency, String> {
    for path in paths {
        for _ in 0..warm_ups {
            conn.get(path)?;
        }
    }
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let path = &paths[i % paths.len()];
        let (status, _, took) = conn.get(path)?;
        if status != 200 {
            return Err(format!("{path} answered {status}"));
        }
        times.push(took);
    }
    times.sort();
    Ok(Latency {
        name,
        targeted,
        p50: percentile_ms(&times, 50.0),
        p95: percentile_ms(&times, 95.0),
        p99: percentile_ms(&times, 99.0),
    })
}

/// CPU ticks of each of `pids` still running.
fn ticks_of(pids: &[u32]) -> HashMap<u32, u64> {
    pids.iter()
        .filter_map(|&pid| Some((pid, cpu_ticks(pid)?)))
        .collect()
}

/// Linux's USER_HZ: the unit of the CPU times in /proc/PID/stat.
const CLOCK_TICKS: f64 = 100.0;

/// User + system CPU time of a process so far, in clock ticks (Linux).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// Percent-encodes a query parameter value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The groups list, and the members of two seeded groups: "Reviewers"
/// (one active user in ten: 100,000 members at 1,000,000 users, the size
/// the targets are set for) and the largest (about one in six, shown for
/// context): first and last page, searches of 1 and 3 characters.
/// The company's groups: (id, active members, name) each.
pub(super) fn groups(conn: &mut Connection) -> Result<Vec<(u64, u64, String)>, String> {
    let groups = body_of(conn, "/api/v1/groups?per_page=100")?;
    Ok(groups
        .split("{\"id\":")
        .skip(1)
        .filter_map(|entry| {
            let id = number(&format!("{{\"id\":{entry}"), "id")?;
            Some((id, number(entry, "member_count")?, string(entry, "name")?))
        })
        .collect())
}

fn group_queries(conn: &mut Connection) -> Result<Vec<(String, bool, Vec<String>)>, String> {
    let entries = groups(conn)?;
    let reviewers = entries
        .iter()
        .find(|(_, _, name)| name == "Reviewers")
        .ok_or("the seeded company has no Reviewers group")?;
    let largest = entries
        .iter()
        .max_by_key(|(_, members, _)| *members)
        .ok_or("the seeded company has no groups")?;
    let mut queries = vec![
        (
            "groups, first page".into(),
            true,
            vec!["/api/v1/groups".into()],
        ),
        (
            "groups, search (a te dev)".into(),
            true,
            ["a", "te", "dev"]
                .iter()
                .map(|t| format!("/api/v1/groups?query={t}"))
                .collect(),
        ),
    ];
    for ((id, members, _), targeted) in [(reviewers, true), (largest, false)] {
        let base = format!("/api/v1/groups/{id}/members");
        let last = members.div_ceil(25).max(1);
        let search = |texts: &[&str]| -> Vec<String> {
            texts
                .iter()
                .map(|t| format!("{base}?query={}", encode(t)))
                .collect()
        };
        queries.extend([
            (
                format!("group of {members} members: first page"),
                targeted,
                vec![base.clone()],
            ),
            (
                format!("group of {members} members: last page ({last})"),
                targeted,
                vec![format!("{base}?page={last}")],
            ),
            (
                format!("group of {members} members: search, 1 character (a e j m s k)"),
                targeted,
                search(&["a", "e", "j", "m", "s", "k"]),
            ),
            (
                format!(
                    "group of {members} members: search, 3 characters (son mar lee ann che ova)"
                ),
                targeted,
                search(&["son", "mar", "lee", "ann", "che", "ova"]),
            ),
        ]);
    }
    Ok(queries)
}

/// The audit log (5 entries per user seeded: 5,000,000 at 1,000,000
/// users): the first page and the next one (by its cursor) of each filter —
/// none, an actor, an affected user, a group, one action, two actions, a
/// time window — and a user's activity.
fn audit_queries(conn: &mut Connection) -> Result<Vec<(String, bool, Vec<String>)>, String> {
    let log = body_of(conn, "/api/v1/audit?per_page=25")?;
    // Someone busy and someone affected, from the seeded history (the
    // newest entries are the bench's own set-up).
    let history = body_of(conn, "/api/v1/audit?action=user.update&per_page=1")?;
    let actor = history
        .split("\"actor\":")
        .nth(1)
        .and_then(|e| number(e, "id"))
        .ok_or("the audit log names no actor")?;
    let target = history
        .split("\"target_user\":")
        .nth(1)
        .and_then(|e| number(e, "id"))
        .ok_or("the audit log names no affected user")?;
    let group = body_of(conn, "/api/v1/audit?action=group.members.add&per_page=1")?
        .split("\"target_group\":")
        .nth(1)
        .and_then(|e| number(e, "id"))
        .ok_or("the audit log names no group")?;
    let newest = string(&log, "at").ok_or("no time in the log")?;
    let day = |back: i64| -> String {
        // `newest` minus `back` days, to the day (the filters' own form).
        let (date, _) = newest.split_once('T').unwrap_or((&newest, ""));
        let parts: Vec<i64> = date.split('-').filter_map(|p| p.parse().ok()).collect();
        let (y, m, d) = (parts[0], parts[1], parts[2]);
        let days = days_from_civil(y, m, d) - back;
        let (y, m, d) = civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
    };
    let filters: Vec<(String, String)> = vec![
        ("audit log, no filter".into(), String::new()),
        (
            format!("audit log, actor (user {actor})"),
            format!("actor={actor}"),
        ),
        (
            format!("audit log, affected user ({target})"),
            format!("target={target}"),
        ),
        (
            format!("audit log, group ({group})"),
            format!("group={group}"),
        ),
        (
            "audit log, one action (token.regenerate)".into(),
            "action=token.regenerate".into(),
        ),
        (
            "audit log, two actions (token.regenerate, group.members.add)".into(),
            "action=token.regenerate&action=group.members.add".into(),
        ),
        (
            "audit log, since 7 days".into(),
            format!("since={}", day(7)),
        ),
        (
            "audit log, a past week (30 to 23 days ago)".into(),
            format!("since={}&until={}", day(30), day(23)),
        ),
        (
            format!("audit log, actor and action (user {actor}, user.update)"),
            format!("actor={actor}&action=user.update"),
        ),
        (
            format!("audit log, affected user and action (user {target}, token.reveal)"),
            format!("target={target}&action=token.reveal"),
        ),
        (
            format!("audit log, by or about a user (user {actor})"),
            format!("user={actor}"),
        ),
    ];
    let mut queries = Vec::new();
    for (name, filter) in filters {
        let first = format!("/api/v1/audit?per_page=25&{filter}");
        let body = body_of(conn, &first)?;
        queries.push((format!("{name}: first page"), true, vec![first.clone()]));
        if let Some(next) = string(&body, "next") {
            queries.push((
                format!("{name}: next page"),
                true,
                vec![format!("{first}&before={next}")],
            ));
        }
    }
    let activity = format!("/api/v1/users/{target}/activity");
    queries.push((format!("activity of user {target}"), true, vec![activity]));
    Ok(queries)
}

/// Days since 1970-01-01 of a date (the bench's own, std-only copy).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn body_of(conn: &mut Connection, path: &str) -> Result<String, String> {
    let (status, body, _) = conn.get(path)?;
    if status != 200 {
        return Err(format!(
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// wrk at 16 connections on the first page, authenticated: requests per
/// second and the number of requests.
fn throughput(bench: &BenchServer, secs: u32) -> Result<(f64, u64), String> {
    let out = Command::new(crate::setup::WRK)
        .args([
            "-t2",
            "-c16",
            &format!("-d{secs}s"),
            "-H",
            &format!("Access-Token: {}", bench.token),
        ])
        .arg(format!("http://{}/api/v1/users?per_page=25", bench.addr))
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.contains("Non-2xx") {
        return Err(format!("wrk saw errors:\n{text}"));
    }
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no Requests/sec in wrk's output:\n{text}"))?;
    // "  12345 requests in 10.00s, 117.65MB read"
    let requests = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no request count in wrk's output:\n{text}"))?;
    Ok((rate, requests))
}

/// The first `"key":123` number in a JSON text (no JSON parser in xtask).
pub(super) fn number(json: &str, key: &str) -> Option<u64> {
    let start = json.find(&format!("\"{key}\":"))? + key.len() + 3;
    json[start..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// The first `"key":"text"` string in a JSON text.
fn string(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    Some(json[start..].split('"').next()?.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_and_strings_out_of_json_text() {
        let json =
            r#"{"entries":[{"id":7,"email":"a.b.1@acme.example"}],"total_pages":40,"per_page":25}"#;
        assert_eq!(number(json, "total_pages"), Some(40));
        assert_eq!(number(json, "missing"), None);
        assert_eq!(string(json, "email").as_deref(), Some("a.b.1@acme.example"));
    }
}
