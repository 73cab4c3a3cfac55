//! `cargo xtask <task>`: the project's only entry points.
//!
//! - `setup`  installs what the build and tests need (idempotent, quick when done)
//! - `dist`   builds the app in release into dist/ (to upload to a CDN)
//! - `run`    builds the app in release and serves it with the API and demo data
//! - `test`   fmt, clippy (native + wasm), native tests, server API tests on a
//!   throwaway PostgreSQL cluster, browser tests, end-to-end
//! - `bench`  app size, server latency/throughput, browser timings and the
//!   cold start beside React builds of the same page → bench/REPORT.md
//! - `screenshots` PNGs of the main views → docs/screenshots/
//! - `pg-check` starts a throwaway PostgreSQL cluster, queries it, stops it
//!
//! Written with std only so it compiles in seconds on a fresh machine.

mod app_build;
mod bench;
mod dist;
mod fuzz;
mod page;
mod postgres;
mod run;
mod screenshots;
mod setup;
mod shell;
mod short_imports;
mod test;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match task {
        "setup" => setup::setup().map(drop),
        "dist" => dist_task(rest),
        "run" => run::run(rest),
        "test" => test::test(rest),
        "bench" => bench::bench(rest),
        "screenshots" => screenshots::screenshots(rest),
        "pg-check" => pg_check(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the release app into dist/ (after setup).
fn dist_task(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("dist takes no options, got {args:?}"));
    }
    setup::setup()?;
    run::build_app_release()?;
    println!("the app is in {}", shell::root().join("dist").display());
    Ok(())
}

/// Starts a throwaway cluster, runs `select 1` on it and drops it: the
/// quick way to see that `cargo xtask test` can use PostgreSQL here.
fn pg_check(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("pg-check takes no options, got {args:?}"));
    }
    let cluster = postgres::Cluster::start("pg-check")?;
    let answer = cluster.psql("postgres", "select version()")?;
    println!("{} answers: {answer}", cluster.url());
    Ok(())
}

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  setup   install the wasm32 target, wasm-bindgen-cli, wasm-opt, axe-core,
          Chromium, chromedriver, wrk and PostgreSQL (with pg_trgm) when missing
          or at the wrong version
  dist    build the app (release) into dist/: one stylesheet, hashed files with
          .br and .gz copies beside them, ready for a CDN or --static-dir
  run     build the app (release) and start the server with demo data
          [--addr 127.0.0.1:8080] [--data-dir data] [--no-demo]
  test    fmt, clippy (native and wasm32), native tests, the server's API tests on a
          throwaway PostgreSQL cluster, browser tests, end-to-end tests [--skip-e2e]
  bench   benchmarks, SQLite and PostgreSQL; writes bench/REPORT.md
          [--quick: a smoke run on small data, written to target/bench-quick.md]
          [--postgres-only: only the server on PostgreSQL; updates its sections
           of bench/REPORT.md and keeps the others]
          [--load-only: only the mixed load (64 clients, 1,000 idle connections,
           peak memory) on both backends, written to target/bench-load.md]
          [--cold-start-only: only the cold start beside the React builds in
           bench/cold-start/ (built with npm once), written to
           target/bench-cold-start.md]
  screenshots  PNGs of the main views (list light and dark, 360 px, add form with
          errors, edit, delete and token dialogs) into docs/screenshots/
  pg-check  start a throwaway PostgreSQL cluster (as `test` does), query it, stop it";
