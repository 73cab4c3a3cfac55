//! Access review: the users list filtered by role (and how it is held),
//! group and identity provider, every combination compared with a
//! brute-force reading of the seeded data; the filters' errors; and the
//! CSV export (content, quoting, formula neutralisation, batches, audit).

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;
use users_server::storage::{DemoGroup, DemoPlan, DemoUser, EXPORT_BATCH};

use crate::common::{assert_error, TestServer, COMPANY};

const ROLES: [&str; 5] = [
    "Development",
    "Testing",
    "Staging",
    "Production",
    "Settings",
];
const PROVIDERS: [&str; 3] = ["Avaamo", "Google", "Okta"];

/// The groups the seed makes, with their roles.
fn groups() -> Vec<DemoGroup> {
    let group = |name: &str, roles: &[&str]| DemoGroup {
        name: name.into(),
        description: String::new(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    };
    vec![
        group("QA team", &["Testing", "Production"]),
        group("Release team", &["Production"]),
        group("Readers", &[]),
    ]
}

/// A user as the test knows them: what the seed was told.
#[derive(Debug, Clone)]
struct Known {
    id: i64,
    first: String,
    last: String,
    email: String,
    provider: String,
    roles: Vec<String>,
    groups: Vec<usize>,
    archived: bool,
}

impl Known {
    fn sort_key(&self) -> (String, String, i64) {
        (
            format!("{} {}", self.first, self.last).to_lowercase(),
            self.email.to_lowercase(),
            self.id,
        )
    }

    fn matches(&self, needle: &str) -> bool {
        let (name, email, _) = self.sort_key();
        needle.is_empty() || name.contains(needle) || email.contains(needle)
    }

    fn direct(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    fn via_group(&self, role: &str) -> bool {
        let groups = groups();
        self.groups
            .iter()
            .any(|g| groups[*g].roles.iter().any(|r| r == role))
    }
}

/// `n` users with roles, groups and providers spread deterministically;
/// names repeat (so the order falls to email, then id) and vary in case.
fn plan(n: usize, first_id: i64) -> (DemoPlan, Vec<Known>) {
    let mut users = Vec::new();
    let mut known = Vec::new();
    for i in 0..n {
        let roles: Vec<String> = ROLES
            .iter()
            .enumerate()
            .filter(|(r, _)| (i * 7 + r * 3) % 5 < 2)
            .map(|(_, r)| r.to_string())
            .collect();
        let memberships: Vec<usize> = (0..3).filter(|g| (i + g * 2) % 4 == 0).collect();
        let first = ["ann", "Bob", "cara", "Dan"][i % 4].to_string();
        let last = ["Lee", "moss", "Nu"][i % 3].to_string();
        let email = format!("u{:04}.{}@acme.example", (i * 37) % 1000, i);
        let provider = PROVIDERS[i % 3].to_string();
        let archived = i % 6 == 5;
        users.push(DemoUser {
            first_name: first.clone(),
            last_name: last.clone(),
            email: email.clone(),
            identity_provider: provider.clone(),
            roles: roles.clone(),
            groups: memberships.clone(),
            agents: Vec::new(),
            archived,
        });
        known.push(Known {
            id: first_id + i as i64,
            first,
            last,
            email,
            provider,
            roles,
            groups: memberships,
            archived,
        });
    }
    (
        DemoPlan {
            groups: groups(),
            users,
        },
        known,
    )
}

/// Seeds `n` users and answers them (with the administrator) and the
/// groups' ids, in seed order.
async fn seed(s: &TestServer, n: usize) -> (Vec<Known>, Vec<i64>) {
    let mut known = Vec::new();
    s.store
        .seed_demo(COMPANY, |first_id| {
            let (plan, users) = plan(n, first_id);
            known = users;
            plan
        })
        .await
        .expect("seed");
    // Ids as stored (the seed may number them its own way): by email.
    let (_, page) = s.get("/api/v1/users?per_page=1", &s.admin.token).await;
    assert!(page["total_entries"].as_u64().unwrap() > 0);
    let mut ids = std::collections::HashMap::new();
    for status in ["active", "archived"] {
        let mut page_no = 1;
        loop {
            let (_, page) = s
                .get(
                    &format!("/api/v1/users?status={status}&per_page=100&page={page_no}"),
                    &s.admin.token,
                )
                .await;
            let entries = page["entries"].as_array().unwrap();
            if entries.is_empty() {
                break;
            }
            for u in entries {
                ids.insert(
                    u["email"].as_str().unwrap().to_string(),
                    u["id"].as_i64().unwrap(),
                );
            }
            page_no += 1;
        }
    }
    for k in &mut known {
        k.id = ids[&k.email];
    }
    known.push(Known {
        id: s.admin.id,
        first: "Ada".into(),
        last: "Admin".into(),
        email: "admin@acme.example".into(),
        provider: "Avaamo".into(),
        roles: vec!["Settings".into()],
        groups: Vec::new(),
        archived: false,
    });
    let (_, listed) = s.get("/api/v1/groups?per_page=100", &s.admin.token).await;
    let group_ids = groups()
        .iter()
        .map(|g| {
            listed["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == g.name.as_str())
                .map(|e| e["id"].as_i64().unwrap())
                .expect("seeded group")
        })
        .collect();
    (known, group_ids)
}

/// One combination of filters, as the test states it.
#[derive(Debug, Clone, Default)]
struct Case {
    archived: bool,
    needle: &'static str,
    role: Option<&'static str>,
    source: Option<&'static str>,
    group: Option<usize>,
    provider: Option<&'static str>,
}

impl Case {
    fn params(&self, group_ids: &[i64]) -> String {
        let mut p = vec![format!(
            "status={}",
            if self.archived { "archived" } else { "active" }
        )];
        if !self.needle.is_empty() {
            p.push(format!("query={}", self.needle));
        }
        if let Some(role) = self.role {
            p.push(format!("role={role}"));
        }
        if let Some(source) = self.source {
            p.push(format!("source={source}"));
        }
        if let Some(g) = self.group {
            p.push(format!("group={}", group_ids[g]));
        }
        if let Some(provider) = self.provider {
            p.push(format!("identity_provider={provider}"));
        }
        p.join("&")
    }

    /// The brute-force answer: every known user tested one by one, sorted.
    fn expected(&self, known: &[Known]) -> Vec<i64> {
        let mut hits: Vec<&Known> = known
            .iter()
            .filter(|k| k.archived == self.archived && k.matches(self.needle))
            .filter(|k| match (self.role, self.source) {
                (None, _) => true,
                (Some(r), Some("direct")) => k.direct(r),
                (Some(r), Some(_)) => k.via_group(r),
                (Some(r), None) => k.direct(r) || k.via_group(r),
            })
            .filter(|k| self.group.is_none_or(|g| k.groups.contains(&g)))
            .filter(|k| self.provider.is_none_or(|p| k.provider == p))
            .collect();
        hits.sort_by_key(|k| k.sort_key());
        hits.into_iter().map(|k| k.id).collect()
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect()
}

/// Every combination of role × source, group, provider, search and tab.
fn every_case() -> Vec<Case> {
    let mut roles: Vec<(Option<&'static str>, Option<&'static str>)> = vec![(None, None)];
    for role in ROLES {
        for source in [None, Some("direct"), Some("group")] {
            roles.push((Some(role), source));
        }
    }
    let mut cases = Vec::new();
    for (role, source) in roles {
        for group in [None, Some(0), Some(1), Some(2)] {
            for provider in [None, Some("Okta"), Some("Avaamo")] {
                for needle in ["", "an", "u00"] {
                    for archived in [false, true] {
                        cases.push(Case {
                            archived,
                            needle,
                            role,
                            source,
                            group,
                            provider,
                        });
                    }
                }
            }
        }
    }
    cases
}

#[tokio::test]
async fn every_filter_and_combination_matches_a_brute_force_reading() {
    let s = TestServer::start().await;
    let (known, group_ids) = seed(&s, 90).await;
    let cases = every_case();
    assert_eq!(cases.len(), 16 * 4 * 3 * 3 * 2);
    let mut nonempty = 0;
    for case in &cases {
        let expected = case.expected(&known);
        let path = format!("/api/v1/users?{}&per_page=100", case.params(&group_ids));
        let (status, page) = s.get(&path, &s.admin.token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        assert_eq!(ids(&page), expected, "{path}");
        assert_eq!(page["total_entries"], expected.len(), "{path}");
        nonempty += usize::from(!expected.is_empty());
    }
    // The data is rich enough that most combinations find someone.
    assert!(nonempty > cases.len() / 3, "{nonempty} of {}", cases.len());

    // The export walks the tab in order (the list gathers a rare role's
    // holders instead): the same users either way.
    let by_id: std::collections::HashMap<i64, &Known> = known.iter().map(|k| (k.id, k)).collect();
    for case in cases.iter().step_by(5) {
        let response = export(&s, &case.params(&group_ids), &s.admin.token).await;
        let records = parse_csv(&response.text().await.unwrap());
        let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
        let expected: Vec<&str> = case
            .expected(&known)
            .iter()
            .map(|id| by_id[id].email.as_str())
            .collect();
        assert_eq!(emails, expected, "export {}", case.params(&group_ids));
    }

    // Paging: pages of 4 put together are the whole answer, with exact
    // totals on every page (and past the end).
    for case in cases.iter().step_by(37) {
        let expected = case.expected(&known);
        let mut walked = Vec::new();
        for page_no in 1..=(expected.len() / 4 + 2) {
            let path = format!(
                "/api/v1/users?{}&per_page=4&page={page_no}",
                case.params(&group_ids)
            );
            let (_, page) = s.get(&path, &s.admin.token).await;
            assert_eq!(page["total_entries"], expected.len(), "{path}");
            assert_eq!(page["total_pages"], expected.len().div_ceil(4), "{path}");
            walked.extend(ids(&page));
        }
        assert_eq!(walked, expected, "{}", case.params(&group_ids));
    }
}

#[tokio::test]
async fn filters_follow_changes_to_roles_groups_and_memberships() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let user = s
        .create_user("Gail", "Grant", "gail@acme.example", &[])
        .await;
    let id = user["id"].as_i64().unwrap();
    let production = |source: &'static str| {
        let source = if source.is_empty() {
            String::new()
        } else {
            format!("&source={source}")
        };
        format!("/api/v1/users?role=Production{source}")
    };
    let (_, none) = s.get(&production(""), t).await;
    assert_eq!(none["total_entries"], 0);
    // A group without the role, then the role given to the group.
    let (_, group) = s
        .post(
            "/api/v1/groups",
            t,
            serde_json::json!({"name": "Ops", "roles": []}),
        )
        .await;
    let group_id = group["id"].as_i64().unwrap();
    s.post(
        &format!("/api/v1/groups/{group_id}/members"),
        t,
        serde_json::json!({"user_ids": [id]}),
    )
    .await;
    let (_, still_none) = s.get(&production("group"), t).await;
    assert_eq!(still_none["total_entries"], 0);
    let (_, group) = s.get(&format!("/api/v1/groups/{group_id}"), t).await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/groups/{group_id}"),
            t,
            group["version"].as_i64().unwrap(),
            serde_json::json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, via_group) = s.get(&production("group"), t).await;
    assert_eq!(ids(&via_group), [id]);
    let (_, direct) = s.get(&production("direct"), t).await;
    assert_eq!(direct["total_entries"], 0);
    // Also directly: both sources; then out of the group: direct only.
    let (_, user) = s.get(&format!("/api/v1/users/{id}"), t).await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{id}"),
            t,
            user["version"].as_i64().unwrap(),
            serde_json::json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for source in ["", "direct", "group"] {
        let (_, page) = s.get(&production(source), t).await;
        assert_eq!(ids(&page), [id], "source {source:?}");
    }
    let (status, _) = s
        .delete(
            &format!("/api/v1/groups/{group_id}/members/{id}"),
            t,
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, gone) = s.get(&production("group"), t).await;
    assert_eq!(gone["total_entries"], 0);
    let (_, kept) = s.get(&production(""), t).await;
    assert_eq!(ids(&kept), [id]);
    let (_, members) = s.get(&format!("/api/v1/users?group={group_id}"), t).await;
    assert_eq!(members["total_entries"], 0);
}

#[tokio::test]
async fn bad_and_unknown_filter_values_are_named() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let other = s.other_company_admin().await;
    let (_, theirs) = s
        .post(
            "/api/v1/groups",
            &other.token,
            serde_json::json!({"name": "Theirs", "roles": []}),
        )
        .await;
    let their_group = theirs["id"].as_i64().unwrap();
    let cases = [
        ("role=Janitor", "role"),
        ("role=", "role"),
        ("source=direct", "source"),
        ("role=Testing&source=inherited", "source"),
        ("group=abc", "group"),
        ("group=0", "group"),
        ("group=999999", "group"),
        (&format!("group={their_group}") as &str, "group"),
        ("identity_provider=Elsewhere", "identity_provider"),
    ];
    for path in ["/api/v1/users", "/api/v1/users/export.csv"] {
        for (query, field) in &cases {
            let (status, body) = s.get(&format!("{path}?{query}"), t).await;
            assert_error(status, &body, 422, "invalid");
            assert!(
                body["error"]["fields"][field].is_array(),
                "{path}?{query}: {body}"
            );
        }
        // Paging stays a 400, checked first.
        let (status, body) = s.get(&format!("{path}?page=0&role=Janitor"), t).await;
        assert_error(status, &body, 400, "bad_request");
    }
    // Nothing was exported, so nothing was audited.
    let (_, log) = s.get("/api/v1/audit?action=users.export", t).await;
    assert_eq!(log["entries"], serde_json::json!([]));
}

/// The CSV's records (header first), parsed by RFC 4180's rules.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    assert!(cell.is_empty() && record.is_empty(), "ends with CRLF");
    records
}

