//! The conformance matrix: one selection of cases run against several named implementations, summarised as a
//! requirement × implementation table — the "can I use" table of an API. The targets file and the table are
//! here (pure); running is the CLI's, writing is `report::matrix`'s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::{Level, Suite};
use crate::report::coverage;
use crate::results::{BaselineMark, CaseResult, Outcome, StepResult};

/// One implementation in a targets file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// The column's name, e.g. `sandbox`.
    pub name: String,
    /// A URL, or `embedded` for the embedded reference server.
    pub base_url: String,
    /// Variables and credentials for this target only (secret-looking names are masked).
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Capabilities this implementation lacks, as case tags to leave out (e.g. `legacy`, `seed-verbs`).
    #[serde(default)]
    pub exclude_tags: Vec<String>,
    /// A baseline of known deviations for this target, relative to the targets file.
    #[serde(default)]
    pub baseline: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsFile {
    targets: Vec<TargetSpec>,
}

#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// Loads a targets file; baselines are resolved against its folder.
pub fn load_targets(path: &Path) -> Result<Vec<TargetSpec>, TargetsError> {
    let text = std::fs::read_to_string(path).map_err(|source| TargetsError::Read { path: path.into(), source })?;
    let file: TargetsFile = crate::case::read_document(&text).map_err(|e| TargetsError::Syntax {
        path: path.into(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let invalid = |message: String| TargetsError::Invalid { path: path.into(), message };
    if file.targets.is_empty() {
        return Err(invalid("no targets".into()));
    }
    let mut names = std::collections::BTreeSet::new();
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut targets = file.targets;
    for t in &mut targets {
        if !names.insert(t.name.clone()) {
            return Err(invalid(format!("target `{}` is named twice", t.name)));
        }
        if t.base_url != "embedded" && !(t.base_url.starts_with("http://") || t.base_url.starts_with("https://")) {
            return Err(invalid(format!("target `{}`: base_url must be an http(s) URL or `embedded`", t.name)));
        }
        t.base_url = t.base_url.trim_end_matches('/').to_string();
        if let Some(b) = &mut t.baseline
            && b.is_relative()
        {
            *b = dir.join(&*b);
        }
    }
    Ok(targets)
}

/// How one implementation fares on one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    Pass,
    /// Only `should` expectations differ.
    NonStrict,
    Fail,
    /// Fails as its baseline lists.
    Expected,
    /// No case of the requirement ran on this target (skipped, excluded by its capabilities, or could not
    /// run: an errored case says nothing about the implementation).
    NotRun,
}

impl Cell {
    pub fn word(self) -> &'static str {
        match self {
            Cell::Pass => "pass",
            Cell::NonStrict => "non-strict",
            Cell::Fail => "fail",
            Cell::Expected => "expected",
            Cell::NotRun => "not-run",
        }
    }
}

/// One row: a requirement and its cell per target (in target order).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub suite: String,
    pub requirement: String,
    pub level: Level,
    pub cells: Vec<Cell>,
}

/// One column's totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ColumnCounts {
    pub pass: usize,
    pub non_strict: usize,
    pub fail: usize,
    pub expected: usize,
    pub not_run: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub name: String,
    pub base_url: String,
    pub counts: ColumnCounts,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Matrix {
    /// Whether some target fails a requirement its baseline does not expect.
    pub fn any_failure(&self) -> bool {
        self.columns.iter().any(|c| c.counts.fail > 0)
    }
}

/// Builds the table from each target's results, rows in catalogue order, only requirements some case checks.
/// `strict` is whether the run failed non-strict cases (`--strict`): a `should` deviation then fails too.
pub fn build(suites: &[Suite], targets: &[(String, String, Vec<CaseResult>)], strict: bool) -> Matrix {
    let catalogue = coverage::compute(suites, &[]);
    let mut rows = Vec::new();
    for suite in &catalogue {
        for req in suite.requirements.iter().filter(|r| !r.cases.is_empty()) {
            let cells = targets.iter().map(|(_, _, cases)| cell(&req.id, cases, strict)).collect();
            rows.push(Row { suite: suite.suite.clone(), requirement: req.id.clone(), level: req.level, cells });
        }
    }
    let columns = targets
        .iter()
        .enumerate()
        .map(|(i, (name, url, _))| {
            let mut counts = ColumnCounts::default();
            for row in &rows {
                match row.cells[i] {
                    Cell::Pass => counts.pass += 1,
                    Cell::NonStrict => counts.non_strict += 1,
                    Cell::Fail => counts.fail += 1,
                    Cell::Expected => counts.expected += 1,
                    Cell::NotRun => counts.not_run += 1,
                }
            }
            Column { name: name.clone(), base_url: url.clone(), counts }
        })
        .collect();
    Matrix { columns, rows }
}

