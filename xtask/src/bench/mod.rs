//! `cargo xtask bench [--quick]`: app size, server latency and throughput at
//! 100,000 and 1,000,000 users, browser timings at 100,000 users, and seeding
//! speed. Writes bench/REPORT.md and prints it. Benchmarks, not tests:
//! nothing here fails on a slow figure; `--quick` is the smoke run that
//! `cargo xtask test` uses to keep this working.

mod app_size;
mod http;
mod report;
mod server;

use std::process::Command;

use crate::run::build_app_release;
use crate::setup::setup;
use crate::shell::{cmd, root, run};

pub struct Options {
    pub quick: bool,
}

pub fn bench(args: &[String]) -> Result<(), String> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => return Err(format!("bench: unknown options {args:?} (only --quick)")),
    };
    let tools = setup()?;
    build_app_release()?;
    // The smoke run reuses the debug builds `cargo xtask test` already has;
    // real figures come from release builds.
    let (profile, flag): (&str, &[&str]) = if quick {
        ("debug", &[])
    } else {
        ("release", &["--release"])
    };
    run(&mut cmd(
        "cargo",
        &[&["build"], flag, &["-p", "users-server"]].concat(),
    ))?;
    run(&mut cmd(
        "cargo",
        &[
            &["build"],
            flag,
            &["-p", "users-e2e", "--bin", "browser-bench"],
        ]
        .concat(),
    ))?;
    let server_bin = root().join("target").join(profile).join("users-server");

    let sizes = app_size::measure(&root().join("dist"))?;
    let (company_sizes, samples, load_secs, browser_users, runs): (&[u64], usize, u32, u64, usize) =
        if quick {
            (&[2_000], 20, 2, 2_000, 3)
        } else {
            (&[100_000, 1_000_000], 300, 10, 100_000, 20)
        };
    let mut servers = Vec::new();
    for &users in company_sizes {
        println!("\n== server at {users} users");
        servers.push(server::measure(&server_bin, users, samples, load_secs)?);
    }

    println!("\n== browser at {browser_users} users");
    let (bench_server, _, _) = server::start(&server_bin, browser_users)?;
    let out = Command::new(root().join("target").join(profile).join("browser-bench"))
        .args([
            format!("http://{}", bench_server.addr),
            bench_server.token.clone(),
            runs.to_string(),
        ])
        .env("CHROMEDRIVER", &tools.chromedriver)
        .current_dir(root())
        .output()
        .map_err(|e| format!("browser-bench: {e}"))?;
    drop(bench_server);
    if !out.status.success() {
        return Err(format!(
            "browser-bench failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let browser =
        report::BrowserFigures::parse(&String::from_utf8_lossy(&out.stdout), browser_users)?;

    let text = report::render(&Options { quick }, &sizes, &servers, &browser);
    let path = if quick {
        root().join("target/bench-quick.md")
    } else {
        root().join("bench/REPORT.md")
    };
    std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
    std::fs::write(&path, &text).map_err(|e| e.to_string())?;
    println!("\n{text}\nwritten to {}", path.display());
    Ok(())
}
