//! Secret values (tokens, passwords) are replaced by `***` in everything conform writes.

use std::borrow::Cow;

/// The mask written in place of a secret.
pub const MASK: &str = "***";

/// What the URL standard percent-encodes in a path segment (the `url` crate's path set).
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Knows the secret values of a run and masks them.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret containing another is masked whole.
    secrets: Vec<String>,
}

impl Redactor {
    /// Values shorter than 3 characters are not masked: they would garble every output and hide nothing.
    /// Each secret is also masked in the forms it takes inside URLs (path- and query-encoded), since request
    /// lines and transport errors show encoded URLs.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = values
            .into_iter()
            .filter(|v| v.chars().count() >= 3)
            .flat_map(|v| {
                let path = percent_encoding::utf8_percent_encode(&v, URL_PATH).to_string();
                let query: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
                [v, path, query]
            })
            .collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// This redactor plus more secret values (a case's own secret-looking variables).
    pub fn with(&self, values: impl IntoIterator<Item = String>) -> Self {
        Self::new(self.secrets.iter().cloned().chain(values))
    }

    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.secrets.iter().any(|s| text.contains(s.as_str())) {
            return Cow::Borrowed(text);
        }
        let mut out = text.to_string();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), MASK);
        }
        Cow::Owned(out)
    }

    /// Masks every string inside a JSON value (keys included).
    pub fn redact_json(&self, value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        if self.is_empty() {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.redact(s).into_owned()),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.redact_json(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (self.redact(k).into_owned(), self.redact_json(v))).collect())
            }
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_url_encoded_forms_too() {
        let r = Redactor::new(["a b+c/d".to_string()]);
        assert_eq!(r.redact("GET /x/a%20b+c/d?t=a+b%2Bc%2Fd"), "GET /x/***?t=***");
    }

    #[test]
    fn masks_every_occurrence_longest_first() {
        let r = Redactor::new(["abc".to_string(), "abcdef".to_string(), "x".to_string()]);
        assert_eq!(r.redact("Bearer abcdef and abc and x"), "Bearer *** and *** and x");
        assert!(matches!(r.redact("nothing"), Cow::Borrowed(_)));
        let v = serde_json::json!({"abc": ["abcdef", 1]});
        assert_eq!(r.redact_json(&v), serde_json::json!({"***": ["***", 1]}));
    }
}
