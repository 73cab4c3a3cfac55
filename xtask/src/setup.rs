//! Installs what the build and the tests need, checking versions, not only
//! presence. Idempotent: when everything is in place it takes a second.

use std::path::PathBuf;

use crate::shell::{cargo_bin_dir, cmd, output, root, run, tools_dir};

/// Debian's binaryen is too old for rustc 1.95 output; npm's works.
const BINARYEN_NPM: &str = "binaryen@132.0.0";
const WASM_OPT_VERSION: &str = "version 132";
const AXE_CORE_NPM: &str = "axe-core@4.14.1";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const WRK: &str = "/usr/bin/wrk";
/// The toolchain of the app's release build only (see `run::build_app_release`);
/// everything else builds on stable.
pub const RELEASE_NIGHTLY: &str = "nightly-2026-10-29";
/// The contract fuzzer, from PyPI, in a virtual environment under tools/.
const SCHEMATHESIS_PIP: &str = "schemathesis==4.32.5";

/// Paths the other tasks use once setup has passed.
pub struct Tools {
    pub chromedriver: PathBuf,
    pub axe_core: PathBuf,
    /// schemathesis's `st`.
    pub schemathesis: PathBuf,
}

pub fn setup() -> Result<Tools, String> {
    println!("== setup: checking tools");
    wasm_target()?;
    release_nightly()?;
    wasm_bindgen()?;
    npm_tools()?;
    browser()?;
    postgresql()?;
    let schemathesis = schemathesis()?;
    println!("== setup: all tools present");
    Ok(Tools {
        chromedriver: PathBuf::from(CHROMEDRIVER),
        axe_core: tools_dir().join("node_modules/axe-core/axe.min.js"),
        schemathesis,
    })
}

fn wasm_target() -> Result<(), String> {
    let installed =
        output(&mut cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("ok   rustup target wasm32-unknown-unknown");
        return Ok(());
    }
    println!("install rustup target wasm32-unknown-unknown");
    run(&mut cmd(
        "rustup",
        &["target", "add", "wasm32-unknown-unknown"],
    ))
}

/// The pinned nightly with `rust-src` (to rebuild `std` for size) and the
/// wasm target, for the app's release build.
fn release_nightly() -> Result<(), String> {
    let sysroot = output(&mut cmd(
        "rustc",
        &[&format!("+{RELEASE_NIGHTLY}"), "--print", "sysroot"],
    ))
    .map(|s| PathBuf::from(s.trim()));
    let complete = sysroot.is_some_and(|root| {
        root.join("lib/rustlib/src/rust/library/std").is_dir()
            && root.join("lib/rustlib/wasm32-unknown-unknown").is_dir()
    });
    if complete {
        println!("ok   {RELEASE_NIGHTLY} with rust-src (the app's release build)");
        return Ok(());
    }
    println!(
        "install {RELEASE_NIGHTLY} with rust-src and the wasm target (the app's release build)"
    );
    run(&mut cmd(
        "rustup",
        &[
            "toolchain",
            "install",
            RELEASE_NIGHTLY,
            "--profile",
            "minimal",
            "--component",
            "rust-src",
            "--target",
            "wasm32-unknown-unknown",
        ],
    ))
}

/// wasm-bindgen-cli must match the `wasm-bindgen` crate in Cargo.lock exactly.
fn wasm_bindgen() -> Result<(), String> {
    let version = locked_version("wasm-bindgen")?;
    let bin = cargo_bin_dir().join("wasm-bindgen");
    let found = output(&mut cmd(&bin.to_string_lossy(), &["--version"]));
    let runner = cargo_bin_dir().join("wasm-bindgen-test-runner");
    if found.as_deref() == Some(&format!("wasm-bindgen {version}")) && runner.exists() {
        println!("ok   wasm-bindgen-cli {version}");
        return Ok(());
    }
    // Not --locked: its own lockfile names a crate version this registry lacks.
    println!("install wasm-bindgen-cli {version} (found {found:?}; takes ~4 minutes)");
    run(&mut cmd(
        "cargo",
        &[
            "install",
            "--force",
            "wasm-bindgen-cli",
            "--version",
            &version,
        ],
    ))
}

/// The version of `package` recorded in Cargo.lock.
pub fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    version_in_lock(&lock, package)
}

fn version_in_lock(lock: &str, package: &str) -> Result<String, String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}

/// wasm-opt (npm binaryen) and axe-core, in the git-ignored tools folder.
fn npm_tools() -> Result<(), String> {
    let tools = tools_dir();
    let wasm_opt = tools.join("node_modules/.bin/wasm-opt");
    let found = output(&mut cmd(&wasm_opt.to_string_lossy(), &["--version"])).unwrap_or_default();
    let axe = tools.join("node_modules/axe-core/package.json");
    let axe_version = std::fs::read_to_string(&axe).unwrap_or_default();
    let axe_wanted = AXE_CORE_NPM.trim_start_matches("axe-core@");
    let axe_ok = axe_version.contains(&format!("\"version\": \"{axe_wanted}\""));
    if found.contains(WASM_OPT_VERSION) && axe_ok {
        println!("ok   wasm-opt ({found}), axe-core {axe_wanted}");
        return Ok(());
    }
    println!(
        "install {BINARYEN_NPM} and {AXE_CORE_NPM} into {}",
        tools.display()
    );
    std::fs::create_dir_all(&tools)
        .map_err(|e| format!("cannot create {}: {e}", tools.display()))?;
    let prefix = tools.to_string_lossy().into_owned();
    run(&mut cmd(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--save-exact",
            BINARYEN_NPM,
            AXE_CORE_NPM,
        ],
    ))
}

