//! Checks that run on whole pages: axe-core's WCAG audit and the browser
//! console (CSP violations and errors).

use serde_json::{json, Value};

use crate::browser::Browser;

/// axe-core rule tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
const WCAG_TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

impl Browser {
    /// Runs axe-core on the page and panics listing every violation.
    pub async fn assert_accessible(&self, view: &str) {
        let list = self.accessibility_violations().await;
        assert!(
            list.is_empty(),
            "axe-core found {} violation(s) on {view}:\n{}",
            list.len(),
            serde_json::to_string_pretty(&list).unwrap_or_default()
        );
    }

    /// axe-core's WCAG 2.x A/AA violations on the page as it is now.
    pub async fn accessibility_violations(&self) -> Vec<Value> {
        let path = std::env::var("USERS_E2E_AXE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| {
                crate::workspace_root().join("tools/node_modules/axe-core/axe.min.js")
            });
        let source = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "read axe-core at {} (run cargo xtask setup): {e}",
                path.display()
            )
        });
        self.client
            .execute(&source, vec![])
            .await
            .expect("inject axe-core");
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})\
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,\
                   nodes: v.nodes.map(n => n.html + ' :: ' + n.failureSummary)}))))\
               .catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));";
        let violations = self
            .client
            .execute_async(script, vec![json!(WCAG_TAGS)])
            .await
            .expect("run axe-core");
        violations.as_array().cloned().unwrap_or_default()
    }

    /// Browser console entries at level SEVERE since the last call
    /// (CSP violations and uncaught errors land here).
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .client
            .issue_cmd(crate::browser::SessionCommand::browser_log())
            .await
            .unwrap_or(Value::Null);
        entries
            .as_array()
            .map(|list| {
                list.iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}
