//! The identity-key migration for SQLite: rows outside printable ASCII are
//! found with a `GLOB` character class.

crate::storage::shared_sql::rekey_statements!(
    sqlx::SqliteConnection,
    non_ascii = "(first_name || last_name || email) GLOB '*[^ -~]*'"
);
