//! The script's groups part (docs/groups.md): names, order, search and
//! paging, versions, members all or none, roles reaching members at once,
//! a user's groups set from the user, what a deletion costs, archived
//! members, and no one taking their own Settings away through groups
//! (another admin may).

use serde_json::json;
use users_api::group::{unknown_groups_message, unknown_users_message, GROUP_NAME_TAKEN};
use users_api::{AddMembers, GroupId, GroupPatch, NewGroup, PageQuery, UserId, UserPatch};

use crate::script::{strings, Run, NOBODY};
use crate::{Call, Outcome, Target};

mod archived;

/// The users the groups part works with (the users part leaves them so).
pub(crate) struct People {
    /// The administrator: Settings, directly.
    pub(crate) admin: UserId,
    /// Grace Hopper: Testing, directly.
    pub(crate) grace: UserId,
    /// Samuel Lee: active, Development directly.
    pub(crate) ant: UserId,
    /// Sam Lee: archived.
    pub(crate) archived: UserId,
}

fn group(name: &str, description: &str, roles: &[&str]) -> Call {
    Call::CreateGroup(NewGroup {
        name: name.into(),
        description: description.into(),
        roles: strings(roles),
    })
}

fn page(query: &str, page: u32, per_page: u32) -> PageQuery {
    PageQuery {
        query: query.into(),
        page,
        per_page,
    }
}

fn patch(id: GroupId, version: i64, patch: GroupPatch) -> Call {
    Call::UpdateGroup { id, version, patch }
}

fn roles_patch(roles: &[&str]) -> GroupPatch {
    GroupPatch {
        roles: Some(strings(roles)),
        ..GroupPatch::default()
    }
}

fn add(id: GroupId, users: &[UserId]) -> Call {
    Call::AddGroupMembers(
        id,
        AddMembers {
            user_ids: users.to_vec(),
        },
    )
}

/// The group names of a page of groups.
fn names(page: &Outcome) -> Vec<String> {
    page.names_in("entries")
}

impl<T: Target> Run<'_, T> {
    /// A user's edit at its current version.
    async fn edit_user(&mut self, id: UserId, change: UserPatch) -> Outcome {
        let current = self.call(Call::GetUser(id)).await;
        self.call(Call::UpdateUser {
            id,
            version: current.version(),
            patch: change,
        })
        .await
    }

    /// A group's edit at its current version.
    async fn edit_group(&mut self, id: GroupId, change: GroupPatch) -> Outcome {
        let current = self.call(Call::GetGroup(id)).await;
        self.call(patch(id, current.version(), change)).await
    }
}

fn groups_patch(groups: &[GroupId]) -> UserPatch {
    UserPatch {
        groups: Some(groups.to_vec()),
        ..UserPatch::default()
    }
}

