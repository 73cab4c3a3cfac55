//! Integration tests of users-server over real HTTP on 127.0.0.1 against a
//! real SQLite file (one test binary, many modules: one link step).

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod authz;
mod cli;
mod errors;
mod fuzz;
mod listing;
mod rails;
mod site;
mod tokens;
mod users;
