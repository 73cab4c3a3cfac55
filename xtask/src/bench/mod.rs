//! `cargo xtask bench [--quick] [--postgres-only]`: app size, server
//! latency and throughput at 100,000 and 1,000,000 users on SQLite and at
//! 1,000,000 users on PostgreSQL (a throwaway cluster), browser timings at
//! 100,000 users, and seeding speed. Writes bench/REPORT.md and prints it.
//! Benchmarks, not tests: nothing here fails on a slow figure; `--quick`
//! is the smoke run that `cargo xtask test` uses to keep this working
//! (PostgreSQL included). `--postgres-only` measures the server on
//! PostgreSQL alone and replaces just those sections of the report.
//! `--load-only` runs just the mixed load (64 clients, idle connections,
//! peak memory) on both backends and writes target/bench-load.md.
//! The full run also measures the app's cold start beside two React builds
//! of the same page (`cold_start.rs`); `--cold-start-only` runs just that
//! and writes target/bench-cold-start.md.

mod access_review;
mod app_size;
mod backend;
mod cold_start;
mod http;
mod load;
mod measure;
mod report;
mod server;

use std::process::Command;

use backend::Backend;
use measure::measure;

use crate::postgres::Cluster;
use crate::run::build_app_release;
use crate::setup::setup;
use crate::shell::{cmd, root, run};

pub struct Options {
    pub quick: bool,
    /// Only the mixed load, on both backends.
    pub load_only: bool,
    /// Only the cold start beside the React builds.
    pub cold_start_only: bool,
    /// Only the server on PostgreSQL: no SQLite server, no browser.
    pub postgres_only: bool,
    /// The PostgreSQL major version measured.
    pub postgres_version: Option<u32>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            quick: false,
            load_only: false,
            cold_start_only: false,
            postgres_only: false,
            postgres_version: None,
        };
        for arg in args {
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--postgres-only" => options.postgres_only = true,
                "--load-only" => options.load_only = true,
                "--cold-start-only" => options.cold_start_only = true,
                other => {
                    return Err(format!(
                        "bench: unknown option {other:?} (--quick, --postgres-only, --load-only, --cold-start-only)"
                    ))
                }
            }
        }
        Ok(options)
    }

    /// The options as typed, for the report: " --quick --postgres-only".
    fn flags(&self) -> String {
        let mut flags = String::new();
        if self.quick {
            flags.push_str(" --quick");
        }
        if self.postgres_only {
            flags.push_str(" --postgres-only");
        }
        if self.load_only {
            flags.push_str(" --load-only");
        }
        if self.cold_start_only {
            flags.push_str(" --cold-start-only");
        }
        flags
    }
}

/// Company sizes, samples per query, seconds of load, and the browser's.
struct Sizes {
    sqlite: &'static [u64],
    postgres: &'static [u64],
    samples: usize,
    load_secs: u32,
    browser_users: u64,
    browser_runs: usize,
    /// Company size and seconds per phase of the mixed load.
    mixed_users: u64,
    mixed_secs: f64,
}

/// The benchmark's PostgreSQL is given the shared buffers a server holding
/// a million users would have (PostgreSQL's default 128 MB is sized for a
/// small machine; with it, every export batch read its pages back through
/// the kernel: 42,000 rows/s at a million users against 57,000 with 1 GB).
const SIZED_FOR_A_MILLION: &[(&str, &str)] = &[("shared_buffers", "'1GB'")];

const QUICK: Sizes = Sizes {
    sqlite: &[2_000],
    postgres: &[2_000],
    samples: 20,
    load_secs: 2,
    browser_users: 2_000,
    browser_runs: 3,
    mixed_users: 2_000,
    mixed_secs: 1.0,
};

const FULL: Sizes = Sizes {
    sqlite: &[100_000, 1_000_000],
    postgres: &[1_000_000],
    samples: 300,
    load_secs: 10,
    browser_users: 100_000,
    browser_runs: 20,
    mixed_users: 10_000,
    mixed_secs: 10.0,
};

