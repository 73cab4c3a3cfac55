//! No connection goes back into a pool inside a transaction.
//!
//! sqlx rolls a dropped transaction back lazily (the `ROLLBACK` is queued
//! on the connection), but a `BEGIN` cancelled half-way leaves the
//! connection inside a transaction nobody owns: on SQLite every later
//! `BEGIN IMMEDIATE` on it then fails and the write lock is never released;
//! a read connection would serve one stale snapshot forever. Requests run
//! to completion (`crate::in_flight`), so this should never fire; it is the
//! guard for whatever else might drop a transaction half-way.

use std::future::Future;
use std::pin::Pin;

use sqlx::pool::PoolConnectionMetadata;
use sqlx::{Connection, PgConnection, SqliteConnection};

/// What sqlx's `after_release` hook returns.
type Release<'c> = Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + 'c>>;

/// SQLite's `after_release` hook. A SQLite connection runs its commands in
/// order on its own thread, and a cancelled `BEGIN` or a dropped
/// transaction's `ROLLBACK` may still be queued: a ping first lets them run,
/// then the transaction depth is the truth.
pub(super) fn sqlite_keep_if_clean(
    connection: &mut SqliteConnection,
    _: PoolConnectionMetadata,
) -> Release<'_> {
    Box::pin(async move {
        connection.ping().await?;
        Ok(outside_transaction(connection))
    })
}

/// PostgreSQL's `after_release` hook: its depth is exact at once (a dropped
/// transaction's rollback is already counted; a `BEGIN` is counted only
/// once it has run).
pub(super) fn postgres_keep_if_clean(
    connection: &mut PgConnection,
    _: PoolConnectionMetadata,
) -> Release<'_> {
    Box::pin(async move { Ok(outside_transaction(connection)) })
}

/// Keep the connection only outside any transaction; a closed connection's
/// transaction is rolled back by the database.
fn outside_transaction(connection: &impl Connection) -> bool {
    let clean = !connection.is_in_transaction();
    if !clean {
        tracing::warn!("a connection came back inside a transaction: closed (rolled back)");
    }
    clean
}

#[cfg(test)]
mod tests {
    use std::task::Poll;

    use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};

    use super::*;

    /// A client hanging up during a `BEGIN IMMEDIATE`. At the worst moment
    /// (the worker has run and acknowledged it, and the future is dropped
    /// while it checks the connection's state, before any `Transaction`
    /// exists) nothing rolls it back: sqlx 0.8's SQLite driver rolls back
    /// only a `BEGIN` whose acknowledgement finds no one waiting. Two polls
    /// 60 ms apart land there unless the worker thread got no CPU meanwhile
    /// (a loaded machine): the tests below try again.
    async fn abandon_a_begin(pool: &SqlitePool) {
        let mut connection = pool.acquire().await.unwrap();
        let mut begin = connection.begin_with("BEGIN IMMEDIATE");
        for _ in 0..2 {
            std::future::poll_fn(|cx| {
                let _ = begin.as_mut().poll(cx);
                Poll::Ready(())
            })
            .await;
            tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        }
    }

    async fn one_connection(guarded: bool) -> SqlitePool {
        let options = SqlitePoolOptions::new().max_connections(1);
        let options = if guarded {
            options.after_release(sqlite_keep_if_clean)
        } else {
            options
        };
        options.connect("sqlite::memory:").await.unwrap()
    }

    /// Abandons `BEGIN`s until the next `BEGIN` fails (`Err`), or `tries`
    /// of them all left the pool working (`Ok`).
    async fn abandon_begins(pool: &SqlitePool, tries: usize) -> Result<(), sqlx::Error> {
        for _ in 0..tries {
            abandon_a_begin(pool).await;
            pool.begin_with("BEGIN IMMEDIATE").await?.commit().await?;
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_connection_left_inside_a_transaction_is_closed_not_reused() {
        abandon_begins(&one_connection(true).await, 15)
            .await
            .expect("every BEGIN after an abandoned one works");
    }

    #[tokio::test]
    async fn without_the_guard_an_abandoned_begin_wedges_the_pool() {
        // The failure the guard exists for, reproduced within 40 tries.
        let error = abandon_begins(&one_connection(false).await, 40)
            .await
            .expect_err("an abandoned BEGIN leaves the connection inside a transaction");
        assert!(error.to_string().contains("transaction depth"), "{error}");
    }
}
