//! An audit entry in words: the action's name, the change as "before →
//! after" lines (the Details column), and the sentence of a user's Activity
//! ("Ada Admin removed Production").

use serde_json::Value;
use users_api::{AuditEntry, UserId};

/// The name an action goes by on screen.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "user.create" => "User added",
        "user.update" => "User changed",
        "user.archive" => "User deleted",
        "user.restore" => "User restored",
        "token.reveal" => "Token revealed",
        "token.regenerate" => "Token regenerated",
        "group.create" => "Group added",
        "group.update" => "Group changed",
        "group.delete" => "Group deleted",
        "group.members.add" => "Members added",
        "group.members.remove" => "Member removed",
        "users.export" => "Users exported",
        "audit.prune" => "Log pruned",
        "demo.seed" => "Demo data added",
        _ => "Other",
    }
}

/// A field of the contract as people call it.
fn field_label(key: &str) -> String {
    match key {
        "first_name" => "First name".into(),
        "last_name" => "Last name".into(),
        "email" => "Email".into(),
        "identity_provider" => "Identity provider".into(),
        "roles" => "Roles".into(),
        "groups" => "Groups".into(),
        "role" => "Role".into(),
        "source" => "Source".into(),
        "group" => "Group".into(),
        "name" => "Name".into(),
        "description" => "Description".into(),
        other => other.replace('_', " "),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) if s.is_empty() => "(empty)".into(),
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        other => other.to_string(),
    }
}

fn list_of(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().map(text_of).collect())
        .unwrap_or_default()
}

/// For a list field: what was added and what was removed.
fn list_change(before: &Value, after: &Value) -> (Vec<String>, Vec<String>) {
    let (before, after) = (list_of(before), list_of(after));
    let added = after
        .iter()
        .filter(|x| !before.contains(x))
        .cloned()
        .collect();
    let removed = before
        .iter()
        .filter(|x| !after.contains(x))
        .cloned()
        .collect();
    (added, removed)
}

/// "added Testing; removed Production" (either part may be missing).
fn added_removed(added: &[String], removed: &[String]) -> String {
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    parts.join("; ")
}

/// Each changed field, "before → after" (lists as added/removed). Never a
/// token: the log holds only its hint.
pub fn change_lines(entry: &AuditEntry) -> Vec<String> {
    let details = &entry.details;
    if let Some(changes) = details["changes"].as_object() {
        return changes
            .iter()
            .map(|(key, change)| {
                let (before, after) = (&change["before"], &change["after"]);
                let label = field_label(key);
                if before.is_array() || after.is_array() {
                    let (added, removed) = list_change(before, after);
                    format!("{label}: {}", added_removed(&added, &removed))
                } else {
                    format!("{label}: {} → {}", text_of(before), text_of(after))
                }
            })
            .collect();
    }
    match entry.action.as_str() {
        "user.create" => {
            let roles = list_of(&details["user"]["roles"]);
            vec![format!(
                "Roles: {}",
                if roles.is_empty() {
                    "none".into()
                } else {
                    roles.join(", ")
                }
            )]
        }
        "token.regenerate" => details["hint"]
            .as_str()
            .map(|hint| vec![format!("New token {hint}")])
            .unwrap_or_default(),
        "group.members.add" => {
            let n = details["user_ids"].as_array().map_or(0, Vec::len);
            match n {
                0 => Vec::new(),
                1 => vec!["1 member".to_string()],
                n => vec![format!("{n} members")],
            }
        }
        "users.export" => {
            let mut lines = vec![format!(
                "{} rows, {} users",
                details["rows"],
                details["status"].as_str().unwrap_or("active")
            )];
            if let Some(query) = details["query"].as_str().filter(|q| !q.is_empty()) {
                lines.push(format!("Search: “{query}”"));
            }
            if let Some(filters) = details["filters"].as_object() {
                lines.extend(
                    filters
                        .iter()
                        .map(|(name, value)| format!("{}: {}", field_label(name), text_of(value))),
                );
            }
            lines
        }
        "audit.prune" => vec![format!(
            "{} entries from before {}",
            details["deleted"],
            details["before"].as_str().unwrap_or("?")
        )],
        _ => Vec::new(),
    }
}

/// Who acted, as the sentence starts.
pub fn actor_name(entry: &AuditEntry) -> String {
    entry
        .actor
        .as_ref()
        .map_or_else(|| "The operator".to_string(), |a| a.name.clone())
}

