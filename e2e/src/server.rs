//! A `users-server` process on a free loopback port with its own data
//! directory; killed when dropped, also when a test fails.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::workspace_root;

pub struct Server {
    child: Child,
    data_dir: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// An administrator's access token (created by `create-admin`).
    pub admin_token: String,
}

/// The server binary: `USERS_E2E_SERVER_BIN` or the workspace's debug build.
fn server_bin() -> PathBuf {
    std::env::var_os("USERS_E2E_SERVER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/users-server"))
}

/// The app's release build: `USERS_E2E_DIST` or the workspace's `dist/`.
pub fn dist_dir() -> PathBuf {
    std::env::var_os("USERS_E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("dist"))
}

impl Server {
    /// A server with one company and its administrator, no demo data.
    pub fn start() -> Server {
        Self::start_with(|_| {})
    }

    /// Like [`Server::start`], running `prepare` (CLI calls) before serving.
    pub fn start_with(prepare: impl FnOnce(&Cli)) -> Server {
        Self::start_serving(&dist_dir(), prepare)
    }

    /// Like [`Server::start_with`], serving the app from `dist`.
    pub fn start_serving(dist: &Path, prepare: impl FnOnce(&Cli)) -> Server {
        let bin = server_bin();
        assert!(
            bin.exists(),
            "no server binary at {} (run `cargo xtask test`)",
            bin.display()
        );
        assert!(
            dist.join("index.html").exists(),
            "no app build at {} (run `cargo xtask test`)",
            dist.display()
        );
        let data_dir = tempfile::tempdir().expect("temporary data directory");
        let cli = Cli {
            bin: bin.clone(),
            data_dir: data_dir.path().to_path_buf(),
        };
        let admin_token = cli.token_of(&[
            "create-admin",
            "--email",
            "admin@acme.example",
            "--first-name",
            "Ada",
            "--last-name",
            "Admin",
        ]);
        prepare(&cli);

        let mut child = Command::new(&bin)
            .arg("--data-dir")
            .arg(data_dir.path())
            .args(["serve", "--addr", "127.0.0.1:0", "--static-dir"])
            .arg(dist)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start users-server");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.trim().strip_prefix("Listening on ") {
                        break url.trim_end_matches('/').to_string();
                    }
                }
                _ => {
                    let status = child.wait().ok();
                    panic!("users-server exited before listening ({status:?})");
                }
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            data_dir,
            base_url,
            admin_token,
        }
    }

    /// The CLI bound to this server's data directory.
    pub fn cli(&self) -> Cli {
        Cli {
            bin: server_bin(),
            data_dir: self.data_dir.path().to_path_buf(),
        }
    }

    /// An absolute URL on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `users-server --data-dir <this server's> …`
pub struct Cli {
    bin: PathBuf,
    data_dir: PathBuf,
}

impl Cli {
    /// Runs a subcommand, panicking with its output when it fails; returns stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new(&self.bin)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .output()
            .expect("run users-server");
        assert!(
            out.status.success(),
            "users-server {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a subcommand that prints a token alone on its last line.
    pub fn token_of(&self, args: &[&str]) -> String {
        let out = self.run(args);
        out.lines().last().expect("a token line").trim().to_string()
    }
}
