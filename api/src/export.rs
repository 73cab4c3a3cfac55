//! The users export's CSV, written once for the server and the in-memory
//! client (RFC 4180: comma-separated, CRLF line ends,
//! fields with a comma, quote or line break quoted, quotes doubled), in
//! UTF-8 with a byte-order mark so spreadsheet programs read accents
//! right. A cell that a spreadsheet would run as a formula (it starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) is neutralised with a
//! leading apostrophe: names and group names are user text.

use crate::filter::SourceFilter;
use crate::query::{ListQuery, ParamStyle, UserStatus};
use crate::types::{RoleSource, UserSummary};

/// The header row's columns, in order.
pub const COLUMNS: [&str; 8] = [
    "Name",
    "Email",
    "Identity provider",
    "Status",
    "Roles",
    "Groups",
    "Created",
    "Token last used",
];

/// What the file starts with: the byte-order mark and the header row.
pub fn header() -> String {
    let mut out = String::from('\u{feff}');
    push_record(&mut out, COLUMNS.iter().map(|c| c.to_string()));
    out
}

/// Appends one user's record to `out`; `token_last_used` is when their
/// token was last used, if ever.
pub fn push_row(out: &mut String, user: &UserSummary, token_last_used: Option<&str>) {
    let roles = user
        .roles
        .iter()
        .map(|role| {
            let sources: Vec<&str> = role
                .sources
                .iter()
                .map(|source| match source {
                    RoleSource::Direct => "direct",
                    RoleSource::Group { group } => group.name.as_str(),
                })
                .collect();
            format!("{} ({})", role.role, sources.join("; "))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let groups = user
        .groups
        .iter()
        .map(|g| g.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    push_record(
        out,
        [
            format!("{} {}", user.first_name, user.last_name),
            user.email.clone(),
            user.identity_provider.clone(),
            user.status.as_str().to_string(),
            roles,
            groups,
            user.created_at.clone(),
            token_last_used.unwrap_or_default().to_string(),
        ]
        .into_iter(),
    );
}

fn push_record(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, &cell);
    }
    out.push_str("\r\n");
}

/// One field: neutralised against formulas, then quoted if it must be.
fn push_cell(out: &mut String, cell: &str) {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = cell.contains(['"', ',', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// What the audit log records of an export (`users.export`): its tab,
/// search, filters (by their API names) and how many rows it held.
pub fn audit_details(q: &ListQuery, rows: u64) -> serde_json::Value {
    let filters: serde_json::Map<String, serde_json::Value> = q
        .filter
        .to_params(ParamStyle::Api)
        .into_iter()
        .map(|(name, value)| (name.to_string(), value.into()))
        .collect();
    serde_json::json!({
        "status": q.status.as_str(),
        "query": q.query,
        "filters": filters,
        "rows": rows,
    })
}

/// A file name that says what the export holds, e.g.
/// `users-active-production-from-a-group-2026-12-04.csv` (ASCII only).
pub fn file_name(q: &ListQuery, group_name: Option<&str>, date: &str) -> String {
    let mut parts = vec![
        "users".to_string(),
        match q.status {
            UserStatus::Active => "active",
            UserStatus::Archived => "archived",
        }
        .to_string(),
    ];
    if let Some(role) = &q.filter.role {
        parts.push(role.clone());
        parts.push(
            match q.filter.source {
                Some(SourceFilter::Direct) => "direct",
                Some(SourceFilter::Group) => "from a group",
                None => "",
            }
            .into(),
        );
    }
    if let Some(group) = group_name {
        parts.push(format!("group {group}"));
    }
    if let Some(provider) = &q.filter.identity_provider {
        parts.push(provider.clone());
    }
    if !q.query.is_empty() {
        parts.push(format!("matching {}", q.query));
    }
    parts.push(date.to_string());
    let slug = parts
        .iter()
        .map(|p| slug(p))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{slug}.csv")
}

/// Lower-case ASCII letters and digits, with one hyphen for each run of
/// anything else.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::UserFilter;
    use crate::types::{EffectiveRole, GroupRef};

    fn cell(text: &str) -> String {
        let mut out = String::new();
        push_cell(&mut out, text);
        out
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(cell("Ada"), "Ada");
        assert_eq!(cell("Lovelace, Ada"), "\"Lovelace, Ada\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("Zoë Ñúñez"), "Zoë Ñúñez");
    }

    #[test]
    fn neutralises_formulas() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tcmd"), "'\tcmd");
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn writes_a_row_with_role_sources_and_groups() {
        let qa = GroupRef {
            id: 3,
            name: "QA team".into(),
        };
        let user = UserSummary {
            id: 1,
            first_name: "=Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.com".into(),
            identity_provider: "Okta".into(),
            status: UserStatus::Active,
            roles: vec![
                EffectiveRole {
                    role: "Production".into(),
                    sources: vec![RoleSource::Direct, RoleSource::Group { group: qa.clone() }],
                },
                EffectiveRole {
                    role: "Testing".into(),
                    sources: vec![RoleSource::Group { group: qa.clone() }],
                },
            ],
            groups: vec![qa],
            owned_agents: 0,
            created_at: "2026-01-02T03:04:05Z".into(),
            archived_at: None,
        };
        let mut out = String::new();
        push_row(&mut out, &user, None);
        assert_eq!(
            out,
            "'=Ada Lovelace,ada@example.com,Okta,active,\
             \"Production (direct; QA team), Testing (QA team)\",QA team,2026-01-02T03:04:05Z,\r\n"
        );
        assert!(header().starts_with("\u{feff}Name,Email,Identity provider,"));
        assert!(header().ends_with("Token last used\r\n"));
    }

    #[test]
    fn file_names_say_what_they_hold() {
        let mut q = ListQuery::default();
        assert_eq!(
            file_name(&q, None, "2026-12-04"),
            "users-active-2026-12-04.csv"
        );
        q.filter = UserFilter {
            role: Some("Production".into()),
            source: Some(SourceFilter::Group),
            group: Some(3),
            identity_provider: Some("Okta SSO".into()),
        };
        q.query = "Zoë".into();
        assert_eq!(
            file_name(&q, Some("QA team"), "2026-12-04"),
            "users-active-production-from-a-group-group-qa-team-okta-sso-matching-zo-2026-12-04.csv"
        );
    }
}
