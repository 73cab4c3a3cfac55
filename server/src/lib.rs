//! `users-server`: the Users console's REST API (axum, SQLite), its audit
//! log and token handling, the operator CLI, and serving of the built app.
//!
//! Tests and tools build the router with [`app::router`] over a
//! [`storage::Store`] and serve it on any listener.

pub mod app;
pub mod auth;
pub mod cli;
pub mod connections;
pub mod crypto;
pub mod error;
pub mod extract;
pub mod in_flight;
pub mod openapi;
pub mod rejections;
pub mod routes;
pub mod seed;
pub mod serve;
pub mod state;
pub mod static_files;
pub mod storage;

pub use app::{router, AppConfig};
pub use state::AppState;
pub use storage::Store;
