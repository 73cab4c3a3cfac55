//! Browser benchmark (run by `cargo xtask bench`): in headless Chromium
//! against a running server, the time from navigation start to the list's
//! rows painted, and from a search keystroke to the filtered rows painted,
//! read from the Performance API mark the app sets when rows are painted.
//!
//! usage: browser-bench BASE_URL TOKEN RUNS
//! prints: `navigation_ms a,b,…` and `keystroke_ms a,b,…`

use std::time::Duration;

use serde_json::{json, Value};
use users_e2e::{Browser, By};

const MARK: &str = "users-rows-painted";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, token, runs] = &args[..] else {
        eprintln!("usage: browser-bench BASE_URL TOKEN RUNS");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let browser = Browser::start().await;
    browser.sign_in(base, token).await;

    let mut navigation = Vec::new();
    for run in 0..runs {
        browser
            .goto(&format!("{base}/users?page={}", run * 7 + 1))
            .await;
        navigation.push(wait_for_mark(&browser, 0.0).await);
    }

    let letters = ['a', 'e', 'i', 'o', 'n', 'r', 's', 't', 'l', 'm'];
    let mut keystroke = Vec::new();
    for run in 0..runs {
        browser.goto(&format!("{base}/users")).await;
        wait_for_mark(&browser, 0.0).await;
        let search = browser.find(By::role("searchbox", "Search users")).await;
        browser
            .client
            .execute(
                "performance.clearMarks(); window.__keydown = null;\
                 arguments[0].addEventListener('keydown', e => { window.__keydown = performance.now(); }, {once: true});",
                vec![json!(search)],
            )
            .await
            .expect("install keydown probe");
        search
            .send_keys(&letters[run % letters.len()].to_string())
            .await
            .expect("type");
        let pressed = loop {
            if let Ok(Value::Number(n)) = browser
                .client
                .execute("return window.__keydown;", vec![])
                .await
            {
                break n.as_f64().unwrap_or(0.0);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        keystroke.push(wait_for_mark(&browser, pressed).await - pressed);
    }
    browser.close().await;
    println!("navigation_ms {}", join(&navigation));
    println!("keystroke_ms {}", join(&keystroke));
}

/// Start time of the first rows-painted mark after `after` (ms since navigation start).
async fn wait_for_mark(browser: &Browser, after: f64) -> f64 {
    let script = format!(
        "const m = performance.getEntriesByName('{MARK}').filter(e => e.startTime > arguments[0]);\
         return m.length ? m[0].startTime : null;"
    );
    for _ in 0..2000 {
        if let Ok(Value::Number(n)) = browser.client.execute(&script, vec![json!(after)]).await {
            return n.as_f64().unwrap_or(f64::NAN);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the rows were never painted");
}

fn join(values: &[f64]) -> String {
    values
        .iter()
        .map(|v| format!("{v:.1}"))
        .collect::<Vec<_>>()
        .join(",")
}
