//! Request extractors whose rejections are the contract's error bodies
//! (axum's own rejections answer plain text).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::storage::Expected;

/// A JSON body: malformed JSON, unknown fields and wrong types are 400,
/// bodies over the limit 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// Like [`ApiJson`], but an empty body or `null` means `T::default()`.
#[derive(Debug)]
pub struct OptionalJson<T>(pub T);

/// How long a request's whole body may take to arrive (`serve` sets it
/// from `--body-timeout`; without it, no limit).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, ApiError> {
    let limit = req.extensions().get::<BodyTimeout>().copied();
    let read = Bytes::from_request(req, state);
    let read = match limit {
        Some(BodyTimeout(limit)) => tokio::time::timeout(limit, read)
            .await
            .map_err(|_| ApiError::RequestTimeout)?,
        None => read.await,
    };
    read.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })
}

fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) {
        None => Ok(()),
        Some(Ok(value)) => {
            let essence = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if essence == "application/json" || essence.ends_with("+json") {
                Ok(())
            } else {
                Err(ApiError::BadRequest(format!(
                    "the body must be JSON (Content-Type: application/json), not {essence:?}."
                )))
            }
        }
        Some(Err(_)) => Err(ApiError::BadRequest(
            "unreadable Content-Type header.".into(),
        )),
    }
}

/// Every body is a JSON object (serde would also read a struct from an
/// array of its fields, which the contract does not allow); `null` is
/// read only where `T` admits it.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') && first != Some(&b'n') {
        return Err(ApiError::BadRequest(
            "the body must be a JSON object.".into(),
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("{e}.")))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_content_type(req.headers())?;
        let bytes = body_bytes(req, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_content_type(req.headers())?;
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        // JSON `null` is no body too (the document's `oneOf [null, object]`).
        parse_json::<Option<T>>(&bytes).map(|body| OptionalJson(body.unwrap_or_default()))
    }
}

/// The query string as name/value pairs (bad encoding is 400).
#[derive(Debug, Default)]
pub struct ApiQuery(pub Vec<(String, String)>);

impl ApiQuery {
    /// The first value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|Query(pairs)| ApiQuery(pairs))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// A positive integer id in the path; anything else is no such id (404).
#[derive(Debug, Clone, Copy)]
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        match raw.parse::<i64>() {
            Ok(id) if id > 0 => Ok(IdPath(id)),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// Two positive integer ids in the path (a group and a user); anything
/// else is no such resource (404).
#[derive(Debug, Clone, Copy)]
pub struct IdPairPath(pub i64, pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPairPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((first, second)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        match (first.parse::<i64>(), second.parse::<i64>()) {
            (Ok(a), Ok(b)) if a > 0 && b > 0 => Ok(IdPairPath(a, b)),
            _ => Err(ApiError::NotFound),
        }
    }
}

/// The `If-Match` header, if sent.
pub fn if_match(headers: &HeaderMap) -> Option<Expected> {
    headers
        .get(header::IF_MATCH)
        .map(|v| Expected::parse(v.to_str().unwrap_or("")))
}
