//! The access-review part of the script: the users list filtered by role
//! and how it is held, group and identity provider, combined with search
//! and paging, and the 422 for each unknown or ill-formed filter value;
//! the CSV export of what a filter shows, and its audit entry. (The
//! providers used, Google and Azure AD, are ones both targets have.)

use users_api::{
    AddMembers, AuditFilter, AuditQuery, ListQuery, NewGroup, NewUser, SourceFilter, UserFilter,
    UserStatus,
};

use crate::script::{strings, Run};
use crate::{Call, Target};

fn reviewer(first: &str, email: &str, provider: &str, roles: &[&str]) -> Call {
    Call::CreateUser(NewUser {
        first_name: first.into(),
        last_name: "Review".into(),
        email: email.into(),
        identity_provider: provider.into(),
        roles: strings(roles),
    })
}

/// The active users matching "review" that `filter` keeps, `per_page` a page.
fn filtered(filter: UserFilter, page: u32, per_page: u32) -> Call {
    Call::ListUsers(ListQuery {
        status: UserStatus::Active,
        query: "review".into(),
        filter,
        page,
        per_page,
    })
}

fn production(source: Option<SourceFilter>) -> UserFilter {
    UserFilter {
        role: Some("Production".into()),
        source,
        ..UserFilter::default()
    }
}

