//! Baselines of known deviations: the cases an implementation is known to fail today, each at its level,
//! with room for why and where it is tracked. `conform baseline write` makes one from a JSON report;
//! `conform run --baseline FILE` turns a listed deviation into an expected result (XFAIL), so that the gate
//! catches the *change*: a new failure, a case that got worse, or (with `--strict-baseline`) one that now passes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::case::Level;
use crate::case::diagnostic::suggest;
use crate::project::Project;
use crate::results::{BaselineMark, CaseResult};

/// One known deviation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineEntry {
    /// `suite::file::case`
    pub case: String,
    /// `must`: the case failed a `must` expectation; `should`: it was non-strict (only `should` differed).
    pub level: Level,
    pub reason: Option<String>,
    pub link: Option<String>,
    /// The expectations (`file:line`) that failed at `level` when the baseline was written. When given, the
    /// case is expected only while no other expectation fails at that level: a second deviation in the same
    /// case is a change the gate must catch.
    pub expectations: Vec<String>,
    /// 1-based line of the entry in its file, for error messages.
    pub line: usize,
}

/// A baseline file, loaded.
#[derive(Debug, Clone)]
pub struct Baseline {
    pub path: PathBuf,
    pub entries: Vec<BaselineEntry>,
}

/// Why a baseline cannot be used: each is a mistake in the input (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}", render_unknown(path, entries))]
    UnknownCases { path: PathBuf, entries: Vec<(usize, String, Option<String>)> },
    #[error("{}:{line}: `{case}` is listed twice", path.display())]
    Duplicate { path: PathBuf, line: usize, case: String },
    #[error("{}: not a conform JSON report ({message})", path.display())]
    Report { path: PathBuf, message: String },
}

fn render_unknown(path: &Path, entries: &[(usize, String, Option<String>)]) -> String {
    let mut out = String::new();
    for (line, case, hint) in entries {
        let hint = hint.as_ref().map(|h| format!(", did you mean `{h}`?")).unwrap_or_default();
        let _ = writeln!(out, "{}:{line}: baseline entry `{case}` matches no case{hint}", path.display());
    }
    out.push_str(
        "a renamed or removed case must be renamed or removed in the baseline too, so that it cannot hide a failure",
    );
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    /// Informative: where the report the baseline was written from ran.
    #[serde(default)]
    #[allow(dead_code)]
    implementation: Option<String>,
    #[serde(default)]
    deviations: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    case: String,
    level: Level,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    expectations: Vec<String>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| BaselineError::Read { path: path.to_path_buf(), source })?;
        Baseline::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
        let raw: RawBaseline = crate::case::read_document(text).map_err(|e| BaselineError::Syntax {
            path: path.to_path_buf(),
            line: e.line,
            column: e.column,
            message: e.message,
        })?;
        let mut seen = BTreeSet::new();
        let mut entries = Vec::new();
        for raw in raw.deviations {
            let line = line_of(text, &raw.case);
            if !seen.insert(raw.case.clone()) {
                return Err(BaselineError::Duplicate { path: path.to_path_buf(), line, case: raw.case });
            }
            let blank = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
            entries.push(BaselineEntry {
                case: raw.case,
                level: raw.level,
                reason: blank(raw.reason),
                link: blank(raw.link),
                expectations: raw.expectations,
                line,
            });
        }
        Ok(Baseline { path: path.to_path_buf(), entries })
    }

    /// Every entry must name a loaded case (selected or not): otherwise a renamed case would leave a stale
    /// entry behind and nobody would notice.
    pub fn check_cases(&self, project: &Project) -> Result<(), BaselineError> {
        let known: Vec<String> = project.suites.iter().flat_map(|s| &s.cases).map(|c| c.id.to_string()).collect();
        let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
        let unknown: Vec<(usize, String, Option<String>)> = self
            .entries
            .iter()
            .filter(|e| !known_refs.contains(&e.case.as_str()))
            .map(|e| (e.line, e.case.clone(), suggest(&e.case, &known_refs).map(String::from)))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(BaselineError::UnknownCases { path: self.path.clone(), entries: unknown })
        }
    }

    /// `result` with its baseline mark, when the baseline lists it.
    pub fn mark(&self, mut result: CaseResult) -> CaseResult {
        let id = result.id.to_string();
        if let Some(entry) = self.entries.iter().find(|e| e.case == id) {
            result.baseline = mark(entry, &result);
        }
        result
    }
}

