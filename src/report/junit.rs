//! JUnit XML, as the GitLab, Jenkins and GitHub test reporters read it: one `<testsuite>` per suite, one
//! `<testcase>` per case.

use std::fmt::Write as _;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::tally::{self, by_suite};
use crate::results::RunResult;
use crate::results::{CaseResult, Outcome, Phase, SnapshotOutcome, StepResult, ThrottleTotals};
use crate::secrets::Masked;

/// Writes `run` as one JUnit XML document.
pub(crate) fn write_junit(run: &Masked<RunResult>, out: &mut dyn Write) -> io::Result<()> {
    let mut report = Report::new("conform");
    report.set_time(run.duration);
    if let Ok(started) = chrono::DateTime::parse_from_rfc3339(&run.started_at) {
        report.set_timestamp(started);
    }
    for suite in by_suite(&run.cases) {
        let mut test_suite = TestSuite::new(suite.name);
        test_suite.set_time(suite.duration());
        test_suite.add_property(("base_url", run.base_url.as_str()));
        let held = ThrottleTotals::of_cases(suite.cases.iter().copied());
        if held.any() {
            test_suite.add_property(("throttled_waits", held.waits.to_string().as_str()));
            test_suite.add_property(("throttle_wait_s", format!("{:.3}", held.wait.as_secs_f64()).as_str()));
            test_suite.add_property(("budget_wait_s", format!("{:.3}", held.budget_wait.as_secs_f64()).as_str()));
        }
        test_suite.add_test_cases(suite.cases.iter().copied().map(test_case));
        report.add_test_suite(test_suite);
    }
    report.serialize(&mut *out).map_err(io::Error::other)
}

fn test_case(case: &CaseResult) -> TestCase {
    let status = match case.outcome {
        // Non-strict passes the gate; what differed is in the case's output.
        Outcome::Passed | Outcome::NonStrict => TestCaseStatus::success(),
        Outcome::Skipped => {
            let mut status = TestCaseStatus::skipped();
            if let Some(reason) = &case.skip_reason {
                status.set_message(reason.as_str());
            }
            status
        }
        Outcome::Failed | Outcome::Errored => {
            // A case marked failed may also hold a step error (e.g. cleanup could not run); the element
            // follows the case outcome so that failures and errors stay apart up to the CI.
            let kind = if case.outcome == Outcome::Failed { NonSuccessKind::Failure } else { NonSuccessKind::Error };
            let mut status = TestCaseStatus::non_success(kind);
            let message = tally::first_problem(case).unwrap_or(if kind == NonSuccessKind::Failure {
                "expectation failed"
            } else {
                "case could not run"
            });
            status.set_message(first_line(message));
            if let Some(kind) = case.steps.iter().flat_map(|s| &s.failures).next().map(|f| f.kind) {
                status.set_type(serde_plain(&kind));
            }
            status.set_description(problem_text(case));
            status
        }
    };
    let mut test_case = TestCase::new(case.id.name.as_str(), status);
    test_case.set_classname(format!("{}.{}", case.id.suite, case.id.file.replace('/', ".")));
    test_case.set_time(case.duration);
    let mut notes = retry_notes(case);
    notes.push_str(&throttle_notes(case));
    if case.outcome == Outcome::NonStrict {
        // JUnit has no such verdict: the case passes, and what differed from the `should` level is its output.
        notes.push_str(&format!("NON-STRICT: only `should` expectations differ\n{}", problem_text(case)));
    }
    if !notes.is_empty() {
        test_case.set_system_out(notes);
    }
    test_case
}

/// The lowercase serde name of a unit enum variant (`status`, `body`).
fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Every failing step: where, what was sent, expected and actual, the diff.
fn problem_text(case: &CaseResult) -> String {
    let mut text = format!("{} ({})\n", case.id, case.location);
    for step in case.steps.iter().filter(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored)) {
        write_step(&mut text, step);
    }
    text
}

fn write_step(text: &mut String, step: &StepResult) {
    let phase = if step.phase == Phase::Cleanup { " (cleanup)" } else { "" };
    let _ = writeln!(text, "\nstep `{}`{phase} at {}", step.name, step.location);
    if let Some(request) = &step.request {
        let status = step.status.map(|s| format!(" -> {s}")).unwrap_or_default();
        let _ = writeln!(text, "  {request}{status}");
    }
    if let Some(error) = &step.error {
        let _ = writeln!(text, "  error: {error}");
    }
    for failure in &step.failures {
        let at = failure.location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default();
        let path = if failure.path.is_empty() { String::new() } else { format!(" at {}", failure.path) };
        let _ = writeln!(text, "  {} failed{path}{at}: {}", serde_plain(&failure.kind), failure.message);
        if let Some(expected) = &failure.expected {
            let _ = writeln!(text, "    expected: {expected}");
        }
        if let Some(actual) = &failure.actual {
            let _ = writeln!(text, "    actual:   {actual}");
        }
        if let Some(diff) = &failure.diff {
            let _ = writeln!(text, "    diff:");
            for line in diff.lines() {
                let _ = writeln!(text, "      {line}");
            }
        }
    }
    if let Some(SnapshotOutcome::Changed { diff }) = &step.snapshot {
        let _ = writeln!(text, "  snapshot changed (a .snap.new was left for review):");
        for line in diff.lines() {
            let _ = writeln!(text, "      {line}");
        }
    }
}

/// Transport-error retries do not change the outcome, but a CI reader should see them: flaky endpoints hide
/// behind retries.
fn retry_notes(case: &CaseResult) -> String {
    case.steps
        .iter()
        .filter(|s| s.attempts > 1)
        .map(|s| format!("step `{}` took {} attempts (retried after transport errors)\n", s.name, s.attempts))
        .collect()
}

/// Throttled answers never change the outcome either, but where the time went should be visible.
fn throttle_notes(case: &CaseResult) -> String {
    let mut notes = String::new();
    for step in &case.steps {
        for wait in &step.throttled {
            let problem = wait.problem.as_ref().map(|p| format!(", X-Rate-Limit-Problem: {p}")).unwrap_or_default();
            let _ = writeln!(
                notes,
                "step `{}` got {} ({}{problem}): waited {:.1} s and sent the same request again",
                step.name,
                wait.status,
                wait.reason,
                wait.wait.as_secs_f64()
            );
        }
    }
    notes
}