/// schemathesis (pinned) in a Python virtual environment, tools/schemathesis.
fn schemathesis() -> Result<PathBuf, String> {
    let venv = tools_dir().join("schemathesis");
    let st = venv.join("bin/st");
    let wanted = SCHEMATHESIS_PIP.trim_start_matches("schemathesis==");
    let found = output(&mut cmd(&st.to_string_lossy(), &["--version"])).unwrap_or_default();
    if found.trim() == format!("st, version {wanted}") {
        println!("ok   schemathesis {wanted}");
        return Ok(st);
    }
    println!("install {SCHEMATHESIS_PIP} into {}", venv.display());
    std::fs::create_dir_all(tools_dir()).map_err(|e| e.to_string())?;
    run(&mut cmd(
        "python3",
        &["-m", "venv", &venv.to_string_lossy()],
    ))
    .map_err(|e| format!("{e}\n(on Debian without it: apt-get install python3-venv)"))?;
    run(&mut cmd(
        &venv.join("bin/pip").to_string_lossy(),
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SCHEMATHESIS_PIP,
        ],
    ))?;
    Ok(st)
}

/// Debian's Chromium and its driver (same major version), and wrk (the
/// benchmark's load generator, used by the smoke run in `xtask test`).
fn browser() -> Result<(), String> {
    let chromium = output(&mut cmd(CHROMIUM, &["--version"]));
    let driver = output(&mut cmd(CHROMEDRIVER, &["--version"]));
    let wrk = std::path::Path::new(WRK).exists();
    if let (Some(chromium), Some(driver), true) = (&chromium, &driver, wrk) {
        if major(chromium) == major(driver) && major(chromium).is_some() {
            let driver = driver.split(" (").next().unwrap_or(driver);
            println!("ok   {chromium}; {driver}; wrk");
            return Ok(());
        }
    }
    let is_root = output(&mut cmd("id", &["-u"])).as_deref() == Some("0");
    let install = "apt-get update && apt-get install -y chromium chromium-driver wrk";
    if !is_root {
        return Err(format!(
            "Chromium, chromedriver or wrk is missing (or browser and driver differ); run as root:\n    {install}"
        ));
    }
    println!(
        "install chromium, chromium-driver and wrk (found {chromium:?} / {driver:?} / wrk: {wrk})"
    );
    run(&mut cmd("apt-get", &["update"]))?;
    run(cmd(
        "apt-get",
        &["install", "-y", "chromium", "chromium-driver", "wrk"],
    )
    .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// Debian's PostgreSQL server programs and contrib's pg_trgm extension, for
/// the server's PostgreSQL tests and benchmark (xtask starts throwaway
/// clusters itself; the "main" cluster the package may create is not used).
fn postgresql() -> Result<(), String> {
    let version = crate::postgres::installed_versions().last().copied();
    let trgm = version.is_some_and(|v| std::path::Path::new(&pg_trgm_control(v)).exists());
    if let (Some(version), true) = (version, trgm) {
        println!("ok   PostgreSQL {version} with pg_trgm");
        return Ok(());
    }
    let is_root = output(&mut cmd("id", &["-u"])).as_deref() == Some("0");
    let install = "apt-get update && apt-get install -y postgresql postgresql-contrib";
    if !is_root {
        return Err(format!(
            "PostgreSQL or its pg_trgm extension is missing; run as root:\n    {install}"
        ));
    }
    println!(
        "install postgresql and postgresql-contrib (found version {version:?}, pg_trgm: {trgm})"
    );
    run(&mut cmd("apt-get", &["update"]))?;
    run(cmd(
        "apt-get",
        &["install", "-y", "postgresql", "postgresql-contrib"],
    )
    .env("DEBIAN_FRONTEND", "noninteractive"))?;
    match crate::postgres::installed_versions().last() {
        Some(v) if std::path::Path::new(&pg_trgm_control(*v)).exists() => Ok(()),
        _ => Err(
            "PostgreSQL was installed but no initdb with pg_trgm is in /usr/lib/postgresql/<N>/bin"
                .into(),
        ),
    }
}

/// Where contrib's pg_trgm extension of a major version is described.
fn pg_trgm_control(version: u32) -> String {
    format!("/usr/share/postgresql/{version}/extension/pg_trgm.control")
}

/// The major version in "Chromium 156.0…" / "ChromeDriver 156.0…".
fn major(version_line: &str) -> Option<&str> {
    version_line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .and_then(|v| v.split('.').next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_exact_package_from_the_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9.9.9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(version_in_lock(lock, "wasm-bindgen").unwrap(), "0.2.130");
        assert!(version_in_lock(lock, "leptos").is_err());
    }

    #[test]
    fn major_versions_of_browser_and_driver() {
        assert_eq!(
            major("Chromium 156.0.8078.108 built on Debian"),
            Some("156")
        );
        assert_eq!(major("ChromeDriver 156.0.8078.108 (abc)"), Some("156"));
        assert_eq!(major("no version here"), None);
    }
}
