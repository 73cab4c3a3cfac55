//! Groups over HTTP on either backend: what the conformance script cannot
//! reach — counts kept exact through archive, restore and renames, other
//! companies kept out, directory mode, the audit trail, and the last-admin
//! rail through group changes under concurrency.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::TestServer;
use crate::recount::assert_counts_exact;

async fn create_group(s: &TestServer, name: &str, roles: &[&str]) -> Value {
    let (status, group) = s
        .post(
            "/api/v1/groups",
            &s.admin.token,
            json!({"name": name, "roles": roles}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    group
}

fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("id")
}

async fn add_members(s: &TestServer, group: i64, users: &[i64]) -> (StatusCode, Value) {
    s.post(
        &format!("/api/v1/groups/{group}/members"),
        &s.admin.token,
        json!({ "user_ids": users }),
    )
    .await
}

#[tokio::test]
async fn member_counts_and_member_order_follow_archive_restore_and_renames() {
    let s = TestServer::start().await;
    let ann = s.create_user("Ann", "Zeta", "ann@acme.example", &[]).await;
    let bob = s.create_user("Bob", "Young", "bob@acme.example", &[]).await;
    let group = create_group(&s, "QA team", &["Testing"]).await;
    let (status, after) = add_members(&s, id(&group), &[id(&ann), id(&bob)]).await;
    assert_eq!(
        (status, after["member_count"].as_u64()),
        (StatusCode::OK, Some(2))
    );
    assert_counts_exact(&s).await;

    let members = format!("/api/v1/groups/{}/members", id(&group));
    let names = |page: &Value| -> Vec<String> {
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["first_name"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, page) = s.get(&members, &s.admin.token).await;
    assert_eq!(names(&page), ["Ann", "Bob"]);

    // Renaming Ann to "Zoe" moves her after Bob in the member list.
    let (_, current) = s
        .get(&format!("/api/v1/users/{}", id(&ann)), &s.admin.token)
        .await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{}", id(&ann)),
            &s.admin.token,
            current["version"].as_i64().unwrap(),
            json!({"first_name": "Zoe"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = s.get(&members, &s.admin.token).await;
    assert_eq!(names(&page), ["Bob", "Zoe"]);
    let (_, found) = s.get(&format!("{members}?query=ZOE"), &s.admin.token).await;
    assert_eq!(
        (names(&found), found["total_entries"].as_u64()),
        (vec!["Zoe".to_string()], Some(1))
    );

    // Archived members are neither listed nor counted, and keep their membership.
    let (status, _) = s
        .delete(
            &format!("/api/v1/users/{}", id(&bob)),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, now) = s
        .get(&format!("/api/v1/groups/{}", id(&group)), &s.admin.token)
        .await;
    assert_eq!(now["member_count"], 1);
    let (_, page) = s.get(&members, &s.admin.token).await;
    assert_eq!(names(&page), ["Zoe"]);
    assert_counts_exact(&s).await;
    let (status, restored) = s
        .post(
            &format!("/api/v1/users/{}/restore", id(&bob)),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(restored["groups"][0]["name"], "QA team");
    let (_, now) = s
        .get(&format!("/api/v1/groups/{}", id(&group)), &s.admin.token)
        .await;
    assert_eq!(now["member_count"], 2);
    assert_counts_exact(&s).await;

    // The groups list reads the same counts.
    let (_, list) = s.get("/api/v1/groups", &s.admin.token).await;
    assert_eq!(list["entries"][0]["member_count"], 2);

    // A control character (a NUL, which PostgreSQL text cannot hold)
    // matches nothing rather than failing.
    for path in [
        "/api/v1/groups?query=%00qa",
        &format!("{members}?query=%00M%C3%89"),
    ] {
        let (status, page) = s.get(path, &s.admin.token).await;
        assert_eq!(
            (status, page["total_entries"].as_u64()),
            (StatusCode::OK, Some(0)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_role_given_to_a_group_reaches_every_member_at_once() {
    let s = TestServer::start().await;
    let mut ids = Vec::new();
    for i in 0..30 {
        let user = s
            .create_user(
                "Member",
                &format!("No{i:02}"),
                &format!("m{i}@acme.example"),
                &[],
            )
            .await;
        ids.push(id(&user));
    }
    let group = create_group(&s, "Support", &[]).await;
    assert_eq!(add_members(&s, id(&group), &ids).await.0, StatusCode::OK);
    let (status, _) = s
        .patch(
            &format!("/api/v1/groups/{}", id(&group)),
            &s.admin.token,
            1,
            json!({"roles": ["Production"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, page) = s
        .get("/api/v1/users?query=member&per_page=100", &s.admin.token)
        .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 30);
    for user in entries {
        assert_eq!(
            user["roles"],
            json!([{"role": "Production", "sources": [{"type": "group", "group": {"id": id(&group), "name": "Support"}}]}]),
            "{user}"
        );
    }
}

#[tokio::test]
async fn other_companies_cannot_see_or_touch_a_group_or_lend_it_their_users() {
    let s = TestServer::start().await;
    let group = create_group(&s, "QA team", &["Testing"]).await;
    let other = s.other_company_admin().await;
    let path = format!("/api/v1/groups/{}", id(&group));
    assert_eq!(s.get(&path, &other.token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        s.patch(&path, &other.token, 1, json!({"name": "Mine"}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.delete(&path, &other.token, json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, theirs) = s.get("/api/v1/groups", &other.token).await;
    assert_eq!(theirs["total_entries"], 0);
    // Another company's user cannot be added, nor can it name its group.
    let (status, body) = add_members(&s, id(&group), &[other.id]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["fields"]["user_ids"][0],
        format!("has no active user of this company with id {}", other.id)
    );
    let (_, me) = s.get("/api/v1/me", &other.token).await;
    let (status, body) = s
        .patch(
            &format!("/api/v1/users/{}", other.id),
            &other.token,
            me["user"]["version"].as_i64().unwrap(),
            json!({"groups": [id(&group)]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["groups"].is_array());
    // The same name is free in another company.
    let (status, _) = s
        .post("/api/v1/groups", &other.token, json!({"name": "qa TEAM"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn in_directory_mode_groups_and_memberships_stay_manageable() {
    let s = TestServer::start().await;
    let dev = s.create_user("Dana", "Dev", "dana@acme.example", &[]).await;
    s.store
        .set_directory("Acme Robotics", Some("Azure AD"))
        .await
        .unwrap();
    let group = create_group(&s, "Builders", &["Development"]).await;
    assert_eq!(
        add_members(&s, id(&group), &[id(&dev)]).await.0,
        StatusCode::OK
    );
    let path = format!("/api/v1/users/{}", id(&dev));
    let (_, user) = s.get(&path, &s.admin.token).await;
    let version = user["version"].as_i64().unwrap();
    assert_eq!(user["roles"][0]["role"], "Development");
    // The user's own fields stay read-only; its groups do not.
    let (status, body) = s
        .patch(
            &path,
            &s.admin.token,
            version,
            json!({"first_name": "Dina", "groups": []}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("directory_managed"))
    );
    let (status, user) = s
        .patch(&path, &s.admin.token, version, json!({"groups": []}))
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    assert_eq!(user["groups"], json!([]));
    s.store.set_directory("Acme Robotics", None).await.unwrap();
}

#[tokio::test]
async fn every_group_change_is_audited_with_its_group() {
    let s = TestServer::start().await;
    let ann = s.create_user("Ann", "Able", "ann@acme.example", &[]).await;
    let group = create_group(&s, "QA team", &["Testing"]).await;
    let gid = id(&group);
    assert_eq!(add_members(&s, gid, &[id(&ann)]).await.0, StatusCode::OK);
    let (status, _) = s
        .patch(
            &format!("/api/v1/groups/{gid}"),
            &s.admin.token,
            1,
            json!({"name": "Quality"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s
        .delete(
            &format!("/api/v1/groups/{gid}/members/{}", id(&ann)),
            &s.admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, deleted) = s
        .delete(&format!("/api/v1/groups/{gid}"), &s.admin.token, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted["lost_roles"], json!([]));
    let rows = s
        .database
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE target_group_id = {gid} AND action IN
             ('group.create', 'group.members.add', 'group.update', 'group.members.remove', 'group.delete')"
        ))
        .await;
    assert_eq!(rows, 5);
    assert_counts_exact(&s).await;
    let about_ann = s.audit_of(id(&ann)).await;
    assert_eq!(about_ann[0]["action"], "group.members.remove");
    assert_eq!(about_ann[0]["actor"]["id"], s.admin.id);
}

/// Two administrators who hold Settings only through one group each take
/// the other out of it at the same moment: one wins, the company keeps an
/// administrator.
#[tokio::test]
async fn concurrent_removals_from_the_admins_group_keep_one_admin() {
    let s = TestServer::start().await;
    let second = s.account("Sam", "Second", "sam@acme.example", &[]).await;
    let admins = create_group(&s, "Admins", &["Settings"]).await;
    let gid = id(&admins);
    assert_eq!(
        add_members(&s, gid, &[s.admin.id, second.id]).await.0,
        StatusCode::OK
    );
    let me = format!("/api/v1/users/{}", s.admin.id);
    let (_, detail) = s.get(&me, &s.admin.token).await;
    let (status, _) = s
        .patch(
            &me,
            &s.admin.token,
            detail["version"].as_i64().unwrap(),
            json!({"roles": []}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "Settings still comes from the group"
    );
    for round in 0..8 {
        let (second_path, admin_path) = (
            format!("/api/v1/groups/{gid}/members/{}", second.id),
            format!("/api/v1/groups/{gid}/members/{}", s.admin.id),
        );
        let ((a, body_a), (b, body_b)) = tokio::join!(
            s.delete(&second_path, &s.admin.token, json!({})),
            s.delete(&admin_path, &second.token, json!({}))
        );
        let won = [a, b].iter().filter(|x| **x == StatusCode::OK).count();
        assert_eq!(won, 1, "round {round}: {body_a} {body_b}");
        for (status, body) in [(a, &body_a), (b, &body_b)] {
            if status != StatusCode::OK {
                let code = body["error"]["code"].as_str().unwrap_or_default();
                assert!(
                    ["last_admin", "forbidden"].contains(&code),
                    "round {round}: {body}"
                );
            }
        }
        // Put the loser back for the next round (as the remaining admin).
        let (winner_token, loser) = if a == StatusCode::OK {
            (s.admin.token.clone(), second.id)
        } else {
            (second.token.clone(), s.admin.id)
        };
        let (_, group) = s.get(&format!("/api/v1/groups/{gid}"), &winner_token).await;
        assert_eq!(group["member_count"], 1, "round {round}");
        let (status, _) = s
            .post(
                &format!("/api/v1/groups/{gid}/members"),
                &winner_token,
                json!({"user_ids": [loser]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "round {round}");
    }
    // The last holder cannot leave, nor can the group lose Settings or go.
    let (_, detail) = s
        .get(&format!("/api/v1/users/{}", second.id), &s.admin.token)
        .await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/users/{}", second.id),
            &s.admin.token,
            detail["version"].as_i64().unwrap(),
            json!({"groups": []}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the admin still holds Settings through the group"
    );
    let (_, detail) = s.get(&me, &s.admin.token).await;
    let (status, body) = s
        .patch(
            &me,
            &s.admin.token,
            detail["version"].as_i64().unwrap(),
            json!({"groups": []}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("self_lockout"))
    );
    let (_, group) = s
        .get(&format!("/api/v1/groups/{gid}"), &s.admin.token)
        .await;
    let (status, _) = s
        .patch(
            &format!("/api/v1/groups/{gid}"),
            &s.admin.token,
            group["version"].as_i64().unwrap(),
            json!({"roles": ["Testing"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = s
        .delete(&format!("/api/v1/groups/{gid}"), &s.admin.token, json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_counts_exact(&s).await;
}
