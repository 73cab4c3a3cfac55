//! The contract as one script: a sequence of API calls, each with the answer
//! the contract requires (status, error code, field messages, order,
//! totals, versions). [`run`] plays it against any [`Target`]: the real
//! server over HTTP (its tests run it on SQLite and on PostgreSQL) and the
//! in-memory client the app's component tests use (natively, in `cargo
//! test -p users-client`). Whatever one side answers differently from the
//! script fails that side's run, so the two cannot drift apart unnoticed.

mod access_review;
mod audit;
mod call;
mod groups;
mod outcome;
mod script;

pub use call::{Call, HttpRequest};
pub use outcome::Outcome;
pub use script::{run, Report};

/// The first administrator every target starts with.
pub const ADMIN: (&str, &str, &str) = ("Ada", "Admin", "admin@acme.example");

/// Something the script can be played against: a fresh company whose only
/// user is the administrator [`ADMIN`] (direct role Settings), with the
/// identity provider "Google" among its providers.
// The targets are single-threaded test harnesses: no `Send` bound wanted.
#[allow(async_fn_in_trait)]
pub trait Target {
    /// The administrator's id and access token.
    fn admin(&self) -> (i64, String);

    /// Makes `call` with `token` and answers as the server would on the wire:
    /// the status and the JSON body (the contract's error body on failure).
    async fn call(&mut self, token: &str, call: Call) -> Outcome;

    /// Gives `owner` an agent named `name` (agents are made outside this API).
    async fn add_agent(&mut self, owner: i64, name: &str);
}
