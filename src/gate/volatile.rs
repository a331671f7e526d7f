//! Volatile values that a suite's redactions do not reach: ids and timestamps inside messages, `Elements`,
//! XML text. Two implementations never agree on them, so a differential run normalises them on each side:
//! ids are renamed in order of first appearance within a case (`<id1>`, `<id2>`, …), so that an id that
//! should refer to the group created earlier still has to; timestamps become `<timestamp>`.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

/// UUIDs (any case), ULIDs (Crockford base32, 26 characters).
static ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9A-HJKMNP-TV-Z]{26}\b")
        .expect("valid id pattern")
});

/// RFC 3339 timestamps and Microsoft JSON dates (`/Date(1700000000000+0000)/`).
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?|/Date\(\d+([+-]\d{4})?\)/")
        .expect("valid timestamp pattern")
});

/// The ids seen in one case on one side, numbered in order of first appearance.
#[derive(Debug, Default)]
pub struct IdNames {
    names: HashMap<String, String>,
}

impl IdNames {
    /// Renames ids and hides timestamps in every string (and key) of `value`.
    pub fn normalise(&mut self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.normalise(v)),
            Value::Object(map) => {
                let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
                for (key, mut v) in entries {
                    self.normalise(&mut v);
                    map.insert(self.text(&key), v);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, s: &str) -> String {
        let without_times = TIMESTAMP.replace_all(s, "<timestamp>");
        ID.replace_all(&without_times, |c: &regex::Captures<'_>| {
            let id = c[0].to_ascii_lowercase();
            let next = self.names.len() + 1;
            self.names.entry(id).or_insert_with(|| format!("<id{next}>")).clone()
        })
        .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_keep_their_identity_and_timestamps_go() {
        let mut names = IdNames::default();
        let mut a = json!({"id": "01M8SX8CKP3HKJ8NQXEFRXZR76", "ref": "ba52e554-a599-4a81-9237-d446bd2db8ce",
                           "at": "2026-12-01T22:57:54.293Z", "ms": "/Date(1700000000000+0000)/"});
        names.normalise(&mut a);
        let mut b = json!(["BA52E554-A599-4A81-9237-D446BD2DB8CE is 01M8SX8CKP3HKJ8NQXEFRXZR76"]);
        names.normalise(&mut b);
        assert_eq!(a, json!({"id": "<id1>", "ref": "<id2>", "at": "<timestamp>", "ms": "<timestamp>"}));
        assert_eq!(b, json!(["<id2> is <id1>"]), "the same id, in any case, keeps its name");
    }
}