/// Plays the access-review part.
pub(crate) async fn script<T: Target>(r: &mut Run<'_, T>) {
    let rhea = r
        .call(reviewer(
            "Rhea",
            "rhea@acme.test",
            "Azure AD",
            &["Production"],
        ))
        .await;
    r.ok("review: create Rhea", &rhea, 201);
    let rory = r
        .call(reviewer("Rory", "rory@acme.test", "Google", &[]))
        .await;
    r.ok("review: create Rory", &rory, 201);
    let crew = r
        .call(Call::CreateGroup(NewGroup {
            name: "Release crew".into(),
            description: String::new(),
            roles: strings(&["Production"]),
        }))
        .await;
    r.ok("review: create the group", &crew, 201);
    let crew_id = crew.id();
    let added = r
        .call(Call::AddGroupMembers(
            crew_id,
            AddMembers {
                user_ids: vec![rhea.id(), rory.id()],
            },
        ))
        .await;
    r.ok("review: add both to the group", &added, 200);

    let both = vec![
        "Rhea Review <rhea@acme.test>".to_string(),
        "Rory Review <rory@acme.test>".to_string(),
    ];
    let rhea_only = vec![both[0].clone()];
    let rory_only = vec![both[1].clone()];
    let cases = [
        ("role, any source", production(None), both.clone()),
        (
            "role, direct",
            production(Some(SourceFilter::Direct)),
            rhea_only.clone(),
        ),
        (
            "role, from a group",
            production(Some(SourceFilter::Group)),
            both.clone(),
        ),
        (
            "group",
            UserFilter {
                group: Some(crew_id),
                ..UserFilter::default()
            },
            both.clone(),
        ),
        (
            "identity provider",
            UserFilter {
                identity_provider: Some("Azure AD".into()),
                ..UserFilter::default()
            },
            rhea_only.clone(),
        ),
        (
            "role and provider",
            UserFilter {
                identity_provider: Some("Google".into()),
                ..production(None)
            },
            rory_only.clone(),
        ),
        (
            "role the group lacks",
            UserFilter {
                role: Some("Staging".into()),
                group: Some(crew_id),
                ..UserFilter::default()
            },
            Vec::new(),
        ),
    ];
    for (step, filter, want) in cases {
        let page = r.call(filtered(filter, 1, 25)).await;
        r.ok(&format!("review: {step}"), &page, 200);
        let total = want.len() as u64;
        r.expect(&format!("review: {step}: users"), page.entries(), want);
        r.expect(
            &format!("review: {step}: totals"),
            page.totals(),
            (total, total.div_ceil(25)),
        );
    }
    let second = r.call(filtered(production(None), 2, 1)).await;
    r.expect(
        "review: second page of one",
        (second.entries(), second.totals()),
        (rory_only, (2, 2)),
    );

    let refused = [
        (
            "unknown role",
            UserFilter {
                role: Some("Janitor".into()),
                ..UserFilter::default()
            },
            "role",
        ),
        (
            "source without a role",
            UserFilter {
                source: Some(SourceFilter::Direct),
                ..UserFilter::default()
            },
            "source",
        ),
        (
            "unknown group",
            UserFilter {
                group: Some(987_654),
                ..UserFilter::default()
            },
            "group",
        ),
        (
            "unknown identity provider",
            UserFilter {
                identity_provider: Some("Elsewhere".into()),
                ..UserFilter::default()
            },
            "identity_provider",
        ),
    ];
    for (step, filter, field) in refused {
        let answer = r.call(filtered(filter, 1, 25)).await;
        r.error(&format!("review: {step}"), &answer, 422, "invalid");
        r.expect(
            &format!("review: {step}: the parameter named"),
            answer.field_names(),
            strings(&[field]),
        );
    }
    // The export: every matching user (not one page), with role sources.
    let exported = r
        .call(Call::ExportUsers(ListQuery {
            status: UserStatus::Active,
            query: "review".into(),
            filter: production(None),
            page: 2,
            per_page: 1,
        }))
        .await;
    r.ok("review: export", &exported, 200);
    let file_name = exported.body["file_name"].as_str().unwrap_or_default();
    r.expect(
        "review: export: its file name says what it holds",
        (
            file_name.starts_with("users-active-production-matching-review-"),
            file_name.ends_with(".csv"),
        ),
        (true, true),
    );
    r.expect(
        "review: export: total",
        exported.body["total"].as_u64(),
        Some(2),
    );
    let csv = exported.body["csv"].as_str().unwrap_or_default();
    let lines: Vec<String> = csv
        .split("\r\n")
        .map(|line| line.splitn(7, ',').take(6).collect::<Vec<_>>().join(","))
        .collect();
    r.expect(
        "review: export: header and rows (created and token use aside)",
        lines,
        strings(&[
            "\u{feff}Name,Email,Identity provider,Status,Roles,Groups",
            "Rhea Review,rhea@acme.test,Azure AD,active,Production (direct; Release crew),Release crew",
            "Rory Review,rory@acme.test,Google,active,Production (Release crew),Release crew",
            "",
        ]),
    );
    let audited = r
        .call(Call::Audit(AuditQuery {
            filter: AuditFilter {
                actions: strings(&["users.export"]),
                ..AuditFilter::default()
            },
            before: None,
            per_page: 10,
        }))
        .await;
    let entry = &audited.body["entries"][0];
    r.expect(
        "review: export: audited with its filters and rows",
        (
            audited.body["entries"].as_array().map(Vec::len),
            entry["details"]["rows"].as_u64(),
            entry["details"]["filters"]["role"]
                .as_str()
                .map(str::to_string),
            entry["details"]["query"].as_str().map(str::to_string),
        ),
        (
            Some(1),
            Some(2),
            Some("Production".to_string()),
            Some("review".to_string()),
        ),
    );
    let refused = r
        .call(Call::ExportUsers(ListQuery {
            filter: UserFilter {
                role: Some("Janitor".into()),
                ..UserFilter::default()
            },
            ..ListQuery::default()
        }))
        .await;
    r.error("review: export: unknown role", &refused, 422, "invalid");

    // The group goes (the groups part counts the company's groups); with
    // it, Rory's only source of Production.
    let deleted = r.call(Call::DeleteGroup(crew_id)).await;
    r.ok("review: delete the group", &deleted, 200);
    let after = r.call(filtered(production(None), 1, 25)).await;
    r.expect(
        "review: role after the group is gone",
        after.entries(),
        vec!["Rhea Review <rhea@acme.test>".to_string()],
    );
}
