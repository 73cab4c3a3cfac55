//! A throwaway PostgreSQL cluster for the server's tests and the benchmark:
//! `initdb` in a fresh temporary directory, started on a free port of
//! 127.0.0.1 with durability off, then stopped and deleted when the
//! [`Cluster`] is dropped, so a failing test run stops it too.
//!
//! initdb refuses to run as root. As root, the directory (under /tmp, which
//! every user can reach even when the workspace is private to root) belongs
//! to Debian's `postgres` system user and initdb and pg_ctl run through
//! `runuser -u postgres --`; otherwise they run as the current user.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{append, bin_dir, free_port, fresh_dir, is_root, owner_pid, psql_of, quiet};
pub use support::{installed_versions, psql};

/// The system user Debian's package creates; it runs the cluster for root.
const SYSTEM_USER: &str = "postgres";
/// The cluster's superuser (trust authentication, 127.0.0.1 only).
const SUPERUSER: &str = "postgres";

/// Nobody needs the data after the run: no fsync, and enough connections
/// for the tests' many pools.
const SETTINGS: &[(&str, &str)] = &[
    ("listen_addresses", "'127.0.0.1'"),
    ("fsync", "off"),
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
    ("max_connections", "300"),
];

/// A running throwaway cluster; stopped and deleted on drop.
pub struct Cluster {
    purpose: String,
    dir: PathBuf,
    bin: PathBuf,
    version: u32,
    port: u16,
    as_system_user: bool,
}

impl Cluster {
    /// initdb, start and wait until it accepts connections. `purpose`
    /// names it in messages and in its directory's name.
    pub fn start(purpose: &str) -> Result<Cluster, String> {
        Cluster::start_with(purpose, &[])
    }

    /// As [`Cluster::start`], with `settings` added to the throwaway ones.
    pub fn start_with(purpose: &str, settings: &[(&str, &str)]) -> Result<Cluster, String> {
        let version = *installed_versions().last().ok_or(
            "PostgreSQL is not installed (no /usr/lib/postgresql/<N>/bin/initdb): run `cargo xtask setup`",
        )?;
        let as_system_user = is_root();
        // Root's clusters go to /tmp: TMPDIR could be a folder the
        // `postgres` user cannot reach.
        let base = if as_system_user {
            PathBuf::from("/tmp")
        } else {
            std::env::temp_dir()
        };
        let dir = fresh_dir(&base, purpose)?;
        // From here on, dropping `cluster` (on any error) cleans up.
        let mut cluster = Cluster {
            purpose: purpose.to_string(),
            dir,
            bin: bin_dir(version),
            version,
            port: 0,
            as_system_user,
        };
        cluster.init(settings)?;
        sweep_left_over(&cluster);
        cluster.launch()?;
        println!(
            "PostgreSQL {version} for {purpose}: {} (throwaway cluster in {}{}; stopped and deleted when done)",
            cluster.url(),
            cluster.dir.display(),
            if as_system_user {
                ", run as the postgres user"
            } else {
                ""
            }
        );
        Ok(cluster)
    }

    /// The superuser's URL to the `postgres` database (it may CREATE DATABASE).
    pub fn url(&self) -> String {
        self.database_url("postgres")
    }

    /// The superuser's URL to another database of the cluster.
    pub fn database_url(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    /// The major version running.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Runs SQL with psql (same version) on `database`; returns its
    /// unaligned, tuples-only output.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        psql_of(&self.bin, &self.database_url(database), sql)
    }

    /// The process ids of the cluster (the postmaster and its children),
    /// to measure the CPU time they use.
    pub fn pids(&self) -> Vec<u32> {
        let Some(postmaster) = self.postmaster_pid() else {
            return Vec::new();
        };
        let mut pids = vec![postmaster];
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            // "PID (name) STATE PPID …"
            let parent = stat
                .rfind(')')
                .and_then(|i| stat[i + 1..].split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if parent == Some(postmaster) {
                pids.push(pid);
            }
        }
        pids
    }

    /// Shell commands that stop the server at once (`pg_ctl stop -m
    /// immediate`: connections cut, as in a crash) and start it again on the
    /// same port, for the server's outage test.
    pub fn outage_commands(&self) -> (String, String) {
        let mut stop = self.program("pg_ctl");
        stop.arg("-D")
            .arg(self.data())
            .args(["-w", "-t", "30", "-m", "immediate", "stop"]);
        let mut start = self.program("pg_ctl");
        start
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-p {}", self.port))
            .arg("start");
        (self.shell_line(&stop), self.shell_line(&start))
    }

