//! Access review: the users list filtered by role (and how it is held),
//! group and identity provider, every combination compared with a
//! brute-force reading of the seeded data (`filters`); the CSV export:
//! content, quoting, formula neutralisation, batches, compression, audit
//! (`export`); the effective roles kept exact under concurrent changes
//! (`kept`). Here: the seeded company they read, as the test knows it.

mod export;
mod filters;
mod kept;

use serde_json::Value;
use users_server::storage::{DemoGroup, DemoPlan, DemoUser};

use crate::common::{TestServer, COMPANY};

const ROLES: [&str; 5] = [
    "Development",
    "Testing",
    "Staging",
    "Production",
    "Settings",
];
const PROVIDERS: [&str; 3] = ["Avaamo", "Google", "Okta"];

/// The groups the seed makes, with their roles.
pub(super) fn groups() -> Vec<DemoGroup> {
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
pub(super) struct Known {
    pub(super) id: i64,
    pub(super) first: String,
    pub(super) last: String,
    pub(super) email: String,
    pub(super) provider: String,
    pub(super) roles: Vec<String>,
    pub(super) groups: Vec<usize>,
    pub(super) archived: bool,
}

impl Known {
    pub(super) fn sort_key(&self) -> (String, String, i64) {
        (
            format!("{} {}", self.first, self.last).to_lowercase(),
            self.email.to_lowercase(),
            self.id,
        )
    }

    pub(super) fn matches(&self, needle: &str) -> bool {
        let (name, email, _) = self.sort_key();
        needle.is_empty() || name.contains(needle) || email.contains(needle)
    }

    pub(super) fn direct(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    pub(super) fn via_group(&self, role: &str) -> bool {
        let groups = groups();
        self.groups
            .iter()
            .any(|g| groups[*g].roles.iter().any(|r| r == role))
    }
}

/// `n` users with roles, groups and providers spread deterministically;
/// names repeat (so the order falls to email, then id) and vary in case.
pub(super) fn plan(n: usize, first_id: i64) -> (DemoPlan, Vec<Known>) {
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
pub(super) async fn seed(s: &TestServer, n: usize) -> (Vec<Known>, Vec<i64>) {
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
pub(super) struct Case {
    pub(super) archived: bool,
    pub(super) needle: &'static str,
    pub(super) role: Option<&'static str>,
    pub(super) source: Option<&'static str>,
    pub(super) group: Option<usize>,
    pub(super) provider: Option<&'static str>,
}

impl Case {
    pub(super) fn params(&self, group_ids: &[i64]) -> String {
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
    pub(super) fn expected(&self, known: &[Known]) -> Vec<i64> {
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

pub(super) fn ids(page: &Value) -> Vec<i64> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect()
}

/// Every combination of role × source, group, provider, search and tab.
pub(super) fn every_case() -> Vec<Case> {
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

/// The CSV's records (header first), parsed by RFC 4180's rules.
pub(super) fn parse_csv(text: &str) -> Vec<Vec<String>> {
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

pub(super) async fn export(s: &TestServer, query: &str, token: &str) -> reqwest::Response {
    s.req(
        reqwest::Method::GET,
        &format!("/api/v1/users/export.csv?{query}"),
        token,
    )
    .send()
    .await
    .expect("export")
}