/// The worst verdict on `requirement` over the cases that ran a step checking it: fail, then expected,
/// non-strict, pass. A case that errored or was skipped says nothing about the implementation.
fn cell(requirement: &str, cases: &[CaseResult], strict: bool) -> Cell {
    let verdicts: Vec<Cell> = cases
        .iter()
        .filter(|c| !matches!(c.outcome, Outcome::Skipped | Outcome::Errored))
        .filter_map(|c| verdict(requirement, c, strict))
        .collect();
    [Cell::Fail, Cell::Expected, Cell::NonStrict, Cell::Pass]
        .into_iter()
        .find(|worst| verdicts.contains(worst))
        .unwrap_or(Cell::NotRun)
}

/// How `case` fares on `requirement`, judged by the steps that check it only: a case that failed on another
/// requirement's step still passes this one when its own steps held. `None` when no step checking it ran (the
/// case stopped before reaching one).
fn verdict(requirement: &str, case: &CaseResult, strict: bool) -> Option<Cell> {
    let steps: Vec<&StepResult> =
        case.steps.iter().filter(|s| s.requirements.iter().any(|r| r == requirement)).collect();
    if steps.is_empty() {
        return None;
    }
    let deviation = if steps.iter().any(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored)) {
        Some(Level::Must)
    } else if steps.iter().any(|s| s.outcome == Outcome::NonStrict) {
        Some(Level::Should)
    } else {
        None
    };
    Some(match (deviation, &case.baseline) {
        (None, _) => Cell::Pass,
        (Some(_), Some(BaselineMark::Expected { .. })) => Cell::Expected,
        // The baseline lists the case, but not this far: whichever step went beyond it, the gate fails.
        (Some(_), Some(BaselineMark::Worse { .. })) => Cell::Fail,
        (Some(Level::Must), _) => Cell::Fail,
        (Some(Level::Should), _) if strict => Cell::Fail,
        (Some(Level::Should), _) => Cell::NonStrict,
    })
}

/// The table holds outcomes only; a target's URL is the one free text that may carry a secret.
impl crate::secrets::Mask for Matrix {
    fn mask(&mut self, masker: &crate::secrets::Masker) {
        for c in &mut self.columns {
            c.base_url.mask(masker);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::samples;

    fn step(requirements: &[&str], outcome: Outcome) -> StepResult {
        StepResult { requirements: requirements.iter().map(|r| r.to_string()).collect(), ..samples::step(outcome) }
    }

    fn case(outcome: Outcome, steps: Vec<StepResult>) -> CaseResult {
        samples::case(outcome, ALL, steps)
    }

    const ALL: &[&str] = &["s.a.one", "s.a.two", "s.a.three"];

    #[test]
    fn a_failure_counts_against_the_requirements_its_step_checks_only() {
        let cases = [case(
            Outcome::Failed,
            vec![step(ALL, Outcome::Passed), step(&["s.a.one"], Outcome::Passed), step(&["s.a.two"], Outcome::Failed)],
        )];
        assert_eq!(cell("s.a.one", &cases, false), Cell::Pass, "its own steps held");
        assert_eq!(cell("s.a.two", &cases, false), Cell::Fail);
        assert_eq!(cell("s.a.three", &cases, false), Cell::Pass, "checked by the first step only");
        assert_eq!(cell("s.a.four", &cases, false), Cell::NotRun);
    }

    #[test]
    fn a_requirement_whose_steps_were_never_reached_is_not_run_and_a_shared_step_fails_all() {
        let stopped = [case(Outcome::Failed, vec![step(&["s.a.one"], Outcome::Failed)])];
        assert_eq!(cell("s.a.one", &stopped, false), Cell::Fail);
        assert_eq!(cell("s.a.two", &stopped, false), Cell::NotRun);
        let setup = [case(Outcome::Failed, vec![step(ALL, Outcome::Failed)])];
        assert!(ALL.iter().all(|r| cell(r, &setup, false) == Cell::Fail));
        let errored = [case(Outcome::Errored, vec![step(ALL, Outcome::Errored)])];
        assert_eq!(cell("s.a.one", &errored, false), Cell::NotRun);
    }

    #[test]
    fn should_deviations_are_non_strict_unless_strict_and_a_baseline_expects_them() {
        let cases = [case(
            Outcome::NonStrict,
            vec![step(&["s.a.one"], Outcome::NonStrict), step(&["s.a.two"], Outcome::Passed)],
        )];
        assert_eq!(cell("s.a.one", &cases, false), Cell::NonStrict);
        assert_eq!(cell("s.a.one", &cases, true), Cell::Fail);
        assert_eq!(cell("s.a.two", &cases, true), Cell::Pass);
        let mut listed =
            case(Outcome::Failed, vec![step(&["s.a.one"], Outcome::Passed), step(&["s.a.two"], Outcome::Failed)]);
        listed.baseline = Some(BaselineMark::Expected { level: Level::Must, reason: None, link: None });
        let listed = [listed];
        assert_eq!(cell("s.a.two", &listed, false), Cell::Expected);
        assert_eq!(cell("s.a.one", &listed, false), Cell::Pass);
        // Worst over cases: one passing case does not hide another's failure.
        let both = [case(Outcome::Passed, vec![step(&["s.a.two"], Outcome::Passed)]), listed[0].clone()];
        assert_eq!(cell("s.a.two", &both, false), Cell::Expected);
    }
}