/// What happened, as a sentence after its actor, seen from `viewer` (the
/// user whose activity it is: "removed Production" rather than "removed
/// Production for Ada Novak").
pub fn sentence(entry: &AuditEntry, viewer: Option<UserId>) -> String {
    let about_viewer = entry.target_user.as_ref().map(|t| t.id) == viewer;
    let target = entry.target_user.as_ref().map(|t| t.name.clone());
    let whom = |them: &str| match (&target, about_viewer) {
        (Some(_), true) => them.to_string(),
        (Some(name), false) => name.clone(),
        (None, _) => "a user".to_string(),
    };
    let possessive = |what: &str| match (&target, about_viewer) {
        (Some(_), true) => format!("their {what}"),
        (Some(name), false) => format!("{name}'s {what}"),
        (None, _) => format!("a {what}"),
    };
    let group = entry
        .target_group
        .as_ref()
        .map_or_else(|| "a group".to_string(), |g| g.name.clone());
    let what = match entry.action.as_str() {
        "user.create" => format!("added {}", whom("them")),
        "user.update" => {
            let mut parts = Vec::new();
            let mut fields = Vec::new();
            if let Some(changes) = entry.details["changes"].as_object() {
                for (key, change) in changes {
                    if key == "roles" || key == "groups" {
                        let (added, removed) = list_change(&change["before"], &change["after"]);
                        let noun = if key == "groups" { " (groups)" } else { "" };
                        parts.push(format!("{}{noun}", added_removed(&added, &removed)));
                    } else {
                        fields.push(field_label(key).to_lowercase());
                    }
                }
            }
            if let [only] = fields.as_slice() {
                // One field: say what it became.
                let key = entry.details["changes"]
                    .as_object()
                    .and_then(|c| {
                        c.iter()
                            .find(|(k, _)| field_label(k).to_lowercase() == *only)
                    })
                    .map(|(_, change)| text_of(&change["after"]));
                let to = key
                    .map(|after| format!(" to “{after}”"))
                    .unwrap_or_default();
                parts.insert(0, format!("changed {}{to}", possessive(only)));
            } else if !fields.is_empty() {
                parts.insert(0, format!("changed {}", possessive(&fields.join(" and "))));
            }
            if parts.is_empty() {
                format!("changed {}", whom("them"))
            } else if about_viewer || target.is_none() {
                parts.join("; ")
            } else if fields.is_empty() {
                format!("{} for {}", parts.join("; "), whom("them"))
            } else {
                parts.join("; ")
            }
        }
        "user.archive" => format!("deleted {}", whom("them")),
        "user.restore" => format!("restored {}", whom("them")),
        "token.reveal" => format!("revealed {}", possessive("access token")),
        "token.regenerate" => format!("regenerated {}", possessive("access token")),
        "group.create" => format!("added the group {group}"),
        "group.update" => format!("changed the group {group}"),
        "group.delete" => format!("deleted the group {group}"),
        "group.members.add" => match &target {
            Some(_) => format!("added {} to {group}", whom("them")),
            None => format!("added members to {group}"),
        },
        "group.members.remove" => format!("removed {} from {group}", whom("them")),
        "users.export" => {
            let rows = entry.details["rows"].as_u64().unwrap_or(0);
            format!(
                "exported {rows} {}",
                if rows == 1 { "user" } else { "users" }
            )
        }
        "audit.prune" => "pruned the audit log".to_string(),
        "demo.seed" => "added demo data".to_string(),
        other => other.to_string(),
    };
    format!("{} {what}", actor_name(entry))
}

/// "2 hours ago": `at` (RFC 3339) relative to `now_ms` (milliseconds since
/// the epoch).
pub fn relative_time(at: &str, now_ms: f64) -> String {
    let Some(then) = users_api::audit::parse_rfc3339(at) else {
        return at.to_string();
    };
    let seconds = (now_ms / 1000.0) as i64 - then;
    let ago = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match seconds {
        s if s < 45 => "just now".to_string(),
        s if s < 3600 => ago((s / 60).max(1), "minute"),
        s if s < 86_400 => ago(s / 3600, "hour"),
        s if s < 30 * 86_400 => ago(s / 86_400, "day"),
        s if s < 365 * 86_400 => ago(s / (30 * 86_400), "month"),
        s => ago(s / (365 * 86_400), "year"),
    }
}