/// What a listed case's result means for the gate. Errored and skipped cases are neither expected nor
/// passing: they did not show how the implementation behaves.
fn mark(entry: &BaselineEntry, result: &CaseResult) -> Option<BaselineMark> {
    use crate::results::Outcome;
    if matches!(result.outcome, Outcome::Errored | Outcome::Skipped) {
        return None;
    }
    Some(match (entry.level, result.deviation()) {
        (listed, Some(now)) if listed == now && !beyond(entry, result) => {
            BaselineMark::Expected { level: now, reason: entry.reason.clone(), link: entry.link.clone() }
        }
        (listed, Some(now)) if listed == now => BaselineMark::Worse { listed },
        (Level::Should, Some(Level::Must)) => BaselineMark::Worse { listed: Level::Should },
        // Listed at must, only should differs now; or it passes.
        (listed, _) => BaselineMark::UnexpectedlyPassing { listed },
    })
}

/// Whether `result` fails an expectation at the listed level that the entry does not list.
fn beyond(entry: &BaselineEntry, result: &CaseResult) -> bool {
    !entry.expectations.is_empty() && failing_at(result, entry.level).iter().any(|at| !entry.expectations.contains(at))
}

/// `file:line` of every expectation failing at `level` (and, at `must`, every step that errored).
pub(crate) fn failing_at(result: &CaseResult, level: Level) -> Vec<String> {
    let mut at = Vec::new();
    for step in &result.steps {
        if level == Level::Must && step.error.is_some() && step.outcome == crate::results::Outcome::Errored {
            at.push(file_line(&step.location.file.to_string_lossy(), step.location.line));
        }
        for f in step.failures.iter().filter(|f| f.level == level) {
            let loc = f.location.as_ref().unwrap_or(&step.location);
            at.push(file_line(&loc.file.to_string_lossy(), loc.line));
        }
    }
    at.sort();
    at.dedup();
    at
}

fn file_line(file: &str, line: usize) -> String {
    format!("{}:{line}", file.replace('\\', "/"))
}

/// The 1-based line of the entry naming `case` (the first `case:` line mentioning it), or 1.
fn line_of(text: &str, case: &str) -> usize {
    text.lines()
        .position(|l| l.contains("case:") && l.split_once("case:").is_some_and(|(_, v)| unquote(v.trim()) == case))
        .map_or(1, |i| i + 1)
}

fn unquote(v: &str) -> &str {
    let v = v.split(" #").next().unwrap_or(v).trim();
    v.trim_matches(|c| c == '"' || c == '\'')
}

/// The parts of a JSON report a baseline is written from (`specs/report.schema.json`).
#[derive(Deserialize)]
struct ReportIn {
    format: String,
    base_url: String,
    suites: Vec<SuiteIn>,
}

#[derive(Deserialize)]
struct SuiteIn {
    cases: Vec<CaseIn>,
}

#[derive(Deserialize)]
struct CaseIn {
    id: String,
    result: String,
    message: Option<String>,
    steps: Vec<StepIn>,
}

#[derive(Deserialize)]
struct StepIn {
    result: String,
    location: LocationIn,
    error: Option<String>,
    failures: Vec<FailureIn>,
}

#[derive(Deserialize)]
struct FailureIn {
    level: Level,
    location: Option<LocationIn>,
}

#[derive(Deserialize)]
struct LocationIn {
    file: String,
    line: usize,
}

/// What `baseline write` found in a report.
#[derive(Debug)]
pub struct WrittenBaseline {
    pub yaml: String,
    pub listed: usize,
    /// Errored cases are left out: an environment problem is not a known deviation of the implementation.
    pub errored: Vec<String>,
}

