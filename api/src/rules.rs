//! Rules of a change that both the server and the in-memory client apply:
//! what an edit changes (and when it changes nothing), the order in which a
//! change's checks run, and the field messages of the checks that need the
//! stored data. Written once here so the two cannot drift; the conformance
//! suite (`users-conformance`) runs the same script against both.

use serde_json::{json, Map, Value};

use crate::validation::ValidChanges;
use crate::UserDetail;

/// `fields.email` when another user of the company already has the address.
pub const EMAIL_TAKEN: &str = "is already taken";
/// `fields.email` of `email_archived`: an archived user has the address.
pub const EMAIL_ARCHIVED: &str = "belongs to an archived user; restore that user instead";
/// `fields.replacement_owner_id` when it names the user being deleted.
pub const REPLACEMENT_IS_USER: &str = "can't be the user being deleted";
/// Why a change that would take the caller's own Settings away is refused
/// (409 `self_lockout`).
pub const SELF_LOCKOUT: &str =
    "You can't remove your own Settings access. Another administrator can.";
/// `fields.replacement_owner_id` when it names no active user of the company.
pub const REPLACEMENT_NOT_ACTIVE: &str = "must be an active user of this company";

/// The checks of `PATCH /users/{id}`, in the order they run: the first one
/// that fails decides the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditCheck {
    /// 403 `directory_managed`.
    Directory,
    /// 422 `invalid`: the body's own rules (plus a taken email, reported with them).
    Validation,
    /// 404 `not_found`.
    Exists,
    /// 412 `stale_version`.
    Version,
    /// Nothing changes: 200 with the user as it is, version kept.
    NoOp,
    /// 422 `invalid`: the new email belongs to another user.
    EmailUnique,
    /// 422 `invalid` on `groups`: an id that is no group of the company.
    GroupsExist,
    /// 409 `self_lockout`: the caller's own Settings would go.
    SelfLockout,
    /// 409 `last_admin`.
    LastAdmin,
}

/// The order of [`EditCheck`]s. In directory mode the `Directory` check
/// lets through a patch whose only field is `groups` (memberships stay
/// manageable there).
pub const EDIT_CHECKS: [EditCheck; 9] = [
    EditCheck::Directory,
    EditCheck::Validation,
    EditCheck::Exists,
    EditCheck::Version,
    EditCheck::NoOp,
    EditCheck::EmailUnique,
    EditCheck::GroupsExist,
    EditCheck::SelfLockout,
    EditCheck::LastAdmin,
];

/// The checks of `PATCH /groups/{id}`, in the order they run (a missing
/// `If-Match` is a 428 before any of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupEditCheck {
    /// 422 `invalid`: the body's own rules.
    Validation,
    /// 404 `not_found`.
    Exists,
    /// 412 `stale_version` with the group as it is (`current`).
    Version,
    /// Nothing changes: 200 with the group as it is, version kept.
    NoOp,
    /// 422 `invalid` on `name`: another group of the company has it (any case).
    NameUnique,
    /// 409 `self_lockout`: the new roles take the caller's own Settings.
    SelfLockout,
    /// 409 `last_admin`: the new roles leave no active Settings holder.
    LastAdmin,
}

/// The order of [`GroupEditCheck`]s.
pub const GROUP_EDIT_CHECKS: [GroupEditCheck; 7] = [
    GroupEditCheck::Validation,
    GroupEditCheck::Exists,
    GroupEditCheck::Version,
    GroupEditCheck::NoOp,
    GroupEditCheck::NameUnique,
    GroupEditCheck::SelfLockout,
    GroupEditCheck::LastAdmin,
];

/// The checks of `DELETE /users/{id}` (archive), in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveCheck {
    /// 422 [`REPLACEMENT_NOT_ACTIVE`] when `replacement_owner_id` is not an
    /// id at all (below 1): refused before any state is read.
    ReplacementId,
    /// 403 `directory_managed`.
    Directory,
    /// 404 `not_found`.
    Exists,
    /// 409 `cannot_archive_self`.
    NotSelf,
    /// 412 `stale_version` (when `If-Match` is sent).
    Version,
    /// Already archived: 200 with the user as it is, nothing transferred.
    AlreadyArchived,
    /// 422 on `replacement_owner_id` ([`REPLACEMENT_IS_USER`],
    /// [`REPLACEMENT_NOT_ACTIVE`]) when one is given; otherwise 409
    /// `owns_agents` while the user owns agents.
    Agents,
    /// 409 `last_admin`.
    LastAdmin,
}

