//! SQL that both databases accept as written (`$N` parameters, standard
//! SQL) and that both backends run the same way, written once and expanded
//! in each backend for its own connection type. What really differs between
//! the dialects (search indexes, id arrays, locks, bulk loading) stays in
//! `sqlite/` and `postgres/`.
//!
//! The macros are unhygienic on purpose: their bodies name types and
//! functions (`StoreResult`, `UserDetail`, `load_provenance`, …) that the
//! expanding module imports, so the SQL reads as plain code.

mod reads;
mod rekey;
mod tokens;
mod write;

pub(crate) use reads::common_reads;
pub(crate) use rekey::rekey_statements;
pub(crate) use tokens::common_token_statements;
pub(crate) use write::common_write_statements;
