//! 2,000 random JSON bodies against create and edit, and random list
//! parameters, never produce a 5xx.

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Map, Value};

use crate::common::TestServer;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[A-Za-z@._ '%\\\\-]{0,30}".prop_map(Value::String),
        prop_oneof![
            Just("Development"),
            Just("Settings"),
            Just("Avaamo"),
            Just("x@y.zz")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Objects mostly made of the real fields, sometimes with strangers.
fn body() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("first_name"),
        Just("last_name"),
        Just("email"),
        Just("identity_provider"),
        Just("roles"),
        Just("replacement_owner_id"),
        Just("id"),
    ];
    let object = prop::collection::vec((field, json_value()), 0..7).prop_map(|pairs| {
        let mut map = Map::new();
        for (k, v) in pairs {
            map.insert(k.to_string(), v);
        }
        Value::Object(map).to_string()
    });
    prop_oneof![
        6 => object,
        1 => json_value().prop_map(|v| v.to_string()),
        1 => any::<String>(),
    ]
}

#[test]
fn random_bodies_never_cause_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = runtime.block_on(TestServer::start());
    let target = runtime.block_on(s.create_user("Fuzz", "Target", "fuzz@acme.example", &[]));
    let target_path = format!("/api/v1/users/{}", target["id"]);
    let config = ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(create in body(), patch in body(), version in 0i64..4)| {
        let (create_status, patch_status) = runtime.block_on(async {
            let created = s
                .req(Method::POST, "/api/v1/users", &s.admin.token)
                .header("content-type", "application/json")
                .body(create.clone())
                .send()
                .await
                .unwrap()
                .status();
            let patched = s
                .req(Method::PATCH, &target_path, &s.admin.token)
                .header("content-type", "application/json")
                .header("If-Match", format!("\"{version}\""))
                .body(patch.clone())
                .send()
                .await
                .unwrap()
                .status();
            (created, patched)
        });
        prop_assert!(!create_status.is_server_error(), "create {} -> {}", create, create_status);
        prop_assert!(!patch_status.is_server_error(), "patch {} -> {}", patch, patch_status);
    });
}

#[test]
fn random_list_parameters_never_cause_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = runtime.block_on(TestServer::start());
    runtime.block_on(s.create_user("Para", "Meter", "param@acme.example", &[]));
    let text = || {
        prop_oneof![
            any::<String>(),
            "[%_'\\\"*()a-z0-9 \\x00-\\x1f+-]{0,12}".prop_map(String::from)
        ]
    };
    let number = || {
        prop_oneof![
            Just(String::new()),
            "[0-9]{1,3}".prop_map(String::from),
            text()
        ]
    };
    let status = prop_oneof![
        Just(String::new()),
        Just("active".to_string()),
        Just("archived".to_string()),
        text()
    ];
    let config = ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(query in text(), page in number(), per_page in number(), status in status, path in 0usize..2)| {
        let status_code = runtime.block_on(async {
            let base = if path == 0 { "/api/v1/users" } else { "/api/v1/audit" };
            let mut url = reqwest::Url::parse(&s.url(base)).unwrap();
            url.query_pairs_mut()
                .append_pair("query", &query)
                .append_pair("page", &page)
                .append_pair("per_page", &per_page)
                .append_pair("status", &status)
                .append_pair("user_id", &page);
            s.client.get(url).header("Access-Token", &s.admin.token).send().await.unwrap().status()
        });
        prop_assert!(!status_code.is_server_error(), "{query:?} {page:?} {per_page:?} {status:?} -> {status_code}");
    });
}
