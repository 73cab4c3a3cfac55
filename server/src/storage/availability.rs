//! Which storage failures mean "the database is not answering" (a 503 the
//! client may retry) rather than a bug (a 500): the database stopped or
//! unreachable, every connection busy past the pool's wait, the database
//! shutting down or out of room, SQLite's write lock held by another
//! process past the busy timeout.

use sqlx::error::DatabaseError;

use super::StoreError;

impl StoreError {
    /// True when the request failed because the database is unavailable
    /// for now, not because of the request or a bug.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Database(error) => unavailable(error),
            _ => false,
        }
    }
}

fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(error) => database_says_unavailable(error.as_ref()),
        _ => false,
    }
}

fn database_says_unavailable(error: &dyn DatabaseError) -> bool {
    let Some(code) = error.code() else {
        return false;
    };
    if error
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .is_some()
    {
        // SQLSTATE classes: 08 connection exception, 53 insufficient
        // resources, 57P01–57P03 shutting down or starting up.
        return code.starts_with("08") || code.starts_with("53") || code.starts_with("57P0");
    }
    // SQLite: the primary result code is the low byte of the extended one.
    // 5 SQLITE_BUSY, 6 SQLITE_LOCKED, 13 SQLITE_FULL.
    code.parse::<i32>()
        .is_ok_and(|extended| matches!(extended & 0xff, 5 | 6 | 13))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_and_network_failures_are_unavailable() {
        for error in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused)),
        ] {
            assert!(StoreError::Database(error).is_unavailable());
        }
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_unavailable());
        assert!(!StoreError::NotFound.is_unavailable());
        assert!(!StoreError::EmailTaken.is_unavailable());
    }
}
