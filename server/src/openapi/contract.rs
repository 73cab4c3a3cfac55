//! What the handlers' annotations cannot say, added to the generated
//! document from the contract crate's own rules and constants, so the
//! published document states every constraint the server enforces (and no
//! other): the patterns validation is proven equal to, the role catalogue,
//! the paging bounds, id ranges, and the error answers every operation can
//! give (the contract's error body each time).

use serde_json::{json, Map, Value};
use users_api::audit::AUDIT_ACTIONS;
use users_api::group::{MAX_DESCRIPTION_CHARS, MAX_MEMBERS_PER_ADD};
use users_api::schema::{
    description_pattern, email_length_pattern, email_shape_pattern, name_pattern, ROLE_CATALOGUE,
};
use users_api::validation::{MAX_EMAIL_CHARS, MAX_NAME_CHARS};
use users_api::MAX_PER_PAGE;

use crate::error::RETRY_AFTER_SECONDS;

/// Adds the constraints and the common error answers to `doc`.
pub(super) fn complete(doc: &mut Value) {
    constrain_bodies(&mut doc["components"]["schemas"]);
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
            continue;
        }
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            if let Some(parameters) = operation
                .get_mut("parameters")
                .and_then(Value::as_array_mut)
            {
                parameters.iter_mut().for_each(constrain_parameter);
            }
            add_error_answers(path, operation);
        }
    }
}

fn name_schema(nullable: bool) -> Value {
    json!({
        "type": if nullable { json!(["string", "null"]) } else { json!("string") },
        "pattern": name_pattern(),
        "description": format!("Trimmed, then 1 to {MAX_NAME_CHARS} characters, no control characters."),
    })
}

fn email_schema(nullable: bool) -> Value {
    json!({
        "type": if nullable { json!(["string", "null"]) } else { json!("string") },
        "allOf": [{"pattern": email_shape_pattern()}, {"pattern": email_length_pattern()}],
        "description": format!(
            "Trimmed, then `local@domain.tld`, at most {MAX_EMAIL_CHARS} characters, no white space. \
             Unique across the installation, archived users included, ignoring case (422 `fields.email`)."
        ),
    })
}

fn roles_schema(nullable: bool) -> Value {
    json!({
        "type": if nullable { json!(["array", "null"]) } else { json!("array") },
        "items": {"type": "string", "enum": ROLE_CATALOGUE},
        "uniqueItems": true,
        "description": "The full set of direct roles, from the catalogue (`GET /roles`), each at most once.",
    })
}

fn provider_schema(nullable: bool) -> Value {
    json!({
        "type": if nullable { json!(["string", "null"]) } else { json!("string") },
        "description": "One of the company's identity providers (`GET /identity_providers`); \
                        another name is a 422 on `fields.identity_provider`.",
    })
}

fn constrain_bodies(schemas: &mut Value) {
    for (name, nullable) in [("NewUser", false), ("UserPatch", true)] {
        let properties = &mut schemas[name]["properties"];
        properties["first_name"] = name_schema(nullable);
        properties["last_name"] = name_schema(nullable);
        properties["email"] = email_schema(nullable);
        properties["roles"] = roles_schema(nullable);
        properties["identity_provider"] = provider_schema(nullable);
    }
    schemas["UserPatch"]["properties"]["groups"] = json!({
        "type": ["array", "null"],
        "items": id_schema(),
        "description": "The full set of the user's groups (ids of the company's groups; another id is \
                        a 422 on `fields.groups`). Allowed alone in directory mode.",
    });
    for (name, nullable) in [("NewGroup", false), ("GroupPatch", true)] {
        let properties = &mut schemas[name]["properties"];
        properties["name"] = json!({
            "type": if nullable { json!(["string", "null"]) } else { json!("string") },
            "pattern": name_pattern(),
            "description": format!("Trimmed, then 1 to {MAX_NAME_CHARS} characters, no control characters. \
                                    Unique in the company ignoring case (422 `fields.name`)."),
        });
        properties["description"] = json!({
            "type": if nullable { json!(["string", "null"]) } else { json!("string") },
            "pattern": description_pattern(),
            "description": format!("Trimmed, then at most {MAX_DESCRIPTION_CHARS} characters; \
                                    line breaks but no other control characters."),
        });
        let mut roles = roles_schema(nullable);
        roles["description"] =
            json!("The full set of the group's roles, from the catalogue, each at most once.");
        properties["roles"] = roles;
    }
    schemas["AddMembers"]["properties"]["user_ids"] = json!({
        "type": "array",
        "items": id_schema(),
        "minItems": 1,
        "maxItems": MAX_MEMBERS_PER_ADD,
        "description": "Active users of the company (others are a 422 on `fields.user_ids`, naming them); \
                        users already members are left as they are.",
    });
    schemas["DeleteUser"]["properties"]["replacement_owner_id"] = json!({
        "oneOf": [{"type": "null"}, id_schema()],
        "description": "Another active user of the company, who receives the deleted user's agents \
                        (required when the user owns agents); another id is a 422 on \
                        `fields.replacement_owner_id`.",
    });
}

