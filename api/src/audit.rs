//! The audit log's contract: which entries a query asks for (filters,
//! cursor, page size), parsed strictly in one place for the server and
//! written back for the clients; what an entry says; and the times it
//! filters on, normalised to the stored form (RFC 3339 UTC, whole seconds).

use serde::{Deserialize, Serialize};

use crate::query::QueryError;
use crate::types::{GroupRef, UserId};

/// Every action the log records.
pub const AUDIT_ACTIONS: [&str; 14] = [
    "user.create",
    "user.update",
    "user.archive",
    "user.restore",
    "token.reveal",
    "token.regenerate",
    "group.create",
    "group.update",
    "group.delete",
    "group.members.add",
    "group.members.remove",
    "users.export",
    "audit.prune",
    "demo.seed",
];

/// Entries per page when the client gives no `per_page`.
pub const DEFAULT_AUDIT_PER_PAGE: u32 = 25;
/// Entries per page of a user's activity by default.
pub const DEFAULT_ACTIVITY_PER_PAGE: u32 = 10;
/// Most entries one page may hold.
pub const MAX_AUDIT_PER_PAGE: u32 = 100;

/// Someone an entry names: who acted or who was affected. Name and email
/// stay readable after the user is archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPerson {
    pub id: UserId,
    pub name: String,
    pub email: String,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who; absent for the operator's own commands (e.g. `audit.prune`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<AuditPerson>,
    /// One of [`AUDIT_ACTIONS`].
    pub action: String,
    /// The user the action was about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_user: Option<AuditPerson>,
    /// The group the action was about, if any (its name as it was, when
    /// the group has since been deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group: Option<GroupRef>,
    /// The change itself: for an edit, `changes` maps each changed field to
    /// its `before` and `after`; never a token's value.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// One page of the log, newest first; `next` is the cursor of the page
/// after it (`before=<next>`), absent on the last page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// Which entries: every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Done by this user.
    pub actor: Option<UserId>,
    /// About this user.
    pub target: Option<UserId>,
    /// Done by this user or about them (their activity).
    pub user: Option<UserId>,
    /// About this group.
    pub group: Option<i64>,
    /// Any of these actions (none: every action).
    pub actions: Vec<String>,
    /// At or after this time (RFC 3339 UTC, whole seconds).
    pub since: Option<String>,
    /// Before this time.
    pub until: Option<String>,
}

/// A request for one page of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub filter: AuditFilter,
    /// Only entries older than this cursor (a previous page's `next`).
    pub before: Option<i64>,
    pub per_page: u32,
}

impl Default for AuditQuery {
    fn default() -> Self {
        AuditQuery {
            filter: AuditFilter::default(),
            before: None,
            per_page: DEFAULT_AUDIT_PER_PAGE,
        }
    }
}

fn id_param(name: &str, raw: &str) -> Result<i64, QueryError> {
    match raw.parse::<i64>() {
        Ok(id) if id >= 1 => Ok(id),
        _ => Err(QueryError(format!(
            "{name} must be an id (a whole number from 1), not {raw:?}."
        ))),
    }
}

