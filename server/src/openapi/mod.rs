//! The OpenAPI 3 document, generated from the handlers' annotations and
//! completed from the contract crate's rules (`contract`). It is committed
//! as `api/openapi.json`; a test fails when the server's differs.

mod contract;

use std::sync::OnceLock;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "access_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("Access-Token"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Users console API", version = "1",
         description = "Manage the users and groups of a company: roles with provenance, archive and restore, access tokens, audit log."),
    paths(
        routes::me::me,
        routes::users::list_users, routes::export::export_users, routes::users::create_user, routes::users::get_user,
        routes::users::update_user, routes::users::delete_user, routes::users::restore_user,
        routes::tokens::reveal_token, routes::tokens::regenerate_token,
        routes::groups::list_groups, routes::groups::create_group, routes::groups::get_group,
        routes::groups::update_group, routes::groups::group_deletion, routes::groups::delete_group,
        routes::groups::group_members, routes::groups::add_group_members,
        routes::groups::remove_group_member,
        routes::catalogue::roles, routes::catalogue::identity_providers,
        routes::audit::audit_log, routes::audit::user_activity, routes::health::healthz,
    ),
    components(schemas(users_api::ErrorCode, users_api::ErrorDetail, users_api::ErrorBody)),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// The document as pretty-printed JSON (as committed), built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc =
            serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises");
        contract::complete(&mut doc);
        let mut text = serde_json::to_string_pretty(&doc).expect("JSON serialises");
        text.push('\n');
        text
    })
}

/// `GET /api/v1/openapi.json` (no authentication; public, so cacheable
/// for a few minutes, unlike every other `/api/v1` answer).
pub async fn openapi_json() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        document(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed contract (`api/openapi.json`) is what the server
    /// publishes, byte for byte: a contract change shows up in review.
    /// `USERS_UPDATE_OPENAPI=1 cargo test -p users-server openapi` rewrites it.
    #[test]
    fn the_committed_document_is_the_published_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/openapi.json");
        if std::env::var_os("USERS_UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, document()).expect("write api/openapi.json");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == document(),
            "api/openapi.json differs from the server's document: review the change, then \
             run `USERS_UPDATE_OPENAPI=1 cargo test -p users-server openapi` to commit it"
        );
    }
}