fn id_schema() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX})
}

fn constrain_parameter(parameter: &mut Value) {
    let name = parameter["name"].as_str().unwrap_or_default().to_string();
    let schema = match name.as_str() {
        "id" | "user_id" | "actor" | "target" | "group" | "user" | "before" => id_schema(),
        "action" => json!({"type": "array", "items": {"type": "string", "enum": AUDIT_ACTIONS}}),
        "since" | "until" => json!({
            "type": "string",
            "format": "date-time",
            // RFC 3339 as the server reads it (a day its month lacks, such
            // as February 30, is still a 400: a pattern cannot say).
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
        }),
        "page" => json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": u32::MAX}),
        "per_page" => {
            json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_PER_PAGE})
        }
        "status" => json!({"type": "string", "enum": ["active", "archived"]}),
        "role" => json!({"type": "string", "enum": ROLE_CATALOGUE}),
        "source" => json!({"type": "string", "enum": ["direct", "group"]}),
        "identity_provider" => json!({"type": "string", "minLength": 1}),
        "query" => json!({"type": "string"}),
        "If-Match" => json!({
            "type": "string",
            "description": "`\"<version>\"` as read in the `ETag`, or `*`; a tag that matches no current version is a 412.",
        }),
        _ => return,
    };
    parameter["schema"] = schema;
}

/// The error answers every operation can give, where its annotation does
/// not already list them.
fn add_error_answers(path: &str, operation: &mut Value) {
    let has_body = operation.get("requestBody").is_some();
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (status, answer) in responses.iter_mut() {
        if status.starts_with('2') {
            let headers = answer
                .as_object_mut()
                .map(|a| a.entry("headers").or_insert_with(|| json!({})));
            if let Some(headers) = headers {
                headers["Cache-Control"] = json!({
                    "description": "`no-store`: personal data and tokens are never cached",
                    "schema": {"type": "string", "const": "no-store"},
                });
            }
        }
    }
    let mut add = |status: &str, description: &str| {
        let entry = responses
            .entry(status.to_string())
            .or_insert_with(|| error_answer(description));
        if entry["description"].as_str().is_some_and(str::is_empty) {
            entry["description"] = json!(description);
        }
    };
    add(
        "400",
        "`bad_request`: malformed JSON, an unknown field, or a bad query parameter",
    );
    add("401", "`unauthenticated`: no valid access token");
    if path != "/api/v1/me" {
        add("403", "`forbidden`: the caller lacks the Settings role");
    }
    if path.starts_with("/api/v1/groups/") {
        add("404", "`not_found`: no such group in the caller's company");
    } else if path.contains("{id}") {
        add("404", "`not_found`: no such user in the caller's company");
    }
    if has_body {
        add(
            "408",
            "`request_timeout`: the body did not arrive within the server's time limit",
        );
        add("413", "`payload_too_large`: the body is over 64 KiB");
    }
    add(
        "414",
        "`uri_too_long`: the URL is longer than the server reads",
    );
    add(
        "431",
        "`headers_too_large`: the headers are too many or too large",
    );
    add(
        "503",
        "`unavailable`: the database does not answer; try again after `Retry-After` seconds",
    );
    if let Some(unavailable) = responses.get_mut("503") {
        unavailable["headers"] = json!({"Retry-After": {
            "description": "Seconds to wait before trying again",
            "schema": {"type": "integer", "const": RETRY_AFTER_SECONDS},
        }});
    }
}

fn error_answer(description: &str) -> Value {
    let mut answer = Map::new();
    answer.insert("description".into(), json!(description));
    answer.insert(
        "content".into(),
        json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}),
    );
    Value::Object(answer)
}
