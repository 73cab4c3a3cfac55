//! A seeded server for the benchmark, on either storage backend.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Instant;

use super::backend::Backend;
use crate::shell::{root, run};

/// A running server for the benchmark; killed on drop.
pub struct BenchServer {
    pub child: Child,
    pub addr: String,
    pub token: String,
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A started server of `users` users, the seeding rate (users per second)
/// and the database's size in bytes (when known). Seeds when `backend`
/// is not seeded yet (SQLite data is reused from an earlier run).
pub fn start(
    server: &Path,
    backend: &Backend,
    users: u64,
) -> Result<(BenchServer, f64, Option<u64>), String> {
    if backend.seeded_secs().is_none() {
        backend.reset()?;
        admin_token(server, backend)?;
        println!("seeding {users} users ({})…", backend.label());
        let started = Instant::now();
        run(backend
            .command(server)
            .args(["seed-demo", "--users", &users.to_string()]))?;
        let secs = started.elapsed().as_secs_f64();
        backend.settle()?;
        backend.mark_seeded(secs)?;
    }
    let seed_secs = backend.seeded_secs().ok_or("unreadable seed marker")?;
    let db_bytes = backend.size_bytes();
    let token = admin_token(server, backend)?;

    let mut command = backend.command(server);
    command.args(["serve", "--addr", "127.0.0.1:0"]);
    // The built app when there is one (`--load-only` measures the API alone).
    let dist = root().join("dist");
    if dist.join("index.html").exists() {
        command.arg("--static-dir").arg(dist);
    }
    let mut child = command
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("start server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.trim().strip_prefix("Listening on http://") {
                    break url.trim_end_matches('/').to_string();
                }
            }
            _ => return Err("server exited before listening".into()),
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok((
        BenchServer { child, addr, token },
        users as f64 / seed_secs,
        db_bytes,
    ))
}

fn admin_token(server: &Path, backend: &Backend) -> Result<String, String> {
    let out = backend
        .command(server)
        .args([
            "create-admin",
            "--email",
            "bench.admin@acme.example",
            "--first-name",
            "Bench",
            "--last-name",
            "Admin",
        ])
        .output()
        .map_err(|e| format!("cannot start the server's create-admin: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "create-admin ({}) failed: {}",
            backend.label(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .lines()
        .last()
        .map(str::to_string)
        .ok_or_else(|| "create-admin printed nothing".into())
}