pub fn bench(args: &[String]) -> Result<(), String> {
    let mut options = Options::parse(args)?;
    let sizes = if options.quick { &QUICK } else { &FULL };
    let tools = setup()?;
    if options.load_only {
        return load_only(sizes);
    }
    build_app_release()?;
    if options.cold_start_only {
        return cold_start_only();
    }
    // The smoke run reuses the debug builds `cargo xtask test` already has;
    // real figures come from release builds.
    let (profile, flag): (&str, &[&str]) = if options.quick {
        ("debug", &[])
    } else {
        ("release", &["--release"])
    };
    run(&mut cmd(
        "cargo",
        &[&["build"], flag, &["-p", "users-server"]].concat(),
    ))?;
    if !options.postgres_only {
        run(&mut cmd(
            "cargo",
            &[
                &["build"],
                flag,
                &["-p", "users-e2e", "--bin", "browser-bench"],
            ]
            .concat(),
        ))?;
    }
    let server_bin = root().join("target").join(profile).join("users-server");

    let app_sizes = app_size::measure(&root().join("dist"))?;
    let mut servers = Vec::new();
    let mut loads = Vec::new();
    if !options.postgres_only {
        loads.push(mixed_load(&server_bin, sizes, None)?);
        for &users in sizes.sqlite {
            println!("\n== server at {users} users (SQLite)");
            let backend = Backend::sqlite(users);
            servers.push(measure(
                &server_bin,
                &backend,
                None,
                users,
                sizes.samples,
                sizes.load_secs,
            )?);
        }
    }
    {
        // One cluster for every size; stopped before the browser's run.
        let cluster = Cluster::start_with("the benchmark", SIZED_FOR_A_MILLION)?;
        options.postgres_version = Some(cluster.version());
        loads.push(mixed_load(&server_bin, sizes, Some(&cluster))?);
        for &users in sizes.postgres {
            println!("\n== server at {users} users (PostgreSQL)");
            let backend = Backend::postgres(&cluster, users)?;
            servers.push(measure(
                &server_bin,
                &backend,
                Some(&cluster),
                users,
                sizes.samples,
                sizes.load_secs,
            )?);
        }
    }

    let (browser, cold_start) = if options.postgres_only {
        (None, None)
    } else {
        let (browser, cold_start) = browser(
            &server_bin,
            profile,
            sizes,
            &tools.chromedriver,
            !options.quick,
        )?;
        (Some(browser), cold_start)
    };

    let path = if options.quick {
        root().join("target/bench-quick.md")
    } else {
        root().join("bench/REPORT.md")
    };
    let earlier = std::fs::read_to_string(&path).ok();
    let text = match earlier {
        Some(earlier) if options.postgres_only && !options.quick => {
            report::merge_postgres(&earlier, &report::server_sections(&options, &servers))
        }
        _ => report::render(
            &options,
            &app_sizes,
            &servers,
            &loads,
            browser.as_ref(),
            cold_start.as_deref(),
        ),
    };
    std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    println!("\n{text}\nwritten to {}", path.display());
    Ok(())
}

/// The mixed load on SQLite, or on PostgreSQL in `cluster`.
fn mixed_load(
    server_bin: &std::path::Path,
    sizes: &Sizes,
    cluster: Option<&Cluster>,
) -> Result<load::LoadFigures, String> {
    let users = sizes.mixed_users;
    let backend = match cluster {
        Some(cluster) => Backend::postgres(cluster, users)?,
        None => Backend::sqlite(users),
    };
    println!("\n== mixed load at {users} users ({})", backend.label());
    load::mixed_load(server_bin, &backend, users, sizes.mixed_secs)
}

/// `--load-only`: the mixed load on both backends, release build.
fn load_only(sizes: &Sizes) -> Result<(), String> {
    run(&mut cmd(
        "cargo",
        &["build", "--release", "-p", "users-server"],
    ))?;
    let server_bin = root().join("target/release/users-server");
    let mut loads = vec![mixed_load(&server_bin, sizes, None)?];
    let cluster = Cluster::start("the mixed load")?;
    loads.push(mixed_load(&server_bin, sizes, Some(&cluster))?);
    drop(cluster);
    let text = report::load_section(&loads);
    let path = root().join("target/bench-load.md");
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    println!("\n{text}\nwritten to {}", path.display());
    Ok(())
}

/// `--cold-start-only`: the cold start beside the React builds, answers
/// recorded from a small release server.
fn cold_start_only() -> Result<(), String> {
    run(&mut cmd(
        "cargo",
        &["build", "--release", "-p", "users-server"],
    ))?;
    let users = QUICK.browser_users;
    let server_bin = root().join("target/release/users-server");
    let (server, _, _) = server::start(&server_bin, &Backend::sqlite(users), users)?;
    let figures = cold_start::measure(&server.addr, &server.token)?;
    drop(server);
    let text = report::cold_start_section(&figures);
    let path = root().join("target/bench-cold-start.md");
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    println!("\n{text}\nwritten to {}", path.display());
    Ok(())
}

/// browser-bench against a SQLite server, then (not in the smoke run) the
/// cold start beside the React builds with that server's answers.
fn browser(
    server_bin: &std::path::Path,
    profile: &str,
    sizes: &Sizes,
    chromedriver: &std::path::Path,
    with_cold_start: bool,
) -> Result<(report::BrowserFigures, Option<Vec<cold_start::ColdStart>>), String> {
    let users = sizes.browser_users;
    println!("\n== browser at {users} users");
    let (bench_server, _, _) = server::start(server_bin, &Backend::sqlite(users), users)?;
    let scratch = crate::shell::BrowserScratch::new("browser-bench")?;
    let out = scratch
        .apply(&mut Command::new(
            root().join("target").join(profile).join("browser-bench"),
        ))
        .args([
            format!("http://{}", bench_server.addr),
            bench_server.token.clone(),
            sizes.browser_runs.to_string(),
        ])
        .env("CHROMEDRIVER", chromedriver)
        .current_dir(root())
        .output()
        .map_err(|e| format!("browser-bench: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "browser-bench failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let figures = report::BrowserFigures::parse(&String::from_utf8_lossy(&out.stdout), users)?;
    let cold_start = with_cold_start
        .then(|| cold_start::measure(&bench_server.addr, &bench_server.token))
        .transpose()?;
    Ok((figures, cold_start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_combine_and_unknown_ones_are_refused() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let both = Options::parse(&args(&["--postgres-only", "--quick"])).unwrap();
        assert!(both.quick && both.postgres_only);
        assert_eq!(both.flags(), " --quick --postgres-only");
        let none = Options::parse(&[]).unwrap();
        assert!(!none.quick && !none.postgres_only);
        assert_eq!(none.flags(), "");
        assert!(Options::parse(&args(&["--slow"])).is_err());
    }
}
