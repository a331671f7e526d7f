//! JUnit XML, as the GitLab, Jenkins and GitHub test reporters read it: one `<testsuite>` per suite, one
//! `<testcase>` per case.

use std::fmt::Write as _;
use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::tally::{self, by_suite};
use crate::case::CaseId;
use crate::results::RunResult;
use crate::results::{BaselineMark, CaseResult, Outcome, Phase, SnapshotOutcome, StepResult, ThrottleTotals};
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
    serialize(&report, out)
}

/// Writes one JUnit document; every conform command's JUnit output goes through here.
pub(crate) fn serialize(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    report.serialize(&mut *out).map_err(io::Error::other)
}

/// The `classname` of a case, `suite.file` with `.` for nested folders: CI test views group by it.
pub(crate) fn classname(id: &CaseId) -> String {
    format!("{}.{}", id.suite, id.file.replace('/', "."))
}

fn test_case(case: &CaseResult) -> TestCase {
    let status = match (case.outcome, &case.baseline) {
        // As pytest writes an xfail: skipped, with what was expected and why.
        (_, Some(BaselineMark::Expected { level, reason, .. })) => {
            let mut status = TestCaseStatus::skipped();
            let why = reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            let first = tally::first_problem(case).map(first_line).unwrap_or("");
            status.set_message(format!("expected failure at {} (baseline){why} — {first}", level.name()));
            status.set_description(problem_text(case));
            status
        }
        // The baseline tolerates it, whatever --strict made of it; the note below says it is out of date.
        (_, Some(BaselineMark::UnexpectedlyPassing { .. })) => TestCaseStatus::success(),
        (outcome, _) => outcome_status(case, outcome),
    };
    let mut test_case = TestCase::new(case.id.name.as_str(), status);
    test_case.set_classname(classname(&case.id));
    test_case.set_time(case.duration);
    let mut notes = retry_notes(case);
    notes.push_str(&throttle_notes(case));
    match &case.baseline {
        Some(BaselineMark::UnexpectedlyPassing { listed }) => notes.push_str(&format!(
            "UNEXPECTEDLY PASSING: the baseline lists this case at {}; remove or update the entry\n",
            listed.name()
        )),
        Some(BaselineMark::Worse { listed }) => notes.push_str(&format!(
            "WORSE THAN THE BASELINE: listed at {}, now failing beyond the listed level or expectations\n",
            listed.name()
        )),
        _ => {}
    }
    if case.outcome == Outcome::NonStrict && case.baseline.is_none() {
        // JUnit has no such verdict: the case passes, and what differed from the `should` level is its output.
        notes.push_str(&format!("NON-STRICT: only `should` expectations differ\n{}", problem_text(case)));
    }
    if !notes.is_empty() {
        test_case.set_system_out(notes);
    }
    test_case
}

fn outcome_status(case: &CaseResult, outcome: Outcome) -> TestCaseStatus {
    match outcome {
        // Non-strict passes the gate; what differed is in the case's output.
        Outcome::Passed | Outcome::NonStrict => TestCaseStatus::success(),
        Outcome::Skipped => {
            let mut status = TestCaseStatus::skipped();
            if let Some(reason) = &case.skip_reason {
                status.set_message(reason.as_str());
            }
            status
        }
        Outcome::Failed | Outcome::Errored | Outcome::Flaky => {
            // A case marked failed may also hold a step error (e.g. cleanup could not run); the element
            // follows the case outcome so that failures and errors stay apart up to the CI. A flaky case is a
            // failure, as for the exit code: a gate must not pass a case that fails one run in N.
            let kind = if case.outcome == Outcome::Errored { NonSuccessKind::Error } else { NonSuccessKind::Failure };
            let mut status = TestCaseStatus::non_success(kind);
            let message = tally::first_problem(case).unwrap_or(if kind == NonSuccessKind::Failure {
                "expectation failed"
            } else {
                "case could not run"
            });
            match tally::runs_summary(case) {
                Some(runs) if case.outcome == Outcome::Flaky => {
                    status.set_message(format!("flaky: {runs}: {}", first_line(message)))
                }
                _ => status.set_message(first_line(message)),
            };
            if let Some(kind) = case.steps.iter().flat_map(|s| &s.failures).next().map(|f| f.kind) {
                status.set_type(serde_plain(&kind));
            }
            status.set_description(problem_text(case));
            status
        }
    }
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
    if let Some(runs) = tally::runs_summary(case) {
        let _ = writeln!(text, "{runs}");
    }
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
    if let Some(curl) = &step.curl {
        let _ = writeln!(text, "  reproduce: {curl}");
    }
    if let Some(retry) = &step.retry {
        for line in tally::retry_summary(retry).lines() {
            let _ = writeln!(text, "  {line}");
        }
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