    /// `command` as one `sh -c` line, run from the cluster's folder.
    fn shell_line(&self, command: &Command) -> String {
        let quote =
            |word: &std::ffi::OsStr| format!("'{}'", word.to_string_lossy().replace('\'', "'\\''"));
        let words: Vec<String> = std::iter::once(command.get_program())
            .chain(command.get_args())
            .map(quote)
            .collect();
        format!(
            "cd {} && {} >/dev/null",
            quote(self.dir.as_os_str()),
            words.join(" ")
        )
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn postmaster_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.data().join("postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// One of the cluster's programs, as the `postgres` user when we are root.
    fn program(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = if self.as_system_user {
            let mut c = Command::new("runuser");
            c.args(["-u", SYSTEM_USER, "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        // The workspace may be private to root: work from our own folder.
        command.current_dir(&self.dir);
        command
    }

    fn init(&self, settings: &[(&str, &str)]) -> Result<(), String> {
        if self.as_system_user {
            quiet(
                Command::new("chown")
                    .arg(format!("{SYSTEM_USER}:"))
                    .arg(&self.dir),
            )?;
            quiet(
                Command::new("runuser")
                    .args(["-u", SYSTEM_USER, "--", "test", "-w"])
                    .arg(&self.dir),
            )
            .map_err(|_| {
                format!(
                    "the {SYSTEM_USER} user cannot write {} (is a parent folder private?)",
                    self.dir.display()
                )
            })?;
        }
        quiet(
            self.program("initdb")
                .arg("-D")
                .arg(self.data())
                .args(["-A", "trust", "-U", SUPERUSER, "-E", "UTF8"])
                .args(["--locale=C", "--no-sync"]),
        )?;
        let mut conf = String::from("\n# cargo xtask: a throwaway cluster\n");
        for (name, value) in SETTINGS.iter().chain(settings) {
            conf.push_str(&format!("{name} = {value}\n"));
        }
        let socket_dir = self.dir.to_string_lossy().replace('\'', "''");
        conf.push_str(&format!("unix_socket_directories = '{socket_dir}'\n"));
        append(&self.data().join("postgresql.conf"), &conf)
    }

    /// Starts on a free port (another one when it was taken meanwhile).
    fn launch(&mut self) -> Result<(), String> {
        let log = self.dir.join("server.log");
        let mut failure = String::new();
        for _ in 0..3 {
            self.port = free_port()?;
            let started = quiet(
                self.program("pg_ctl")
                    .arg("-D")
                    .arg(self.data())
                    .arg("-l")
                    .arg(&log)
                    .args(["-w", "-t", "60", "-o"])
                    .arg(format!("-p {}", self.port))
                    .arg("start"),
            );
            match started {
                Ok(()) => {
                    return quiet(
                        Command::new(self.bin.join("pg_isready"))
                            .args(["-h", "127.0.0.1", "-t", "30", "-p"])
                            .arg(self.port.to_string()),
                    )
                }
                Err(e) => failure = e,
            }
        }
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: Vec<&str> = log_text.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "PostgreSQL did not start: {failure}\nits log ({}):\n{}",
            log.display(),
            tail.join("\n")
        ))
    }

    fn stop(&self, mode: &str) -> bool {
        quiet(
            self.program("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-w", "-t", "30", "-m", mode, "stop"]),
        )
        .is_ok()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(pid) = self.postmaster_pid() {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if !self.stop("fast") && !self.stop("immediate") && comm.trim() == "postgres" {
                let _ = quiet(Command::new("kill").args(["-KILL", &pid.to_string()]));
            }
        }
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => println!(
                "PostgreSQL for {} stopped; {} deleted",
                self.purpose,
                self.dir.display()
            ),
            Err(e) => eprintln!("could not delete {}: {e}", self.dir.display()),
        }
    }
}

/// Stops and deletes the clusters of xtask runs that ended without
/// dropping theirs (Ctrl-C: pg_ctl runs the server in its own session).
/// Only those owned like `new`'s directory, beside it.
fn sweep_left_over(new: &Cluster) {
    use std::os::unix::fs::MetadataExt;
    let (Some(base), Ok(ours)) = (new.dir.parent(), std::fs::metadata(&new.dir)) else {
        return;
    };
    for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner_pid(&name) else {
            continue;
        };
        let same_owner = entry.metadata().is_ok_and(|m| m.uid() == ours.uid());
        if !same_owner || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        println!("removing a PostgreSQL cluster left by an interrupted run: {name}");
        drop(Cluster {
            purpose: "an interrupted run".into(),
            dir: entry.path(),
            bin: new.bin.clone(),
            version: new.version,
            port: 0,
            as_system_user: new.as_system_user,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Starts a real cluster: `cargo test -p xtask -- --ignored`.
    #[test]
    #[ignore = "needs PostgreSQL installed (cargo xtask setup)"]
    fn a_cluster_starts_answers_and_is_deleted() {
        let cluster = Cluster::start("xtask unit test").unwrap();
        assert_eq!(cluster.psql("postgres", "select 1").unwrap(), "1");
        let dir = cluster.dir.clone();
        assert!(!cluster.pids().is_empty());
        drop(cluster);
        assert!(!dir.exists());
    }
}
