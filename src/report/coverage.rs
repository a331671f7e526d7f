//! Requirement coverage: which catalogue requirements the loaded cases name, and how they fared in a run.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::case::{CaseId, Level, Suite, Testability};
use crate::results::{CaseResult, Outcome};

/// How a requirement stands after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// Every case naming it that ran passed (at least one ran).
    Passed,
    /// A case naming it failed or errored.
    Failed,
    /// Cases name it, but none of them ran (filtered out or skipped).
    NotRun,
    /// No case naming it failed, but one differed from a `should` expectation.
    NonStrict,
    /// Checkable, but no case names it.
    Unchecked,
    /// A black-box client cannot check it (`check: none`).
    Uncheckable,
}

impl CoverageStatus {
    /// The word reports show: `passed`, `not run`, …
    pub(crate) fn label(self) -> &'static str {
        match self {
            CoverageStatus::Passed => "passed",
            CoverageStatus::Failed => "failed",
            CoverageStatus::NonStrict => "non-strict",
            CoverageStatus::NotRun => "not run",
            CoverageStatus::Unchecked => "unchecked",
            CoverageStatus::Uncheckable => "uncheckable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequirementCoverage {
    pub id: String,
    pub(crate) summary: String,
    /// The catalogue's `level`: `must` (the documents require it) or `should` (fidelity to the real service).
    pub level: Level,
    pub(crate) check: Testability,
    /// Ids (`suite::file::case`) of every loaded case naming the requirement, in load order.
    pub cases: Vec<String>,
    pub status: CoverageStatus,
}

/// One suite's catalogue against its cases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuiteCoverage {
    pub suite: String,
    pub(crate) title: String,
    /// Requirements a black-box client can check (`check: full` or `partial`).
    pub checkable: usize,
    /// Checkable requirements named by at least one case.
    pub checked: usize,
    pub passed: usize,
    pub failed: usize,
    pub non_strict: usize,
    pub not_run: usize,
    pub requirements: Vec<RequirementCoverage>,
}

impl SuiteCoverage {
    /// `sinch: 52/52 requirements checked, 52 passed`, plus `, 1 failed` and `, 3 not run` when non-zero.
    pub fn summary_line(&self) -> String {
        let mut line =
            format!("{}: {}/{} requirements checked, {} passed", self.suite, self.checked, self.checkable, self.passed);
        if self.non_strict > 0 {
            line.push_str(&format!(", {} non-strict", self.non_strict));
        }
        if self.failed > 0 {
            line.push_str(&format!(", {} failed", self.failed));
        }
        if self.not_run > 0 {
            line.push_str(&format!(", {} not run", self.not_run));
        }
        line
    }

    /// Checkable requirements that no case names.
    pub fn unchecked(&self) -> impl Iterator<Item = &RequirementCoverage> {
        self.requirements.iter().filter(|r| r.status == CoverageStatus::Unchecked)
    }
}

/// Coverage of every suite that has a catalogue. Cases are taken from `suites` (all loaded cases, run or
/// not); `results` says which of them ran and how.
pub fn compute(suites: &[Suite], results: &[CaseResult]) -> Vec<SuiteCoverage> {
    let outcomes: HashMap<&CaseId, Outcome> = results.iter().map(|r| (&r.id, r.outcome)).collect();
    suites
        .iter()
        .filter_map(|suite| {
            let catalogue = suite.catalogue.as_ref()?;
            let requirements: Vec<RequirementCoverage> = catalogue
                .requirements
                .iter()
                .map(|req| {
                    let naming: Vec<&CaseId> =
                        suite.cases.iter().filter(|c| c.requirements.contains(&req.id)).map(|c| &c.id).collect();
                    let status = status_of(req.check, naming.iter().map(|id| outcomes.get(id).copied()));
                    RequirementCoverage {
                        id: req.id.clone(),
                        summary: req.summary.clone(),
                        level: req.level,
                        check: req.check,
                        cases: naming.iter().map(|id| id.to_string()).collect(),
                        status,
                    }
                })
                .collect();
            let count = |s: CoverageStatus| requirements.iter().filter(|r| r.status == s).count();
            let checkable = requirements.iter().filter(|r| r.check.is_checkable()).count();
            Some(SuiteCoverage {
                suite: suite.name.clone(),
                title: catalogue.title.clone(),
                checkable,
                checked: checkable - count(CoverageStatus::Unchecked),
                passed: count(CoverageStatus::Passed),
                failed: count(CoverageStatus::Failed),
                non_strict: count(CoverageStatus::NonStrict),
                not_run: count(CoverageStatus::NotRun),
                requirements,
            })
        })
        .collect()
}

/// `outcomes`: one entry per case naming the requirement, `None` when the case is not in this run.
fn status_of(check: Testability, outcomes: impl Iterator<Item = Option<Outcome>>) -> CoverageStatus {
    if !check.is_checkable() {
        return CoverageStatus::Uncheckable;
    }
    let mut named = false;
    let mut ran = false;
    let mut non_strict = false;
    for outcome in outcomes {
        named = true;
        match outcome {
            Some(Outcome::Failed | Outcome::Errored | Outcome::Flaky) => return CoverageStatus::Failed,
            Some(Outcome::NonStrict) => non_strict = true,
            Some(Outcome::Passed) => ran = true,
            Some(Outcome::Skipped) | None => {}
        }
    }
    if non_strict {
        return CoverageStatus::NonStrict;
    }
    match (named, ran) {
        (false, _) => CoverageStatus::Unchecked,
        (true, false) => CoverageStatus::NotRun,
        (true, true) => CoverageStatus::Passed,
    }
}

