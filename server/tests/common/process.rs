//! The `users-server` binary as an operator runs it: `serve` processes that
//! can be stopped with SIGTERM or killed with SIGKILL, and CLI commands on
//! the same database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{Api, TestDatabase};

/// The binary with the options selecting `db` (and no key from the environment).
pub fn bin(db: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_users-server"));
    command
        .args(&db.cli_args)
        .env_remove("USERS_CONSOLE_TOKEN_KEY");
    command
}

/// Creates an administrator through the binary; returns its token.
pub fn create_admin(db: &TestDatabase, company: &str, email: &str) -> String {
    let out = bin(db)
        .args(["create-admin", "--company", company, "--email", email])
        .args(["--first-name", "Ada", "--last-name", "Admin"])
        .output()
        .expect("create-admin");
    assert!(
        out.status.success(),
        "create-admin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .expect("token line")
        .trim()
        .to_string()
}

/// A `users-server serve` process, killed when dropped. Its log goes to
/// `log` (shown by [`Instance::log`] when a test fails).
pub struct Instance {
    child: Child,
    pub api: Api,
    pub log: std::path::PathBuf,
}

impl std::ops::Deref for Instance {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Instance {
    /// Starts `serve` on a free port and waits until it listens.
    pub async fn start(db: &TestDatabase) -> Instance {
        Self::start_with(db, &[]).await
    }

    /// Starts `serve` with extra `serve` options.
    pub async fn start_with(db: &TestDatabase, serve_args: &[&str]) -> Instance {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let log = std::env::temp_dir().join(format!(
            "users-server-test-{}-{}.log",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let mut child = bin(db)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start users-server");
        let stdout = child.stdout.take().expect("stdout");
        let line = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout).lines().next().and_then(Result::ok)
        })
        .await
        .expect("read the first line")
        .unwrap_or_default();
        let base = line
            .strip_prefix("Listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {line:?}; log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_string();
        Instance {
            child,
            api: Api::new(base),
            log,
        }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last lines of the server's log, for a failure message.
    pub fn log_tail(&self) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// The `host:port` it listens on.
    pub fn addr(&self) -> &str {
        self.api.base.trim_start_matches("http://")
    }

    /// Sends SIGTERM and waits up to `limit` for the process to exit;
    /// returns how long it took, or `None` if it is still running.
    pub async fn terminate(&mut self, limit: Duration) -> Option<Duration> {
        let started = Instant::now();
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        while started.elapsed() < limit {
            if self.child.try_wait().expect("wait").is_some() {
                return Some(started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// SIGKILL: the process dies at once, wherever it is.
    pub fn kill_9(&mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }
}
