//! The OpenAPI 3 document, generated from the handlers' annotations.

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
         description = "Manage the users of a company: roles with provenance, archive and restore, access tokens, audit log."),
    paths(
        routes::me::me,
        routes::users::list_users, routes::users::create_user, routes::users::get_user,
        routes::users::update_user, routes::users::delete_user, routes::users::restore_user,
        routes::tokens::reveal_token, routes::tokens::regenerate_token,
        routes::catalogue::roles, routes::catalogue::groups, routes::catalogue::identity_providers,
        routes::audit::audit_log, routes::health::healthz,
    ),
    components(schemas(users_api::ErrorCode, users_api::ErrorDetail, users_api::ErrorBody)),
    modifiers(&Security),
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .expect("the OpenAPI document serialises")
    })
}

/// `GET /api/v1/openapi.json` (no authentication).
pub async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        document(),
    )
        .into_response()
}
