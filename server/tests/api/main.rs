//! Integration tests of users-server over real HTTP on 127.0.0.1 against a
//! real database: SQLite, or PostgreSQL when `USERS_TEST_POSTGRES_URL` is set
//! (see common/mod.rs). One test binary, many modules: one link step.

#[path = "../common/mod.rs"]
mod common;

mod access_review;
mod audit;
mod authz;
mod backends;
mod cli;
mod conformance;
mod errors;
mod fuzz;
mod groups;
mod identity;
mod instances;
mod listing;
mod races;
mod rails;
mod recount;
mod resilience;
mod site;
mod tokens;
mod users;
