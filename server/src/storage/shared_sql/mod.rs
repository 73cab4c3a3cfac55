//! SQL that both databases accept as written (`$N` parameters, standard
//! SQL), written once as plain methods and functions: each runs its one
//! copy of a statement on whichever backend's transaction or pool it holds
//! ([`on_backend!`] compiles the statement for each). What really differs
//! between the dialects (search indexes, id arrays, locks, bulk loading)
//! stays in `sqlite/` and `postgres/`, called from here by name.
//!
//! * [`ReadTx`]: a snapshot for multi-statement reads; only reads.
//! * [`WriteTx`]: a write transaction holding the backend's write lock;
//!   reads and writes (the statements the flows run).
//! * [`Tx`]: what both run, the reads (reached through `Deref`).

mod audit;
mod audit_seed;
mod company;
mod counts_fill;
mod filtered;
mod groups;
mod members;
mod provider_counts;
mod reads;
mod rekey;
mod role_holders;
mod tokens;
mod write;

use std::ops::{Deref, DerefMut};

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use super::StoreResult;

pub(crate) use filtered::{After, Selection};
pub(crate) use rekey::rekey_statements;

/// Runs `$body` with `$x` bound to the SQLite or the PostgreSQL value that
/// `$value` (one of the enums of this module, named by `$kind`) holds: one
/// copy of the SQL, type-checked and compiled for each backend.
macro_rules! on_backend {
    ($kind:ident, $value:expr, |$x:ident| $body:expr) => {
        match $value {
            $crate::storage::shared_sql::$kind::Sqlite($x) => $body,
            $crate::storage::shared_sql::$kind::Postgres($x) => $body,
        }
    };
}
pub(crate) use on_backend;

/// A transaction of either backend. Its own methods only read; the write
/// statements are [`WriteTx`]'s.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits (for a snapshot, ends it).
    async fn commit(self) -> StoreResult<()> {
        on_backend!(Tx, self, |tx| tx.commit().await?);
        Ok(())
    }
}

/// A read-only snapshot for reads of several statements (SQLite: a
/// transaction on a read-only connection; PostgreSQL: REPEATABLE READ,
/// READ ONLY). It runs [`Tx`]'s reads and nothing else.
pub(crate) struct ReadTx(Tx);

impl ReadTx {
    pub(crate) fn new(tx: Tx) -> ReadTx {
        ReadTx(tx)
    }

    /// Ends the snapshot.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.0.commit().await
    }
}

impl Deref for ReadTx {
    type Target = Tx;

    fn deref(&self) -> &Tx {
        &self.0
    }
}

impl DerefMut for ReadTx {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.0
    }
}

/// A write transaction holding the backend's write lock (SQLite: `BEGIN
/// IMMEDIATE`; PostgreSQL: the company's or the catalogue's advisory lock):
/// the write statements of `write.rs`, and [`Tx`]'s reads.
pub(crate) struct WriteTx(Tx);

impl WriteTx {
    /// A transaction that already holds its backend's write lock.
    pub(crate) fn new(tx: Tx) -> WriteTx {
        WriteTx(tx)
    }

    /// Commits the changes.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.0.commit().await
    }
}

impl Deref for WriteTx {
    type Target = Tx;

    fn deref(&self) -> &Tx {
        &self.0
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.0
    }
}

/// The pool one-statement reads run on (SQLite's read-only connections).
pub(crate) enum ReadPool<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

/// The pool a one-statement write outside a transaction runs on (SQLite's
/// single writer connection).
pub(crate) enum WritePool<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}
