//! The audit log's part of the script: a fresh user's history read through
//! every filter, the cursor, a user's activity, and the time bounds.

use serde_json::{json, Value};
use users_api::{AddMembers, AuditFilter, AuditQuery, NewGroup, NewUser, UserId, UserPatch};

use crate::script::{Run, NOBODY};
use crate::{Call, Outcome, Target, ADMIN};

fn query(filter: AuditFilter, per_page: u32) -> AuditQuery {
    AuditQuery {
        filter,
        before: None,
        per_page,
    }
}

/// The actions of a page's entries, newest first.
fn actions(answer: &Outcome) -> Vec<String> {
    entries(answer)
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn entries(answer: &Outcome) -> Vec<Value> {
    answer.body["entries"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub(crate) async fn script<T: Target>(r: &mut Run<'_, T>, admin: UserId) {
    let audrey = r
        .call(Call::CreateUser(NewUser {
            first_name: "Audrey".into(),
            last_name: "Audit".into(),
            email: "audrey@acme.test".into(),
            identity_provider: "Google".into(),
            roles: Vec::new(),
        }))
        .await;
    r.ok("audit: a user to follow", &audrey, 201);
    let audrey = audrey.id();
    let patch = UserPatch {
        roles: Some(vec!["Testing".into()]),
        ..UserPatch::default()
    };
    let edited = r
        .call(Call::UpdateUser {
            id: audrey,
            version: 1,
            patch,
        })
        .await;
    r.ok("audit: her roles changed", &edited, 200);
    let revealed = r.call(Call::RevealToken(audrey)).await;
    r.ok("audit: her token revealed", &revealed, 200);
    let regenerated = r.call(Call::RegenerateToken(audrey)).await;
    r.ok("audit: and regenerated", &regenerated, 201);
    let group = r
        .call(Call::CreateGroup(NewGroup {
            name: "Audit team".into(),
            description: String::new(),
            roles: vec!["Staging".into()],
        }))
        .await;
    r.ok("audit: a group", &group, 201);
    let group = group.id();
    let added = r
        .call(Call::AddGroupMembers(
            group,
            AddMembers {
                user_ids: vec![audrey],
            },
        ))
        .await;
    r.ok("audit: she joins it", &added, 200);

    let about = |target: UserId| AuditFilter {
        target: Some(target),
        ..AuditFilter::default()
    };
    let all = r.call(Call::Audit(query(about(audrey), 100))).await;
    r.ok("audit: about her", &all, 200);
    r.expect(
        "audit: about her, newest first",
        actions(&all),
        [
            "group.members.add",
            "token.regenerate",
            "token.reveal",
            "user.update",
            "user.create",
        ]
        .map(String::from)
        .to_vec(),
    );
    r.expect(
        "audit: about her, one page",
        all.body.get("next").cloned(),
        None,
    );
    let first = entries(&all).first().cloned().unwrap_or_default();
    r.expect(
        "audit: who, with their email",
        first["actor"].clone(),
        json!({"id": admin, "name": format!("{} {}", ADMIN.0, ADMIN.1), "email": ADMIN.2}),
    );
    r.expect(
        "audit: on whom",
        first["target_user"].clone(),
        json!({"id": audrey, "name": "Audrey Audit", "email": "audrey@acme.test"}),
    );
    r.expect(
        "audit: in which group",
        first["target_group"].clone(),
        json!({"id": group, "name": "Audit team"}),
    );
    let update = entries(&all).get(3).cloned().unwrap_or_default();
    r.expect(
        "audit: the change, before and after",
        update["details"]["changes"]["roles"].clone(),
        json!({"before": [], "after": ["Testing"]}),
    );

    // Two at a time: the cursor leads to the rest, nothing twice.
    let one = r.call(Call::Audit(query(about(audrey), 2))).await;
    r.expect("audit: a page of two", actions(&one).len(), 2);
    let next = one.body["next"]
        .as_str()
        .and_then(|n| n.parse::<i64>().ok());
    r.expect("audit: a cursor to the next", next.is_some(), true);
    let two = r
        .call(Call::Audit(AuditQuery {
            before: next,
            ..query(about(audrey), 2)
        }))
        .await;
    r.expect(
        "audit: the next page",
        actions(&two),
        ["token.reveal", "user.update"].map(String::from).to_vec(),
    );

    // Each filter, alone and together.
    let filtered = |filter: AuditFilter| Call::Audit(query(filter, 100));
    let reveal = r
        .call(filtered(AuditFilter {
            actions: vec!["token.reveal".into(), "user.create".into()],
            ..about(audrey)
        }))
        .await;
    r.expect(
        "audit: two actions",
        actions(&reveal),
        ["token.reveal", "user.create"].map(String::from).to_vec(),
    );
    let by_admin = r
        .call(filtered(AuditFilter {
            actor: Some(admin),
            actions: vec!["user.update".into()],
            ..about(audrey)
        }))
        .await;
    r.expect(
        "audit: actor, target and action",
        actions(&by_admin),
        vec!["user.update".to_string()],
    );
    let in_group = r
        .call(filtered(AuditFilter {
            group: Some(group),
            ..AuditFilter::default()
        }))
        .await;
    r.expect(
        "audit: about the group",
        actions(&in_group),
        ["group.members.add", "group.create"]
            .map(String::from)
            .to_vec(),
    );
    let hers = r
        .call(filtered(AuditFilter {
            user: Some(audrey),
            ..AuditFilter::default()
        }))
        .await;
    r.expect("audit: by or about her", actions(&hers), actions(&all));
    let long_ago = "2000-01-01T00:00:00Z".to_string();
    let since = r
        .call(filtered(AuditFilter {
            since: Some(long_ago.clone()),
            ..about(audrey)
        }))
        .await;
    r.expect("audit: since long ago", actions(&since), actions(&all));
    let until = r
        .call(filtered(AuditFilter {
            until: Some(long_ago),
            ..about(audrey)
        }))
        .await;
    r.ok("audit: until long ago", &until, 200);
    r.expect(
        "audit: until long ago, nothing",
        actions(&until),
        Vec::<String>::new(),
    );

    // Her activity: what was done to her (she did nothing herself).
    let activity = r.call(Call::Activity(audrey, None, 10)).await;
    r.ok("activity", &activity, 200);
    r.expect("activity: about her", actions(&activity), actions(&all));
    let short = r.call(Call::Activity(audrey, None, 3)).await;
    let next = short.body["next"]
        .as_str()
        .and_then(|n| n.parse::<i64>().ok());
    let rest = r.call(Call::Activity(audrey, next, 3)).await;
    r.expect(
        "activity: the next page",
        actions(&rest),
        ["user.update", "user.create"].map(String::from).to_vec(),
    );
    let nobody = r.call(Call::Activity(NOBODY, None, 10)).await;
    r.error("activity: of nobody", &nobody, 404, "not_found");

    // The group goes again (the groups part counts on the groups it makes).
    let deleted = r.call(Call::DeleteGroup(group)).await;
    r.ok("audit: the group deleted", &deleted, 200);
    let gone = r
        .call(filtered(AuditFilter {
            group: Some(group),
            ..AuditFilter::default()
        }))
        .await;
    let first = entries(&gone).first().cloned().unwrap_or_default();
    r.expect(
        "audit: a deleted group keeps its name",
        (first["action"].clone(), first["target_group"].clone()),
        (
            json!("group.delete"),
            json!({"id": group, "name": "Audit team"}),
        ),
    );
}
