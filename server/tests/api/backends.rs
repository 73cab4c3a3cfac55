//! Byte for byte at the API: one script of requests against a SQLite and a
//! PostgreSQL server holding the same data must get the same answers (with
//! timestamps and tokens, which differ by nature, masked). Runs in the
//! suite's PostgreSQL pass, which is when a PostgreSQL server is named.

use serde_json::{json, Value};
use users_server::cli::{self, SeedDemoArgs};

use crate::common::{postgres_server, TestDatabase, TestServer, COMPANY};

/// Masks what legitimately differs between two runs.
fn mask(value: Value) -> Value {
    match value {
        Value::String(s) if is_timestamp(&s) => Value::String("<time>".into()),
        Value::String(s) if s.starts_with("uat_") => Value::String("<token>".into()),
        Value::Array(items) => Value::Array(items.into_iter().map(mask).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, mask(v))).collect()),
        other => other,
    }
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

/// Runs the script; returns (request, status, masked body) for each step.
async fn transcript(s: &TestServer) -> Vec<(String, u16, Value)> {
    let t = s.admin.token.clone();
    let mut out = Vec::new();
    let mut note = |label: String, (status, body): (reqwest::StatusCode, Value)| {
        out.push((label, status.as_u16(), mask(body)));
    };
    // Enough users that rare needles take the trigram-candidate plans
    // (count and page) and common ones the index walks, on both backends.
    let seed = SeedDemoArgs {
        audit_entries: None,
        users: 12_000,
        company: COMPANY.into(),
    };
    cli::seed_demo(&s.store, &seed, &mut Vec::new())
        .await
        .expect("seed");

    let users = "/api/v1/users";
    let new_user = |first: &str, last: &str, email: &str| {
        json!({"first_name": first, "last_name": last, "email": email,
               "identity_provider": "Google", "roles": ["Testing"]})
    };
    note(
        "create zoë".into(),
        s.post(users, &t, new_user("Zoë", "Ñúñez", "Zoe@Acme.example"))
            .await,
    );
    note(
        "create ann".into(),
        s.post(
            users,
            &t,
            new_user("Ann", "O'Neil", "ann_100%@acme.example"),
        )
        .await,
    );
    // Rare names, created out of alphabetical order: found through the
    // trigram candidates and sorted there.
    for first in ["Qzxd", "Qzxb", "Qzxc", "Qzxa", "Qzxe"] {
        let email = format!("{}@acme.example", first.to_lowercase());
        note(
            format!("create {first}"),
            s.post(users, &t, new_user(first, "Zed", &email)).await,
        );
    }
    let (_, zoe) = s.get(&format!("{users}?query=zoe%40"), &t).await;
    let zoe_id = zoe["entries"][0]["id"].as_i64().expect("zoë's id");
    let zoe_path = format!("{users}/{zoe_id}");
    note(
        "edit".into(),
        s.patch(
            &zoe_path,
            &t,
            1,
            json!({"first_name": "Zoey", "roles": ["Settings"]}),
        )
        .await,
    );
    note(
        "stale edit".into(),
        s.patch(&zoe_path, &t, 1, json!({"last_name": "Late"}))
            .await,
    );

    for query in [
        "", "a", "an", "son", "zo", "ñú", "%", "_", "\\", "@acme", "zzzz", "ann_1", "o'n", "zoe",
        "zoe@", "neil", "100%", "ez ñ", "tanaka", "qzx", "qzxc", "zxb", "xa zed",
    ] {
        for (page, per_page) in [(1, 25), (2, 7), (3, 100), (2, 2), (999, 10)] {
            let path = format!(
                "{users}?query={}&page={page}&per_page={per_page}",
                urlencode(query)
            );
            note(path.clone(), s.get(&path, &t).await);
        }
    }
    let path = format!("{users}?status=archived&per_page=100");
    note(path.clone(), s.get(&path, &t).await);

    // Archive an agent owner: refused without a replacement, then done.
    let (_, page) = s.get(&format!("{users}?per_page=100"), &t).await;
    let owner = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["owned_agents"].as_u64().unwrap_or(0) > 0)
        .expect("a seeded agent owner")["id"]
        .as_i64()
        .unwrap();
    let owner_path = format!("{users}/{owner}");
    note(
        "archive, no heir".into(),
        s.delete(&owner_path, &t, json!({})).await,
    );
    note(
        "archive".into(),
        s.delete(&owner_path, &t, json!({"replacement_owner_id": zoe_id}))
            .await,
    );
    note(
        "restore".into(),
        s.post(&format!("{owner_path}/restore"), &t, json!(null))
            .await,
    );
    note(
        "last admin".into(),
        s.patch(
            &format!("{users}/{}", s.admin.id),
            &t,
            1,
            json!({"roles": []}),
        )
        .await,
    );

    for path in [
        "/api/v1/me",
        "/api/v1/roles",
        "/api/v1/groups",
        "/api/v1/identity_providers",
    ] {
        note(path.into(), s.get(path, &t).await);
    }
    for id in (1..=12).chain([zoe_id, owner, 99_999]) {
        let path = format!("{users}/{id}");
        note(path.clone(), s.get(&path, &t).await);
    }
    for path in [
        "/api/v1/audit?per_page=100".to_string(),
        format!("/api/v1/audit?user_id={zoe_id}"),
        format!("/api/v1/audit?user_id={owner}&per_page=1"),
        format!("/api/v1/audit?user={owner}&action=user.update&action=token.reveal"),
    ] {
        note(path.clone(), s.get(&path, &t).await);
    }
    note(
        "taken email".into(),
        s.post(users, &t, new_user("Zed", "Dup", "ZOE@acme.example"))
            .await,
    );
    out
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn sqlite_and_postgres_answer_the_same_bytes() {
    let Some(server) = postgres_server() else {
        eprintln!("skipped: runs in the PostgreSQL pass (USERS_TEST_POSTGRES_URL)");
        return;
    };
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite_db = TestDatabase::sqlite(sqlite_dir.path());
    let sqlite = TestServer::start_on(sqlite_dir, sqlite_db, |_| Default::default()).await;
    let pg_dir = tempfile::tempdir().unwrap();
    let pg_db = TestDatabase::postgres(pg_dir.path(), &server).await;
    let postgres = TestServer::start_on(pg_dir, pg_db, |_| Default::default()).await;

    let (left, right) = (transcript(&sqlite).await, transcript(&postgres).await);
    assert_eq!(left.len(), right.len());
    for (l, r) in left.iter().zip(&right) {
        assert_eq!(l, r, "SQLite and PostgreSQL differ at {}", l.0);
    }
    // The script did reach real data (not two empty answers).
    let searched = left
        .iter()
        .find(|(label, ..)| label.contains("query=son&page=1"))
        .unwrap();
    assert!(searched.2["total_entries"].as_u64().unwrap() > 0);
}

