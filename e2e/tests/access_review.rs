//! The access review end to end: "who has Production from a group?" asked
//! in the filter bar, the rows checked against the API, the answer
//! exported and the downloaded file read back; the export is audited.

use std::time::{Duration, Instant};

use serde_json::json;
use users_e2e::{ApiClient, Browser, By, Server};

/// The names on the users list's rows, in order.
async fn row_names(browser: &Browser) -> Vec<String> {
    let names = browser
        .eval(
            "return [...document.querySelectorAll('table[aria-label=Users] tbody th[scope=row]')]
                 .map(th => th.textContent.trim());",
        )
        .await;
    serde_json::from_value(names).unwrap_or_default()
}

/// Waits until the rows are `want`.
async fn wait_rows(browser: &Browser, want: &[&str]) {
    let started = Instant::now();
    loop {
        let rows = row_names(browser).await;
        if rows == want {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "rows {rows:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn production_from_a_group_is_found_exported_and_audited() {
    let server = Server::start();
    let api = ApiClient::new(&server.base_url, &server.admin_token);
    api.create_user("Pam", "Direct", "pam@acme.example", &["Production"])
        .await;
    let quinn = api
        .create_user("Quinn", "Crew", "quinn@acme.example", &[])
        .await;
    let rhea = api
        .create_user("Rhea", "Both", "rhea@acme.example", &["Production"])
        .await;
    api.create_user("Ray", "None", "ray@acme.example", &["Testing"])
        .await;
    let crew = api
        .post(
            "/groups",
            json!({"name": "Release crew", "roles": ["Production"]}),
        )
        .await;
    let crew_id = crew["id"].as_i64().unwrap();
    api.post(
        &format!("/groups/{crew_id}/members"),
        json!({"user_ids": [quinn["id"], rhea["id"]]}),
    )
    .await;

    let browser = Browser::start().await;
    let downloads = tempfile::tempdir().unwrap();
    browser.download_to(downloads.path()).await;
    browser.sign_in(&server.base_url, &server.admin_token).await;

    browser
        .select(By::role("combobox", "Role"), "Production")
        .await;
    wait_rows(&browser, &["Pam Direct", "Quinn Crew", "Rhea Both"]).await;
    browser
        .select(By::role("combobox", "Source"), "group")
        .await;
    wait_rows(&browser, &["Quinn Crew", "Rhea Both"]).await;
    assert_eq!(browser.path().await, "/users?role=Production&source=group");
    browser
        .wait_for_text("Showing 1–2 of 2 users with Production from a group")
        .await;
    // The rows are the API's answer to the same question.
    let answer = api.get("/users?role=Production&source=group").await;
    let from_api: Vec<String> = answer["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["first_name"].as_str().unwrap(),
                u["last_name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(row_names(&browser).await, from_api);
    browser
        .assert_accessible("the users list filtered by role and source")
        .await;

    browser.click(By::role("button", "Export CSV")).await;
    browser
        .wait_for_text("Exported 2 users to users-active-production-from-a-group-")
        .await;
    let started = Instant::now();
    let file = loop {
        let done: Vec<_> = std::fs::read_dir(downloads.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        if let [file] = done.as_slice() {
            break file.clone();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no download");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with("users-active-production-from-a-group-") && name.ends_with(".csv"),
        "{name}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\u{feff}Name,Email,Identity provider,Status,Roles,Groups,Created,Token last used"
    );
    assert!(
        lines[2].starts_with(
            "Rhea Both,rhea@acme.example,Avaamo,active,Production (direct; Release crew),Release crew,"
        ),
        "{}",
        lines[2]
    );
    assert!(
        lines[1].starts_with(
            "Quinn Crew,quinn@acme.example,Avaamo,active,Production (Release crew),Release crew,"
        ),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 4, "two rows and the last line end: {text}");

    // Audited once, with its filters and rows.
    let log = api.get("/audit?action=users.export").await;
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{log}");
    assert_eq!(entries[0]["details"]["rows"], 2);
    assert_eq!(entries[0]["details"]["filters"]["source"], "group");

    // Clear filters: everyone again.
    browser.click(By::role("button", "Clear filters")).await;
    wait_rows(
        &browser,
        &[
            "Ada Admin",
            "Pam Direct",
            "Quinn Crew",
            "Ray None",
            "Rhea Both",
        ],
    )
    .await;
    browser.close().await;
}
