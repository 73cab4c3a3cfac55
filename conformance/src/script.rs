//! The script: every call with the answer the contract requires. Each
//! expectation that fails is recorded (the run goes on), so one run lists
//! every difference of a target.

use std::fmt::Debug;

use users_api::rules::{
    EMAIL_ARCHIVED, EMAIL_TAKEN, REPLACEMENT_IS_USER, REPLACEMENT_NOT_ACTIVE, SELF_LOCKOUT,
};
use users_api::{DeleteUser, ListQuery, NewUser, UserId, UserPatch, UserStatus};

use crate::{Call, Outcome, Target, ADMIN};

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Expectations checked.
    pub checked: usize,
    /// Each expectation the target did not meet: step, what was expected, what came.
    pub failures: Vec<String>,
}

impl Report {
    /// Panics with every failure, naming `target`.
    pub fn assert_passed(&self, target: &str) {
        assert!(
            self.failures.is_empty(),
            "{target} differs from the contract in {} of {} expectations:\n{}",
            self.failures.len(),
            self.checked,
            self.failures.join("\n")
        );
    }
}

pub(crate) struct Run<'t, T> {
    target: &'t mut T,
    admin: String,
    report: Report,
}

impl<T: Target> Run<'_, T> {
    pub(crate) async fn call(&mut self, call: Call) -> Outcome {
        let token = self.admin.clone();
        self.call_as(&token, call).await
    }

    pub(crate) async fn call_as(&mut self, token: &str, call: Call) -> Outcome {
        self.target.call(token, call).await
    }

    pub(crate) fn expect<V: PartialEq + Debug>(&mut self, step: &str, got: V, want: V) {
        self.report.checked += 1;
        if got != want {
            self.report
                .failures
                .push(format!("- {step}: expected {want:?}, got {got:?}"));
        }
    }

    /// A success with `status`.
    pub(crate) fn ok(&mut self, step: &str, answer: &Outcome, status: u16) {
        let got = (answer.status, answer.code().map(str::to_string));
        self.expect(step, got, (status, None));
    }

    /// An error answer with `status` and `code`.
    pub(crate) fn error(&mut self, step: &str, answer: &Outcome, status: u16, code: &str) {
        let got = (answer.status, answer.code().map(str::to_string));
        self.expect(step, got, (status, Some(code.to_string())));
    }
}

fn user(first: &str, last: &str, email: &str, roles: &[&str]) -> NewUser {
    NewUser {
        first_name: first.into(),
        last_name: last.into(),
        email: email.into(),
        identity_provider: "Google".into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
    }
}

fn list(status: UserStatus, query: &str, page: u32, per_page: u32) -> ListQuery {
    ListQuery {
        status,
        query: query.into(),
        page,
        per_page,
        filter: Default::default(),
    }
}

fn active(query: &str) -> ListQuery {
    list(UserStatus::Active, query, 1, 25)
}

fn rename(first: &str) -> UserPatch {
    UserPatch {
        first_name: Some(first.into()),
        ..UserPatch::default()
    }
}

fn delete(id: UserId, replacement: Option<UserId>) -> Call {
    Call::DeleteUser {
        id,
        body: DeleteUser {
            replacement_owner_id: replacement,
        },
    }
}

pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// An id no user has.
pub(crate) const NOBODY: UserId = 999_999;