impl AuditQuery {
    /// Parses the query string's pairs strictly (`action` may repeat);
    /// `default_per_page` is the page size when none is given.
    pub fn parse(pairs: &[(String, String)], default_per_page: u32) -> Result<Self, QueryError> {
        let mut query = AuditQuery {
            per_page: default_per_page,
            ..AuditQuery::default()
        };
        for (name, raw) in pairs {
            let filter = &mut query.filter;
            match name.as_str() {
                "actor" => filter.actor = Some(id_param(name, raw)?),
                // `user_id`: the name this filter had before there were others.
                "target" | "user_id" => filter.target = Some(id_param(name, raw)?),
                "group" => filter.group = Some(id_param(name, raw)?),
                "user" => filter.user = Some(id_param(name, raw)?),
                "action" => {
                    if !AUDIT_ACTIONS.contains(&raw.as_str()) {
                        return Err(QueryError(format!(
                            "action must be one of {}, not {raw:?}.",
                            AUDIT_ACTIONS.join(", ")
                        )));
                    }
                    if !filter.actions.contains(raw) {
                        filter.actions.push(raw.clone());
                    }
                }
                "since" => filter.since = Some(utc_time(name, raw)?),
                "until" => filter.until = Some(utc_time(name, raw)?),
                "before" => query.before = Some(id_param(name, raw)?),
                "per_page" => {
                    query.per_page = match raw.parse::<u32>() {
                        Ok(n) if (1..=MAX_AUDIT_PER_PAGE).contains(&n) => n,
                        _ => {
                            return Err(QueryError(format!(
                                "per_page must be a whole number from 1 to {MAX_AUDIT_PER_PAGE}, not {raw:?}."
                            )))
                        }
                    }
                }
                // A client paging by number would get the first page again
                // and again: say how this log pages instead.
                "page" => {
                    return Err(QueryError(
                        "page is not a parameter of the audit log: it pages by cursor \
                         (before=<the previous page's next>)."
                            .to_string(),
                    ))
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query string that asks for this page (the API's names).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let f = &self.filter;
        let mut pairs = Vec::new();
        let mut id = |name: &'static str, value: Option<i64>| {
            if let Some(v) = value {
                pairs.push((name, v.to_string()));
            }
        };
        id("actor", f.actor);
        id("target", f.target);
        id("group", f.group);
        id("user", f.user);
        id("before", self.before);
        pairs.extend(f.actions.iter().map(|a| ("action", a.clone())));
        pairs.extend(f.since.iter().map(|t| ("since", t.clone())));
        pairs.extend(f.until.iter().map(|t| ("until", t.clone())));
        pairs.push(("per_page", self.per_page.to_string()));
        pairs
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since the Unix epoch of an RFC 3339 time
/// (`2026-12-04T06:15:00Z`, `2026-12-04T07:15:00.5+01:00`). A fraction of
/// a second rounds up: entries are stored to the second, so "at or after
/// 06:15:00.5" and "before 06:15:00.5" both mean 06:15:01.
pub fn parse_rfc3339(raw: &str) -> Option<i64> {
    let b = raw.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = raw.get(range)?;
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo) || d < 1 || d > month_days[(mo - 1) as usize] {
        return None;
    }
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut rest = &raw[19..];
    let mut fraction = false;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let digits = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        fraction = after_dot[..digits].bytes().any(|c| c != b'0');
        rest = &after_dot[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let o = rest.as_bytes();
            if o.len() != 6 || o[3] != b':' {
                return None;
            }
            let (oh, om) = (
                rest[1..3].parse::<i64>().ok()?,
                rest[4..6].parse::<i64>().ok()?,
            );
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    let local = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    Some(local - offset + i64::from(fraction))
}

/// The stored form of a time: RFC 3339 UTC, whole seconds
/// (`2026-12-04T06:15:00Z`), which sorts as text.
pub fn format_utc(seconds: i64) -> String {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A `since`/`until` parameter in the stored form, or why not.
fn utc_time(name: &str, raw: &str) -> Result<String, QueryError> {
    parse_rfc3339(raw)
        .filter(|s| (-62_167_219_200..253_402_300_800).contains(s))
        .map(format_utc)
        .ok_or_else(|| {
            QueryError(format!(
                "{name} must be an RFC 3339 time such as 2026-12-04T06:15:00Z, not {raw:?}."
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn times_are_normalised_to_utc_seconds() {
        let at = |raw: &str| parse_rfc3339(raw).map(format_utc);
        assert_eq!(at("2026-12-04T06:15:00Z").unwrap(), "2026-12-04T06:15:00Z");
        assert_eq!(
            at("2026-12-04T07:15:00+01:00").unwrap(),
            "2026-12-04T06:15:00Z"
        );
        assert_eq!(
            at("2026-12-04T00:30:00-05:30").unwrap(),
            "2026-12-04T06:00:00Z"
        );
        assert_eq!(
            at("2026-12-31T23:59:59.2Z").unwrap(),
            "2027-01-01T00:00:00Z"
        );
        assert_eq!(
            at("2024-02-29T12:00:00.000Z").unwrap(),
            "2024-02-29T12:00:00Z"
        );
        assert_eq!(
            at("1970-01-01T00:00:00Z"),
            Some("1970-01-01T00:00:00Z".into())
        );
        for bad in [
            "2026-12-04",
            "2026-12-04T06:15:00",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-12-04T24:00:00Z",
            "2026-12-04T06:15:00.Z",
            "2026-12-04T06:15:00+0100",
            "2026-12-04 06:15:00Z",
            "2026-1-04T06:15:00Z",
            "+026-12-04T06:15:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
        // Every day of a few centuries goes there and back.
        for days in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn a_query_parses_strictly_and_writes_itself_back() {
        let q = AuditQuery::parse(
            &pairs(&[
                ("actor", "3"),
                ("target", "7"),
                ("user", "5"),
                ("action", "user.update"),
                ("action", "token.regenerate"),
                ("action", "user.update"),
                ("since", "2026-12-01T00:00:00+01:00"),
                ("until", "2026-12-04T00:00:00Z"),
                ("before", "900"),
                ("per_page", "50"),
            ]),
            DEFAULT_AUDIT_PER_PAGE,
        )
        .unwrap();
        assert_eq!(q.filter.actor, Some(3));
        assert_eq!(q.filter.target, Some(7));
        assert_eq!(q.filter.user, Some(5));
        assert_eq!(q.filter.actions, ["user.update", "token.regenerate"]);
        assert_eq!(q.filter.since.as_deref(), Some("2026-11-30T23:00:00Z"));
        assert_eq!(q.before, Some(900));
        assert_eq!(q.per_page, 50);
        let back: Vec<(String, String)> = q
            .to_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        assert_eq!(AuditQuery::parse(&back, 1).unwrap(), q);

        assert_eq!(
            AuditQuery::parse(&pairs(&[("user_id", "4")]), 10)
                .unwrap()
                .filter
                .target,
            Some(4)
        );
        assert_eq!(AuditQuery::parse(&[], 10).unwrap().per_page, 10);
        for (name, raw) in [
            ("actor", "0"),
            ("target", "x"),
            ("group", "-1"),
            ("user", "0"),
            ("action", "user.delete"),
            ("since", "yesterday"),
            ("until", "2026-13-01T00:00:00Z"),
            ("before", "1.5"),
            ("per_page", "0"),
            ("per_page", "101"),
            ("page", "2"),
        ] {
            let err = AuditQuery::parse(&pairs(&[(name, raw)]), 25).unwrap_err();
            assert!(err.0.starts_with(name), "{name}={raw}: {}", err.0);
        }
    }
}
