//! Storage: the only module that speaks SQL. Handlers and the CLI use the
//! methods of [`Store`] with the contract's types; the SQLite implementation
//! lives in the submodules. A PostgreSQL backend would add another
//! implementation behind the same methods without touching the handlers.
//!
//! Writes go through a one-connection pool and `BEGIN IMMEDIATE`, so a
//! transaction's checks (unique email, last admin, versions) and its writes
//! see the same data: no lost updates, no check-then-act races. Reads use a
//! separate pool and, in WAL mode, never wait for the writer.

mod admin;
mod audit;
mod bulk;
mod checks;
mod list;
mod provenance;
mod read;
mod tokens;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use users_api::{AgentRef, UserDetail};

use crate::crypto::{KeyError, TokenCrypto};

pub use admin::AdminUser;
pub use bulk::{DemoGroup, DemoPlan, DemoUser, SeedSummary};
pub use checks::Expected;
pub use read::EmailUse;

/// Bytes of the database file mapped into memory by each connection (the
/// mapping is shared through the OS page cache).
const MMAP_BYTES: u64 = 16 << 30;

/// Read connections: a few per core, so a slow search cannot hold up the
/// list (each connection runs its queries on its own thread).
const READ_CONNECTIONS: u32 = 6;

/// The authenticated caller of a request, read from current data.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub company_id: i64,
    /// "First Last".
    pub name: String,
    /// Holds Settings, directly or through a group.
    pub can_manage_users: bool,
}

/// What can go wrong in storage: contract-level refusals and real failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no such user in this company")]
    NotFound,
    #[error("the company's users are managed in {0}")]
    DirectoryManaged(String),
    #[error("the email address is already taken")]
    EmailTaken,
    #[error("the email address belongs to an archived user")]
    EmailArchived,
    #[error("the user has changed since it was read (now version {})", .0.version)]
    Stale(Box<UserDetail>),
    #[error("the user owns agents and no replacement owner was given")]
    OwnsAgents(Vec<AgentRef>),
    #[error("users cannot archive themselves")]
    CannotArchiveSelf,
    #[error("the change would leave the company without an active Settings holder")]
    LastAdmin,
    #[error("invalid replacement owner: {0}")]
    InvalidReplacement(String),
    #[error("no company named {0:?}")]
    NoSuchCompany(String),
    #[error("{0}")]
    Conflict(String),
    #[error("stored token data is unreadable with this key (was the token key replaced?)")]
    TokenUnreadable,
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0:?}: only sqlite: URLs are supported")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The storage handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    read: SqlitePool,
    write: SqlitePool,
    crypto: Arc<TokenCrypto>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

/// Where the database is.
#[derive(Debug, Clone)]
pub enum Location {
    /// A `sqlite:` URL as given by the operator.
    Url(String),
    /// A database file (created when missing).
    File(std::path::PathBuf),
}

impl Store {
    /// Opens (creating when missing) the database and applies the embedded migrations.
    pub async fn open(location: &Location, crypto: TokenCrypto) -> StoreResult<Store> {
        let options = match location {
            Location::Url(url) => {
                if !url.starts_with("sqlite:") {
                    return Err(StoreError::UnsupportedUrl(url.clone()));
                }
                SqliteConnectOptions::from_str(url)?
            }
            Location::File(path) => SqliteConnectOptions::new().filename(path),
        };
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Reads of a large database come from the OS page cache through
            // mmap (no copy into SQLite's cache); sorts stay in memory.
            .pragma("mmap_size", MMAP_BYTES.to_string())
            .pragma("cache_size", "-32768")
            .pragma("temp_store", "memory")
            .statement_cache_capacity(256);
        // No ping before handing out a connection: for SQLite it is one
        // more round trip to the connection's thread on every query.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&write).await?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .min_connections(READ_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Store {
            read,
            write,
            crypto: Arc::new(crypto),
        })
    }

    /// A write transaction holding SQLite's write lock from its first statement.
    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A read transaction: one consistent snapshot for multi-query reads.
    async fn begin_read(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.read.begin().await?)
    }

    /// Closes both pools (waits for connections to finish).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// The current time as stored and shown: RFC 3339 UTC, whole seconds.
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// RFC 3339 UTC, whole seconds (sortable as text).
pub fn format_time(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The lower-cased "first last" the list is sorted and searched by.
pub fn sort_key(first_name: &str, last_name: &str) -> String {
    format!("{first_name} {last_name}").to_lowercase()
}

/// A JSON array of ids, bound as one parameter and expanded with `json_each`.
fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_seconds() {
        let at = time::macros::datetime!(2024-03-05 07:08:09.5 +02:00);
        assert_eq!(format_time(at), "2024-03-05T05:08:09Z");
        assert_eq!(now().len(), 20);
    }

    #[test]
    fn sort_keys_fold_case() {
        assert_eq!(sort_key("Ada", "LOVELACE"), "ada lovelace");
        assert_eq!(sort_key("Zoë", "Ñúñez"), "zoë ñúñez");
    }
}
