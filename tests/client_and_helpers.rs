//! The API client's error decoding, the in-memory client's server
//! semantics, and the list's pure helpers (URL state, paging text).

use users_api::{DeleteUser, ErrorBody, ListQuery, UserPatch, UserStatus};
use users_console::api::memory::MemoryClient;
use users_console::api::{ApiClient, ApiError};
use users_console::components::pagination::{page_window, showing, thousands};
use users_console::state::list_url::{list_query_from, list_search, with_search};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn decode(status: u16, json: &str) -> ApiError {
    ApiError::from_body(status, json)
}

#[wasm_bindgen_test]
fn error_bodies_decode_into_one_variant_per_code() {
    assert_eq!(
        decode(401, r#"{"error":{"code":"unauthenticated","message":"x"}}"#),
        ApiError::Unauthenticated
    );
    assert_eq!(
        decode(
            403,
            r#"{"error":{"code":"directory_managed","message":"x"}}"#
        ),
        ApiError::DirectoryManaged
    );
    let invalid = decode(
        422,
        r#"{"error":{"code":"invalid","message":"x","fields":{"email":["is already taken"]}}}"#,
    );
    assert_eq!(
        invalid.fields().unwrap()["email"],
        vec!["is already taken".to_string()]
    );
    match decode(
        409,
        r#"{"error":{"code":"owns_agents","message":"x"},"agents":[{"id":7,"name":"Support bot"}]}"#,
    ) {
        ApiError::OwnsAgents { agents } => assert_eq!(agents[0].name, "Support bot"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        decode(409, r#"{"error":{"code":"last_admin","message":"x"}}"#),
        ApiError::LastAdmin
    );
    assert_eq!(
        decode(
            428,
            r#"{"error":{"code":"version_required","message":"x"}}"#
        ),
        ApiError::VersionRequired
    );
    // Not the contract's shape: decided by the status.
    assert_eq!(decode(401, "<html>"), ApiError::Unauthenticated);
    assert!(matches!(
        decode(502, "Bad gateway"),
        ApiError::Unexpected { status: 502, .. }
    ));
}

#[wasm_bindgen_test]
async fn stale_version_carries_the_current_user() {
    let client = MemoryClient::new("Acme");
    let admin = client.add_user("Ada", "Admin", "ada@acme.test", &["Settings"], &[]);
    let bob = client.add_user("Bob", "Builder", "bob@acme.test", &[], &[]);
    client.set_token(Some(client.token_of(admin)));
    let patch = UserPatch {
        first_name: Some("Robert".into()),
        ..Default::default()
    };
    let saved = client.update_user(bob, 1, &patch).await.unwrap();
    assert_eq!(saved.version, 2);
    match client.update_user(bob, 1, &patch).await {
        Err(ApiError::StaleVersion { current }) => {
            assert_eq!(current.summary.first_name, "Robert");
            assert_eq!(current.version, 2);
        }
        other => panic!("{other:?}"),
    }
    // The same error survives the wire format.
    let body = ErrorBody {
        current: Some(users_api::Current::User(Box::new(
            client.user(bob).unwrap(),
        ))),
        ..ErrorBody::new(users_api::ErrorCode::StaleVersion, "changed")
    };
    let json = serde_json::to_string(&body).unwrap();
    match decode(412, &json) {
        ApiError::StaleVersion { current } => assert_eq!(current.summary.first_name, "Robert"),
        other => panic!("{other:?}"),
    }
    // A group's stale answer carries the group.
    let group = r#"{"error":{"code":"stale_version","message":"x"},"current":{"id":3,"name":"QA team","description":"","roles":[],"member_count":2,"version":4,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}}"#;
    match decode(412, group) {
        ApiError::StaleGroup { current } => {
            assert_eq!(current.name, "QA team");
            assert_eq!(current.version, 4);
        }
        other => panic!("{other:?}"),
    }
    // Neither shape: the server's message, as an unexpected answer.
    assert!(matches!(
        decode(
            412,
            r#"{"error":{"code":"stale_version","message":"x"},"current":{"id":3}}"#
        ),
        ApiError::Unexpected { status: 412, .. }
    ));
}

#[wasm_bindgen_test]
async fn the_memory_client_orders_searches_and_pages_like_the_server() {
    let client = MemoryClient::new("Acme");
    let admin = client.add_user("zoe", "Admin", "zoe@acme.test", &["Settings"], &[]);
    client.add_user("Ada", "Lovelace", "b@acme.test", &[], &[]);
    client.add_user("ada", "Lovelace", "a@acme.test", &[], &[]);
    client.add_user("Bea", "Kim", "bea@lovelace.test", &[], &[]);
    client.set_token(Some(client.token_of(admin)));
    let list = |query: &str, page: u32, per_page: u32| ListQuery {
        status: UserStatus::Active,
        query: query.into(),
        page,
        per_page,
        filter: Default::default(),
    };
    let page = client.list_users(&list("", 1, 25)).await.unwrap();
    let emails: Vec<&str> = page.entries.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "a@acme.test",
            "b@acme.test",
            "bea@lovelace.test",
            "zoe@acme.test"
        ],
        "case-insensitive name, then email"
    );
    let found = client.list_users(&list("LOVELACE", 1, 25)).await.unwrap();
    assert_eq!(found.total_entries, 3, "last name and email both match");
    let found = client.list_users(&list("ada love", 1, 25)).await.unwrap();
    assert_eq!(found.total_entries, 2, "\"first last\" matches");
    let past = client.list_users(&list("", 9, 3)).await.unwrap();
    assert!(past.entries.is_empty());
    assert_eq!((past.total_entries, past.total_pages), (4, 2));
}

#[wasm_bindgen_test]
async fn the_memory_client_enforces_the_contract_rules() {
    let client = MemoryClient::new("Acme");
    let admin = client.add_user("Ada", "Admin", "ada@acme.test", &["Settings"], &[]);
    let bob = client.add_user("Bob", "Builder", "bob@acme.test", &[], &[]);
    client.add_agent(bob, "Support bot");

    client.set_token(Some(client.token_of(bob)));
    assert_eq!(
        client.list_users(&ListQuery::default()).await.unwrap_err(),
        ApiError::Forbidden
    );
    client.set_token(Some("uat_unknown".into()));
    assert_eq!(client.me().await.unwrap_err(), ApiError::Unauthenticated);

    client.set_token(Some(client.token_of(admin)));
    let none = DeleteUser::default();
    assert_eq!(
        client.delete_user(admin, &none).await.unwrap_err(),
        ApiError::CannotArchiveSelf
    );
    assert!(matches!(
        client.delete_user(bob, &none).await,
        Err(ApiError::OwnsAgents { agents }) if agents.len() == 1
    ));
    let to_admin = DeleteUser {
        replacement_owner_id: Some(admin),
    };
    let deleted = client.delete_user(bob, &to_admin).await.unwrap();
    assert_eq!(deleted.transferred_agents.len(), 1);
    assert_eq!(deleted.user.summary.status, UserStatus::Archived);
    assert_eq!(client.user(admin).unwrap().agents.len(), 1);

    let bob_token = client.token_of(bob);
    client.set_token(Some(bob_token));
    assert_eq!(client.me().await.unwrap_err(), ApiError::Unauthenticated);

    client.set_token(Some(client.token_of(admin)));
    let drop_settings = UserPatch {
        roles: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        client
            .update_user(admin, 1, &drop_settings)
            .await
            .unwrap_err(),
        ApiError::SelfLockout
    );
    client.set_directory(Some("Azure AD"));
    assert_eq!(
        client.restore_user(bob).await.unwrap_err(),
        ApiError::DirectoryManaged
    );
    client.set_directory(None);
    let restored = client.restore_user(bob).await.unwrap();
    assert_eq!(restored.summary.status, UserStatus::Active);

    let old = client.token_of(bob);
    let new = client.regenerate_token(bob).await.unwrap();
    assert_ne!(new.token, old);
    assert!(users_api::token::check_format(&new.token).is_ok());
    assert_eq!(client.reveal_token(bob).await.unwrap().token, new.token);
    let about_bob = users_api::AuditQuery {
        filter: users_api::AuditFilter {
            target: Some(bob),
            ..Default::default()
        },
        ..Default::default()
    };
    let audit = client.audit(&about_bob).await.unwrap();
    assert_eq!(audit.entries[0].action, "token.reveal", "newest first");
}

#[wasm_bindgen_test]
fn list_state_round_trips_through_the_url() {
    let params = |pairs: &'static [(&'static str, &'static str)]| {
        move |key: &str| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    };
    let q = list_query_from(params(&[
        ("status", "archived"),
        ("q", " ann lee "),
        ("page", "3"),
        ("per_page", "50"),
    ]));
    assert_eq!(q.status, UserStatus::Archived);
    assert_eq!(q.query, "ann lee");
    assert_eq!((q.page, q.per_page), (3, 50));
    assert_eq!(
        list_search(&q),
        "?status=archived&q=ann%20lee&page=3&per_page=50"
    );
    // Defaults are left out; unusable values fall back to them.
    assert_eq!(list_search(&ListQuery::default()), "");
    let bad = list_query_from(params(&[
        ("status", "deleted"),
        ("page", "0"),
        ("per_page", "1000"),
    ]));
    assert_eq!(bad, ListQuery::default());
    assert_eq!(with_search("/users", "?a=1"), "/users?a=1");
    assert_eq!(with_search("/users", "a=1"), "/users?a=1");
    assert_eq!(with_search("/users", ""), "/users");
}

