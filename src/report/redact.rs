//! Masks secrets inside results before any reporter sees them.
//!
//! The reporters escape text (XML, HTML, JSON strings), and an escaped secret (`a&amp;b`) no longer matches the
//! plain value a final pass over the rendered text looks for. Masking the results first closes that gap.

use crate::run::result::{CaseResult, Failure, RunResult, SnapshotOutcome, StepResult};
use crate::secrets::Redactor;

/// A copy of `run` with every free-text field masked by `redactor`.
pub fn redact_run(run: &RunResult, redactor: &Redactor) -> RunResult {
    if redactor.is_empty() {
        return run.clone();
    }
    let mask = |s: &str| redactor.redact(s).into_owned();
    let mask_opt = |s: &Option<String>| s.as_deref().map(mask);
    let failure = |f: &Failure| Failure {
        path: mask(&f.path),
        message: mask(&f.message),
        expected: mask_opt(&f.expected),
        actual: mask_opt(&f.actual),
        diff: mask_opt(&f.diff),
        ..f.clone()
    };
    let step = |s: &StepResult| StepResult {
        name: mask(&s.name),
        request: mask_opt(&s.request),
        failures: s.failures.iter().map(failure).collect(),
        error: mask_opt(&s.error),
        snapshot: s.snapshot.as_ref().map(|o| match o {
            SnapshotOutcome::Changed { diff } => SnapshotOutcome::Changed { diff: mask(diff) },
            other => other.clone(),
        }),
        ..s.clone()
    };
    let case = |c: &CaseResult| CaseResult {
        description: mask_opt(&c.description),
        steps: c.steps.iter().map(step).collect(),
        ..c.clone()
    };
    RunResult { base_url: mask(&run.base_url), cases: run.cases.iter().map(case).collect(), ..run.clone() }
}
