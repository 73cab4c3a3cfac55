//! Serving the built app (`dist/`) with a strict Content-Security-Policy.
//!
//! `index.html` holds an inline `<script type="module">` that loads the
//! wasm bundle. To allow exactly that script without
//! `'unsafe-inline'`, `index.html` is read once at startup, the SHA-256 of
//! each inline script's exact text content is computed, and each is added to
//! `script-src` as `'sha256-<base64>'`. `index.html` is then always served
//! from that startup copy, so the hashes and the served bytes match.
//!
//! The release build stores every other file also compressed beside itself
//! (`name.br`, `name.gz`, see xtask's `dist.rs`): those are sent as they are
//! to a browser that accepts them, so the wasm goes out as brotli at its
//! best quality without compressing per request. Files without copies (a
//! development build) and `index.html` are compressed on the fly by the
//! app's compression layer.

use std::path::{Path, PathBuf};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::error::ApiError;
use crate::state::AppState;

/// The app's files and the policy they are served with.
#[derive(Debug, Clone)]
pub struct StaticSite {
    dir: PathBuf,
    index: Bytes,
    csp: HeaderValue,
}

impl StaticSite {
    /// Reads `dir/index.html` and prepares the policy. `connect_origins`
    /// are extra origins the app may call (the configured CORS origins).
    pub fn load(dir: &Path, connect_origins: &[String]) -> std::io::Result<StaticSite> {
        let index = std::fs::read(dir.join("index.html"))?;
        let html = String::from_utf8_lossy(&index);
        let policy = content_security_policy(&inline_script_hashes(&html), connect_origins);
        let csp = HeaderValue::from_str(&policy)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        Ok(StaticSite {
            dir: dir.to_path_buf(),
            index: Bytes::from(index),
            csp,
        })
    }

    /// The Content-Security-Policy header value.
    pub fn csp(&self) -> &HeaderValue {
        &self.csp
    }

    fn index_response(&self) -> Response {
        let mut response = Response::new(Body::from(self.index.clone()));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

/// `'sha256-<base64>'` of the text content of every `<script>` without `src`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<script").map(|i| i + from) {
        let Some(open_end) = lower[start..].find('>').map(|i| i + start) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|i| i + open_end) else {
            break;
        };
        let tag = &lower[start..open_end];
        let has_src = tag
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attr| attr.starts_with("src=") || attr == "src");
        if !has_src {
            let content = &html[open_end + 1..close];
            let digest = Sha256::digest(content.as_bytes());
            hashes.push(format!("'sha256-{}'", BASE64.encode(digest)));
        }
        from = close;
    }
    hashes
}

/// The policy for the app's pages: its own scripts, wasm, the hashed
/// inline bootstrap, and nothing else inline.
pub fn content_security_policy(script_hashes: &[String], connect_origins: &[String]) -> String {
    let mut script_src = vec!["'self'".to_string(), "'wasm-unsafe-eval'".to_string()];
    script_src.extend(script_hashes.iter().cloned());
    let mut connect_src = vec!["'self'".to_string()];
    connect_src.extend(connect_origins.iter().cloned());
    format!(
        "default-src 'self'; script-src {}; style-src 'self'; img-src 'self' data:; connect-src {}; \
         base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'",
        script_src.join(" "),
        connect_src.join(" ")
    )
}

/// Whether a file name carries a content hash (`name-<hex>.ext`, as the
/// release build names everything but `index.html` and `config.json`).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    name.split(['-', '_', '.'])
        .any(|part| part.len() >= 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Everything no route matched: unknown API paths are the contract's 404;
/// other paths are the app's files, or `index.html` for the app's routes.
pub async fn fallback(State(state): State<AppState>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let Some(site) = state.site.clone() else {
        return ApiError::NotFound.into_response();
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::MethodNotAllowed.into_response();
    }
    let mut response = if path == "/" || path == "/index.html" {
        site.index_response()
    } else {
        match ServeDir::new(&site.dir)
            .append_index_html_on_directories(false)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await
        {
            Ok(found) if found.status() != StatusCode::NOT_FOUND => {
                let mut found = found.map(Body::new);
                let cache = if is_hashed(&path) && found.status().is_success() {
                    "public, max-age=31536000, immutable"
                } else {
                    "no-cache"
                };
                found
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                found
            }
            // A missing file (a name with an extension) is a 404; any other
            // path is one of the app's routes.
            _ if path.rsplit('/').next().unwrap_or("").contains('.') => {
                (StatusCode::NOT_FOUND, "Not found").into_response()
            }
            _ => site.index_response(),
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, site.csp().clone());
    // The same URL is sent in several encodings: caches must key on it.
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts_exactly() {
        let html = "<html><head><script src=\"/a.js\"></script>\
                    <SCRIPT type=\"module\">alert(1)</SCRIPT></head></html>";
        // sha256("alert(1)"), as browsers report it in CSP violations.
        assert_eq!(
            inline_script_hashes(html),
            vec!["'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='".to_string()]
        );
    }

    #[test]
    fn policy_has_no_unsafe_inline() {
        let csp = content_security_policy(&["'sha256-x'".into()], &["https://cdn.example".into()]);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-x';"));
        assert!(csp.contains("connect-src 'self' https://cdn.example;"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn hashed_names() {
        assert!(is_hashed("/users-console-5c2ab8f0e1d2c3b4_bg.wasm"));
        assert!(is_hashed("/base-5c2ab8f0e1d2c3b4.css"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/favicon.svg"));
    }
}