/// A baseline listing every failed or non-strict case of a JSON report, with its level, and empty reason
/// and link fields to fill in. The report's texts are already masked.
pub fn write_from_report(path: &Path, json: &str) -> Result<WrittenBaseline, BaselineError> {
    let report: ReportIn = serde_json::from_str(json)
        .map_err(|e| BaselineError::Report { path: path.to_path_buf(), message: e.to_string() })?;
    if report.format != "conform-report" {
        return Err(BaselineError::Report {
            path: path.to_path_buf(),
            message: format!("its `format` is `{}`, not `conform-report`", report.format),
        });
    }
    let mut yaml = String::new();
    let _ = writeln!(
        yaml,
        "# Known deviations of one implementation, written by `conform baseline write` from {}.",
        path.display()
    );
    yaml.push_str(
        "# `conform run --baseline THIS_FILE`: a listed case that deviates at its level is expected (XFAIL) and does\n\
         # not fail the gate; one that passes now is reported as unexpectedly passing (failing the gate with\n\
         # --strict-baseline); one listed at `should` that now fails at `must` got worse and fails the gate.\n\
         # level: must = failed a `must` expectation; should = non-strict (only `should` expectations differed).\n\
         # expectations: the case file lines that failed at that level; another one failing is not hidden.\n\
         # Fill in why each deviation is accepted (reason) and where it is tracked (link).\n",
    );
    let _ = writeln!(yaml, "implementation: {}", quote(&report.base_url));
    let mut listed = 0;
    let mut errored = Vec::new();
    let mut entries = String::new();
    for case in report.suites.iter().flat_map(|s| &s.cases) {
        let level = match case.result.as_str() {
            "errored" => {
                errored.push(case.id.clone());
                continue;
            }
            "failed" | "non-strict" => {
                if case.steps.iter().any(|s| s.result == "failed" || s.result == "errored") {
                    Level::Must
                } else {
                    Level::Should
                }
            }
            _ => continue,
        };
        listed += 1;
        let _ = writeln!(entries, "  - case: {}", quote(&case.id));
        let _ = writeln!(entries, "    level: {}", level.name());
        let expectations = report_failing_at(case, level);
        if !expectations.is_empty() {
            let list: Vec<String> = expectations.iter().map(|e| quote(e)).collect();
            let _ = writeln!(entries, "    expectations: [{}]", list.join(", "));
        }
        if let Some(message) = case.message.as_deref().and_then(|m| m.lines().next()) {
            let short: String = message.chars().take(160).collect();
            let _ = writeln!(entries, "    # {short}");
        }
        entries.push_str("    reason: \"\"\n    link: \"\"\n");
    }
    if entries.is_empty() {
        yaml.push_str("deviations: []\n");
    } else {
        yaml.push_str("deviations:\n");
        yaml.push_str(&entries);
    }
    Ok(WrittenBaseline { yaml, listed, errored })
}

