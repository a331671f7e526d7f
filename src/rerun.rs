//! `--rerun-failed REPORT.json`: which cases an earlier JSON report says failed, errored or were flaky.

use std::collections::BTreeSet;
use std::path::Path;

/// Why a report cannot say what to rerun.
#[derive(Debug, thiserror::Error)]
pub enum RerunError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a conform JSON report (`--report json=FILE`): {reason}")]
    NotAReport { path: String, reason: String },
}

/// The ids (`suite::file::case`) of the cases of the JSON report at `path` whose result was failed, errored or
/// flaky.
pub fn failed_case_ids(path: &Path) -> Result<BTreeSet<String>, RerunError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| RerunError::Read { path: shown.clone(), source })?;
    let not_a_report = |reason: String| RerunError::NotAReport { path: shown.clone(), reason };
    let document: serde_json::Value = serde_json::from_str(&text).map_err(|e| not_a_report(e.to_string()))?;
    if document.get("format").and_then(|f| f.as_str()) != Some(crate::report::JSON_FORMAT) {
        return Err(not_a_report(format!("no `\"format\": \"{}\"`", crate::report::JSON_FORMAT)));
    }
    let suites = document.get("suites").and_then(|s| s.as_array()).ok_or_else(|| not_a_report("no `suites`".into()))?;
    let mut ids = BTreeSet::new();
    for case in suites.iter().filter_map(|s| s.get("cases")?.as_array()).flatten() {
        let (Some(id), Some(result)) = (case.get("id").and_then(|i| i.as_str()), case.get("result")) else {
            return Err(not_a_report("a case without `id` or `result`".into()));
        };
        if matches!(result.as_str(), Some("failed" | "errored" | "flaky")) {
            ids.insert(id.to_string());
        }
    }
    Ok(ids)
}
