//! Response snapshots, kept by insta: each snapshotted step's normalised response (status, chosen headers,
//! body with volatile fields redacted) is a `.snap` file; a change leaves a `.snap.new` for `cargo insta review`.
//!
//! insta signals a mismatch by panicking, so the assertion runs under `catch_unwind` with insta's own output
//! silenced; conform reports the outcome and the diff itself.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Once;

use serde_json::Value;

use super::Response;
use crate::case::CaseId;
use crate::results::SnapshotOutcome;
use crate::secrets::Masked;

/// How snapshots are treated in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotMode {
    Off,
    /// Compare; write missing ones; leave `.snap.new` for changed ones.
    Check {
        dir: PathBuf,
    },
    /// Compare and accept every change.
    Update {
        dir: PathBuf,
    },
}

impl SnapshotMode {
    pub(crate) fn dir(&self) -> Option<&Path> {
        match self {
            SnapshotMode::Off => None,
            SnapshotMode::Check { dir } | SnapshotMode::Update { dir } => Some(dir),
        }
    }
}

/// What to snapshot and where.
pub(crate) struct SnapshotRequest<'a> {
    /// `<snapshots>/<suite>`
    pub(crate) dir: &'a Path,
    /// File name without extension, e.g. `groups__create__01-create`.
    pub(crate) name: &'a str,
    /// The case file, recorded in the snapshot header.
    pub(crate) source: &'a str,
    /// The case and step, recorded as the snapshot's description.
    pub(crate) description: &'a str,
    /// insta selectors (`.body.id`) replaced by `[redacted]`.
    pub(crate) redact: &'a [String],
    pub(crate) accept_changes: bool,
}

static INSTA_ENV: Once = Once::new();

/// insta reads its configuration from the environment once; conform fixes the parts it relies on.
fn configure_insta() {
    INSTA_ENV.call_once(|| {
        // SAFETY: runs once, before any insta assertion reads the environment, while no other thread of this
        // crate touches these variables.
        unsafe {
            std::env::set_var("INSTA_UPDATE", "new");
            std::env::set_var("INSTA_OUTPUT", "none");
            std::env::set_var("INSTA_FORCE_PASS", "0");
            if std::env::var_os("INSTA_WORKSPACE_ROOT").is_none()
                && let Ok(cwd) = std::env::current_dir()
            {
                std::env::set_var("INSTA_WORKSPACE_ROOT", cwd);
            }
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = info
                .payload()
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| info.payload().downcast_ref::<&str>().copied())
                .unwrap_or_default();
            if !message.starts_with("snapshot assertion for") {
                previous(info);
            }
        }));
    });
}

/// Calls once at start-up, before threads exist, so the environment is set safely.
pub fn init() {
    configure_insta();
}

/// The normalised response kept in snapshots: status, the suite's chosen headers, the body (the text when
/// it is not a value to match).
pub(crate) fn document(response: &Response, headers: &[String]) -> Value {
    let mut kept = serde_json::Map::new();
    for name in headers {
        if let Some(v) = response.header(name) {
            kept.insert(name.clone(), Value::String(v));
        }
    }
    serde_json::json!({
        "status": response.status,
        "headers": kept,
        "body": response.value().cloned().unwrap_or_else(|| Value::String(response.text.clone())),
    })
}

/// The normalised result of a paginated step: the last status and every page's items together, placed in
/// the body under the items pointer (`/groups` → `{"groups": […]}`), so the suite's redactions apply to them.
pub(crate) fn paginated_document(status: Option<u16>, items_pointer: &str, items: Value) -> Value {
    let body = items_pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .rev()
        .fold(items, |inner, key| serde_json::json!({ key.replace("~1", "/").replace("~0", "~"): inner }));
    serde_json::json!({ "status": status, "headers": {}, "body": body })
}

/// Replaces `from` by `to` inside every string (and key) of `value`.
pub(crate) fn replace_text(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::String(s) if s.contains(from) => *s = s.replace(from, to),
        Value::Array(items) => items.iter_mut().for_each(|v| replace_text(v, from, to)),
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            for (key, mut v) in entries {
                replace_text(&mut v, from, to);
                map.insert(key.replace(from, to), v);
            }
        }
        _ => {}
    }
}

/// The snapshot file name of a case's step: `groups__create__02-rename`, from the case file, the case, and
/// the step's position and name made file-name-safe.
pub(crate) fn name(case: &CaseId, step_name: &str, index: usize) -> String {
    let slug: String = step_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(40).collect();
    format!("{}__{}__{:02}-{slug}", case.file.replace('/', "__"), case.name, index + 1)
}

/// Compares `document` with the stored snapshot. Masked: a snapshot is committed, so it never holds a secret.
pub(crate) fn assert_snapshot(
    request: &SnapshotRequest<'_>,
    document: &Masked<Value>,
) -> Result<SnapshotOutcome, String> {
    configure_insta();
    let snap = request.dir.join(format!("{}.snap", request.name));
    let pending = request.dir.join(format!("{}.snap.new", request.name));
    let existed = snap.is_file();
    let _ = std::fs::remove_file(&pending);
    std::fs::create_dir_all(request.dir).map_err(|e| format!("cannot create {}: {e}", request.dir.display()))?;

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(absolute(request.dir));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_sort_maps(true);
    settings.set_omit_expression(true);
    settings.set_input_file(request.source);
    settings.set_description(request.description);
    for selector in request.redact {
        settings.add_redaction(selector.as_str(), "[redacted]");
    }
    let name = request.name.to_string();
    let result = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_json_snapshot!(name, &**document));
    }));
    if result.is_ok() {
        return Ok(SnapshotOutcome::Matched);
    }
    if !pending.is_file() {
        return Err(format!("insta could not write {}", pending.display()));
    }
    if !existed {
        std::fs::rename(&pending, &snap).map_err(|e| format!("cannot write {}: {e}", snap.display()))?;
        return Ok(SnapshotOutcome::Created);
    }
    let diff = diff_files(&snap, &pending);
    if request.accept_changes {
        std::fs::rename(&pending, &snap).map_err(|e| format!("cannot write {}: {e}", snap.display()))?;
        return Ok(SnapshotOutcome::Updated);
    }
    Ok(SnapshotOutcome::Changed { diff })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn snapshot_text(path: &Path) -> String {
    insta::Snapshot::from_file(path)
        .ok()
        .and_then(|s| s.as_text().map(|t| t.to_string()))
        .unwrap_or_else(|| std::fs::read_to_string(path).unwrap_or_default())
}

fn diff_files(old: &Path, new: &Path) -> String {
    let old = snapshot_text(old);
    let new = snapshot_text(new);
    let diff = similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header("snapshot", "response")
        .to_string();
    crate::excerpt::diff(&diff)
}
