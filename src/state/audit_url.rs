//! The audit log's state in the URL: `/audit?actor=…&target=…&action=…&
//! from=YYYY-MM-DD&to=YYYY-MM-DD&before=…` (`user=…` for someone's whole
//! activity). Days are the browser's own: "From 3 Dec" starts at local
//! midnight, and "To" includes its whole day. Values the app cannot use are
//! left out, so a hand-edited URL still shows the log.

use users_api::audit::{format_utc, parse_rfc3339, AUDIT_ACTIONS, DEFAULT_AUDIT_PER_PAGE};
use users_api::{AuditFilter, AuditQuery, UserId};

/// What the audit view shows: its filters as the form holds them, and the
/// cursor of the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditView {
    pub actor: Option<UserId>,
    pub target: Option<UserId>,
    /// By or about this user (a user's "View all activity").
    pub user: Option<UserId>,
    pub action: Option<String>,
    /// `YYYY-MM-DD`, local.
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<i64>,
}

fn id(raw: Option<&str>) -> Option<i64> {
    raw?.parse().ok().filter(|id| *id >= 1)
}

/// A `YYYY-MM-DD` that names a real day.
fn day(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    (raw.len() == 10 && parse_rfc3339(&format!("{raw}T00:00:00Z")).is_some())
        .then(|| raw.to_string())
}

/// Local midnight of `day` as RFC 3339 with the browser's offset that day.
fn local_midnight(day: &str) -> String {
    let offset_minutes = js_sys::Date::new(&format!("{day}T00:00:00").into()).get_timezone_offset();
    // `getTimezoneOffset` is UTC minus local, in minutes.
    let east = -(offset_minutes as i64);
    let sign = if east < 0 { '-' } else { '+' };
    format!(
        "{day}T00:00:00{sign}{:02}:{:02}",
        east.abs() / 60,
        east.abs() % 60
    )
}

/// The day after `day`.
fn next_day(day: &str) -> String {
    let seconds = parse_rfc3339(&format!("{day}T00:00:00Z")).unwrap_or(0) + 86_400;
    format_utc(seconds)[..10].to_string()
}

impl AuditView {
    /// Reads the view from query parameters, leniently.
    pub fn from_params<'a>(get: impl Fn(&str) -> Option<&'a str>) -> AuditView {
        AuditView {
            actor: id(get("actor")),
            target: id(get("target")),
            user: id(get("user")),
            action: get("action")
                .filter(|a| AUDIT_ACTIONS.contains(a))
                .map(str::to_string),
            from: day(get("from")),
            to: day(get("to")),
            before: id(get("before")),
        }
    }

    /// `/audit` with this view, what is unset left out.
    pub fn url(&self) -> String {
        let mut parts = Vec::new();
        let ids = [
            ("actor", self.actor),
            ("target", self.target),
            ("user", self.user),
        ];
        for (name, value) in ids {
            if let Some(v) = value {
                parts.push(format!("{name}={v}"));
            }
        }
        if let Some(action) = &self.action {
            parts.push(format!("action={action}"));
        }
        for (name, value) in [("from", &self.from), ("to", &self.to)] {
            if let Some(v) = value {
                parts.push(format!("{name}={v}"));
            }
        }
        if let Some(before) = self.before {
            parts.push(format!("before={before}"));
        }
        if parts.is_empty() {
            "/audit".to_string()
        } else {
            format!("/audit?{}", parts.join("&"))
        }
    }

    /// Whether any filter is set (the cursor aside).
    pub fn filtered(&self) -> bool {
        AuditView {
            before: None,
            ..self.clone()
        } != AuditView::default()
    }

    /// The API's query for this view.
    pub fn query(&self) -> AuditQuery {
        AuditQuery {
            filter: AuditFilter {
                actor: self.actor,
                target: self.target,
                user: self.user,
                group: None,
                actions: self.action.iter().cloned().collect(),
                since: self.from.as_deref().map(local_midnight),
                until: self.to.as_deref().map(|to| local_midnight(&next_day(to))),
            },
            before: self.before,
            per_page: DEFAULT_AUDIT_PER_PAGE,
        }
    }
}
