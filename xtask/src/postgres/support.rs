//! The cluster's helpers: finding the programs, psql, its directory's
//! name, a free port, and running commands quietly.

use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::shell::output;

/// Where Debian's packages put each major version's programs.
const DEBIAN_LIB: &str = "/usr/lib/postgresql";
/// Prefix of the clusters' directory names in the temporary directory.
const DIR_PREFIX: &str = "users-pg-";

/// The installed major versions with programs (initdb), lowest first.
pub fn installed_versions() -> Vec<u32> {
    let mut versions: Vec<u32> = std::fs::read_dir(DEBIAN_LIB)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .filter(|v| bin_dir(*v).join("initdb").exists())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_unstable();
    versions
}

/// The programs of one major version.
pub fn bin_dir(version: u32) -> PathBuf {
    Path::new(DEBIAN_LIB).join(version.to_string()).join("bin")
}

pub fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

/// Runs SQL with psql (of the highest installed version) on a database
/// URL; returns its unaligned, tuples-only output.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let bin = installed_versions()
        .last()
        .map_or_else(|| PathBuf::from("/usr/bin"), |v| bin_dir(*v));
    psql_of(&bin, url, sql)
}

pub fn psql_of(bin: &Path, url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new(bin.join("psql"))
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            url,
            "-c",
            sql,
        ])
        .output()
        .map_err(|e| format!("cannot start psql: {e}"))?;
    if !out.status.success() {
        return Err(format!("psql -c {sql:?} failed: {}", stderr_of(&out)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A new directory of our own: `users-pg-<our pid>-<n>-<purpose>`, mode 0700.
pub fn fresh_dir(base: &Path, purpose: &str) -> Result<PathBuf, String> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let label: String = purpose
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(24)
        .collect();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = base.join(format!(
        "{DIR_PREFIX}{}-{}{nanos:09}-{label}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
    ));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The pid of the xtask that made a cluster directory, from its name.
pub fn owner_pid(name: &str) -> Option<u32> {
    name.strip_prefix(DIR_PREFIX)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Runs a command with its output captured; the error shows it.
pub fn quiet(command: &mut Command) -> Result<(), String> {
    let out = command
        .output()
        .map_err(|e| format!("could not start {:?}: {e}", command.get_program()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} {:?} failed ({}): {}",
            command.get_program(),
            command.get_args().collect::<Vec<_>>(),
            out.status,
            stderr_of(&out)
        ))
    }
}

pub fn stderr_of(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if text.is_empty() {
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    } else {
        text
    }
}

pub fn append(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_carry_the_owning_process() {
        let base = std::env::temp_dir();
        let dir = fresh_dir(&base, "unit test/ä").unwrap();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        std::fs::remove_dir(&dir).unwrap();
        assert!(name.ends_with("-unit-test--"), "{name}");
        assert_eq!(owner_pid(&name), Some(std::process::id()));
        assert_eq!(owner_pid("users-pg-x"), None);
        assert_eq!(owner_pid("other-1-2"), None);
    }
}
