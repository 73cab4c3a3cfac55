//! The contract fuzz run: schemathesis, driven only by the published
//! document (`api/openapi.json`), with every check and every phase, against
//! a freshly seeded server on SQLite or on a PostgreSQL cluster. Any failure
//! fails the build. `api/schemathesis.toml` lists the few statuses a schema
//! cannot predict, each with its reason.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::postgres::Cluster;
use crate::shell::{cmd, root, run};

/// The server being fuzzed; killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Fuzzes a server on SQLite, or on a new database of `cluster`.
pub fn contract_fuzz(st: &Path, cluster: Option<&Cluster>) -> Result<(), String> {
    run(&mut cmd("cargo", &["build", "-p", "users-server"]))?;
    let work = root().join("target/fuzz").join(if cluster.is_some() {
        "postgres"
    } else {
        "sqlite"
    });
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut storage: Vec<String> = vec![
        "--token-key-file".into(),
        work.join("token.key").to_string_lossy().into_owned(),
    ];
    match cluster {
        Some(cluster) => {
            cluster.psql("postgres", "DROP DATABASE IF EXISTS users_fuzz")?;
            cluster.psql("postgres", "CREATE DATABASE users_fuzz")?;
            storage.extend(["--database-url".into(), cluster.database_url("users_fuzz")]);
        }
        None => storage.extend([
            "--data-dir".into(),
            work.join("data").to_string_lossy().into_owned(),
        ]),
    }
    let server_bin = root().join("target/debug/users-server");
    let server = |args: &[&str]| {
        let mut command = Command::new(&server_bin);
        command
            .args(&storage)
            .args(args)
            .env_remove("USERS_CONSOLE_TOKEN_KEY");
        command
    };
    // The administrator first (user 1, whom the run signs in as), then the
    // demo company; the config regenerates user 2's token, never the caller's.
    let admin = server(&[
        "create-admin",
        "--email",
        "fuzz@acme.example",
        "--first-name",
        "Fuzz",
        "--last-name",
        "Admin",
    ])
    .output()
    .map_err(|e| format!("create-admin: {e}"))?;
    if !admin.status.success() {
        return Err(format!(
            "create-admin failed: {}",
            String::from_utf8_lossy(&admin.stderr)
        ));
    }
    let token = String::from_utf8_lossy(&admin.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    run(&mut server(&["seed-demo", "--users", "60"]))?;

    let mut child = server(&["serve", "--addr", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("start the server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let serving = Server(child);
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let base = first
        .strip_prefix("Listening on ")
        .ok_or_else(|| format!("unexpected first line from the server: {first:?}"))?
        .to_string();

    let api = root().join("api");
    let result = run(Command::new(st)
        .arg("--config-file")
        .arg(api.join("schemathesis.toml"))
        .arg("run")
        .arg(api.join("openapi.json"))
        // Every check but use-after-free: DELETE archives (the reason is in
        // api/schemathesis.toml; the command line's `--checks` wins over it).
        .args([
            "--url",
            &base,
            "--checks",
            "all",
            "--exclude-checks",
            "use_after_free",
        ])
        .env("USERS_FUZZ_TOKEN", &token)
        .current_dir(&work));
    drop(serving);
    result.map_err(|e| format!("the contract fuzz run failed ({e}); its report is above"))
}