async fn export(s: &TestServer, query: &str, token: &str) -> reqwest::Response {
    s.req(
        reqwest::Method::GET,
        &format!("/api/v1/users/export.csv?{query}"),
        token,
    )
    .send()
    .await
    .expect("export")
}

#[tokio::test]
async fn the_export_holds_every_matching_user_in_list_order_across_batches() {
    let s = TestServer::start().await;
    let n = EXPORT_BATCH as usize * 2 + 40;
    let (known, group_ids) = seed(&s, n).await;
    let case = Case {
        role: Some("Production"),
        ..Case::default()
    };
    let expected = case.expected(&known);
    assert!(expected.len() > EXPORT_BATCH as usize, "{}", expected.len());
    let response = export(&s, &case.params(&group_ids), &s.admin.token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(
        headers["x-total-count"],
        expected.len().to_string().as_str()
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"users-active-production-2"),
        "{disposition}"
    );
    let records = parse_csv(&response.text().await.unwrap());
    assert_eq!(
        records[0],
        [
            "Name",
            "Email",
            "Identity provider",
            "Status",
            "Roles",
            "Groups",
            "Created",
            "Token last used"
        ]
    );
    let by_id: std::collections::HashMap<i64, &Known> = known.iter().map(|k| (k.id, k)).collect();
    let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
    let want: Vec<&str> = expected.iter().map(|id| by_id[id].email.as_str()).collect();
    assert_eq!(emails, want, "every user once, in list order");
    // A row's roles say their sources; its groups are named.
    for record in &records[1..] {
        let k = known.iter().find(|k| k.email == record[1]).unwrap();
        assert_eq!(record[0], format!("{} {}", k.first, k.last));
        assert_eq!(record[2], k.provider);
        assert_eq!(record[3], "active");
        let production = record[4]
            .split(", ")
            .find(|r| r.starts_with("Production ("))
            .unwrap_or_else(|| panic!("{record:?}"));
        let mut sources = Vec::new();
        if k.direct("Production") {
            sources.push("direct".to_string());
        }
        let mut from: BTreeSet<&str> = BTreeSet::new();
        for g in &k.groups {
            if groups()[*g].roles.iter().any(|r| r == "Production") {
                from.insert(["QA team", "Release team", "Readers"][*g]);
            }
        }
        sources.extend(from.iter().map(|g| g.to_string()));
        assert_eq!(production, format!("Production ({})", sources.join("; ")));
        let group_names: BTreeSet<&str> = record[5].split(", ").filter(|g| !g.is_empty()).collect();
        assert_eq!(group_names.len(), k.groups.len(), "{record:?}");
    }
    // The export is audited once, with its filters and rows.
    let (_, log) = s
        .get("/api/v1/audit?action=users.export", &s.admin.token)
        .await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["actor"]["id"], s.admin.id);
    let details = &entries[0]["details"];
    assert_eq!(details["rows"], expected.len());
    assert_eq!(details["filters"]["role"], "Production");
    assert_eq!(details["status"], "active");
}

