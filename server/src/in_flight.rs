//! API requests run to completion whether or not their client stays.
//!
//! When a client hangs up, hyper drops the request's future. Dropped in the
//! middle of a transaction, a handler could leave its connection inside
//! the transaction (sqlx's SQLite `BEGIN` is not cancellation-safe), which
//! wedged every later write. So each `/api/v1` request runs in a task of
//! its own that the connection only awaits: once a write has started it
//! commits (audited) or rolls back, as if the client were still there; the
//! answer is simply not delivered. Reads run the same way: one rule for
//! every request, and a read costs no more than it would have had the
//! client waited. (`storage::pool_guard` is the second line: a connection
//! that still comes back inside a transaction is closed, not reused.)
//!
//! The tasks are tracked, so a graceful shutdown can wait for the ones
//! whose clients are gone (see [`InFlight::drain`]).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::task::TaskTracker;

use crate::error::ApiError;

/// The requests being handled, including those whose client has gone.
#[derive(Clone, Debug, Default)]
pub struct InFlight {
    tasks: TaskTracker,
}

impl InFlight {
    pub fn new() -> InFlight {
        InFlight::default()
    }

    /// Waits up to `limit` for every started request to finish; true when
    /// all did. Later requests are still accepted (the listener is closed
    /// by then).
    pub async fn drain(&self, limit: Duration) -> bool {
        self.tasks.close();
        let finished = tokio::time::timeout(limit, self.tasks.wait()).await.is_ok();
        self.tasks.reopen();
        finished
    }

    /// How many requests are running now.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

/// Middleware: runs the rest of the request in its own tracked task.
pub async fn run_to_completion(
    State(in_flight): State<InFlight>,
    request: Request,
    next: Next,
) -> Response {
    match in_flight.tasks.spawn(next.run(request)).await {
        Ok(response) => response,
        // A handler panicked: the contract's 500, and the panic in the log.
        Err(failure) => {
            ApiError::Internal(format!("request task failed: {failure}")).into_response()
        }
    }
}