/// [`failing_at`] over a JSON report's case.
fn report_failing_at(case: &CaseIn, level: Level) -> Vec<String> {
    let mut at = Vec::new();
    for step in &case.steps {
        if level == Level::Must && step.error.is_some() && step.result == "errored" {
            at.push(file_line(&step.location.file, step.location.line));
        }
        for f in step.failures.iter().filter(|f| f.level == level) {
            let loc = f.location.as_ref().unwrap_or(&step.location);
            at.push(file_line(&loc.file, loc.line));
        }
    }
    at.sort();
    at.dedup();
    at
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Location;
    use crate::results::{Outcome, StepResult, samples};

    fn result(outcome: Outcome, step_outcome: Outcome) -> CaseResult {
        samples::case(outcome, &[], vec![StepResult { name: "x".into(), ..samples::step(step_outcome) }])
    }

    fn entry(level: Level) -> BaselineEntry {
        BaselineEntry {
            case: "s::f::c".into(),
            level,
            reason: Some("known".into()),
            link: None,
            expectations: vec![],
            line: 3,
        }
    }

    #[test]
    fn a_broken_baseline_file_is_refused_at_its_place_within_the_loader_limits() {
        let path = Path::new("known.yaml");
        let unknown = Baseline::parse(path, "deviations:\n  - case: a::b::c\n    levle: must\n").unwrap_err();
        let shown = unknown.to_string();
        assert!(shown.starts_with("known.yaml:3:5: deviations[0]: unknown field `levle`"), "{shown}");
        assert!(!shown.contains("at line"), "the position is printed once: {shown}");
        // An alias bomb is refused by the loader's scan before serde_yaml expands it.
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            bomb.push_str(&format!("b{i}: &b{i} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        }
        bomb.push_str("deviations: []\n");
        let refused = Baseline::parse(path, &bomb).unwrap_err().to_string();
        assert!(refused.contains("alias bomb"), "{refused}");
    }

    #[test]
    fn a_deviation_at_the_listed_level_is_expected_and_passes_the_gate() {
        let marked = mark(&entry(Level::Must), &result(Outcome::Failed, Outcome::Failed));
        assert_eq!(
            marked,
            Some(BaselineMark::Expected { level: Level::Must, reason: Some("known".into()), link: None })
        );
        // --strict turns a non-strict case into failed; its deviation is still `should`.
        let strict = result(Outcome::Failed, Outcome::NonStrict);
        assert!(matches!(
            mark(&entry(Level::Should), &strict),
            Some(BaselineMark::Expected { level: Level::Should, .. })
        ));
        let mut r = result(Outcome::Failed, Outcome::Failed);
        assert!(!r.passes_gate());
        r.baseline = marked;
        assert!(r.passes_gate());
    }

    #[test]
    fn a_case_that_got_worse_is_not_hidden() {
        let mut r = result(Outcome::Failed, Outcome::Failed);
        r.baseline = mark(&entry(Level::Should), &r);
        assert_eq!(r.baseline, Some(BaselineMark::Worse { listed: Level::Should }));
        assert!(!r.passes_gate());
    }

    #[test]
    fn a_listed_case_that_improved_or_passes_is_unexpectedly_passing() {
        let passing = result(Outcome::Passed, Outcome::Passed);
        assert_eq!(
            mark(&entry(Level::Must), &passing),
            Some(BaselineMark::UnexpectedlyPassing { listed: Level::Must })
        );
        let better = result(Outcome::NonStrict, Outcome::NonStrict);
        assert_eq!(mark(&entry(Level::Must), &better), Some(BaselineMark::UnexpectedlyPassing { listed: Level::Must }));
        assert_eq!(mark(&entry(Level::Must), &result(Outcome::Errored, Outcome::Errored)), None);
    }

    #[test]
    fn a_second_deviation_in_a_listed_case_is_not_hidden() {
        let mut r = result(Outcome::Failed, Outcome::Failed);
        r.steps[0].failures.push(crate::results::Failure {
            kind: crate::results::FailureKind::Status,
            level: Level::Must,
            path: String::new(),
            message: "status".into(),
            expected: None,
            actual: None,
            diff: None,
            location: Some(Location { file: "cases/a.yaml".into(), line: 7, column: 9 }),
        });
        let listed = BaselineEntry { expectations: vec!["cases/a.yaml:7".into()], ..entry(Level::Must) };
        assert!(matches!(mark(&listed, &r), Some(BaselineMark::Expected { .. })));
        let other = BaselineEntry { expectations: vec!["cases/a.yaml:12".into()], ..entry(Level::Must) };
        assert_eq!(mark(&other, &r), Some(BaselineMark::Worse { listed: Level::Must }));
    }

    #[test]
    fn entries_remember_their_lines_and_duplicates_are_refused() {
        let text = "deviations:\n  - case: \"a::b::c\"\n    level: must\n  - case: a::b::d\n    level: should\n";
        let b = Baseline::parse(Path::new("b.yaml"), text).unwrap();
        assert_eq!(b.entries.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 4]);
        let twice = "deviations:\n  - {case: x, level: must}\n  - {case: x, level: must}\n";
        assert!(matches!(Baseline::parse(Path::new("b.yaml"), twice), Err(BaselineError::Duplicate { .. })));
        let wrong = "deviations:\n  - case: x\n    level: maybe\n";
        let err = Baseline::parse(Path::new("b.yaml"), wrong).unwrap_err().to_string();
        assert!(err.starts_with("b.yaml:3:"), "{err}");
    }
}