/// The PostgreSQL backend's derived counts (tab sizes and gram counts, kept
/// by statement triggers) equal a recount after a bulk seed, edits of names
/// and emails, archives, restores and concurrent creates.
#[tokio::test]
async fn postgres_counts_stay_exact_through_seeds_edits_and_concurrent_writes() {
    let Some(server) = postgres_server() else {
        eprintln!("skipped: runs in the PostgreSQL pass (USERS_TEST_POSTGRES_URL)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::postgres(dir.path(), &server).await;
    let s = TestServer::start_on(dir, db, |_| Default::default()).await;
    let t = s.admin.token.clone();
    let seed = SeedDemoArgs {
        audit_entries: None,
        users: 250,
        company: COMPANY.into(),
    };
    cli::seed_demo(&s.store, &seed, &mut Vec::new())
        .await
        .unwrap();
    let mut creates = Vec::new();
    for i in 0..12 {
        let body = json!({"first_name": format!("Çelik{i}"), "last_name": "Öz", "identity_provider": "Avaamo",
                          "email": format!("celik{i}@acme.example")});
        let req = s
            .req(reqwest::Method::POST, "/api/v1/users", &t)
            .json(&body);
        creates.push(tokio::spawn(crate::common::send(req)));
    }
    for create in creates {
        let (status, body) = create.await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    let (_, page) = s.get("/api/v1/users?per_page=30", &t).await;
    for (i, user) in page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .skip(1)
    {
        let path = format!("/api/v1/users/{}", user["id"]);
        let (status, body) = match i % 3 {
            0 => {
                s.patch(&path, &t, 1, json!({"last_name": format!("Renamed{i}")}))
                    .await
            }
            1 => {
                s.patch(
                    &path,
                    &t,
                    1,
                    json!({"email": format!("moved{i}@acme.example")}),
                )
                .await
            }
            _ => {
                s.delete(&path, &t, json!({"replacement_owner_id": s.admin.id}))
                    .await
            }
        };
        assert_eq!(status, 200, "{body}");
        if i % 6 == 2 {
            let (status, _) = s.post(&format!("{path}/restore"), &t, json!(null)).await;
            assert_eq!(status, 200);
        }
    }

    use sqlx::Connection;
    let users_server::storage::Location::Url(url) = &s.database.location else {
        unreachable!("a PostgreSQL database")
    };
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let differences: i64 = sqlx::query_scalar(
        "WITH fresh AS (
             SELECT u.company_id, u.status::text AS status, g AS gram, COUNT(*) AS n
             FROM users u CROSS JOIN LATERAL user_grams(u.sort_key, u.email_key) AS g
             GROUP BY 1, 2, 3),
         kept AS (SELECT company_id, status, gram, n FROM user_gram_counts WHERE n <> 0)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM fresh EXCEPT SELECT * FROM kept) a)
              + (SELECT COUNT(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM fresh) b)
              + (SELECT COUNT(*) FROM (
                    SELECT company_id, status::text, COUNT(*) FROM users GROUP BY 1, 2
                    EXCEPT SELECT company_id, status, n FROM user_counts) c)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(differences, 0);
    let grams: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_gram_counts WHERE n > 0")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(grams > 1_000, "the counts were filled ({grams})");
}
