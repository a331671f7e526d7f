//! JSON Schemas of response bodies: every `*.json` under a folder, compiled once and shared.
//!
//! Each file is registered under a synthetic base URI (`file:///conform-schemas/<name>`), so a
//! relative `$ref` such as `"group.json"` or `"envelope.json#/$defs/ms-date"` resolves to the
//! sibling file, and nothing is ever fetched: a reference to a file outside the set is a load error,
//! not a network or disk look-up at validation time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jsonschema::{Draft, Registry, Retrieve, Uri, Validator};
use serde_json::Value;

/// Base under which every schema is registered; only used to resolve references between files.
const BASE_URI: &str = "file:///conform-schemas/";

/// Folder (relative to the schema root) that holds the requirement catalogue, not schemas.
const SKIPPED_DIR: &str = "requirements";

/// Every JSON Schema under a folder, compiled once (draft 2020-12 by default; `$ref` between files works).
///
/// Formats (`date-time`, `uuid`, …) are asserted, not just annotated: a conformance harness should
/// reject a timestamp that is not one.
pub struct SchemaSet {
    validators: BTreeMap<String, Validator>,
}

/// One reason why a body does not match a schema.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SchemaViolation {
    /// JSON Pointer into the body; `""` is the root.
    pub instance_path: String,
    /// The failing keyword, e.g. `required`, `maxLength`, `type`.
    pub keyword: String,
    /// Where in the schema the keyword sits, following `$ref`s (JSON Schema "evaluation path").
    pub(crate) schema_path: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaLoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{}:{}: not valid JSON: {}", path.display(), source.line(), source.column(), json_reason(source))]
    InvalidJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: not a valid JSON Schema: {reason}", path.display())]
    InvalidSchema { path: PathBuf, reason: String },
    /// `at`: line and column of the `"$ref"` in the file, when it can be found.
    #[error("{}{}: unresolved $ref `{reference}`: {reason}", path.display(), at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    UnresolvedRef { path: PathBuf, at: Option<(usize, usize)>, reference: String, reason: String },
}

/// Refuses every retrieval: all schemas are registered up front, so anything else is a dangling `$ref`.
struct NoRetrieval;

impl Retrieve for NoRetrieval {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        Err(format!("no schema file `{}` in the set", display_uri(uri.as_str())).into())
    }
}

/// serde_json's message without the " at line L column C" it ends with (the position is printed in front).
fn json_reason(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_string()
}

/// Line and column (1-based) of the first `"$ref": "…"` whose value is `reference` or ends with it (a pointer
/// the registry reports without its file part).
fn ref_position(text: &str, reference: &str) -> Option<(usize, usize)> {
    let encoded = serde_json::to_string(reference).ok()?;
    let tail = encoded.strip_prefix('"')?;
    let pattern = format!(r#""\$(dynamic)?[rR]ef"\s*:\s*"([^"\\]|\\.)*{}"#, regex::escape(tail));
    let found = regex::Regex::new(&pattern).ok()?.find(text)?;
    let before = &text[..found.start()];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    Some((line, column))
}

/// Turns an internal URI back into the schema name people wrote.
fn display_uri(uri: &str) -> &str {
    uri.strip_prefix(BASE_URI).unwrap_or(uri)
}

impl SchemaSet {
    /// Loads every `*.json` under `dir` recursively, except folder `requirements/`. Names are paths relative to `dir` with `/` (e.g. "sinch/group.json").
    pub fn load(dir: &Path) -> Result<SchemaSet, SchemaLoadError> {
        let mut files = Vec::new();
        collect_json_files(dir, dir, &mut files)?;
        files.sort();

        let mut documents: BTreeMap<String, (PathBuf, Value)> = BTreeMap::new();
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        for (name, path) in files {
            let text =
                std::fs::read_to_string(&path).map_err(|source| SchemaLoadError::Io { path: path.clone(), source })?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|source| SchemaLoadError::InvalidJson { path: path.clone(), source })?;
            documents.insert(name.clone(), (path, value));
            texts.insert(name, text);
        }

        // Name the file holding a dangling reference before the registry reports it without one.
        for (name, (path, schema)) in &documents {
            check_file_references(name, path, schema, &documents).map_err(|e| with_position(e, &texts[name]))?;
        }

        let registry = Registry::new()
            .draft(Draft::Draft202012)
            .retriever(NoRetrieval)
            .extend(documents.iter().map(|(name, (_, schema))| (format!("{BASE_URI}{name}"), schema)))
            .and_then(|builder| builder.prepare())
            .map_err(|error| SchemaLoadError::InvalidSchema { path: dir.to_path_buf(), reason: error.to_string() })?;

        let mut validators = BTreeMap::new();
        for (name, (path, schema)) in &documents {
            let validator = jsonschema::options()
                .with_draft(Draft::Draft202012)
                .with_registry(&registry)
                .with_base_uri(format!("{BASE_URI}{name}"))
                .with_retriever(NoRetrieval)
                .should_validate_formats(true)
                .build(schema)
                .map_err(|error| with_position(compile_error(path, error), &texts[name]))?;
            validators.insert(name.clone(), validator);
        }
        Ok(SchemaSet { validators })
    }

    pub(crate) fn empty() -> SchemaSet {
        SchemaSet { validators: BTreeMap::new() }
    }

    /// Schema names in sorted order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.validators.keys().map(String::as_str)
    }

    /// All violations (empty = valid). Unknown name → one violation saying so.
    pub fn validate(&self, name: &str, instance: &Value) -> Vec<SchemaViolation> {
        let Some(validator) = self.validators.get(name) else {
            let known: Vec<&str> = self.names().collect();
            return vec![SchemaViolation {
                instance_path: String::new(),
                keyword: "$schema".into(),
                schema_path: String::new(),
                message: format!(
                    "unknown schema `{name}`; known schemas: {}",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
            }];
        };
        validator
            .iter_errors(instance)
            .map(|error| SchemaViolation {
                instance_path: error.instance_path().as_str().to_string(),
                keyword: error.kind().keyword().to_string(),
                schema_path: error.evaluation_path().as_str().to_string(),
                // The message quotes the value, which may be the whole body.
                message: crate::excerpt::display(&error, crate::excerpt::MESSAGE_MAX_BYTES),
            })
            .collect()
    }
}

