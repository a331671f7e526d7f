//! The JSON report: a documented, versioned document for machines (dashboards, trend tools, other CI steps).
//!
//! Its shape is published as `specs/report.schema.json`; a change of shape that breaks a reader bumps
//! [`VERSION`], an added field does not. Durations are milliseconds (floats, microsecond precision).

use std::io::{self, Write};

use serde::Serialize;

use super::coverage::SuiteCoverage;
use super::tally::{Tally, by_suite, millis};
use crate::case::{Level, Location};
use crate::results::{
    BaselineMark, CaseResult, Failure, FailureKind, Outcome, Phase, RetryRecord, RunResult, SnapshotOutcome,
    StepResult, ThrottleTotals, ThrottleWait,
};
use crate::secrets::Masked;

/// The `format` field: tells a conform report from other JSON.
pub(crate) const FORMAT: &str = "conform-report";
/// The `version` field.
pub(crate) const VERSION: u32 = 1;

/// Writes `run` as a pretty-printed JSON report, with `coverage` attached to the suites it belongs to.
pub(crate) fn write_json(run: &Masked<RunResult>, coverage: &[SuiteCoverage], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(run, coverage))?;
    writeln!(out)
}

fn document<'a>(run: &'a RunResult, coverage: &'a [SuiteCoverage]) -> JsonReport<'a> {
    let mut suites: Vec<JsonSuite<'a>> = by_suite(&run.cases)
        .into_iter()
        .map(|s| JsonSuite {
            name: s.name,
            summary: s.tally(),
            throttle: ThrottleTotals::of_cases(s.cases.iter().copied()),
            duration_ms: millis(s.duration()),
            coverage: coverage.iter().find(|c| c.suite == s.name),
            cases: s.cases.iter().map(|c| JsonCase::from(*c)).collect(),
        })
        .collect();
    // A catalogued suite none of whose cases ran still reports its coverage (all `not_run`/`unchecked`).
    for cov in coverage.iter().filter(|c| !run.cases.iter().any(|r| r.id.suite == c.suite)) {
        suites.push(JsonSuite {
            name: &cov.suite,
            summary: Tally::default(),
            throttle: ThrottleTotals::default(),
            duration_ms: 0.0,
            coverage: Some(cov),
            cases: vec![],
        });
    }
    JsonReport {
        format: FORMAT,
        version: VERSION,
        base_url: &run.base_url,
        started_at: &run.started_at,
        duration_ms: millis(run.duration),
        summary: Tally::of(&run.cases),
        throttle: ThrottleTotals::of_cases(&run.cases),
        suites,
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    format: &'static str,
    version: u32,
    base_url: &'a str,
    started_at: &'a str,
    duration_ms: f64,
    summary: Tally,
    throttle: ThrottleTotals,
    suites: Vec<JsonSuite<'a>>,
}

#[derive(Serialize)]
struct JsonSuite<'a> {
    name: &'a str,
    summary: Tally,
    throttle: ThrottleTotals,
    duration_ms: f64,
    coverage: Option<&'a SuiteCoverage>,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    id: String,
    suite: &'a str,
    file: &'a str,
    name: &'a str,
    location: JsonLocation,
    description: Option<&'a str>,
    tags: &'a [String],
    requirements: &'a [String],
    result: Outcome,
    /// What a baseline of known deviations makes of the result (`run --baseline`); null without one.
    baseline: Option<&'a BaselineMark>,
    duration_ms: f64,
    /// The first failure or error, for one-line displays.
    message: Option<&'a str>,
    /// With `--repeat`: each run's outcome.
    runs: &'a [Outcome],
    steps: Vec<JsonStep<'a>>,
}

impl<'a> From<&'a CaseResult> for JsonCase<'a> {
    fn from(c: &'a CaseResult) -> Self {
        JsonCase {
            id: c.id.to_string(),
            suite: &c.id.suite,
            file: &c.id.file,
            name: &c.id.name,
            location: (&c.location).into(),
            description: c.description.as_deref(),
            tags: &c.tags,
            requirements: &c.requirements,
            result: c.outcome,
            baseline: c.baseline.as_ref(),
            duration_ms: millis(c.duration),
            message: super::tally::first_problem(c),
            runs: &c.runs,
            steps: c.steps.iter().map(JsonStep::from).collect(),
        }
    }
}

