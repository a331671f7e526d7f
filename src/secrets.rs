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

/// `value` and the forms it takes inside URLs (path- and query-encoded), the plain one naming `env`; none when
/// it is too short to mask.
fn forms(value: String, env: Option<String>) -> Vec<Secret> {
    if value.chars().count() < 3 {
        return Vec::new();
    }
    let path = percent_encoding::utf8_percent_encode(&value, URL_PATH).to_string();
    let query: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
    vec![Secret { text: value, env }, Secret { text: path, env: None }, Secret { text: query, env: None }]
}

/// Longest first, so a secret containing another is masked whole; of equal texts the one that names its
/// variable (`Some` sorts after `None`) is kept.
fn ordered(mut secrets: Vec<Secret>) -> Vec<Secret> {
    secrets.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then_with(|| a.text.cmp(&b.text)).then(b.cmp(a)));
    secrets.dedup_by(|later, kept| later.text == kept.text);
    secrets
}

/// Knows the secret values of a run and masks them.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    /// Longest first, so a secret containing another is masked whole.
    secrets: Vec<Secret>,
    /// Secrets the run learns as it goes (OAuth2 access and refresh tokens), shared by every clone of the run's
    /// masker and every masker made from it with [`Masker::with`], so a token fetched mid-run is masked in all
    /// results made after it existed.
    learned: Arc<RwLock<Vec<Secret>>>,
}

/// One form of a secret value, and the environment variable a shell can read it from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Secret {
    text: String,
    /// `CONFORM_VAR_SINCH_TOKEN` for the value of `sinch_token`, so a reproduction command can name the
    /// variable instead of the value. None for values of unknown origin and for URL-encoded forms (the shell
    /// would insert the value unencoded).
    env: Option<String>,
}

impl Masker {
    /// Values shorter than 3 characters are not masked: they would garble every output and hide nothing.
    /// Each secret is also masked in the forms it takes inside URLs (path- and query-encoded), since request
    /// lines and transport errors show encoded URLs.
    pub fn new(values: impl IntoIterator<Item = String>) -> Self {
        Self::build(values.into_iter().map(|v| (v, None)).collect())
    }

    /// Secrets with the variables they came from (`(name, value)`): masked as [`Masker::new`] masks, and in
    /// shell commands replaced by a reference to the `CONFORM_VAR_*` environment variable that gives the value.
    pub fn named(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::build(vars.into_iter().map(|(name, value)| (value, env_name(&name))).collect())
    }

    fn build(values: Vec<(String, Option<String>)>) -> Self {
        let secrets = ordered(values.into_iter().flat_map(|(v, env)| forms(v, env)).collect());
        Self { secrets, learned: Arc::default() }
    }

    /// Adds a secret learned during the run (a fetched token) to this masker and every one sharing its run.
    /// No variable gives it, so a reproduction command shows it as `***`.
    pub(crate) fn learn(&self, value: &str) {
        let mut learned = self.learned.write().unwrap_or_else(|e| e.into_inner());
        let all = learned.drain(..).chain(forms(value.to_string(), None)).collect();
        *learned = ordered(all);
    }

    /// This masker plus more secrets, `(name, value)` (a case's own secret-looking variables).
    pub(crate) fn with(&self, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let known = self.secrets.iter().map(|s| (s.text.clone(), s.env.clone()));
        let secrets = known.chain(vars.into_iter().map(|(name, value)| (value, env_name(&name))));
        Self { learned: self.learned.clone(), ..Self::build(secrets.collect()) }
    }

    /// `words` as one POSIX shell command line, each word single-quoted, with every secret replaced by a
    /// double-quoted reference to its environment variable (`'Bearer '"${CONFORM_VAR_SINCH_TOKEN}"`) — or by
    /// `***` when no variable is known — so the command can be printed and run, and never shows a value.
    pub(crate) fn shell_command(&self, words: &[String]) -> String {
        let mut line = String::new();
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                line.push(' ');
            }
            self.shell_word(word, &mut line);
        }
        line
    }

    fn shell_word(&self, word: &str, out: &mut String) {
        if word.is_empty() {
            out.push_str("''");
            return;
        }
        let learned = self.learned.read().unwrap_or_else(|e| e.into_inner());
        let mut plain = String::new();
        let mut rest = word;
        while let Some(c) = rest.chars().next() {
            match learned.iter().chain(&self.secrets).find(|s| rest.starts_with(s.text.as_str())) {
                Some(secret) => {
                    push_single_quoted(&std::mem::take(&mut plain), out);
                    match &secret.env {
                        Some(env) => out.push_str(&format!("\"${{{env}}}\"")),
                        None => push_single_quoted(MASK, out),
                    }
                    rest = &rest[secret.text.len()..];
                }
                None => {
                    plain.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        push_single_quoted(&plain, out);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.learned.read().map_or(true, |l| l.is_empty())
    }

    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let learned = self.learned.read().unwrap_or_else(|e| e.into_inner());
        // Both lists longest first; the learned tokens are masked first (they are long and random).
        let all = || learned.iter().chain(&self.secrets);
        if !all().any(|s| text.contains(s.text.as_str())) {
            return Cow::Borrowed(text);
        }
        let mut out = text.to_string();
        for secret in all() {
            out = out.replace(secret.text.as_str(), MASK);
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

/// The environment variable that gives variable `name` (`CONFORM_VAR_` and the name, upper-cased when it is
/// lowercase, as the project reads them), or None when no shell can name it.
fn env_name(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let identifier = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    let name = if name == name.to_ascii_lowercase() { name.to_ascii_uppercase() } else { name.to_string() };
    identifier.then(|| format!("{}{name}", crate::project::ENV_VAR_PREFIX))
}

/// Appends `text` quoted for a shell: as is when no character needs quoting, single-quoted (`'` becomes
/// `'\''`), or — when it holds a line break or another control character, so that the command stays on one
/// line — ANSI-C quoted (`$'line\nline'`, which bash and zsh read). Nothing for empty text.
fn push_single_quoted(text: &str, out: &mut String) {
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c)) {
        out.push_str(text);
    } else if text.chars().any(char::is_control) {
        out.push_str("$'");
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() && (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
    } else {
        out.push('\'');
        out.push_str(&text.replace('\'', "'\\''"));
        out.push('\'');
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
    fn shell_commands_name_the_variable_instead_of_the_value() {
        let masker = Masker::named([("sinch_token".to_string(), "s3cr3t".to_string())]).with([
            ("Other_Secret".to_string(), "it's".to_string()),
            ("not-an-identifier".to_string(), "xyz9".to_string()),
        ]);
        let words = ["curl", "-H", "Authorization: Bearer s3cr3t", "it's xyz9", "", "a'b"].map(String::from);
        assert_eq!(
            masker.shell_command(&words),
            r#"curl -H 'Authorization: Bearer '"${CONFORM_VAR_SINCH_TOKEN}" "${CONFORM_VAR_Other_Secret}"' ''***' '' 'a'\''b'"#
        );
        let words = ["two\nlines 'and' \\ s3cr3t\t".to_string()];
        assert_eq!(masker.shell_command(&words), r#"$'two\nlines \'and\' \\ '"${CONFORM_VAR_SINCH_TOKEN}"$'\t'"#);
        // The plain masking is unchanged.
        assert_eq!(masker.mask("Bearer s3cr3t"), "Bearer ***");
    }

    #[test]
    fn learned_secrets_are_masked_by_every_masker_of_the_run() {
        let run = Masker::new(["static-token".to_string()]);
        let case = run.with([("case_secret".to_string(), "case-secret".to_string())]);
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