impl std::fmt::Debug for SchemaSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaSet").field("names", &self.validators.keys().collect::<Vec<_>>()).finish()
    }
}

/// Adds where the unresolved `$ref` is written in `text`.
fn with_position(error: SchemaLoadError, text: &str) -> SchemaLoadError {
    match error {
        SchemaLoadError::UnresolvedRef { path, at: None, reference, reason } => {
            let at = ref_position(text, &reference);
            SchemaLoadError::UnresolvedRef { path, at, reference, reason }
        }
        other => other,
    }
}

fn compile_error(path: &Path, error: jsonschema::ValidationError<'_>) -> SchemaLoadError {
    match error.kind() {
        jsonschema::error::ValidationErrorKind::Referencing(reference) => SchemaLoadError::UnresolvedRef {
            path: path.to_path_buf(),
            at: None,
            reference: reference_of(reference),
            reason: reference.to_string(),
        },
        _ => SchemaLoadError::InvalidSchema {
            path: path.to_path_buf(),
            reason: match error.instance_path().as_str() {
                "" => error.to_string(),
                at => format!("at `{at}`: {error}"),
            },
        },
    }
}

fn reference_of(error: &jsonschema::ReferencingError) -> String {
    match error {
        jsonschema::ReferencingError::Unretrievable { uri, .. } => display_uri(uri).to_string(),
        jsonschema::ReferencingError::PointerToNowhere { pointer } => pointer.clone(),
        jsonschema::ReferencingError::NoSuchAnchor { anchor } => anchor.clone(),
        other => other.to_string(),
    }
}

/// Every `"$ref"` string whose file part names no schema of the set is an error naming the file.
fn check_file_references(
    name: &str,
    path: &Path,
    schema: &Value,
    documents: &BTreeMap<String, (PathBuf, Value)>,
) -> Result<(), SchemaLoadError> {
    let mut refs = Vec::new();
    collect_refs(schema, &mut refs);
    let base_text = format!("{BASE_URI}{name}");
    let base = jsonschema::uri::from_str(&base_text)
        .map_err(|error| SchemaLoadError::InvalidSchema { path: path.to_path_buf(), reason: error.to_string() })?;
    for reference in refs {
        let unresolved = |reason: String| SchemaLoadError::UnresolvedRef {
            path: path.to_path_buf(),
            at: None,
            reference: reference.to_string(),
            reason,
        };
        let target = jsonschema::uri::resolve_against(&base.borrow(), reference)
            .map_err(|error| unresolved(error.to_string()))?;
        let target = target.as_str();
        let file = target.split('#').next().unwrap_or(target);
        // Only references into the set are checked here; `$id`-based and meta-schema URIs are
        // left to the registry, which reports them without a file.
        if let Some(target_name) = file.strip_prefix(BASE_URI)
            && !documents.contains_key(target_name)
        {
            return Err(unresolved(format!("no schema file `{target_name}` in the set")));
        }
    }
    Ok(())
}