/// Plays the script against `target` (a fresh company: see [`Target`]).
pub async fn run<T: Target>(target: &mut T) -> Report {
    let (admin_id, admin_token) = target.admin();
    let mut run = Run {
        target,
        admin: admin_token,
        report: Report::default(),
    };
    let r = &mut run;
    let admin_entry = format!("{} {} <{}>", ADMIN.0, ADMIN.1, ADMIN.2);

    // Reading.
    let me = r.call(Call::Me).await;
    r.ok("me", &me, 200);
    r.expect(
        "me: may manage users",
        me.body["can_manage_users"].as_bool(),
        Some(true),
    );
    r.expect("me: who", me.text("email"), ADMIN.2.to_string());
    let roles = r.call(Call::Roles).await;
    let role_names: Vec<String> = roles.body.as_array().map_or(Vec::new(), |roles| {
        roles
            .iter()
            .filter_map(|r| r["name"].as_str().map(str::to_string))
            .collect()
    });
    r.expect(
        "roles: the catalogue, in order",
        role_names,
        strings(&[
            "Development",
            "Testing",
            "Staging",
            "Production",
            "Settings",
        ]),
    );
    let providers = r.call(Call::IdentityProviders).await;
    let has_google = providers
        .body
        .as_array()
        .is_some_and(|providers| providers.iter().any(|p| p["name"] == "Google"));
    r.expect("identity providers: Google is one", has_google, true);

    // Creating, and the rules of a new user.
    let ant = r
        .call(Call::CreateUser(user(
            "Sam",
            "Lee",
            "ant@acme.test",
            &["Development"],
        )))
        .await;
    r.ok("create", &ant, 201);
    r.expect(
        "create: direct roles",
        ant.user()["direct_roles"].clone(),
        serde_json::json!(["Development"]),
    );
    r.expect("create: status", ant.text("status"), "active".to_string());
    let bee = r
        .call(Call::CreateUser(user("Sam", "Lee", "Bee@acme.test", &[])))
        .await;
    r.ok("create a namesake", &bee, 201);
    let grace = r
        .call(Call::CreateUser(user(
            "Grace",
            "Hopper",
            "grace@acme.test",
            &["Testing"],
        )))
        .await;
    r.ok("create a third", &grace, 201);
    let (ant_id, bee_id, grace_id) = (ant.id(), bee.id(), grace.id());

    let mut bad = user("", "Lee", "not-an-email", &["Root"]);
    bad.identity_provider = "Nope".into();
    let invalid = r.call(Call::CreateUser(bad)).await;
    r.error("create: every violation at once", &invalid, 422, "invalid");
    r.expect(
        "create: the fields named",
        invalid.field_names(),
        strings(&["email", "first_name", "identity_provider", "roles"]),
    );
    let taken = r
        .call(Call::CreateUser(user(
            "Other",
            "Person",
            "ANT@Acme.Test",
            &[],
        )))
        .await;
    r.error(
        "create: a taken email, ignoring case",
        &taken,
        422,
        "invalid",
    );
    r.expect(
        "create: taken message",
        taken.field("email"),
        strings(&[EMAIL_TAKEN]),
    );
    let both = r
        .call(Call::CreateUser(user("", "Person", "ant@acme.test", &[])))
        .await;
    r.error(
        "create: taken with another violation",
        &both,
        422,
        "invalid",
    );
    r.expect(
        "create: both reported",
        both.field_names(),
        strings(&["email", "first_name"]),
    );
    r.expect(
        "create: taken among them",
        both.field("email"),
        strings(&[EMAIL_TAKEN]),
    );

    // Listing: order (name, then email key, then id), search, paging, totals.
    let sams = r.call(Call::ListUsers(active("sam"))).await;
    r.ok("list: search", &sams, 200);
    let sam_entries = strings(&["Sam Lee <ant@acme.test>", "Sam Lee <Bee@acme.test>"]);
    r.expect(
        "list: namesakes by email key",
        sams.entries(),
        sam_entries.clone(),
    );
    r.expect("list: search totals", sams.totals(), (2, 1));
    let second = r
        .call(Call::ListUsers(list(UserStatus::Active, "sam", 2, 1)))
        .await;
    r.expect(
        "list: page 2 of 1 per page",
        second.entries(),
        sam_entries[1..].to_vec(),
    );
    r.expect("list: page 2 totals", second.totals(), (2, 2));
    let past = r
        .call(Call::ListUsers(list(UserStatus::Active, "sam", 9, 1)))
        .await;
    r.ok("list: a page past the end", &past, 200);
    r.expect("list: past the end is empty", past.entries(), Vec::new());
    r.expect("list: past the end keeps totals", past.totals(), (2, 2));
    let everyone = r.call(Call::ListUsers(active(""))).await;
    let mut all = vec![admin_entry.clone(), "Grace Hopper <grace@acme.test>".into()];
    all.extend(sam_entries.clone());
    r.expect("list: everyone, alphabetical", everyone.entries(), all);
    let folded = r.call(Call::ListUsers(active("BEE@"))).await;
    r.expect(
        "list: search ignores case",
        folded.entries(),
        sam_entries[1..].to_vec(),
    );
    for per_page in [0, 101] {
        let bad_size = r
            .call(Call::ListUsers(list(UserStatus::Active, "", 1, per_page)))
            .await;
        r.error(
            &format!("list: per_page {per_page}"),
            &bad_size,
            400,
            "bad_request",
        );
    }
    let bad_page = r
        .call(Call::ListUsers(list(UserStatus::Active, "", 0, 25)))
        .await;
    r.error("list: page 0", &bad_page, 400, "bad_request");

    // Editing: the order of the checks, the no-op rule, versions.
    let version = ant.version();
    let same = r
        .call(Call::UpdateUser {
            id: ant_id,
            version,
            patch: rename("Sam"),
        })
        .await;
    r.ok("edit: nothing changes", &same, 200);
    r.expect("edit: a no-op keeps the version", same.version(), version);
    let renamed = r
        .call(Call::UpdateUser {
            id: ant_id,
            version,
            patch: rename("Samuel"),
        })
        .await;
    r.ok("edit", &renamed, 200);
    r.expect(
        "edit: a change bumps the version",
        renamed.version(),
        version + 1,
    );
    r.expect(
        "edit: the new name",
        renamed.text("first_name"),
        "Samuel".to_string(),
    );
    let version = renamed.version();
    let stale_and_invalid = r
        .call(Call::UpdateUser {
            id: ant_id,
            version: version - 1,
            patch: rename(""),
        })
        .await;
    r.error(
        "edit: validation before the version",
        &stale_and_invalid,
        422,
        "invalid",
    );
    let stale = r
        .call(Call::UpdateUser {
            id: ant_id,
            version: version - 1,
            patch: rename("Sammy"),
        })
        .await;
    r.error("edit: a stale version", &stale, 412, "stale_version");
    r.expect(
        "edit: stale answer carries the current user",
        stale.current_version(),
        version,
    );
    let missing_invalid = r
        .call(Call::UpdateUser {
            id: NOBODY,
            version: 1,
            patch: rename(""),
        })
        .await;
    r.error(
        "edit: validation before existence",
        &missing_invalid,
        422,
        "invalid",
    );
    let missing = r
        .call(Call::UpdateUser {
            id: NOBODY,
            version: 1,
            patch: rename("Sam"),
        })
        .await;
    r.error("edit: an unknown user", &missing, 404, "not_found");
    let steal = UserPatch {
        email: Some("ANT@acme.test".into()),
        ..UserPatch::default()
    };
    let stolen = r
        .call(Call::UpdateUser {
            id: bee_id,
            version: bee.version(),
            patch: steal,
        })
        .await;
    r.error("edit: a taken email", &stolen, 422, "invalid");
    r.expect(
        "edit: taken message",
        stolen.field("email"),
        strings(&[EMAIL_TAKEN]),
    );
    let own_email = UserPatch {
        email: Some("SAM.LEE@acme.test".into()),
        ..UserPatch::default()
    };
    let moved = r
        .call(Call::UpdateUser {
            id: bee_id,
            version: bee.version(),
            patch: own_email,
        })
        .await;
    r.ok("edit: a new email", &moved, 200);
    let bee_entry = "Sam Lee <SAM.LEE@acme.test>".to_string();
    let strip = UserPatch {
        roles: Some(Vec::new()),
        ..UserPatch::default()
    };
    let admin_now = r.call(Call::GetUser(admin_id)).await;
    let lockout = r
        .call(Call::UpdateUser {
            id: admin_id,
            version: admin_now.version(),
            patch: strip,
        })
        .await;
    r.error("edit: your own Settings", &lockout, 409, "self_lockout");
    r.expect(
        "edit: why not",
        lockout.body["error"]["message"].as_str(),
        Some(SELF_LOCKOUT),
    );

    // Authorization: a user without Settings.
    let revealed = r.call(Call::RevealToken(ant_id)).await;
    r.ok("reveal a token", &revealed, 200);
    let ant_token = revealed.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let ant_me = r.call_as(&ant_token, Call::Me).await;
    r.ok("me without Settings", &ant_me, 200);
    r.expect(
        "me: may not manage users",
        ant_me.body["can_manage_users"].as_bool(),
        Some(false),
    );
    let refused = r.call_as(&ant_token, Call::ListUsers(active(""))).await;
    r.error("list without Settings", &refused, 403, "forbidden");
    let unknown = r.call_as("not-a-token", Call::Me).await;
    r.error("an unknown token", &unknown, 401, "unauthenticated");

    // Archiving: agents, replacements, the order of the checks.
    r.target.add_agent(bee_id, "Support bot").await;
    let owns = r.call(delete(bee_id, None)).await;
    r.error("delete: owns agents", &owns, 409, "owns_agents");
    r.expect(
        "delete: the agents named",
        owns.names_in("agents"),
        strings(&["Support bot"]),
    );
    let itself = r.call(delete(bee_id, Some(bee_id))).await;
    r.error("delete: replacement is the user", &itself, 422, "invalid");
    r.expect(
        "delete: its message",
        itself.field("replacement_owner_id"),
        strings(&[REPLACEMENT_IS_USER]),
    );
    let zero = r.call(delete(NOBODY, Some(0))).await;
    r.error(
        "delete: a replacement that is no id, first",
        &zero,
        422,
        "invalid",
    );
    r.expect(
        "delete: no-id message",
        zero.field("replacement_owner_id"),
        strings(&[REPLACEMENT_NOT_ACTIVE]),
    );
    let myself = r.call(delete(admin_id, None)).await;
    r.error("delete: oneself", &myself, 409, "cannot_archive_self");
    let gone = r.call(delete(NOBODY, None)).await;
    r.error("delete: an unknown user", &gone, 404, "not_found");
    let archived = r.call(delete(ant_id, None)).await;
    r.ok("delete", &archived, 200);
    r.expect(
        "delete: archived",
        archived.text("status"),
        "archived".to_string(),
    );
    r.expect(
        "delete: nothing transferred",
        archived.names_in("transferred_agents"),
        Vec::new(),
    );
    let again = r.call(delete(ant_id, None)).await;
    r.ok("delete: an archived user again", &again, 200);
    r.expect(
        "delete again: version kept",
        again.version(),
        archived.version(),
    );
    r.expect(
        "delete again: still archived",
        again.text("status"),
        "archived".to_string(),
    );
    let revoked = r.call_as(&ant_token, Call::Me).await;
    r.error("an archived user's token", &revoked, 401, "unauthenticated");
    let reuse = r
        .call(Call::CreateUser(user("Sam", "Lee", "Ant@acme.test", &[])))
        .await;
    r.error(
        "create: an archived user's email",
        &reuse,
        409,
        "email_archived",
    );
    r.expect(
        "create: archived message",
        reuse.field("email"),
        strings(&[EMAIL_ARCHIVED]),
    );
    let to_archived = r.call(delete(bee_id, Some(ant_id))).await;
    r.error(
        "delete: an archived replacement",
        &to_archived,
        422,
        "invalid",
    );
    r.expect(
        "delete: archived replacement message",
        to_archived.field("replacement_owner_id"),
        strings(&[REPLACEMENT_NOT_ACTIVE]),
    );
    let handed = r.call(delete(bee_id, Some(grace_id))).await;
    r.ok("delete with a replacement", &handed, 200);
    r.expect(
        "delete: agents transferred",
        handed.names_in("transferred_agents"),
        strings(&["Support bot"]),
    );
    let archived_tab = r
        .call(Call::ListUsers(list(UserStatus::Archived, "", 1, 25)))
        .await;
    r.expect(
        "list: the archived tab",
        archived_tab.entries(),
        vec![bee_entry, "Samuel Lee <ant@acme.test>".to_string()],
    );

    // Restoring: a new token; the old one stays revoked.
    let restored = r.call(Call::RestoreUser(ant_id)).await;
    r.ok("restore", &restored, 200);
    r.expect(
        "restore: active",
        restored.text("status"),
        "active".to_string(),
    );
    r.expect(
        "restore: a new version",
        restored.version() > again.version(),
        true,
    );
    let old = r.call_as(&ant_token, Call::Me).await;
    r.error(
        "restore: the old token stays revoked",
        &old,
        401,
        "unauthenticated",
    );
    let twice = r.call(Call::RestoreUser(ant_id)).await;
    r.ok("restore an active user", &twice, 200);
    r.expect(
        "restore again: version kept",
        twice.version(),
        restored.version(),
    );

    // Tokens.
    let fresh = r.call(Call::RevealToken(ant_id)).await;
    let fresh_token = fresh.body["token"].as_str().unwrap_or_default().to_string();
    let works = r.call_as(&fresh_token, Call::Me).await;
    r.ok("the restored user's new token", &works, 200);
    let regenerated = r.call(Call::RegenerateToken(ant_id)).await;
    r.ok("regenerate", &regenerated, 201);
    let newest = regenerated.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    r.expect("regenerate: a different token", newest != fresh_token, true);
    let replaced = r.call_as(&fresh_token, Call::Me).await;
    r.error(
        "regenerate: the old token stops working",
        &replaced,
        401,
        "unauthenticated",
    );
    let current = r.call_as(&newest, Call::Me).await;
    r.ok("regenerate: the new token works", &current, 200);

    // Unknown users.
    for (step, call) in [
        ("get an unknown user", Call::GetUser(NOBODY)),
        ("restore an unknown user", Call::RestoreUser(NOBODY)),
        ("reveal an unknown user's token", Call::RevealToken(NOBODY)),
    ] {
        let answer = r.call(call).await;
        r.error(step, &answer, 404, "not_found");
    }
    let everyone = r.call(Call::ListUsers(active(""))).await;
    r.expect("list: totals at the end", everyone.totals(), (3, 1));
    r.expect(
        "list: everyone at the end",
        everyone.entries(),
        vec![
            admin_entry,
            "Grace Hopper <grace@acme.test>".into(),
            "Samuel Lee <ant@acme.test>".into(),
        ],
    );

    crate::audit::script(r, admin_id).await;
    crate::access_review::script(r).await;
    crate::groups::script(
        r,
        crate::groups::People {
            admin: admin_id,
            grace: grace_id,
            ant: ant_id,
            archived: bee_id,
        },
    )
    .await;
    run.report
}
