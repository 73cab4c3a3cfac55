//! "Export CSV": downloads every user the list shows (tab, search and
//! filters; not only the page). The file arrives as a stream; each piece
//! becomes a small `Blob` at once, and the download is one `Blob` made of
//! them (the browser composes blobs without copying, and may keep them on
//! disk), so a million rows are never held twice by the tab. While it runs,
//! a progress bar "Export progress" counts rows (of how many), and "Cancel
//! export" stops it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use users_api::ListQuery;
use users_client::{ExportEnd, ExportSink, ExportStart};
use wasm_bindgen::JsCast;

use crate::api::{use_api, ApiError};
use crate::components::pagination::thousands;

/// The live state of an export, shown by the progress bar.
#[derive(Clone, Copy)]
struct Progress {
    /// Rows received (records after the header).
    rows: RwSignal<u64>,
    /// Rows the file holds, once the server has said.
    total: RwSignal<Option<u64>>,
    /// Set by "Cancel export"; the next piece stops the download.
    cancelled: RwSignal<bool>,
}

/// Collects the pieces as blobs and counts the rows.
struct BlobSink {
    progress: Progress,
    file_name: RefCell<String>,
    parts: js_sys::Array,
    /// Line ends seen (the header's included).
    line_ends: RefCell<u64>,
}

impl ExportSink for BlobSink {
    fn begin(&self, start: ExportStart) {
        *self.file_name.borrow_mut() = start.file_name;
        self.progress.total.set(Some(start.total));
    }

    fn piece(&self, bytes: &[u8]) -> bool {
        if self.progress.cancelled.get_untracked() {
            return false;
        }
        // No cell holds a line break (names, emails and group names cannot),
        // so each `\n` ends a record.
        let ends = bytes.iter().filter(|b| **b == b'\n').count() as u64;
        let seen = {
            let mut line_ends = self.line_ends.borrow_mut();
            *line_ends += ends;
            *line_ends
        };
        self.progress.rows.set(seen.saturating_sub(1));
        let chunk = js_sys::Uint8Array::from(bytes);
        match web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&chunk)) {
            Ok(blob) => {
                self.parts.push(&blob);
                true
            }
            Err(_) => false,
        }
    }
}

impl BlobSink {
    /// Hands the finished file to the browser as a download.
    fn save(&self) -> Result<(), ApiError> {
        let fail = |e: wasm_bindgen::JsValue| ApiError::Network(format!("saving the file: {e:?}"));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/csv;charset=utf-8");
        let file = web_sys::Blob::new_with_blob_sequence_and_options(&self.parts, &options)
            .map_err(fail)?;
        let url = web_sys::Url::create_object_url_with_blob(&file).map_err(fail)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| ApiError::Network("no document".into()))?;
        let link: web_sys::HtmlAnchorElement =
            document.create_element("a").map_err(fail)?.unchecked_into();
        link.set_href(&url);
        link.set_download(&self.file_name.borrow());
        link.click();
        // The browser has taken the file once the click is handled.
        gloo_timers::callback::Timeout::new(30_000, move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
        .forget();
        Ok(())
    }
}

/// How the last export ended, for the status line.
#[derive(Clone, PartialEq)]
enum Outcome {
    Saved { rows: u64, file_name: String },
    Cancelled,
    Failed(String),
}

/// The "Export CSV" button and, while an export runs, its progress.
#[component]
pub fn ExportControl(query: Memo<ListQuery>) -> impl IntoView {
    let api = use_api();
    let progress = Progress {
        rows: RwSignal::new(0),
        total: RwSignal::new(None),
        cancelled: RwSignal::new(false),
    };
    let export = Action::new_local(move |q: &ListQuery| {
        let q = q.clone();
        progress.rows.set(0);
        progress.total.set(None);
        progress.cancelled.set(false);
        let sink = Rc::new(BlobSink {
            progress,
            file_name: RefCell::new(String::new()),
            parts: js_sys::Array::new(),
            line_ends: RefCell::new(0),
        });
        async move {
            let pieces: Rc<dyn ExportSink> = sink.clone();
            match api.call(move |c| c.export_users(&q, pieces)).await {
                Ok(ExportEnd::Complete) => match sink.save() {
                    Ok(()) => Outcome::Saved {
                        rows: progress.rows.get_untracked(),
                        file_name: sink.file_name.borrow().clone(),
                    },
                    Err(e) => Outcome::Failed(e.message()),
                },
                Ok(ExportEnd::Stopped) => Outcome::Cancelled,
                Err(e) => Outcome::Failed(e.message()),
            }
        }
    });
    let running = export.pending();
    let done_text = move || {
        (!running.get())
            .then(|| export.value().get())
            .flatten()
            .map(|outcome| match outcome {
                Outcome::Saved { rows, file_name } => format!(
                    "Exported {} {} to {file_name}.",
                    thousands(rows),
                    if rows == 1 { "user" } else { "users" }
                ),
                Outcome::Cancelled => "Export cancelled.".to_string(),
                Outcome::Failed(message) => format!("The export failed: {message}"),
            })
    };
    let counted = move || match progress.total.get() {
        Some(total) => format!(
            "{} of {} rows",
            thousands(progress.rows.get()),
            thousands(total)
        ),
        None => "Starting…".to_string(),
    };
    view! {
        <div class="export">
            <button
                type="button"
                class="button"
                disabled=move || running.get()
                on:click=move |_| {
                    export.dispatch(query.get_untracked());
                }
            >
                "Export CSV"
            </button>
            <Show when=move || running.get()>
                <div class="export-progress">
                    <progress
                        aria-label="Export progress"
                        max=move || progress.total.get().unwrap_or(0).max(1).to_string()
                        value=move || progress.rows.get().to_string()
                    ></progress>
                    <span class="export-count">{counted}</span>
                    <button
                        type="button"
                        class="button small"
                        disabled=move || progress.cancelled.get()
                        on:click=move |_| progress.cancelled.set(true)
                    >
                        "Cancel export"
                    </button>
                </div>
            </Show>
            <p class="export-status" role="status">{done_text}</p>
        </div>
    }
}
