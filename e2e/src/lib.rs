//! End-to-end harness: the real `users-server` (its own temporary data
//! directory, set up through its CLI) serving the release build of the app,
//! and headless Chromium driven over WebDriver. Elements are found the way a
//! person or a screen reader finds them: by role and accessible name, as
//! Chromium's accessibility tree computes them.

mod api;
mod audit;
mod browser;
pub mod format;
mod server;

pub use api::{ApiClient, Reply};
pub use browser::{Browser, By};
pub use server::{dist_dir, Cli, Server};

/// The workspace root.
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("e2e sits inside the workspace")
        .to_path_buf()
}
