//! `GET /users/export.csv` over `fetch`, read as a stream: each piece goes
//! to the export's sink as it arrives, so the tab never holds the file
//! twice, and the sink can stop the download part way.

use std::rc::Rc;

use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use users_client::{ApiError, ExportEnd, ExportSink, ExportStart};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::ReadableStreamDefaultReader;

fn network(e: impl ToString) -> ApiError {
    ApiError::Network(e.to_string())
}

/// The file name a `Content-Disposition: attachment; filename="…"` gives.
fn file_name(disposition: Option<String>) -> String {
    disposition
        .as_deref()
        .and_then(|d| d.split("filename=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .filter(|name| !name.is_empty())
        .unwrap_or("users.csv")
        .to_string()
}

/// Sends the export request and hands its body to `sink` piece by piece.
pub(super) async fn stream(
    request: Result<Request, gloo_net::Error>,
    sink: Rc<dyn ExportSink>,
) -> Result<ExportEnd, ApiError> {
    let response = request.map_err(network)?.send().await.map_err(network)?;
    if !response.ok() {
        let status = response.status();
        let body = response.text().await.map_err(network)?;
        return Err(ApiError::from_body(status, &body));
    }
    let headers = response.headers();
    sink.begin(ExportStart {
        file_name: file_name(headers.get("content-disposition")),
        total: headers
            .get("x-total-count")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0),
    });
    let Some(body) = response.body() else {
        return Ok(ExportEnd::Complete);
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|e| network(format!("the download broke off: {e:?}")))?;
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(ExportEnd::Complete);
        }
        let chunk: Uint8Array = Reflect::get(&step, &"value".into())
            .map_err(|e| network(format!("{e:?}")))?
            .unchecked_into();
        if !sink.piece(&chunk.to_vec()) {
            let _ = reader.cancel();
            return Ok(ExportEnd::Stopped);
        }
    }
}
