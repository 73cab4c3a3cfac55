//! Where a benchmarked server keeps its data: a SQLite file (seeded once
//! per company size and kept in bench/work between runs) or a database in
//! the run's throwaway PostgreSQL cluster (seeded on every run).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::postgres::{psql, Cluster};
use crate::shell::root;

pub enum Backend {
    /// `--data-dir DIR`: the database and the token key in DIR.
    Sqlite { data_dir: PathBuf },
    /// `--database-url URL --token-key-file FILE`; every server command of
    /// one database shares the key file (the server creates it, mode 0600).
    Postgres { url: String, key_file: PathBuf },
}

impl Backend {
    /// bench/work/users-N, kept between runs.
    pub fn sqlite(users: u64) -> Backend {
        Backend::Sqlite {
            data_dir: work_dir().join(format!("users-{users}")),
        }
    }

    /// A new, empty database `users_N` in `cluster` and a new key file in
    /// bench/work/postgres-N (its seed marker goes with it).
    pub fn postgres(cluster: &Cluster, users: u64) -> Result<Backend, String> {
        let dir = work_dir().join(format!("postgres-{users}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let database = format!("users_{users}");
        cluster.psql("postgres", &format!("DROP DATABASE IF EXISTS {database}"))?;
        cluster.psql("postgres", &format!("CREATE DATABASE {database}"))?;
        Ok(Backend::Postgres {
            url: cluster.database_url(&database),
            key_file: dir.join("token.key"),
        })
    }

    /// The name in the report's headings.
    pub fn label(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "SQLite",
            Backend::Postgres { .. } => "PostgreSQL",
        }
    }

    /// The folder of this backend's files (the server runs in it, so a
    /// default `./data` it may create stays there too).
    fn dir(&self) -> &Path {
        match self {
            Backend::Sqlite { data_dir } => data_dir,
            Backend::Postgres { key_file, .. } => key_file.parent().expect("a folder"),
        }
    }

    /// The server's options naming the storage (before the subcommand).
    fn args(&self) -> Vec<OsString> {
        match self {
            Backend::Sqlite { data_dir } => vec!["--data-dir".into(), data_dir.into()],
            Backend::Postgres { url, key_file } => vec![
                "--database-url".into(),
                url.into(),
                "--token-key-file".into(),
                key_file.into(),
            ],
        }
    }

    /// A server command on this storage; add the subcommand and its options.
    pub fn command(&self, server: &Path) -> Command {
        let mut command = Command::new(server);
        command.args(self.args()).current_dir(self.dir());
        command
    }

    /// The seeding time of the data in place, if seeded.
    pub fn seeded_secs(&self) -> Option<f64> {
        std::fs::read_to_string(self.marker())
            .ok()
            .and_then(|s| s.trim().parse().ok())
    }

    pub fn mark_seeded(&self, secs: f64) -> Result<(), String> {
        std::fs::write(self.marker(), format!("{secs}")).map_err(|e| e.to_string())
    }

    /// Named after the demo plan's version, so data seeded by an older
    /// plan (v1: no "Reviewers" group; v2: no audit history) is seeded
    /// again, not measured.
    fn marker(&self) -> PathBuf {
        self.dir().join("seeded-v3.txt")
    }

    /// Empties the storage before seeding.
    pub fn reset(&self) -> Result<(), String> {
        match self {
            Backend::Sqlite { data_dir } => {
                let _ = std::fs::remove_dir_all(data_dir);
                std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())
            }
            // Backend::postgres made it new and empty.
            Backend::Postgres { .. } => Ok(()),
        }
    }

    /// After seeding: PostgreSQL gets the VACUUM ANALYZE autovacuum would
    /// run shortly after a bulk load, so it does not run during the
    /// measurement instead.
    pub fn settle(&self) -> Result<(), String> {
        match self {
            Backend::Sqlite { .. } => Ok(()),
            Backend::Postgres { url, .. } => psql(url, "VACUUM (ANALYZE)").map(drop),
        }
    }

    /// The database's size in bytes: the SQLite files, or
    /// `pg_database_size` (tables and indexes; not the cluster's WAL).
    pub fn size_bytes(&self) -> Option<u64> {
        match self {
            Backend::Sqlite { data_dir } => Some(dir_size(data_dir)),
            Backend::Postgres { url, .. } => {
                psql(url, "SELECT pg_database_size(current_database())")
                    .ok()?
                    .parse()
                    .ok()
            }
        }
    }
}

fn work_dir() -> PathBuf {
    root().join("bench/work")
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_names_its_storage_before_the_subcommand() {
        let sqlite = Backend::Sqlite {
            data_dir: "/w/users-10".into(),
        };
        assert_eq!(sqlite.args(), ["--data-dir", "/w/users-10"]);
        let postgres = Backend::Postgres {
            url: "postgres://postgres@127.0.0.1:5/users_10".into(),
            key_file: "/w/postgres-10/token.key".into(),
        };
        assert_eq!(
            postgres.args(),
            [
                "--database-url",
                "postgres://postgres@127.0.0.1:5/users_10",
                "--token-key-file",
                "/w/postgres-10/token.key"
            ]
        );
        assert_eq!(postgres.dir(), Path::new("/w/postgres-10"));
        assert_eq!((sqlite.label(), postgres.label()), ("SQLite", "PostgreSQL"));
    }

    /// A database in a real cluster: `cargo test -p xtask -- --ignored`.
    #[test]
    #[ignore = "needs PostgreSQL installed (cargo xtask setup)"]
    fn a_postgres_backend_is_a_new_database_with_its_own_key_folder() {
        let cluster = Cluster::start("xtask backend test").unwrap();
        let backend = Backend::postgres(&cluster, 7).unwrap();
        let dir = backend.dir().to_path_buf();
        assert!(dir.ends_with("bench/work/postgres-7") && dir.is_dir());
        assert_eq!(backend.seeded_secs(), None);
        backend.mark_seeded(1.5).unwrap();
        assert_eq!(backend.seeded_secs(), Some(1.5));
        backend.settle().unwrap();
        assert!(backend.size_bytes().unwrap() > 1_000_000);
        // A second one starts over: new database, no marker.
        let again = Backend::postgres(&cluster, 7).unwrap();
        assert_eq!(again.seeded_secs(), None);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
