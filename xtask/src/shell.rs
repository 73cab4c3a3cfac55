//! Running commands: echo them, fail loudly, and share one PATH that puts
//! the project's tools first.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (the xtask crate lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// The git-ignored folder for npm-installed tools (wasm-opt, axe-core).
pub fn tools_dir() -> PathBuf {
    root().join("tools")
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> PathBuf {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"));
    cargo_home.join("bin")
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

/// PATH with the tools folder and cargo's bin folder in front.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![tools_dir().join("node_modules/.bin"), cargo_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).expect("PATH entries are valid")
}

/// A command in the workspace root with the tool PATH.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path());
    command
}

/// Runs a command, echoing it; an error names it and its exit status.
pub fn run(command: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(command));
    let status = command
        .status()
        .map_err(|e| format!("could not start `{}`: {e}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(command)))
    }
}

/// Runs a command quietly and returns its trimmed stdout, or `None` when it
/// cannot start or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// A scratch `TMPDIR` for commands that start Chromium, emptied before use
/// and removed when dropped. chromedriver keeps each session's profile
/// (~100 MB once the test wasm is in its HTTP cache) in `TMPDIR`, and a
/// Chromium that is ended rather than quit leaves it there: a dozen test
/// binaries a run filled a shared disk within a day.
pub struct BrowserScratch(PathBuf);

impl BrowserScratch {
    pub fn new(name: &str) -> Result<Self, String> {
        let dir = root().join("target/tmp").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        Ok(BrowserScratch(dir))
    }

    /// Points `command`'s temporary files into the scratch folder.
    pub fn apply<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command.env("TMPDIR", &self.0)
    }
}

impl Drop for BrowserScratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
