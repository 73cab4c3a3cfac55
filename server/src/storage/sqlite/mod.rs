//! The embedded SQLite backend (the default).
//!
//! Writes go through a one-connection pool and `BEGIN IMMEDIATE`, so a
//! transaction's checks (unique email, last admin, versions) and its writes
//! see the same data: no lost updates, no check-then-act races. Reads use a
//! separate pool and, in WAL mode, never wait for the writer. Several server
//! processes may share one database file on one machine: SQLite's file
//! locks then serialise their writers the same way.

#[cfg(any(test, feature = "test-support"))]
mod admin;
mod bulk;
mod list;
mod plan;
mod reads;
mod rekey;
mod summaries;
mod tx;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub(crate) use summaries::{load_provenance, load_summaries};
pub(crate) use tx::set_direct_roles;

use super::pool_guard::sqlite_keep_if_clean;
use super::shared_sql::{Tx, WriteTx};
use super::StoreResult;
use crate::crypto::TokenCrypto;

/// Bytes of the database file mapped into memory by each connection (the
/// mapping is shared through the OS page cache).
const MMAP_BYTES: u64 = 16 << 30;

/// How long a write waits for the single writer connection before it is
/// answered 503 (a burst of writes queues here; each takes milliseconds).
const WRITE_WAIT: Duration = Duration::from_secs(20);

/// Read connections: a few per core, so a slow search cannot hold up the
/// list (each connection runs its queries on its own thread).
const READ_CONNECTIONS: u32 = 6;

/// The SQLite storage handle; cheap to clone.
#[derive(Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    crypto: Arc<TokenCrypto>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database and applies the embedded migrations.
    pub async fn open(options: SqliteConnectOptions, crypto: TokenCrypto) -> StoreResult<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: each commit is on disk (the WAL fsynced) before the
            // client is answered, so not even a power cut loses an
            // acknowledged change (NORMAL survives a crash of the process,
            // not of the machine). Writes here are an administrator's, a
            // few a second: durability is worth the fsync.
            .synchronous(SqliteSynchronous::Full)
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
            .acquire_timeout(WRITE_WAIT)
            .after_release(sqlite_keep_if_clean)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&write).await?;
        let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
        let rekeyed = rekey::rekey_identities(&mut tx).await?;
        tx.commit().await?;
        super::rekey::report(&rekeyed);
        let mut tx = WriteTx::new(Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?));
        tx.fill_pending_role_grams().await?;
        tx.fill_pending_provider_counts().await?;
        tx.commit().await?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .min_connections(READ_CONNECTIONS)
            .test_before_acquire(false)
            .after_release(sqlite_keep_if_clean)
            .connect_with(options.read_only(true))
            .await?;
        let store = SqliteStore {
            read,
            write,
            crypto: Arc::new(crypto),
        };
        store.check_token_key().await?;
        Ok(store)
    }

    /// Opens a `sqlite:` URL.
    pub async fn open_url(url: &str, crypto: TokenCrypto) -> StoreResult<Self> {
        Self::open(SqliteConnectOptions::from_str(url)?, crypto).await
    }

    /// Opens (creating) a database file.
    pub async fn open_file(path: &std::path::Path, crypto: TokenCrypto) -> StoreResult<Self> {
        Self::open(SqliteConnectOptions::new().filename(path), crypto).await
    }

    /// Refuses a token key other than the one the database was set up with
    /// (its fingerprint is stored on first open), so an instance given the
    /// wrong key fails at start instead of rejecting every token.
    async fn check_token_key(&self) -> StoreResult<()> {
        let fingerprint = self.crypto.key_fingerprint();
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('token_key_fingerprint', ?1)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&fingerprint)
        .execute(&self.write)
        .await?;
        let stored: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = 'token_key_fingerprint'")
                .fetch_one(&self.write)
                .await?;
        super::model::same_token_key(&stored, &fingerprint)
    }

    /// A write transaction holding SQLite's write lock from its first statement.
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.write.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A read transaction: one consistent snapshot for multi-query reads.
    pub(super) async fn begin_read(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.read.begin().await?)
    }

    /// The key tokens are sealed with.
    pub(super) fn crypto(&self) -> &TokenCrypto {
        &self.crypto
    }

    /// Answers when the database does (a read on a read connection).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    /// Closes both pools (waits for connections to finish).
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// A JSON array of ids, bound as one parameter and expanded with `json_each`.
fn id_list(ids: &[i64]) -> String {
    serde_json::to_string(ids).expect("ids serialise")
}
