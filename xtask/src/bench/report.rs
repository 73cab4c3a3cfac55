//! The benchmark report (Markdown), with the budgets next to the figures.

use std::fmt::Write;

use super::app_size::FileSize;
use super::server::ServerFigures;
use super::Options;

/// Budgets from architecture.md and the benchmark issue.
const APP_GZIP_BUDGET_KB: f64 = 250.0;
const LIST_P95_BUDGET_MS: f64 = 20.0;
const THROUGHPUT_BUDGET: f64 = 5_000.0;
const NAVIGATION_BUDGET_MS: f64 = 150.0;
const KEYSTROKE_BUDGET_MS: f64 = 350.0;

pub struct BrowserFigures {
    pub users: u64,
    pub navigation: Vec<f64>,
    pub keystroke: Vec<f64>,
}

impl BrowserFigures {
    /// Reads browser-bench's two output lines.
    pub fn parse(out: &str, users: u64) -> Result<Self, String> {
        let series = |prefix: &str| -> Result<Vec<f64>, String> {
            let line = out
                .lines()
                .find_map(|l| l.strip_prefix(prefix))
                .ok_or_else(|| format!("browser-bench printed no {prefix}"))?;
            let mut values: Vec<f64> = line
                .split(',')
                .filter_map(|v| v.trim().parse().ok())
                .collect();
            values.sort_by(f64::total_cmp);
            Ok(values)
        };
        Ok(BrowserFigures {
            users,
            navigation: series("navigation_ms ")?,
            keystroke: series("keystroke_ms ")?,
        })
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[(((p / 100.0) * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "✅ within budget"
    } else {
        "❌ over budget"
    }
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1000.0
}

pub fn render(
    options: &Options,
    sizes: &[FileSize],
    servers: &[ServerFigures],
    browser: &BrowserFigures,
) -> String {
    let mut r = String::new();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = crate::shell::output(&mut crate::shell::cmd(
        "date",
        &["-u", "+%Y-%m-%d %H:%M UTC"],
    ))
    .unwrap_or_default();
    let _ = writeln!(r, "# Benchmark report\n");
    let _ = writeln!(
        r,
        "Measured {date} on {cores} cores{} with `cargo xtask bench{}`. Server and load generator share the machine.\n",
        if options.quick { " (smoke run: small data, few samples — not the real figures)" } else { "" },
        if options.quick { " --quick" } else { "" }
    );

    let _ = writeln!(r, "## App transfer size\n\n| file | raw KB | gzip KB | brotli KB |\n| --- | ---: | ---: | ---: |");
    for f in sizes {
        let _ = writeln!(
            r,
            "| `{}` | {:.1} | {:.1} | {:.1} |",
            f.name,
            kb(f.raw),
            kb(f.gzip),
            kb(f.brotli)
        );
    }
    let (raw, gzip, brotli) = sizes.iter().fold((0, 0, 0), |(a, b, c), f| {
        (a + f.raw, b + f.gzip, c + f.brotli)
    });
    let _ = writeln!(
        r,
        "| **total** | **{:.1}** | **{:.1}** | **{:.1}** |\n\nBudget ≤ {APP_GZIP_BUDGET_KB} KB gzip: {}.\n",
        kb(raw),
        kb(gzip),
        kb(brotli),
        verdict(kb(gzip) <= APP_GZIP_BUDGET_KB)
    );
    if kb(gzip) > APP_GZIP_BUDGET_KB {
        let _ = writeln!(
            r,
            "Over by {:.1} KB gzip ({:.0}%); brotli, which CDNs serve to current browsers, is {:.1} KB. \
             Where the bytes go and what was tried: README, \"Performance\" → \"App size\".\n",
            kb(gzip) - APP_GZIP_BUDGET_KB,
            (kb(gzip) / APP_GZIP_BUDGET_KB - 1.0) * 100.0,
            kb(brotli)
        );
    }

    for s in servers {
        let _ = writeln!(
            r,
            "## Server at {} users (SQLite)\n\nSeeding: {:.0} users/s; database {:.1} MB per 100,000 users.\n\n| query | p50 ms | p95 ms | p99 ms |\n| --- | ---: | ---: | ---: |",
            s.users,
            s.seed_users_per_sec,
            s.db_bytes_per_100k / 1e6
        );
        for l in &s.latencies {
            let _ = writeln!(
                r,
                "| {}{} | {:.2} | {:.2} | {:.2} |",
                l.name,
                if l.targeted { "" } else { " †" },
                l.p50,
                l.p95,
                l.p99
            );
        }
        let worst = s
            .latencies
            .iter()
            .filter(|l| l.targeted)
            .map(|l| l.p95)
            .fold(0.0, f64::max);
        let _ = writeln!(
            r,
            "\nSearches rotate through the texts shown; each row is {} sequential keep-alive requests. † Not one of the issue's targeted queries: shown for context.\n\nWorst targeted p95 {worst:.2} ms (budget ≤ {LIST_P95_BUDGET_MS} ms: {}). Throughput, first page, 16 connections (wrk): **{:.0} requests/s** (budget ≥ {THROUGHPUT_BUDGET}: {}); the server used {:.0} µs of CPU per request.\n",
            s.samples,
            verdict(worst <= LIST_P95_BUDGET_MS),
            s.requests_per_sec,
            verdict(s.requests_per_sec >= THROUGHPUT_BUDGET),
            s.server_cpu_us_per_request
        );
    }

    let (n50, n95) = (
        pct(&browser.navigation, 50.0),
        pct(&browser.navigation, 95.0),
    );
    let (k50, k95) = (pct(&browser.keystroke, 50.0), pct(&browser.keystroke, 95.0));
    let _ = writeln!(
        r,
        "## Browser at {} users (headless Chromium, {} runs)\n\n| measure | p50 ms | p95 ms | budget |\n| --- | ---: | ---: | --- |\n| navigation → rows painted | {n50:.0} | {n95:.0} | p50 ≤ {NAVIGATION_BUDGET_MS}: {} |\n| keystroke → filtered rows painted (250 ms debounce included) | {k50:.0} | {k95:.0} | ≤ {KEYSTROKE_BUDGET_MS}: {} |\n",
        browser.users,
        browser.navigation.len(),
        verdict(n50 <= NAVIGATION_BUDGET_MS),
        verdict(k50 <= KEYSTROKE_BUDGET_MS)
    );
    r
}