#[tokio::test]
async fn the_export_quotes_and_neutralises_user_text() {
    let s = TestServer::start().await;
    let t = &s.admin.token;
    let (_, group) = s
        .post(
            "/api/v1/groups",
            t,
            serde_json::json!({"name": "+Ops, \"night\"", "roles": ["Testing"]}),
        )
        .await;
    let group_id = group["id"].as_i64().unwrap();
    let formula = s
        .create_user("=HYPERLINK(\"x\")", "Zoë", "formula@acme.example", &[])
        .await;
    let plain = s
        .create_user("Émile", "-Dash", "emile@acme.example", &["Production"])
        .await;
    for user in [&formula, &plain] {
        s.post(
            &format!("/api/v1/groups/{group_id}/members"),
            t,
            serde_json::json!({"user_ids": [user["id"]]}),
        )
        .await;
    }
    let response = export(&s, &format!("group={group_id}"), t).await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("users-active-group-ops-night-"),
        "{disposition}"
    );
    let raw = response.text().await.unwrap();
    // Quoted where RFC 4180 needs it; the formula disarmed inside.
    assert!(
        raw.contains("\"'=HYPERLINK(\"\"x\"\") Zoë\",formula@acme.example"),
        "{raw}"
    );
    let records = parse_csv(&raw);
    assert_eq!(records.len(), 3, "{records:?}");
    // In list order ("=" sorts before "é").
    assert_eq!(records[1][0], "'=HYPERLINK(\"x\") Zoë");
    assert_eq!(records[2][0], "Émile -Dash");
    // Roles in catalogue order, each with its sources.
    assert_eq!(
        records[2][4],
        "Testing (+Ops, \"night\"), Production (direct)"
    );
    assert_eq!(records[2][5], "'+Ops, \"night\"");
    // Search and tab apply as in the list; an empty result is a header.
    let response = export(&s, "status=archived", t).await;
    assert_eq!(response.headers()["x-total-count"], "0");
    assert_eq!(parse_csv(&response.text().await.unwrap()).len(), 1);
}

#[tokio::test]
async fn a_compressed_export_is_whole() {
    let s = TestServer::start().await;
    seed(&s, 700).await;
    let plain = export(&s, "", &s.admin.token).await.text().await.unwrap();
    let response = s
        .req(
            reqwest::Method::GET,
            "/api/v1/users/export.csv",
            &s.admin.token,
        )
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let bytes = response.bytes().await.expect("the whole body");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
        .expect("gzip");
    assert_eq!(text, plain);
    assert_eq!(parse_csv(&text).len(), 1 + 700 - 700 / 6 + 1);
}

#[tokio::test]
async fn only_administrators_export_and_only_their_company() {
    let s = TestServer::start().await;
    let member = s
        .account("Mo", "Member", "mo@acme.example", &["Testing"])
        .await;
    let response = export(&s, "", &member.token).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = export(&s, "", "uat_not-a-token").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let other = s.other_company_admin().await;
    let response = export(&s, "", &other.token).await;
    let records = parse_csv(&response.text().await.unwrap());
    let emails: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(emails, ["otto@globex.example"]);
}