/// Plays the groups part.
pub(crate) async fn script<T: Target>(r: &mut Run<'_, T>, people: People) {
    let People {
        admin,
        grace,
        ant,
        archived,
    } = people;

    // Creating: trimmed, roles in catalogue order, version 1, no members.
    let qa = r
        .call(group(
            "  QA team ",
            " Testers ",
            &["Testing", "Development"],
        ))
        .await;
    r.ok("group: create", &qa, 201);
    r.expect(
        "group: as created",
        (
            qa.text("name"),
            qa.text("description"),
            qa.body["roles"].clone(),
        ),
        (
            "QA team".to_string(),
            "Testers".to_string(),
            json!(["Development", "Testing"]),
        ),
    );
    r.expect(
        "group: version and members",
        (qa.version(), qa.body["member_count"].as_u64()),
        (1, Some(0)),
    );
    let qa_id = qa.id();
    let taken = r.call(group("qa TEAM", "", &[])).await;
    r.error("group: a name taken, ignoring case", &taken, 422, "invalid");
    r.expect(
        "group: taken message",
        taken.field("name"),
        strings(&[GROUP_NAME_TAKEN]),
    );
    let invalid = r.call(group(" ", "", &["Root"])).await;
    r.error("group: invalid fields", &invalid, 422, "invalid");
    r.expect(
        "group: the fields named",
        invalid.field_names(),
        strings(&["name", "roles"]),
    );
    let builders = r.call(group("Builders", "", &[])).await;
    r.ok("group: create a second", &builders, 201);
    let analysts = r.call(group("analysts", "", &[])).await;
    r.ok("group: create a third", &analysts, 201);
    let builders_id = builders.id();

    // Listing: folded-name order, search, paging with totals.
    let all = r.call(Call::ListGroups(page("", 1, 25))).await;
    r.ok("groups: list", &all, 200);
    r.expect(
        "groups: alphabetical, ignoring case",
        names(&all),
        strings(&["analysts", "Builders", "QA team"]),
    );
    let found = r.call(Call::ListGroups(page("Q", 1, 25))).await;
    r.expect("groups: search", names(&found), strings(&["QA team"]));
    let second = r.call(Call::ListGroups(page("", 2, 2))).await;
    r.expect(
        "groups: second page",
        (names(&second), second.totals()),
        (strings(&["QA team"]), (3, 2)),
    );
    for (step, call) in [
        ("groups: page 0", Call::ListGroups(page("", 0, 25))),
        (
            "members: per_page over 100",
            Call::GroupMembers(qa_id, page("", 1, 101)),
        ),
    ] {
        let answer = r.call(call).await;
        r.error(step, &answer, 400, "bad_request");
    }
    let rename_nobody = GroupPatch {
        name: Some("Nobody".into()),
        ..GroupPatch::default()
    };
    for (step, call) in [
        ("group: unknown", Call::GetGroup(NOBODY)),
        ("group: edit an unknown", patch(NOBODY, 1, rename_nobody)),
        (
            "group: preview deleting an unknown",
            Call::GroupDeletion(NOBODY),
        ),
        ("group: delete an unknown", Call::DeleteGroup(NOBODY)),
        (
            "members: of an unknown group",
            Call::GroupMembers(NOBODY, page("", 1, 25)),
        ),
        ("members: add to an unknown group", add(NOBODY, &[grace])),
        (
            "members: remove from an unknown group",
            Call::RemoveGroupMember(NOBODY, grace),
        ),
    ] {
        let answer = r.call(call).await;
        r.error(step, &answer, 404, "not_found");
    }
    let body_first = r.call(add(NOBODY, &[])).await;
    r.error(
        "members: the body before the group",
        &body_first,
        422,
        "invalid",
    );

    // Editing: versions required and current, no-ops, renames.
    let unversioned = r
        .call(Call::UpdateGroupUnversioned {
            id: qa_id,
            patch: roles_patch(&["Testing"]),
        })
        .await;
    r.error(
        "group: an edit without If-Match",
        &unversioned,
        428,
        "version_required",
    );
    let stale = r.call(patch(qa_id, 99, roles_patch(&["Testing"]))).await;
    r.error("group: a stale version", &stale, 412, "stale_version");
    r.expect(
        "group: stale answers the group as it is",
        (
            stale.current_version(),
            stale.body["current"]["name"].clone(),
        ),
        (1, json!("QA team")),
    );
    let same = r
        .call(patch(
            qa_id,
            1,
            GroupPatch {
                description: Some("Testers".into()),
                ..GroupPatch::default()
            },
        ))
        .await;
    r.ok("group: a no-op edit", &same, 200);
    r.expect("group: no-op keeps the version", same.version(), 1);
    let renamed = r
        .call(patch(
            qa_id,
            1,
            GroupPatch {
                name: Some("Quality".into()),
                ..GroupPatch::default()
            },
        ))
        .await;
    r.ok("group: rename", &renamed, 200);
    r.expect(
        "group: renamed, new version",
        (renamed.text("name"), renamed.version()),
        ("Quality".to_string(), 2),
    );
    let clash = r
        .call(patch(
            builders_id,
            1,
            GroupPatch {
                name: Some("QUALITY".into()),
                ..GroupPatch::default()
            },
        ))
        .await;
    r.error("group: rename to a taken name", &clash, 422, "invalid");
    r.expect(
        "group: rename, the taken message",
        clash.field("name"),
        strings(&[GROUP_NAME_TAKEN]),
    );

    // Members: all or none, active users of the company only.
    let grace_before = r.call(Call::GetUser(grace)).await;
    let refused = r.call(add(qa_id, &[grace, NOBODY, archived])).await;
    r.error(
        "members: unknown and archived ids",
        &refused,
        422,
        "invalid",
    );
    let mut named = vec![archived, NOBODY];
    named.sort_unstable();
    r.expect(
        "members: the ids named",
        refused.field("user_ids"),
        vec![unknown_users_message(&named)],
    );
    let none = r.call(add(qa_id, &[])).await;
    r.error("members: none listed", &none, 422, "invalid");
    let unchanged = r.call(Call::GetGroup(qa_id)).await;
    r.expect(
        "members: nothing was added",
        unchanged.body["member_count"].as_u64(),
        Some(0),
    );
    let added = r.call(add(qa_id, &[grace, ant, grace])).await;
    r.ok("members: add two", &added, 200);
    r.expect(
        "members: counted",
        added.body["member_count"].as_u64(),
        Some(2),
    );
    let grace_now = r.call(Call::GetUser(grace)).await;
    r.expect(
        "members: the user's roles name the group",
        grace_now.body["roles"].clone(),
        json!([
            {"role": "Development", "sources": [{"type": "group", "group": {"id": qa_id, "name": "Quality"}}]},
            {"role": "Testing", "sources": [{"type": "direct"}, {"type": "group", "group": {"id": qa_id, "name": "Quality"}}]},
        ]),
    );
    r.expect(
        "members: the user has a new version",
        grace_now.version() > grace_before.version(),
        true,
    );
    let members = r.call(Call::GroupMembers(qa_id, page("", 1, 25))).await;
    r.ok("members: list", &members, 200);
    r.expect(
        "members: in the users list's order",
        (members.entries(), members.totals()),
        (
            strings(&[
                "Grace Hopper <grace@acme.test>",
                "Samuel Lee <ant@acme.test>",
            ]),
            (2, 1),
        ),
    );
    let searched = r.call(Call::GroupMembers(qa_id, page("HOP", 1, 25))).await;
    r.expect(
        "members: search",
        searched.entries(),
        strings(&["Grace Hopper <grace@acme.test>"]),
    );
    let paged = r.call(Call::GroupMembers(qa_id, page("", 2, 1))).await;
    r.expect(
        "members: second page",
        (paged.entries(), paged.totals()),
        (strings(&["Samuel Lee <ant@acme.test>"]), (2, 2)),
    );

    // A role given to the group reaches its members at once.
    let production = r
        .call(patch(qa_id, 2, roles_patch(&["Production", "Testing"])))
        .await;
    r.ok("group: new roles", &production, 200);
    r.expect(
        "group: roles in catalogue order",
        production.body["roles"].clone(),
        json!(["Testing", "Production"]),
    );
    let ant_now = r.call(Call::GetUser(ant)).await;
    r.expect(
        "group roles: on the member at once",
        ant_now.body["roles"].clone(),
        json!([
            {"role": "Development", "sources": [{"type": "direct"}]},
            {"role": "Testing", "sources": [{"type": "group", "group": {"id": qa_id, "name": "Quality"}}]},
            {"role": "Production", "sources": [{"type": "group", "group": {"id": qa_id, "name": "Quality"}}]},
        ]),
    );
    for (step, user) in [
        ("members: remove an unknown user", NOBODY),
        ("members: remove a non-member", admin),
    ] {
        let answer = r.call(Call::RemoveGroupMember(qa_id, user)).await;
        r.error(step, &answer, 404, "not_found");
    }

    // A user's groups, set from the user.
    let moved = r.edit_user(ant, groups_patch(&[builders_id])).await;
    r.ok("user: set groups", &moved, 200);
    r.expect(
        "user: its groups",
        moved.names_in("groups"),
        strings(&["Builders"]),
    );
    let left = r.call(Call::GetGroup(qa_id)).await;
    r.expect(
        "user: left the other group",
        left.body["member_count"].as_u64(),
        Some(1),
    );
    let nowhere = r.edit_user(ant, groups_patch(&[NOBODY])).await;
    r.error("user: an unknown group", &nowhere, 422, "invalid");
    r.expect(
        "user: the unknown group named",
        nowhere.field("groups"),
        vec![unknown_groups_message(&[NOBODY])],
    );

    // What a deletion costs: roles no other source gives (not directly,
    // not through another group).
    let builders_prod = r
        .edit_group(builders_id, roles_patch(&["Production"]))
        .await;
    r.ok(
        "deletion: another group grants Production",
        &builders_prod,
        200,
    );
    let grace_joins = r.call(add(builders_id, &[grace])).await;
    r.ok("deletion: Grace joins it", &grace_joins, 200);
    let covered = r.call(Call::GroupDeletion(qa_id)).await;
    r.expect(
        "deletion: Grace loses nothing (Testing direct, Production through Builders)",
        covered.body["lost_roles"].clone(),
        json!([]),
    );
    let grace_leaves = r.call(Call::RemoveGroupMember(builders_id, grace)).await;
    r.expect(
        "deletion: Grace leaves it",
        (
            grace_leaves.status,
            grace_leaves.body["member_count"].as_u64(),
        ),
        (200, Some(1)),
    );
    let impact = r.call(Call::GroupDeletion(qa_id)).await;
    r.ok("deletion: preview", &impact, 200);
    r.expect(
        "deletion: Grace keeps Testing (direct), loses Production",
        impact.body["lost_roles"].clone(),
        json!([{"role": "Production", "members": 1}]),
    );

    // Your own Settings, through a group.
    let admins = r.call(group("Admins", "", &["Settings"])).await;
    r.ok("own Settings: a Settings group", &admins, 201);
    let admins_id = admins.id();
    let joined = r.call(add(admins_id, &[admin])).await;
    r.ok("own Settings: the admin joins", &joined, 200);
    let undirected = r
        .edit_user(
            admin,
            UserPatch {
                roles: Some(Vec::new()),
                ..UserPatch::default()
            },
        )
        .await;
    r.ok(
        "own Settings: the direct Settings can go (the group grants it)",
        &undirected,
        200,
    );
    let stripped = r
        .call(patch(admins_id, admins.version(), roles_patch(&[])))
        .await;
    r.error(
        "own Settings: the group's Settings",
        &stripped,
        409,
        "self_lockout",
    );
    let out = r.call(Call::RemoveGroupMember(admins_id, admin)).await;
    r.error("own Settings: leaving the group", &out, 409, "self_lockout");
    let gone = r.call(Call::DeleteGroup(admins_id)).await;
    r.error(
        "own Settings: deleting the group",
        &gone,
        409,
        "self_lockout",
    );
    let ungrouped = r.edit_user(admin, groups_patch(&[])).await;
    r.error(
        "own Settings: the user's groups",
        &ungrouped,
        409,
        "self_lockout",
    );
    let cost = r.call(Call::GroupDeletion(admins_id)).await;
    r.expect(
        "own Settings: the preview says so",
        cost.body["lost_roles"].clone(),
        json!([{"role": "Settings", "members": 1}]),
    );
    let kept = r.call(Call::GetGroup(admins_id)).await;
    r.expect(
        "own Settings: the group as it was",
        (
            kept.body["roles"].clone(),
            kept.body["member_count"].as_u64(),
        ),
        (json!(["Settings"]), Some(1)),
    );

    // Deleting.
    let deleted = r.call(Call::DeleteGroup(qa_id)).await;
    r.ok("delete: a group", &deleted, 200);
    r.expect(
        "delete: what it did",
        (
            deleted.body["group"]["name"].clone(),
            deleted.body["lost_roles"].clone(),
        ),
        (
            json!("Quality"),
            json!([{"role": "Production", "members": 1}]),
        ),
    );
    let after = r.call(Call::GetGroup(qa_id)).await;
    r.error("delete: the group is gone", &after, 404, "not_found");
    let grace_after = r.call(Call::GetUser(grace)).await;
    r.expect(
        "delete: its members' roles",
        (
            grace_after.names_in("groups"),
            grace_after.body["roles"].clone(),
        ),
        (
            Vec::new(),
            json!([{"role": "Testing", "sources": [{"type": "direct"}]}]),
        ),
    );

    archived::script(r, builders_id, ant).await;

    // Another administrator may take the admin's Settings away.
    let promoted = r
        .edit_user(
            grace,
            UserPatch {
                roles: Some(strings(&["Testing", "Settings"])),
                ..UserPatch::default()
            },
        )
        .await;
    r.ok("another admin: Settings for Grace", &promoted, 200);
    let revealed = r.call(Call::RevealToken(grace)).await;
    let grace_token = revealed.body["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let removed = r
        .call_as(&grace_token, Call::RemoveGroupMember(admins_id, admin))
        .await;
    r.ok(
        "another admin: takes the admin out of Admins",
        &removed,
        200,
    );
    let locked_out = r
        .call(Call::ListUsers(users_api::ListQuery::default()))
        .await;
    r.error(
        "another admin: the admin has no Settings now",
        &locked_out,
        403,
        "forbidden",
    );
}
