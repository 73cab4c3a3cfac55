//! The HTTP application: state, routes and the layers every response passes.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware;
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::error::method_not_allowed;
use crate::extract::BodyTimeout;
use crate::in_flight::{run_to_completion, InFlight};
use crate::state::AppState;
use crate::static_files::{self, StaticSite};
use crate::storage::Store;

/// How the application is served.
#[derive(Debug, Clone, Default)]
pub struct AppConfig {
    /// The built app (Trunk's `dist/`), served with its CSP when set.
    pub static_dir: Option<PathBuf>,
    /// Origins allowed by CORS (exact `scheme://host[:port]`).
    pub cors_origins: Vec<String>,
    /// How long a request body may take to arrive (`None`: no limit).
    pub body_timeout: Option<std::time::Duration>,
}

/// Why the application cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("cannot read {path}/index.html: {source}")]
    StaticDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "invalid CORS origin {0:?}: expected scheme://host[:port], e.g. https://console.example"
    )]
    CorsOrigin(String),
}

/// The application: its router and the requests it is running.
pub struct App {
    pub router: Router,
    /// Every `/api/v1` request in progress, for a graceful shutdown.
    pub in_flight: InFlight,
}

/// The router: `/api/v1/*`, `/healthz`, and the app's files when configured.
pub fn router(store: Store, config: &AppConfig) -> Result<Router, AppError> {
    Ok(app(store, config)?.router)
}

/// The router and its in-flight requests. Every `/api/v1` request runs to
/// completion in a task of its own, even when its client hangs up
/// (see [`crate::in_flight`]).
pub fn app(store: Store, config: &AppConfig) -> Result<App, AppError> {
    let site = match &config.static_dir {
        Some(dir) => Some(Arc::new(
            StaticSite::load(dir, &config.cors_origins).map_err(|source| AppError::StaticDir {
                path: dir.clone(),
                source,
            })?,
        )),
        None => None,
    };
    let state = AppState { store, site };
    let in_flight = InFlight::new();
    let api = crate::routes::api_v1()
        .layer(middleware::from_fn_with_state(
            in_flight.clone(),
            run_to_completion,
        ))
        // Answers carry personal data and tokens: never stored by a browser
        // or a proxy (the public contract sets its own policy).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let mut app = Router::new()
        .nest("/api/v1", api)
        .route(
            "/healthz",
            get(crate::routes::health::healthz).layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store"),
            )),
        )
        .fallback(static_files::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
        .layer(DefaultBodyLimit::max(users_api::MAX_BODY_BYTES));
    if let Some(limit) = config.body_timeout {
        app = app.layer(axum::Extension(BodyTimeout(limit)));
    }
    if !config.cors_origins.is_empty() {
        app = app.layer(cors(&config.cors_origins)?);
    }
    let router = app
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        // Spans carry method and path only: headers (tokens) are never recorded.
        .layer(TraceLayer::new_for_http());
    Ok(App { router, in_flight })
}

fn cors(origins: &[String]) -> Result<CorsLayer, AppError> {
    let origins = origins
        .iter()
        .map(|o| {
            let o = o.trim().trim_end_matches('/');
            let host = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
                .unwrap_or("");
            if host.is_empty() || host.contains(['/', '?', '#', ' ']) {
                return Err(AppError::CorsOrigin(o.to_string()));
            }
            HeaderValue::from_str(o).map_err(|_| AppError::CorsOrigin(o.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::IF_MATCH,
            HeaderName::from_static(crate::auth::ACCESS_TOKEN_HEADER),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::CONTENT_DISPOSITION,
            header::HeaderName::from_static(crate::routes::export::TOTAL_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(600)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_must_be_bare_origins() {
        assert!(cors(&[
            "https://console.example".into(),
            "http://localhost:8080/".into()
        ])
        .is_ok());
        for bad in [
            "console.example",
            "https://",
            "https://a.example/path",
            "ftp://a.example",
        ] {
            assert!(
                matches!(cors(&[bad.into()]), Err(AppError::CorsOrigin(_))),
                "{bad}"
            );
        }
    }
}
