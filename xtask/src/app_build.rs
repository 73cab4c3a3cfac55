//! The app's release build into `dist/`, done here rather than by Trunk:
//! the views a cold load of the list does not need (`src/pages/lazy.rs`)
//! are split into wasm chunks fetched on first use, and that step sits
//! between cargo and wasm-bindgen, where Trunk has no hook (trunk#1022).
//!
//! 1. cargo builds the app with the pinned nightly that rebuilds `std` for
//!    size, `--cfg wasm_split` (which turns those views into split points)
//!    and the relocations the splitter reads (`--emit-relocs`);
//! 2. `wasm_split_cli_support` writes the main module, one chunk per view
//!    (and chunks of code several views share) and `__wasm_split-<hash>.js`,
//!    which fetches them beside itself;
//! 3. wasm-bindgen makes the main module's JavaScript, its imports get
//!    short names in both (see [`crate::short_imports`]), and wasm-opt
//!    shrinks every module;
//! 4. `index.html` is written from the source one (see [`crate::page`]),
//!    and every file gets its `.br` and `.gz` copies (see [`crate::dist`]).
//!
//! Every file is named by the hash of cargo's output and of this build's
//! steps, so a new build never mixes with a cached old one. Trunk's
//! `data-trunk` links in `index.html` stay, so `trunk serve` still makes an
//! unsplit development build.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha384};

use crate::dist::read_string;
use crate::setup::RELEASE_NIGHTLY;
use crate::shell::{cmd, root, run, tools_dir};

/// The app's binary, as cargo and Trunk name it.
const APP: &str = "users-console";

/// wasm-opt's options: `-Oz` with the features rustc's output uses.
const WASM_OPT: &[&str] = &[
    "-Oz",
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--strip-debug",
    "--strip-producers",
];

/// What the build leaves for `index.html`: the files the page loads first.
pub struct AppFiles {
    /// The main module's JavaScript (`/users-console-<hash>.js`).
    pub script: String,
    /// The main module (`/users-console-<hash>_bg.wasm`).
    pub wasm: String,
    /// The chunks' loader, which the main module imports
    /// (`/__wasm_split-<hash>.js`).
    pub loader: String,
}

/// Builds the app's wasm and JavaScript into `dist`.
pub fn build(dist: &Path) -> Result<AppFiles, String> {
    let target_dir = root().join("target/release-nightly");
    cargo_build(&target_dir)?;
    let input_path = target_dir.join(format!("wasm32-unknown-unknown/wasm-release/{APP}.wasm"));
    let input = read(&input_path)?;
    // The names are immutable in caches, so they change with what this
    // build does to cargo's output too (a cached script must never meet a
    // wasm whose imports were named differently).
    let steps = [
        include_str!("app_build.rs"),
        include_str!("short_imports.rs"),
    ];
    let hash = Sha384::new()
        .chain_update(&input)
        .chain_update(steps.concat())
        .finalize();
    let hash = crate::dist::hex(&hash[..8]);
    let stem = format!("{APP}-{hash}");
    let link = format!("__wasm_split-{hash}.js");

    let work = target_dir.join("split");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("clear {}: {e}", work.display()))?;
    }
    let main_path = work.join("main.wasm");
    let main_module = format!("./{stem}.js");
    let link_name = format!("./{link}");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&input);
        opts.output_dir = &work;
        opts.main_out_path = &main_path;
        opts.link_name = &link_name;
        opts.main_module = &main_module;
        opts.target.web();
        opts
    })
    .map_err(|e| format!("splitting the wasm: {e:#}"))?;

    let bindgen = work.join("bindgen");
    run(&mut cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--keep-lld-exports",
            "--out-name",
            &stem,
            "--out-dir",
            &bindgen.to_string_lossy(),
            &main_path.to_string_lossy(),
        ],
    ))?;
    let script = format!("{stem}.js");
    let wasm = format!("{stem}_bg.wasm");
    let (short_wasm, short_script) = crate::short_imports::shorten(
        &read(&bindgen.join(&wasm))?,
        &read_string(&bindgen.join(&script))?,
        &format!("./{stem}_bg.js"),
    )?;
    let short = work.join("short.wasm");
    write(&short, &short_wasm)?;
    write(&dist.join(&script), short_script.as_bytes())?;
    optimise(&short, &dist.join(&wasm))?;

    // The chunks, renamed with the hash in the loader that fetches them.
    let mut loader = read_string(&work.join(&link))?;
    for chunk in &split.split_modules {
        let name = chunk
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("a chunk without a name: {}", chunk.display()))?;
        let from = format!("\"./{name}.wasm\"");
        if !loader.contains(&from) {
            return Err(format!("{link} does not fetch {name}.wasm"));
        }
        let hashed = format!("{name}-{hash}.wasm");
        loader = loader.replace(&from, &format!("\"./{hashed}\""));
        optimise(chunk, &dist.join(&hashed))?;
    }
    std::fs::write(dist.join(&link), loader).map_err(|e| format!("write {link}: {e}"))?;
    Ok(AppFiles {
        script: format!("/{script}"),
        wasm: format!("/{wasm}"),
        loader: format!("/{link}"),
    })
}

/// `cargo build` of the app for the split (see the module's comment).
fn cargo_build(target_dir: &Path) -> Result<(), String> {
    run(cmd(
        "cargo",
        &[
            "build",
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
            "--bin",
            APP,
        ],
    )
    .env("RUSTUP_TOOLCHAIN", RELEASE_NIGHTLY)
    .env("CARGO_TARGET_DIR", target_dir)
    .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
    .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size")
    // Cargo joins these to `.cargo/config.toml`'s rustflags for the target
    // (`erase_components` is named in both, harmlessly).
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "--cfg erase_components --cfg wasm_split -Zunstable-options -Cpanic=immediate-abort \
         -Zlocation-detail=none -Zfmt-debug=none -Clink-args=--emit-relocs",
    ))
}

/// wasm-opt `from` into `to`.
fn optimise(from: &Path, to: &Path) -> Result<(), String> {
    let mut args: Vec<String> = WASM_OPT.iter().map(|s| s.to_string()).collect();
    args.push(from.to_string_lossy().into_owned());
    args.push("-o".into());
    args.push(to.to_string_lossy().into_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&mut cmd(&wasm_opt().to_string_lossy(), &args))
}

/// The wasm-opt `cargo xtask setup` installs.
fn wasm_opt() -> PathBuf {
    tools_dir().join("node_modules/binaryen/bin/wasm-opt")
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("write {}: {e}", path.display()))
}
