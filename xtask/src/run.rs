//! `cargo xtask run`: release build of the app, then the server on
//! 127.0.0.1:8080 with a SQLite database under ./data, demo data on first
//! start, and an administrator token printed to sign in with.

use crate::setup::setup;
use crate::shell::{cmd, output, root, run as run_cmd};

/// The administrator `run` signs in as (created on first start).
const ADMIN_EMAIL: &str = "admin@acme.example";
const COMPANY: &str = "Acme Robotics";
const DEMO_USERS: &str = "200";

struct Options {
    addr: String,
    data_dir: String,
    demo: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        addr: "127.0.0.1:8080".into(),
        data_dir: "data".into(),
        demo: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => options.addr = args.next().ok_or("--addr needs a value")?.clone(),
            "--data-dir" => {
                options.data_dir = args.next().ok_or("--data-dir needs a value")?.clone()
            }
            "--no-demo" => options.demo = false,
            other => return Err(format!("run: unknown option {other:?}")),
        }
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    setup()?;
    build_app_release()?;
    run_cmd(&mut cmd(
        "cargo",
        &["build", "--release", "-p", "users-server"],
    ))?;
    let server = root().join("target/release/users-server");
    let server = server.to_string_lossy();
    let data_dir = options.data_dir.as_str();
    let first_start = !root().join(data_dir).join("users.db").exists();

    let token = output(&mut cmd(
        &server,
        &[
            "--data-dir",
            data_dir,
            "create-admin",
            "--company",
            COMPANY,
            "--email",
            ADMIN_EMAIL,
            "--first-name",
            "Ada",
            "--last-name",
            "Admin",
        ],
    ))
    .and_then(|out| out.lines().last().map(str::to_string))
    .ok_or("create-admin failed: see the server's message above")?;
    if first_start && options.demo {
        run_cmd(&mut cmd(
            &server,
            &[
                "--data-dir",
                data_dir,
                "seed-demo",
                "--company",
                COMPANY,
                "--users",
                DEMO_USERS,
            ],
        ))?;
    }

    println!("\nUsers console: http://{}/", options.addr);
    println!("Sign in as {ADMIN_EMAIL} with this access token:\n\n    {token}\n");
    println!("Ctrl-C stops the server.\n");
    // The server shares our terminal's process group, so Ctrl-C reaches it
    // and it shuts down gracefully; we just wait for it.
    run_cmd(&mut cmd(
        &server,
        &[
            "--data-dir",
            data_dir,
            "serve",
            "--addr",
            &options.addr,
            "--static-dir",
            "dist",
        ],
    ))
}

/// The app's release build into a fresh `dist/` (see `app_build`): the
/// wasm split into the list's first load and chunks loaded on first use,
/// `index.html` with one stylesheet, and `.br`/`.gz` copies for the server.
///
/// The release wasm is built with the pinned nightly (`setup::RELEASE_NIGHTLY`)
/// and `std` rebuilt for size: `-Zbuild-std` with `optimize_for_size`,
/// `panic=immediate-abort` (no panic messages or unwinding code; the
/// profile already aborts), no caller locations and no `Debug` formatting
/// code — about 29 KB gzip less than stable. Its own target directory keeps
/// the stable artifacts warm; every other build stays on stable.
pub fn build_app_release() -> Result<(), String> {
    let dist = root().join("dist");
    if dist.exists() {
        std::fs::remove_dir_all(&dist).map_err(|e| format!("clear {}: {e}", dist.display()))?;
    }
    std::fs::create_dir_all(&dist).map_err(|e| format!("create {}: {e}", dist.display()))?;
    let app = crate::app_build::build(&dist)?;
    crate::page::write_page(&root().join("index.html"), &dist, &app)?;
    crate::dist::precompress(&dist)
}
