//! An answer as the script reads it: status and JSON body.

use serde_json::Value;

/// What a target answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: u16,
    pub body: Value,
}

impl Outcome {
    /// The contract's error code, for an error answer.
    pub fn code(&self) -> Option<&str> {
        self.body["error"]["code"].as_str()
    }

    /// The messages of one field of an error answer.
    pub fn field(&self, name: &str) -> Vec<String> {
        strings(&self.body["error"]["fields"][name])
    }

    /// The fields an error answer names, sorted.
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.body["error"]["fields"]
            .as_object()
            .map(|fields| fields.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The user an answer is about: the body itself, or `user` of a delete.
    pub fn user(&self) -> &Value {
        if self.body.get("user").is_some() && self.body.get("version").is_none() {
            &self.body["user"]
        } else {
            &self.body
        }
    }

    pub fn id(&self) -> i64 {
        self.user()["id"].as_i64().unwrap_or(-1)
    }

    pub fn version(&self) -> i64 {
        self.user()["version"].as_i64().unwrap_or(-1)
    }

    /// `version` of the user in a `stale_version` answer.
    pub fn current_version(&self) -> i64 {
        self.body["current"]["version"].as_i64().unwrap_or(-1)
    }

    pub fn text(&self, key: &str) -> String {
        self.user()[key].as_str().unwrap_or_default().to_string()
    }

    /// "first last <email>" of each entry of a page, in order.
    pub fn entries(&self) -> Vec<String> {
        self.body["entries"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|u| {
                        format!(
                            "{} {} <{}>",
                            u["first_name"].as_str().unwrap_or_default(),
                            u["last_name"].as_str().unwrap_or_default(),
                            u["email"].as_str().unwrap_or_default()
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `(total_entries, total_pages)` of a page.
    pub fn totals(&self) -> (u64, u64) {
        (
            self.body["total_entries"].as_u64().unwrap_or(u64::MAX),
            self.body["total_pages"].as_u64().unwrap_or(u64::MAX),
        )
    }

    /// The names in a list of objects under `key` (e.g. agents).
    pub fn names_in(&self, key: &str) -> Vec<String> {
        self.body[key]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["name"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
