//! `cargo xtask test`: every check CI runs, in order, stopping at the first
//! failure. Each runner prints its own summary lines. The server's API
//! tests run twice: on SQLite with the other native tests, then on a
//! throwaway PostgreSQL cluster (`USERS_TEST_POSTGRES_URL`); schemathesis
//! fuzzes the published contract on each backend.

use crate::run::build_app_release;
use crate::setup::setup;
use crate::shell::{cmd, root, run, BrowserScratch};

pub fn test(args: &[String]) -> Result<(), String> {
    let skip_e2e = args.iter().any(|a| a == "--skip-e2e");
    if let Some(other) = args.iter().find(|a| *a != "--skip-e2e") {
        return Err(format!("test: unknown option {other:?}"));
    }
    let tools = setup()?;
    let started = std::time::Instant::now();

    step("formatting");
    run(&mut cmd("cargo", &["fmt", "--all", "--", "--check"]))?;

    step("clippy (native)");
    run(&mut cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--exclude",
            "users-console",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    step("clippy (wasm32)");
    run(&mut cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "users-console",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;

    step("native tests (api, client, conformance on the in-memory client and on the server over SQLite, xtask)");
    run(&mut cmd(
        "cargo",
        &[
            "test",
            "--workspace",
            "--exclude",
            "users-console",
            "--exclude",
            "users-e2e",
        ],
    ))?;

    step("contract fuzzing on SQLite (schemathesis against the published document)");
    crate::fuzz::contract_fuzz(&tools.schemathesis, None)?;

    step("server API tests and contract fuzzing on PostgreSQL (throwaway cluster)");
    server_tests_on_postgres(&tools.schemathesis)?;

    step("browser tests (wasm-bindgen-test, headless Chromium)");
    let scratch = BrowserScratch::new("browser-tests")?;
    run(scratch
        .apply(&mut cmd(
            "cargo",
            &[
                "test",
                "-p",
                "users-console",
                "--target",
                "wasm32-unknown-unknown",
            ],
        ))
        .env("CHROMEDRIVER", &tools.chromedriver))?;
    drop(scratch);

    if skip_e2e {
        println!("\n(end-to-end tests skipped by --skip-e2e)");
    } else {
        step("end-to-end tests (release app + real server + headless Chromium)");
        build_app_release()?;
        run(&mut cmd("cargo", &["build", "-p", "users-server"]))?;
        let scratch = BrowserScratch::new("e2e")?;
        run(scratch
            .apply(&mut cmd(
                "cargo",
                &["test", "-p", "users-e2e", "--", "--test-threads", "2"],
            ))
            .env("CHROMEDRIVER", &tools.chromedriver)
            .env(
                "USERS_E2E_SERVER_BIN",
                root().join("target/debug/users-server"),
            )
            .env("USERS_E2E_DIST", root().join("dist"))
            .env("USERS_E2E_AXE", &tools.axe_core))?;
        drop(scratch);

        step("benchmark smoke run (cargo xtask bench --quick; no figure is asserted)");
        crate::bench::bench(&["--quick".to_string()])?;
    }

    println!("\n== all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// The environment variable that points the server's API tests at
/// PostgreSQL (a superuser URL: the harness creates a database per test).
pub const POSTGRES_URL_VAR: &str = "USERS_TEST_POSTGRES_URL";

/// `cargo test -p users-server --test api` against a throwaway cluster,
/// which is stopped and deleted whether the tests pass or fail. A second
/// cluster is the outage test's to stop and start (`USERS_TEST_OUTAGE_*`).
fn server_tests_on_postgres(schemathesis: &std::path::Path) -> Result<(), String> {
    let cluster = crate::postgres::Cluster::start("the server's API tests")?;
    let outage = crate::postgres::Cluster::start("the database-outage test")?;
    let (stop, start) = outage.outage_commands();
    let result = run(
        cmd("cargo", &["test", "-p", "users-server", "--test", "api"])
            .env(POSTGRES_URL_VAR, cluster.url())
            .env("USERS_TEST_OUTAGE_URL", outage.url())
            .env("USERS_TEST_OUTAGE_STOP", stop)
            .env("USERS_TEST_OUTAGE_START", start),
    );
    drop(outage);
    let result = result.and_then(|()| crate::fuzz::contract_fuzz(schemathesis, Some(&cluster)));
    drop(cluster);
    result
}

fn step(name: &str) {
    println!("\n== {name}");
}