/// The `conform coverage` table: per suite, each requirement with its level, its testability and the cases naming it
/// (one per line), then every checkable requirement that no case names.
pub fn write_table(coverage: &[SuiteCoverage], out: &mut dyn Write) -> io::Result<()> {
    for (i, suite) in coverage.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} — {}", suite.suite, suite.title)?;
        let id_width = suite.requirements.iter().map(|r| r.id.chars().count()).chain([11]).max().unwrap_or(11);
        writeln!(out, "  {:<id_width$}  {:<6}  {:<7}  CASES", "REQUIREMENT", "LEVEL", "CHECK")?;
        for req in &suite.requirements {
            let mut cases = req.cases.iter();
            let first = cases.next().map_or("-", String::as_str);
            writeln!(out, "  {:<id_width$}  {:<6}  {:<7}  {first}", req.id, req.level.name(), req.check.name())?;
            for case in cases {
                writeln!(out, "  {:<id_width$}  {:<6}  {:<7}  {case}", "", "", "")?;
            }
        }
        let unchecked: Vec<_> = suite.unchecked().collect();
        if unchecked.is_empty() {
            writeln!(out, "Every checkable requirement of {} has a case.", suite.suite)?;
        } else {
            writeln!(out, "Checkable requirements of {} with no case ({}):", suite.suite, unchecked.len())?;
            for req in unchecked {
                writeln!(out, "  {:<id_width$}  {}", req.id, req.summary)?;
            }
        }
        // No run happened: say what the table shows, not pass counts.
        writeln!(out, "{}: {}/{} checkable requirements have a case", suite.suite, suite.checked, suite.checkable)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_rules() {
        use CoverageStatus as S;
        use Outcome::*;
        assert_eq!(status_of(Testability::None, [Some(Passed)].into_iter()), S::Uncheckable);
        assert_eq!(status_of(Testability::Full, [].into_iter()), S::Unchecked);
        assert_eq!(status_of(Testability::Full, [None, Some(Skipped)].into_iter()), S::NotRun);
        assert_eq!(status_of(Testability::Partial, [Some(Passed), None].into_iter()), S::Passed);
        assert_eq!(status_of(Testability::Full, [Some(Passed), Some(Errored)].into_iter()), S::Failed);
        assert_eq!(status_of(Testability::Full, [Some(Failed), Some(Passed)].into_iter()), S::Failed);
        assert_eq!(status_of(Testability::Full, [Some(Passed), Some(NonStrict)].into_iter()), S::NonStrict);
        assert_eq!(status_of(Testability::Full, [Some(NonStrict), Some(Failed)].into_iter()), S::Failed);
    }

    #[test]
    fn table_shows_each_requirement_level() {
        let req =
            |id: &str, level: Level, check: Testability, cases: &[&str], status: CoverageStatus| RequirementCoverage {
                id: id.into(),
                summary: format!("{id} summary"),
                level,
                check,
                cases: cases.iter().map(|c| c.to_string()).collect(),
                status,
            };
        let cov = SuiteCoverage {
            suite: "sinch".into(),
            title: "Sinch".into(),
            checkable: 2,
            checked: 1,
            passed: 0,
            failed: 0,
            non_strict: 0,
            not_run: 1,
            requirements: vec![
                req("sinch.a.b", Level::Must, Testability::Full, &["s::f::one", "s::f::two"], CoverageStatus::NotRun),
                req("sinch.a.c", Level::Should, Testability::Partial, &[], CoverageStatus::Unchecked),
                req("sinch.a.d", Level::Should, Testability::None, &[], CoverageStatus::Uncheckable),
            ],
        };
        let mut out = Vec::new();
        write_table(&[cov], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\
sinch — Sinch
  REQUIREMENT  LEVEL   CHECK    CASES
  sinch.a.b    must    full     s::f::one
                                s::f::two
  sinch.a.c    should  partial  -
  sinch.a.d    should  none     -
Checkable requirements of sinch with no case (1):
  sinch.a.c    sinch.a.c summary
sinch: 1/2 checkable requirements have a case
"
        );
    }

    #[test]
    fn level_names_and_order() {
        assert_eq!(Level::Must.name(), "must");
        assert_eq!(Level::Should.name(), "should");
        assert!(Level::Must < Level::Should);
        let parsed: Vec<Level> = serde_yaml::from_str("[must, should]").unwrap();
        assert_eq!(parsed, [Level::Must, Level::Should]);
    }

    #[test]
    fn summary_line_mentions_failures_only_when_present() {
        let mut cov = SuiteCoverage {
            suite: "sinch".into(),
            title: "Sinch".into(),
            checkable: 52,
            checked: 52,
            passed: 52,
            failed: 0,
            non_strict: 0,
            not_run: 0,
            requirements: vec![],
        };
        assert_eq!(cov.summary_line(), "sinch: 52/52 requirements checked, 52 passed");
        cov.passed = 48;
        cov.failed = 1;
        cov.not_run = 3;
        assert_eq!(cov.summary_line(), "sinch: 52/52 requirements checked, 48 passed, 1 failed, 3 not run");
        cov.non_strict = 2;
        assert_eq!(
            cov.summary_line(),
            "sinch: 52/52 requirements checked, 48 passed, 2 non-strict, 1 failed, 3 not run"
        );
    }
}