/// The order of [`ArchiveCheck`]s.
pub const ARCHIVE_CHECKS: [ArchiveCheck; 8] = [
    ArchiveCheck::ReplacementId,
    ArchiveCheck::Directory,
    ArchiveCheck::Exists,
    ArchiveCheck::NotSelf,
    ArchiveCheck::Version,
    ArchiveCheck::AlreadyArchived,
    ArchiveCheck::Agents,
    ArchiveCheck::LastAdmin,
];

/// A group's fields after an edit (name stored in NFC) and what differs
/// from before: the server and the in-memory client decide a group edit's
/// no-op and audit diff here.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupEdit {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    /// Each changed field: `{"before": …, "after": …}`.
    pub changes: Map<String, Value>,
}

impl GroupEdit {
    /// Applies validated `changes` to `before`.
    pub fn of(before: &crate::group::Group, changes: &crate::group::GroupChanges) -> GroupEdit {
        let name = changes
            .name
            .as_ref()
            .map_or_else(|| before.name.clone(), |n| n.stored());
        let description = changes
            .description
            .clone()
            .unwrap_or_else(|| before.description.clone());
        let roles = changes
            .roles
            .clone()
            .unwrap_or_else(|| before.roles.clone());
        let mut diff = Map::new();
        for (field, was, now) in [
            ("name", json!(before.name), json!(name)),
            ("description", json!(before.description), json!(description)),
            ("roles", json!(before.roles), json!(roles)),
        ] {
            if was != now {
                diff.insert(field.to_string(), json!({"before": was, "after": now}));
            }
        }
        GroupEdit {
            name,
            description,
            roles,
            changes: diff,
        }
    }

    /// Nothing differs: the edit answers the group as it is, version kept.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether `field` (`"name"`, `"description"`, `"roles"`) changes.
    pub fn touches(&self, field: &str) -> bool {
        self.changes.contains_key(field)
    }
}

/// The ids of a user's groups, ascending.
pub fn group_ids(user: &UserDetail) -> Vec<i64> {
    let mut ids: Vec<i64> = user.summary.groups.iter().map(|g| g.id).collect();
    ids.sort_unstable();
    ids
}

/// A user's editable fields after an edit, in stored form (names NFC, email
/// as typed, trimmed), and what differs from before.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub identity_provider: String,
    pub direct_roles: Vec<String>,
    /// Group ids, ascending.
    pub groups: Vec<i64>,
    /// Each changed field: `{"before": …, "after": …}` (what the audit records).
    pub changes: Map<String, Value>,
}

impl Edit {
    /// Applies validated `changes` to `before`. A field sent with the value it
    /// already has (a name sent decomposed included) is not a change.
    pub fn of(before: &UserDetail, changes: &ValidChanges) -> Edit {
        let s = &before.summary;
        let pick = |new: Option<String>, old: &String| new.unwrap_or_else(|| old.clone());
        let edit = Edit {
            first_name: pick(
                changes.first_name.as_ref().map(|n| n.stored()),
                &s.first_name,
            ),
            last_name: pick(changes.last_name.as_ref().map(|n| n.stored()), &s.last_name),
            email: pick(changes.email.as_ref().map(|e| e.stored()), &s.email),
            identity_provider: pick(changes.identity_provider.clone(), &s.identity_provider),
            direct_roles: changes
                .roles
                .clone()
                .unwrap_or_else(|| before.direct_roles.clone()),
            groups: changes.groups.clone().unwrap_or_else(|| group_ids(before)),
            changes: Map::new(),
        };
        let mut changed = Map::new();
        let mut note = |field: &str, before: Value, after: Value| {
            if before != after {
                changed.insert(field.to_string(), json!({"before": before, "after": after}));
            }
        };
        note("first_name", json!(s.first_name), json!(edit.first_name));
        note("last_name", json!(s.last_name), json!(edit.last_name));
        note("email", json!(s.email), json!(edit.email));
        note(
            "identity_provider",
            json!(s.identity_provider),
            json!(edit.identity_provider),
        );
        note(
            "roles",
            json!(before.direct_roles),
            json!(edit.direct_roles),
        );
        note("groups", json!(group_ids(before)), json!(edit.groups));
        Edit {
            changes: changed,
            ..edit
        }
    }

    /// Nothing differs: the edit answers the user as it is, version kept.
    pub fn is_noop(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether `field` (a contract field name, e.g. `"roles"`) changes.
    pub fn touches(&self, field: &str) -> bool {
        self.changes.contains_key(field)
    }
}