fn collect_refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref" | "$dynamicRef", Value::String(reference)) => out.push(reference),
                    // Values of these keywords are data, not subschemas.
                    ("const" | "enum" | "examples" | "default", _) => {}
                    _ => collect_refs(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

fn collect_json_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), SchemaLoadError> {
    let io = |source| SchemaLoadError::Io { path: dir.to_path_buf(), source };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let relative: Vec<String> = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let file_type = entry.file_type().map_err(io)?;
        if file_type.is_dir() {
            if relative.len() == 1 && relative[0] == SKIPPED_DIR {
                continue;
            }
            collect_json_files(root, &path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            out.push((relative.join("/"), path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A fresh folder under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(label: &str) -> TempDir {
            static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("conform-schema-{label}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn write(&self, name: &str, text: &str) {
            let path = self.0.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn two_file_set(dir: &TempDir) {
        dir.write(
            "api/item.json",
            r#"{"type": "object", "required": ["id"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string", "maxLength": 3}},
                "$defs": {"code": {"type": "string", "pattern": "^[0-9]+$"}}}"#,
        );
        dir.write(
            "api/list.json",
            r#"{"type": "object", "properties": {
                  "items": {"type": "array", "items": {"$ref": "item.json"}},
                  "code": {"$ref": "item.json#/$defs/code"}}}"#,
        );
    }

    #[test]
    fn set_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<SchemaSet>();
    }

    #[test]
    fn ref_across_files_resolves() {
        let dir = TempDir::new("ref");
        two_file_set(&dir);
        dir.write("requirements/ignored.json", "not json at all");
        let set = SchemaSet::load(&dir.0).unwrap();
        assert_eq!(set.names().collect::<Vec<_>>(), ["api/item.json", "api/list.json"]);
        assert!(set.validate("api/list.json", &json!({"items": [{"id": "a"}], "code": "12"})).is_empty());
        let violations = set.validate("api/list.json", &json!({"items": [{}], "code": "x"}));
        let found: Vec<(&str, &str)> =
            violations.iter().map(|v| (v.instance_path.as_str(), v.keyword.as_str())).collect();
        assert!(found.contains(&("/items/0", "required")), "{violations:?}");
        assert!(found.contains(&("/code", "pattern")), "{violations:?}");
    }

    #[test]
    fn violation_names_instance_path_and_keyword() {
        let dir = TempDir::new("violation");
        two_file_set(&dir);
        let set = SchemaSet::load(&dir.0).unwrap();
        let violations = set.validate("api/list.json", &json!({"items": [{"id": "a"}, {"id": "b", "name": "long"}]}));
        assert_eq!(violations.len(), 1, "{violations:?}");
        let v = &violations[0];
        assert_eq!(v.instance_path, "/items/1/name");
        assert_eq!(v.keyword, "maxLength");
        assert!(v.schema_path.ends_with("/maxLength"), "{}", v.schema_path);
        assert!(v.message.contains("long"), "{}", v.message);
    }

    #[test]
    fn unknown_schema_name_is_one_violation() {
        let set = SchemaSet::empty();
        assert!(!set.validators.contains_key("x.json"));
        let violations = set.validate("x.json", &json!({}));
        assert_eq!(violations.len(), 1);
        assert!(violations[0].message.contains("unknown schema `x.json`"));
    }

    #[test]
    fn bad_json_file_error_names_the_file() {
        let dir = TempDir::new("badjson");
        dir.write("good.json", r#"{"type": "string"}"#);
        dir.write("sub/broken.json", r#"{"type": "#);
        let error = SchemaSet::load(&dir.0).unwrap_err();
        assert!(
            matches!(&error, SchemaLoadError::InvalidJson { path, .. } if path.ends_with("sub/broken.json")),
            "{error:?}"
        );
        assert!(error.to_string().contains("broken.json:1:9: not valid JSON: EOF while parsing a value"), "{error}");
    }

    #[test]
    fn invalid_schema_error_names_the_file() {
        let dir = TempDir::new("badschema");
        dir.write("wrong.json", r#"{"type": "strin"}"#);
        let error = SchemaSet::load(&dir.0).unwrap_err();
        assert!(
            matches!(&error, SchemaLoadError::InvalidSchema { path, .. } if path.ends_with("wrong.json")),
            "{error:?}"
        );
    }

    #[test]
    fn dangling_ref_names_the_file_and_reference() {
        let dir = TempDir::new("dangling");
        dir.write("a.json", r#"{"properties": {"x": {"$ref": "missing.json"}}}"#);
        let error = SchemaSet::load(&dir.0).unwrap_err();
        match &error {
            SchemaLoadError::UnresolvedRef { path, reference, at, .. } => {
                assert!(path.ends_with("a.json"));
                assert_eq!(reference, "missing.json");
                assert_eq!(*at, Some((1, 23)), "where the `$ref` is written");
            }
            other => panic!("expected UnresolvedRef, got {other:?}"),
        }
    }

    #[test]
    fn dangling_pointer_into_existing_file_is_unresolved_ref() {
        let dir = TempDir::new("pointer");
        dir.write("b.json", r#"{"type": "object"}"#);
        dir.write("a.json", "{\n  \"type\": \"object\",\n  \"$ref\": \"b.json#/$defs/nothing\"}");
        let error = SchemaSet::load(&dir.0).unwrap_err();
        assert!(
            matches!(&error, SchemaLoadError::UnresolvedRef { path, at: Some((3, 3)), .. } if path.ends_with("a.json")),
            "{error:?}"
        );
    }

    #[test]
    fn formats_are_asserted() {
        let dir = TempDir::new("format");
        dir.write("t.json", r#"{"type": "string", "format": "date-time"}"#);
        let set = SchemaSet::load(&dir.0).unwrap();
        assert!(set.validate("t.json", &json!("2024-06-06T08:59:22.156Z")).is_empty());
        let violations = set.validate("t.json", &json!("yesterday"));
        assert_eq!(violations[0].keyword, "format");
    }
}
