//! Secrets: which variables hold them, and the one boundary where they are masked.
//!
//! Every writer (terminal, JUnit, JSON, HTML, annotations, snapshots) takes a [`Masked`] value, and a `Masked`
//! can only be made by masking, so a writer cannot be handed a result that still holds a token. Secrets are
//! *masked* (`***`); volatile snapshot fields (ids, timestamps) are *redacted*, which is another thing.

use std::borrow::Cow;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

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

/// Whether a variable holds a credential because of its name, whatever its suite declares: `*token*`,
/// `*secret*`, `*password*` (any case). A suite names its other secrets in `secrets:`.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["token", "secret", "password"].iter().any(|w| lower.contains(w))
}

/// Knows the secret values of a run and masks them.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    /// Longest first, so a secret containing another is masked whole.
    secrets: Vec<String>,
    /// Secrets the run learns as it goes (OAuth2 access and refresh tokens), shared by every clone of the run's
    /// masker and every masker made from it with [`Masker::with`], so a token fetched mid-run is masked in all
    /// results made after it existed.
    learned: Arc<RwLock<Vec<String>>>,
}

/// `value` and the forms it takes inside URLs (path- and query-encoded); none when it is too short to mask.
fn forms(value: String) -> Vec<String> {
    if value.chars().count() < 3 {
        return Vec::new();
    }
    let path = percent_encoding::utf8_percent_encode(&value, URL_PATH).to_string();
    let query: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    vec![value, path, query]
}

/// Longest first, without repeats.
fn ordered(mut secrets: Vec<String>) -> Vec<String> {
    secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    secrets.dedup();
    secrets
}

impl Masker {
    /// Values shorter than 3 characters are not masked: they would garble every output and hide nothing.
    /// Each secret is also masked in the forms it takes inside URLs (path- and query-encoded), since request
    /// lines and transport errors show encoded URLs.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        Self { secrets: ordered(values.into_iter().flat_map(forms).collect()), learned: Arc::default() }
    }

    /// This masker plus more secret values (a case's own secret-looking variables). It shares what the run
    /// learns.
    pub(crate) fn with(&self, values: impl IntoIterator<Item = String>) -> Self {
        let secrets = ordered(self.secrets.iter().cloned().chain(values.into_iter().flat_map(forms)).collect());
        Self { secrets, learned: self.learned.clone() }
    }

    /// Adds a secret learned during the run (a fetched token) to this masker and every one sharing its run.
    pub(crate) fn learn(&self, value: &str) {
        let mut learned = self.learned.write().unwrap_or_else(|e| e.into_inner());
        let all = learned.drain(..).chain(forms(value.to_string())).collect();
        *learned = ordered(all);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.learned.read().map_or(true, |l| l.is_empty())
    }

    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let learned = self.learned.read().unwrap_or_else(|e| e.into_inner());
        // Both lists longest first; the learned tokens are masked first (they are long and random).
        let all = || learned.iter().chain(&self.secrets);
        if !all().any(|s| text.contains(s.as_str())) {
            return Cow::Borrowed(text);
        }
        let mut out = text.to_string();
        for secret in all() {
            out = out.replace(secret.as_str(), MASK);
        }
        Cow::Owned(out)
    }

    /// Masks every string inside a JSON value (keys included).
    pub(crate) fn mask_json(&self, value: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        if self.is_empty() {
            return value.clone();
        }
        match value {
            Value::String(s) => Value::String(self.mask(s).into_owned()),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.mask_json(v)).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (self.mask(k).into_owned(), self.mask_json(v))).collect())
            }
            other => other.clone(),
        }
    }
}

/// A value whose free text can hold secrets, and knows how to mask them in place.
pub trait Mask {
    fn mask(&mut self, masker: &Masker);
}

impl Mask for String {
    fn mask(&mut self, masker: &Masker) {
        if let Cow::Owned(masked) = masker.mask(self) {
            *self = masked;
        }
    }
}

impl<T: Mask> Mask for Option<T> {
    fn mask(&mut self, masker: &Masker) {
        if let Some(value) = self {
            value.mask(masker);
        }
    }
}

impl Mask for serde_json::Value {
    fn mask(&mut self, masker: &Masker) {
        if !masker.is_empty() {
            *self = masker.mask_json(self);
        }
    }
}

/// A value that has been masked: the only thing a writer of output accepts. It can only be made by masking
/// ([`Masked::new`]); read it through `Deref`.
#[derive(Debug, Clone)]
pub struct Masked<T>(T);

impl<T: Mask> Masked<T> {
    pub fn new(mut value: T, masker: &Masker) -> Self {
        value.mask(masker);
        Masked(value)
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Masked<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_url_encoded_forms_too() {
        let r = Masker::new(["a b+c/d".to_string()]);
        assert_eq!(r.mask("GET /x/a%20b+c/d?t=a+b%2Bc%2Fd"), "GET /x/***?t=***");
    }

    #[test]
    fn masks_every_occurrence_longest_first() {
        let r = Masker::new(["abc".to_string(), "abcdef".to_string(), "x".to_string()]);
        assert_eq!(r.mask("Bearer abcdef and abc and x"), "Bearer *** and *** and x");
        assert!(matches!(r.mask("nothing"), Cow::Borrowed(_)));
        let v = serde_json::json!({"abc": ["abcdef", 1]});
        assert_eq!(r.mask_json(&v), serde_json::json!({"***": ["***", 1]}));
    }

    #[test]
    fn masked_values_are_masked_on_creation() {
        let masker = Masker::new(["s3cret".to_string()]);
        let masked = Masked::new("Bearer s3cret".to_string(), &masker);
        assert_eq!(masked.as_str(), "Bearer ***");
        let masked = Masked::new(serde_json::json!({"token": "s3cret"}), &masker);
        assert_eq!(*masked, serde_json::json!({"token": "***"}));
    }

    #[test]
    fn learned_secrets_are_masked_by_every_masker_of_the_run() {
        let run = Masker::new(["static-token".to_string()]);
        let case = run.with(["case-secret".to_string()]);
        assert_eq!(case.mask("fetched-token-1"), "fetched-token-1");
        run.learn("fetched-token-1");
        assert_eq!(case.mask("Bearer fetched-token-1, case-secret"), "Bearer ***, ***");
        assert_eq!(run.clone().mask("a=fetched-token-1"), "a=***");
        let empty = Masker::default();
        assert!(empty.is_empty());
        empty.learn("abc def");
        assert!(!empty.is_empty());
        assert_eq!(empty.mask("?t=abc+def"), "?t=***");
    }

    #[test]
    fn secret_names() {
        assert!(is_secret_name("sinch_token") && is_secret_name("CLIENT_SECRET") && is_secret_name("password"));
        assert!(!is_secret_name("service_plan_id"));
    }
}