#[wasm_bindgen_test]
fn paging_text_and_window() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1234), "1,234");
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(
        showing(2, 25, 25, 1234, ("user", "users")),
        "Showing 26–50 of 1,234 users"
    );
    assert_eq!(
        showing(1, 25, 1, 1, ("user", "users")),
        "Showing 1–1 of 1 user"
    );
    assert_eq!(
        page_window(5, 40),
        [Some(1), None, Some(4), Some(5), Some(6), None, Some(40)]
    );
    assert_eq!(page_window(1, 3), [Some(1), Some(2), Some(3)]);
    assert_eq!(
        page_window(3, 40),
        [Some(1), Some(2), Some(3), Some(4), None, Some(40)]
    );
    assert_eq!(page_window(40, 40), [Some(1), None, Some(39), Some(40)]);
    assert_eq!(
        page_window(2, 8),
        [Some(1), Some(2), Some(3), None, Some(8)]
    );
    assert_eq!(
        page_window(7, 8),
        [Some(1), None, Some(6), Some(7), Some(8)]
    );
    // A page past the end (the list shrank): first and last only.
    assert_eq!(page_window(50, 40), [Some(1), None, Some(40)]);
    assert_eq!(page_window(41, 40), [Some(1), None, Some(40)]);
}

#[wasm_bindgen_test]
fn a_link_names_the_code_its_view_needs_as_the_routes_read_it() {
    use users_console::pages::lazy::Chunk;
    for (path, chunk) in [
        ("/users/new", Some(Chunk::NewUser)),
        ("/users/42/edit", Some(Chunk::EditUser)),
        ("/audit", Some(Chunk::AuditLog)),
        ("/groups", Some(Chunk::Groups)),
        ("/groups/", Some(Chunk::Groups)),
        ("/groups/new", Some(Chunk::NewGroup)),
        ("/groups/7", Some(Chunk::EditGroup)),
        ("/users", None),
        ("/users/42", None),
        ("/sign-in", None),
        ("/", None),
        ("/groups/7/members", None),
    ] {
        assert_eq!(Chunk::for_path(path), chunk, "{path}");
    }
}
