//! What production throws at the server, run against the binary itself on
//! the suite's backend: clients that hang up in the middle of writes, the
//! process killed with SIGKILL under load, and (PostgreSQL) the database
//! stopped under load. After each, every ordinary write must work at once
//! and the data must be whole ([`check::assert_consistent`]).

mod abandoned;
mod check;
mod crash;
mod outage;
mod readiness;
mod slow_clients;
mod workload;
