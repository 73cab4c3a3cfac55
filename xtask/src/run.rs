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

/// `trunk build --release`: hashed files in dist/, wasm-opt -Oz. Trunk finds
/// wasm-bindgen and wasm-opt on the tool PATH and downloads nothing.
///
/// The release wasm is built with the pinned nightly (`setup::RELEASE_NIGHTLY`)
/// and `std` rebuilt for size: `-Zbuild-std` with `optimize_for_size`,
/// `panic=immediate-abort` (no panic messages or unwinding code; the
/// profile already aborts), no caller locations and no `Debug` formatting
/// code — about 29 KB gzip less than stable. Its own target directory keeps
/// the stable artifacts warm; every other build stays on stable.
///
/// Then `dist::finish`: one stylesheet, and `.br`/`.gz` copies for the
/// server to send.
pub fn build_app_release() -> Result<(), String> {
    run_cmd(
        cmd("trunk", &["build", "--release"])
            .env("TRUNK_SKIP_VERSION_CHECK", "true")
            .env("NO_COLOR", "true")
            .env("RUSTUP_TOOLCHAIN", crate::setup::RELEASE_NIGHTLY)
            .env("CARGO_TARGET_DIR", root().join("target/release-nightly"))
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
            // Replaces `.cargo/config.toml`'s rustflags for the target, so
            // `erase_components` is repeated here.
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
                "--cfg erase_components -Zunstable-options -Cpanic=immediate-abort \
                 -Zlocation-detail=none -Zfmt-debug=none",
            ),
    )?;
    crate::dist::finish(&root().join("dist"))
}
