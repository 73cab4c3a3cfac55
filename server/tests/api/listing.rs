//! The users list: order, pagination edges, tabs and search.

use serde_json::{json, Value};

use crate::common::TestServer;

fn emails(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn order_pages_and_edges() {
    let s = TestServer::start().await;
    // Equal names: ordered by email, then id.
    s.create_user("zed", "Same", "b@acme.example", &[]).await;
    s.create_user("Zed", "same", "a@acme.example", &[]).await;
    s.create_user("Ann", "Zimmer", "ann@acme.example", &[])
        .await;
    s.create_user("ann", "able", "ann2@acme.example", &[]).await;
    s.create_user("Émile", "Zola", "emile@acme.example", &[])
        .await;
    let t = &s.admin.token;
    let (_, all) = s.get("/api/v1/users?per_page=100", t).await;
    assert_eq!(
        emails(&all),
        [
            "admin@acme.example",
            "ann2@acme.example",
            "ann@acme.example",
            "a@acme.example",
            "b@acme.example",
            "emile@acme.example"
        ]
    );
    assert_eq!(all["total_entries"], 6);
    assert_eq!(all["total_pages"], 1);
    assert_eq!(all["current_page"], 1);
    assert_eq!(all["per_page"], 100);

    let (_, page) = s.get("/api/v1/users?per_page=4&page=2", t).await;
    assert_eq!(emails(&page), ["b@acme.example", "emile@acme.example"]);
    assert_eq!(page["total_pages"], 2);
    // A page past the end: no entries, true totals.
    let (status, past) = s.get("/api/v1/users?per_page=4&page=9", t).await;
    assert_eq!(status, 200);
    assert_eq!(past["entries"], json!([]));
    assert_eq!(past["total_entries"], 6);
    assert_eq!(past["total_pages"], 2);
    assert_eq!(past["current_page"], 9);
    // Absent parameters take their defaults; present ones must be valid
    // (an empty `page=` is not a page number, as the published document says).
    let (_, default) = s.get("/api/v1/users", t).await;
    assert_eq!(default["per_page"], 25);
    for empty in ["page=", "per_page=", "status="] {
        let (status, body) = s.get(&format!("/api/v1/users?{empty}"), t).await;
        crate::common::assert_error(status, &body, 400, "bad_request");
    }
    let (_, max) = s.get("/api/v1/users?per_page=100", t).await;
    assert_eq!(max["per_page"], 100);
    let (_, huge) = s.get("/api/v1/users?page=4294967295", t).await;
    assert_eq!(huge["entries"], json!([]));

    // Tabs.
    let (_, archived) = s.get("/api/v1/users?status=archived", t).await;
    assert_eq!(archived["total_entries"], 0);
    assert_eq!(archived["total_pages"], 0);
    let id = all["entries"][1]["id"].as_i64().unwrap();
    s.delete(&format!("/api/v1/users/{id}"), t, json!({})).await;
    let (_, archived) = s.get("/api/v1/users?status=archived", t).await;
    assert_eq!(emails(&archived), ["ann2@acme.example"]);
    assert_eq!(archived["entries"][0]["status"], "archived");
    let (_, active) = s.get("/api/v1/users", t).await;
    assert_eq!(active["total_entries"], 5);
}

/// The emails a search finds (sorted), checking the total matches.
async fn search(s: &TestServer, q: &str) -> Vec<String> {
    let mut url = reqwest::Url::parse("http://x/api/v1/users?per_page=100").unwrap();
    url.query_pairs_mut().append_pair("query", q);
    let (status, page) = s
        .get(
            &format!("/api/v1/users?{}", url.query().unwrap()),
            &s.admin.token,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let mut found = emails(&page);
    found.sort();
    assert_eq!(
        page["total_entries"].as_u64().unwrap() as usize,
        found.len()
    );
    found
}

#[tokio::test]
async fn search_matches_substrings_case_insensitively_and_literally() {
    let s = TestServer::start().await;
    s.create_user("Grace", "Hopper", "grace@navy.example", &[])
        .await;
    s.create_user("Conor", "O'Brien", "conor.obrien@acme.example", &[])
        .await;
    s.create_user("Percent", "Sign", "100%real@acme.example", &[])
        .await;
    s.create_user("Under", "Score", "under_score@acme.example", &[])
        .await;
    s.create_user("Back", "Slash", "back\\slash@acme.example", &[])
        .await;
    s.create_user("Plain", "Person", "underXscore@acme.example", &[])
        .await;
    s.create_user("Zoë", "Ñúñez", "zoe@acme.example", &[]).await;
    let t = &s.admin.token;
    assert_eq!(search(&s, "grace").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "HOPP").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "ce ho").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "Grace Hopper").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "navy.EX").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "opp").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "o'b").await, ["conor.obrien@acme.example"]);
    assert_eq!(search(&s, "'").await, ["conor.obrien@acme.example"]);
    assert_eq!(search(&s, "%").await, ["100%real@acme.example"]);
    assert_eq!(search(&s, "0%r").await, ["100%real@acme.example"]);
    assert_eq!(search(&s, "_").await, ["under_score@acme.example"]);
    assert_eq!(search(&s, "r_s").await, ["under_score@acme.example"]);
    assert_eq!(search(&s, "\\").await, ["back\\slash@acme.example"]);
    assert_eq!(search(&s, "k\\s").await, ["back\\slash@acme.example"]);
    assert_eq!(search(&s, "\"").await, Vec::<String>::new());
    assert_eq!(search(&s, "\"x\" OR *").await, Vec::<String>::new());
    assert_eq!(search(&s, "ÑÚÑ").await, ["zoe@acme.example"]);
    assert_eq!(search(&s, "zoë ñ").await, ["zoe@acme.example"]);
    assert_eq!(search(&s, "gr").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "  grace  ").await, ["grace@navy.example"]);
    assert_eq!(search(&s, "nobody-here").await, Vec::<String>::new());
    assert_eq!(search(&s, "").await.len(), 8);
    // Edits are searchable at once.
    let (_, page) = s.get("/api/v1/users?query=hopper", t).await;
    let id = page["entries"][0]["id"].as_i64().unwrap();
    s.patch(
        &format!("/api/v1/users/{id}"),
        t,
        1,
        json!({"last_name": "Brewster"}),
    )
    .await;
    assert_eq!(search(&s, "hopper").await, Vec::<String>::new());
    assert_eq!(search(&s, "brewst").await, ["grace@navy.example"]);
}
