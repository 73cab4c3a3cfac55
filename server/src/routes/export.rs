//! `GET /api/v1/users/export.csv`: every user a list request names (tab,
//! search, filters; not only one page), as CSV streamed while it is read,
//! batch by batch from one snapshot, so the server never holds the whole
//! result. The export is audited (`users.export`) before its first byte.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use users_api::export as export_csv;
use users_api::ErrorBody;

use super::users::list_query;
use crate::auth::Admin;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;
use crate::storage::{Export, ExportRow, StoreError};

/// The response header that says how many users the export holds (its
/// rows after the header row), so a client can show progress.
pub const TOTAL_HEADER: &str = "x-total-count";

/// Export the users a list request names as CSV.
#[utoipa::path(get, path = "/api/v1/users/export.csv", tag = "users",
    params(
        ("status" = Option<String>, Query, description = "`active` (default) or `archived`"),
        ("query" = Option<String>, Query, description = "Case-insensitive substring of first name, last name, \"first last\" or email"),
        ("role" = Option<String>, Query, description = "Only users who have this role, by any source unless `source` says"),
        ("source" = Option<String>, Query, description = "With `role`: `direct` or `group`"),
        ("group" = Option<i64>, Query, description = "Only members of this group"),
        ("identity_provider" = Option<String>, Query, description = "Only users who sign in with this identity provider"),
    ),
    responses(
        (status = 200, description = "RFC 4180 CSV in UTF-8 (with a byte-order mark): a header row (Name, Email, Identity provider, Status, Roles, Groups, Created, Token last used), then one row per user in list order. Cells a spreadsheet would read as a formula start with an apostrophe.",
            content_type = "text/csv",
            headers(("X-Total-Count" = u64, description = "How many users (rows after the header)"),
                    ("Content-Disposition" = String, description = "`attachment` with a file name that says what the file holds"))),
        (status = 400, description = "Bad query parameter", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, description = "A filter names no role, group or identity provider there is", body = ErrorBody),
    ),
    security(("access_token" = []), ("bearer" = [])))]
pub async fn export_users(
    State(state): State<AppState>,
    Admin(caller): Admin,
    query: ApiQuery,
) -> Result<Response, ApiError> {
    let (q, group_name) = list_query(&state, caller.company_id, &query).await?;
    let export = state
        .store
        .begin_export(caller.company_id, caller.user_id, &q)
        .await?;
    let today = crate::storage::now();
    let name = export_csv::file_name(&q, group_name.as_deref(), &today[..10]);
    let total = export.total;
    // The snapshot is read by a task of its own, a batch or two ahead of
    // the rows being written out: reading and writing overlap.
    let (batches, received) = tokio::sync::mpsc::channel(READ_AHEAD);
    tokio::spawn(read_batches(export, batches));
    let rows = stream::unfold(received, |mut received| async move {
        received
            .recv()
            .await
            .map(|batch| (csv_rows(batch), received))
    });
    let header = stream::once(async { Ok(Bytes::from(export_csv::header())) });
    // Fused: the compression layer may poll the body once more after its
    // end, which a bare `unfold` answers with a panic.
    let body = Body::from_stream(header.chain(rows).fuse());
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| ApiError::Internal(format!("file name header: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static(TOTAL_HEADER),
                HeaderValue::from(total),
            ),
        ],
        body,
    )
        .into_response())
}

/// Batches read ahead of the response body.
const READ_AHEAD: usize = 2;

/// Reads the export's batches into `batches` until the last (then ends the
/// snapshot), a failure (sent on, so the download is aborted rather than
/// silently cut short) or the response being dropped (the client left:
/// the snapshot is dropped with the task).
async fn read_batches(
    mut export: Export,
    batches: tokio::sync::mpsc::Sender<Result<Vec<ExportRow>, StoreError>>,
) {
    loop {
        match export.next_batch().await {
            Ok(rows) if rows.is_empty() => {
                if let Err(e) = export.finish().await {
                    tracing::warn!(error = %e, "ending the export's snapshot");
                }
                return;
            }
            Ok(rows) => {
                if batches.send(Ok(rows)).await.is_err() {
                    return;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "export failed part way");
                let _ = batches.send(Err(e)).await;
                return;
            }
        }
    }
}

/// A batch of users as CSV rows.
fn csv_rows(batch: Result<Vec<ExportRow>, StoreError>) -> Result<Bytes, std::io::Error> {
    let rows = batch.map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut out = String::with_capacity(rows.len() * 160);
    for row in &rows {
        export_csv::push_row(&mut out, &row.user, row.token_last_used.as_deref());
    }
    Ok(out.into())
}
