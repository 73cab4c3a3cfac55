//! The identity-key migration for PostgreSQL: rows outside printable ASCII
//! are found with a regular expression.

crate::storage::shared_sql::rekey_statements!(
    sqlx::PgConnection,
    non_ascii = "(first_name || last_name || email) ~ '[^ -~]'"
);