#[derive(Serialize)]
struct JsonStep<'a> {
    name: &'a str,
    phase: Phase,
    location: JsonLocation,
    /// The requirement ids the step checks (its own, else its case's).
    requirements: &'a [String],
    request: Option<&'a str>,
    status: Option<u16>,
    duration_ms: f64,
    result: Outcome,
    error: Option<&'a str>,
    curl: Option<&'a str>,
    failures: Vec<JsonFailure<'a>>,
    snapshot: Option<&'a SnapshotOutcome>,
    attempts: u32,
    pages: u32,
    retry: Option<JsonRetry<'a>>,
    throttled: &'a [ThrottleWait],
    budget_wait_ms: f64,
}

/// The tries of a `retry:` step; the step's own fields are the last try's.
#[derive(Serialize)]
struct JsonRetry<'a> {
    attempts: u32,
    waited_ms: f64,
    earlier: Vec<JsonEarlierAttempt<'a>>,
}

#[derive(Serialize)]
struct JsonEarlierAttempt<'a> {
    status: Option<u16>,
    failures: Vec<JsonFailure<'a>>,
}

impl<'a> JsonRetry<'a> {
    fn new(r: &'a RetryRecord, requirements: &'a [String]) -> Self {
        JsonRetry {
            attempts: r.attempts,
            waited_ms: millis(r.waited),
            earlier: r
                .earlier
                .iter()
                .map(|a| JsonEarlierAttempt {
                    status: a.status,
                    failures: a.failures.iter().map(|f| JsonFailure::new(f, requirements)).collect(),
                })
                .collect(),
        }
    }
}

impl<'a> From<&'a StepResult> for JsonStep<'a> {
    fn from(s: &'a StepResult) -> Self {
        JsonStep {
            name: &s.name,
            phase: s.phase,
            location: (&s.location).into(),
            requirements: &s.requirements,
            request: s.request.as_deref(),
            status: s.status,
            duration_ms: millis(s.duration),
            result: s.outcome,
            error: s.error.as_deref(),
            curl: s.curl.as_deref(),
            failures: s.failures.iter().map(|f| JsonFailure::new(f, &s.requirements)).collect(),
            snapshot: s.snapshot.as_ref(),
            attempts: s.attempts,
            pages: s.pages,
            retry: s.retry.as_ref().map(|r| JsonRetry::new(r, &s.requirements)),
            throttled: &s.throttled,
            budget_wait_ms: millis(s.budget_wait),
        }
    }
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    kind: FailureKind,
    level: Level,
    /// The requirement ids the broken expectation checks: its step's.
    requirements: &'a [String],
    path: &'a str,
    message: &'a str,
    expected: Option<&'a str>,
    actual: Option<&'a str>,
    diff: Option<&'a str>,
    location: Option<JsonLocation>,
}

impl<'a> JsonFailure<'a> {
    /// A failure of a step that checks `requirements`.
    fn new(f: &'a Failure, requirements: &'a [String]) -> Self {
        JsonFailure {
            kind: f.kind,
            level: f.level,
            requirements,
            path: &f.path,
            message: &f.message,
            expected: f.expected.as_deref(),
            actual: f.actual.as_deref(),
            diff: f.diff.as_deref(),
            location: f.location.as_ref().map(JsonLocation::from),
        }
    }
}

/// Paths with `/` on every platform, so reports compare across machines.
#[derive(Serialize)]
struct JsonLocation {
    file: String,
    line: usize,
    column: usize,
}

impl From<&Location> for JsonLocation {
    fn from(l: &Location) -> Self {
        JsonLocation { file: l.file.to_string_lossy().replace('\\', "/"), line: l.line, column: l.column }
    }
}
