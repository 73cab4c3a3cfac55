//! `cargo xtask screenshots`: PNGs of the main views, taken from the
//! release app on a real server with demo data, into `docs/screenshots/`
//! (the README shows two of them). Re-run it after a visible change and look
//! at every picture before committing them.

use crate::run::build_app_release;
use crate::shell::{cmd, root, run};

pub fn screenshots(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err(format!("screenshots takes no options, got {args:?}"));
    }
    let tools = crate::setup::setup()?;
    build_app_release()?;
    run(&mut cmd("cargo", &["build", "-p", "users-server"]))?;
    run(&mut cmd(
        "cargo",
        &["build", "-p", "users-e2e", "--bin", "screenshots"],
    ))?;
    let out = root().join("docs/screenshots");
    std::fs::create_dir_all(&out).map_err(|e| format!("create {}: {e}", out.display()))?;
    let scratch = crate::shell::BrowserScratch::new("screenshots")?;
    run(scratch
        .apply(&mut cmd(
            root()
                .join("target/debug/screenshots")
                .to_str()
                .expect("UTF-8 path"),
            &[out.to_str().expect("UTF-8 path")],
        ))
        .env("CHROMEDRIVER", &tools.chromedriver)
        .env(
            "USERS_E2E_SERVER_BIN",
            root().join("target/debug/users-server"),
        )
        .env("USERS_E2E_DIST", root().join("dist")))?;
    println!("\nscreenshots written to {}", out.display());
    Ok(())
}
