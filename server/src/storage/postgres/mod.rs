//! The PostgreSQL backend: one database shared by any number of stateless
//! server instances (and PostgreSQL-compatible engines).
//!
//! Every write transaction first takes a transaction-level advisory lock on
//! its company (`pg_advisory_xact_lock`), then runs at READ COMMITTED: writes
//! to one company are serialised across all instances, and each statement
//! sees everything committed before the lock was granted. That gives the
//! SQLite backend's guarantees — the last-admin rule and version checks
//! without check-then-act races — while companies never wait for each other.
//! Email uniqueness across companies is the unique index on `email_key`.
//! Multi-query reads run in one REPEATABLE READ, READ ONLY snapshot.

#[cfg(any(test, feature = "test-support"))]
mod admin;
mod bulk;
mod candidates;
mod list;
mod plan;
mod reads;
mod rekey;
mod summaries;
mod tx;

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

pub(crate) use summaries::{load_export_summaries, load_provenance, load_summaries};
pub(crate) use tx::set_direct_roles;

use super::model::same_token_key;
use super::pool_guard::postgres_keep_if_clean;
use super::shared_sql::{Tx, WriteTx};
use super::StoreResult;
use crate::crypto::TokenCrypto;

/// Connections per instance (PostgreSQL runs each on its own backend
/// process; several instances share the server's `max_connections`).
const CONNECTIONS: u32 = 16;

/// How long a request waits for a connection before it is answered 503.
/// While the database is down every wait lasts this long (sqlx retries the
/// connection until then), so it is short; under load, requests wait
/// milliseconds.
const CONNECTION_WAIT: Duration = Duration::from_secs(3);

/// Advisory lock keys: the high bits name this application's locks, the low
/// bits the company (ids are far below 2^40).
const LOCK_NAMESPACE: i64 = 0x5553_5200_0000_0000;
/// The lock taken before creating or resolving a company by name.
const CATALOGUE_LOCK: i64 = LOCK_NAMESPACE | 0xFF_FFFF_FFFF;

/// The PostgreSQL storage handle; cheap to clone.
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    crypto: Arc<TokenCrypto>,
}

impl PgStore {
    /// Connects, applies the embedded migrations (sqlx serialises concurrent
    /// instances with its own advisory lock) and checks the token key.
    pub async fn open(url: &str, crypto: TokenCrypto) -> StoreResult<Self> {
        let options: PgConnectOptions = url.parse()?;
        // No ping before handing out a connection: it would double the
        // round trips of a typical request; a broken connection fails its
        // statement and is replaced.
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .test_before_acquire(false)
            .acquire_timeout(CONNECTION_WAIT)
            .after_release(postgres_keep_if_clean)
            // JIT compilation pays off for long analytical queries; for these
            // short reads it costs more than the query (tens of ms, chosen
            // whenever an estimate with an unknown LIMIT runs high).
            .connect_with(
                options
                    .application_name("users-server")
                    .options([("jit", "off")]),
            )
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        // Under the catalogue lock: one instance migrates, the others then
        // find it done.
        let mut tx = pool.begin().await?;
        lock(&mut tx, CATALOGUE_LOCK).await?;
        let rekeyed = rekey::rekey_identities(&mut tx).await?;
        tx.commit().await?;
        super::rekey::report(&rekeyed);
        let mut tx = pool.begin().await?;
        lock(&mut tx, CATALOGUE_LOCK).await?;
        let mut tx = WriteTx::new(Tx::Postgres(tx));
        tx.fill_pending_role_grams().await?;
        tx.fill_pending_provider_counts().await?;
        tx.commit().await?;
        let store = PgStore {
            pool,
            crypto: Arc::new(crypto),
        };
        store.check_token_key().await?;
        Ok(store)
    }

    /// Refuses a token key other than the one the database was set up with,
    /// so an instance given the wrong key fails at start.
    async fn check_token_key(&self) -> StoreResult<()> {
        let fingerprint = self.crypto.key_fingerprint();
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('token_key_fingerprint', $1)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(&fingerprint)
        .execute(&self.pool)
        .await?;
        let stored: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = 'token_key_fingerprint'")
                .fetch_one(&self.pool)
                .await?;
        same_token_key(&stored, &fingerprint)
    }

    /// A write transaction holding the company's lock.
    pub(super) async fn begin_write(
        &self,
        company_id: i64,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, LOCK_NAMESPACE | company_id).await?;
        Ok(tx)
    }

    /// A write transaction for operator actions naming a company: holds the
    /// catalogue lock (then take the company's with [`lock_company`]).
    pub(super) async fn begin_catalogue_write(
        &self,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await?;
        lock(&mut tx, CATALOGUE_LOCK).await?;
        Ok(tx)
    }

    /// A read transaction: one consistent snapshot for multi-query reads.
    pub(super) async fn begin_read(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?)
    }

    /// A second read-only transaction that sees exactly what `tx` sees (its
    /// exported snapshot), for work on the same snapshot in parallel.
    pub(super) async fn begin_read_beside(
        &self,
        tx: &mut Transaction<'static, Postgres>,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut **tx)
            .await?;
        // Not a bindable statement: the id (PostgreSQL's own, hex digits and
        // dashes) is checked before it is written into the text.
        if !snapshot.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            return Err(super::StoreError::Decode(format!(
                "unexpected snapshot id {snapshot:?}"
            )));
        }
        let mut beside = self.begin_read().await?;
        sqlx::query(&format!("SET TRANSACTION SNAPSHOT '{snapshot}'"))
            .execute(&mut *beside)
            .await?;
        Ok(beside)
    }

    /// The key tokens are sealed with.
    pub(super) fn crypto(&self) -> &TokenCrypto {
        &self.crypto
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (waits for connections to finish).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Takes a transaction-level advisory lock (released at commit or rollback).
async fn lock(conn: &mut sqlx::PgConnection, key: i64) -> StoreResult<()> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes a company's write lock inside a catalogue transaction.
pub(crate) async fn lock_company(
    conn: &mut sqlx::PgConnection,
    company_id: i64,
) -> StoreResult<()> {
    lock(conn, LOCK_NAMESPACE | company_id).await
}
