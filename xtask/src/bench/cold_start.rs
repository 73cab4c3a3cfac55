//! Cold navigation → 25 user rows for the console beside two React builds of
//! the same page (`bench/cold-start/`: react-admin + MUI, and lean React 19
//! with react-router and react-query), measured in one run by
//! `bench/cold-start/measure.mjs` at CPU ×1 and ×4. The console's API
//! answers are recorded from a real server just before, so they follow the
//! contract. The React builds are made here with npm the first time (a
//! minute) and kept; CI never builds them (the smoke run skips this).

use std::path::Path;

use serde_json::{json, Value};

use super::http::Connection;
use crate::setup::CHROMIUM;
use crate::shell::{cmd, root, run};

/// The console's first page as `/users` asks it.
const FIRST_PAGE: &str = "/api/v1/users?status=active&query=&page=1&per_page=25";

/// CPU slowdowns and runs per app at each.
const RUNS: [(u32, usize); 2] = [(1, 10), (4, 8)];

/// One app's figures at one CPU slowdown.
#[derive(Debug, Clone)]
pub struct ColdStart {
    pub app: String,
    pub cpu: u32,
    pub median_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
    pub runs: u64,
}

/// Measures the three builds; `addr`/`token` reach a seeded server whose
/// answers the console's build is given.
pub fn measure(addr: &str, token: &str) -> Result<Vec<ColdStart>, String> {
    let dir = root().join("bench/cold-start");
    let work = root().join("bench/work/cold-start");
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    npm_install(&dir)?;
    for app in ["lean-app", "react-admin"] {
        let app_dir = dir.join(app);
        if !app_dir.join("dist/index.html").exists() {
            npm_install(&app_dir)?;
            run(cmd("npx", &["vite", "build"]).current_dir(&app_dir))?;
        }
    }
    let mut routes = serde_json::Map::new();
    for (path, file) in [("/api/v1/me", "me.json"), (FIRST_PAGE, "users.json")] {
        let (status, body, _) = Connection::open(addr, token)?.get(path)?;
        if status != 200 {
            return Err(format!("cold start: {path} answered {status}"));
        }
        std::fs::write(work.join(file), &body).map_err(|e| e.to_string())?;
        let route = path.split('?').next().unwrap_or(path);
        routes.insert(route.into(), json!(work.join(file)));
    }
    let users: Value =
        serde_json::from_slice(&std::fs::read(work.join("users.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let last = users["entries"][24]["email"]
        .as_str()
        .ok_or("cold start: the first page has fewer than 25 users")?;
    let spec = json!({
        "chromium": CHROMIUM,
        "runs": RUNS.iter().map(|(cpu, n)| (cpu.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        "apps": [
            { "name": "react-admin", "root": dir.join("react-admin/dist"), "path": "/#/users" },
            { "name": "lean-react", "root": dir.join("lean-app/dist"), "path": "/users" },
            { "name": "console", "root": root().join("dist"), "path": "/users",
              "token": "uat_cold_start", "routes": routes, "last": last },
        ],
    });
    let spec_path = work.join("spec.json");
    std::fs::write(&spec_path, spec.to_string()).map_err(|e| e.to_string())?;
    println!("\n== cold start beside the React builds");
    let out = cmd("node", &["measure.mjs", &spec_path.to_string_lossy()])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cold start measurement failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    parse(&String::from_utf8_lossy(&out.stdout))
}

/// `npm ci` when `dir` has no `node_modules` yet.
fn npm_install(dir: &Path) -> Result<(), String> {
    if dir.join("node_modules").exists() {
        return Ok(());
    }
    run(cmd("npm", &["ci", "--no-audit", "--no-fund"]).current_dir(dir))
}

/// measure.mjs's lines, one JSON object each.
fn parse(out: &str) -> Result<Vec<ColdStart>, String> {
    out.lines()
        .filter(|l| l.starts_with('{'))
        .map(|line| {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
            let number = |k: &str| v[k].as_f64().ok_or(format!("no {k} in {line}"));
            Ok(ColdStart {
                app: v["app"].as_str().ok_or("no app")?.to_string(),
                cpu: number("cpu")? as u32,
                median_ms: number("median_ms")?,
                min_ms: number("min_ms")?,
                max_ms: number("max_ms")?,
                runs: number("runs")? as u64,
            })
        })
        .collect()
}

/// The console's median over the lean React build's at `cpu`.
pub fn ratio(figures: &[ColdStart], cpu: u32) -> Option<f64> {
    let median = |app: &str| {
        figures
            .iter()
            .find(|f| f.app == app && f.cpu == cpu)
            .map(|f| f.median_ms)
    };
    Some(median("console")? / median("lean-react")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_lines_and_the_ratio() {
        let out = "noise\n{\"app\":\"lean-react\",\"cpu\":1,\"median_ms\":160,\"min_ms\":150,\"max_ms\":170,\"runs\":10}\n\
                   {\"app\":\"console\",\"cpu\":1,\"median_ms\":120.5,\"min_ms\":110,\"max_ms\":130,\"runs\":10}\n";
        let figures = parse(out).unwrap();
        assert_eq!(figures.len(), 2);
        assert_eq!(figures[1].app, "console");
        assert_eq!(figures[1].median_ms, 120.5);
        assert!((ratio(&figures, 1).unwrap() - 120.5 / 160.0).abs() < 1e-9);
        assert_eq!(ratio(&figures, 4), None);
        assert!(parse("{\"app\":\"x\"}").is_err());
    }
}
