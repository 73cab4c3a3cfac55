//! One person, one address: look-alike spellings of an email are the same
//! address (case, Unicode compatibility forms, composed and decomposed
//! accents, IDN domains in punycode or Unicode), names are stored in NFC,
//! and rows written before keys were canonical are migrated without merging
//! anyone.

use reqwest::StatusCode;
use serde_json::{json, Value};
use users_server::crypto::TokenCrypto;
use users_server::storage::Store;

use crate::common::{assert_error, test_key, TestServer};

fn new_user(first: &str, email: &str) -> Value {
    json!({"first_name": first, "last_name": "Person", "email": email,
           "identity_provider": "Avaamo", "roles": []})
}

async fn assert_taken(s: &TestServer, email: &str) {
    let (status, body) = s
        .post("/api/v1/users", &s.admin.token, new_user("Copy", email))
        .await;
    assert_error(status, &body, 422, "invalid");
    assert_eq!(
        body["error"]["fields"]["email"],
        json!(["is already taken"]),
        "{email:?}"
    );
}

#[tokio::test]
async fn look_alike_spellings_of_an_address_are_that_address() {
    let s = TestServer::start().await;
    s.create_user("Case", "Person", "case@acme.example", &[])
        .await;
    s.create_user("Idn", "Person", "idn@ex\u{E4}mple.com", &[])
        .await;
    s.create_user("Rene", "Person", "ren\u{E9}@acme.example", &[])
        .await;
    for email in [
        "CASE@ACME.EXAMPLE",
        "\u{FF43}\u{FF41}\u{FF53}\u{FF45}@acme.example",
        "case@\u{FF41}cme.example",
        "idn@xn--exmple-cua.com",
        "IDN@XN--EXMPLE-CUA.COM",
        "rene\u{301}@acme.example",
    ] {
        assert_taken(&s, email).await;
    }
    // An edit onto a look-alike of someone else's address is refused too.
    let other = s
        .create_user("Other", "Person", "other@acme.example", &[])
        .await;
    let (status, body) = s
        .patch(
            &format!("/api/v1/users/{}", other["id"]),
            &s.admin.token,
            other["version"].as_i64().unwrap(),
            json!({"email": "idn@xn--exmple-cua.com"}),
        )
        .await;
    assert_error(status, &body, 422, "invalid");
    // Changing one's own address to another spelling of it is allowed.
    let (status, body) = s
        .patch(
            &format!("/api/v1/users/{}", other["id"]),
            &s.admin.token,
            other["version"].as_i64().unwrap(),
            json!({"email": "Other@ACME.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email"], "Other@ACME.example");
}

#[tokio::test]
async fn names_are_stored_composed_and_found_either_way() {
    let s = TestServer::start().await;
    let user = s
        .create_user("Zoe\u{301}", "A\u{30A}berg", "zoe@acme.example", &[])
        .await;
    assert_eq!(user["first_name"], "Zo\u{E9}");
    assert_eq!(user["last_name"], "\u{C5}berg");
    for query in ["zo%C3%A9", "zoe%CC%81", "%C3%A5berg", "ZO%C3%89"] {
        let (_, page) = s
            .get(&format!("/api/v1/users?query={query}"), &s.admin.token)
            .await;
        assert_eq!(page["total_entries"], 1, "{query}: {page}");
    }
    // Sending the decomposed name again is no change: no new version.
    let (status, same) = s
        .patch(
            &format!("/api/v1/users/{}", user["id"]),
            &s.admin.token,
            user["version"].as_i64().unwrap(),
            json!({"first_name": "Zoe\u{301}"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["version"], user["version"]);
}

/// Rows stored by a version that lower-cased emails (and kept names as
/// typed) are rewritten at start; two users who turn out to share an
/// address are both kept, and the pair is recorded.
#[tokio::test]
async fn stored_identities_are_migrated_and_collisions_reported_not_merged() {
    let s = TestServer::start().await;
    let real = s
        .create_user("Case", "Person", "case@acme.example", &[])
        .await;
    let twin = s
        .create_user("Twin", "Person", "twin@acme.example", &[])
        .await;
    let idn = s
        .create_user("Idn", "Person", "idn@acme.example", &[])
        .await;
    // What an older version stored: its keys were `to_lowercase()`.
    let fullwidth = "\u{FF43}\u{FF41}\u{FF53}\u{FF45}@acme.example";
    let old_rows = [
        (&twin, "Twin", fullwidth),
        (&idn, "Zoe\u{301}", "Idn@XN--exmple-cua.com"),
    ];
    for (user, first, email) in old_rows {
        let sort_key = format!("{first} person").to_lowercase();
        s.database
            .execute(
                &format!(
                    "UPDATE users SET first_name = $1, email = $2, email_key = $3, sort_key = $4
                     WHERE id = {}",
                    user["id"]
                ),
                &[first, email, &email.to_lowercase(), &sort_key],
            )
            .await;
    }
    s.database
        .execute("DELETE FROM settings WHERE name = $1", &["identity_keys"])
        .await;

    // The next start migrates; the one after finds nothing to do.
    let key = test_key(s.dir.path());
    for _ in 0..2 {
        Store::open(&s.database.location, TokenCrypto::new(&key))
            .await
            .expect("reopen");
    }

    let t = &s.admin.token;
    // Nobody was merged or lost: both look-alikes are still there as stored.
    let (_, twin_now) = s.get(&format!("/api/v1/users/{}", twin["id"]), t).await;
    assert_eq!(twin_now["email"], fullwidth);
    let (_, real_now) = s.get(&format!("/api/v1/users/{}", real["id"]), t).await;
    assert_eq!(real_now["email"], "case@acme.example");
    // The rewritten row: name composed, searchable by either domain form's
    // Unicode spelling, and its address taken in every spelling.
    let (_, idn_now) = s.get(&format!("/api/v1/users/{}", idn["id"]), t).await;
    assert_eq!(idn_now["first_name"], "Zo\u{E9}");
    for query in ["zo%C3%A9", "ex%C3%A4mple"] {
        let (_, page) = s.get(&format!("/api/v1/users?query={query}"), t).await;
        assert_eq!(page["total_entries"], 1, "{query}: {page}");
        assert_eq!(page["entries"][0]["id"], idn["id"]);
    }
    assert_taken(&s, "idn@ex\u{E4}mple.com").await;
    assert_taken(&s, "case@acme.example").await;
    // The pair is recorded for the operator.
    let pair = format!(
        "SELECT COUNT(*) FROM identity_key_collisions WHERE user_id = {} AND other_user_id = {}",
        twin["id"], real["id"]
    );
    assert_eq!(s.database.count(&pair).await, 1);
    assert_eq!(
        s.database
            .count("SELECT COUNT(*) FROM identity_key_collisions")
            .await,
        1
    );
    // The twin can still be edited; only a change of address must pick a
    // free one.
    let (status, body) = s
        .patch(
            &format!("/api/v1/users/{}", twin["id"]),
            t,
            twin_now["version"].as_i64().unwrap(),
            json!({"roles": ["Testing"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
