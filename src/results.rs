//! What running produces: typed results per case and step, the input of every reporter. Below both the
//! runner and the reporters; depends on neither.

use std::time::Duration;

use serde::Serialize;

use crate::case::{Case, CaseId, Level, Location, Step};
use crate::secrets::{Mask, Masker};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Passed,
    /// Only `should` expectations failed: the contract holds, fidelity to the real service does not. Passes
    /// the gate unless `--strict`.
    #[serde(rename = "non-strict")]
    NonStrict,
    /// The implementation broke an expectation.
    Failed,
    /// The case could not run: transport error, timeout, an undefined capture.
    Errored,
    /// Not run (filtered out by `--fail-fast`).
    Skipped,
    /// With `--repeat`: passed in some runs, failed or errored in others. Does not pass the gate.
    Flaky,
}

impl Outcome {
    /// Whether the case lets a gate pass: passed, non-strict (`--strict` turns those into failed before
    /// here) and skipped do; failed and errored do not.
    pub fn passes_gate(self) -> bool {
        matches!(self, Outcome::Passed | Outcome::NonStrict | Outcome::Skipped)
    }

    /// The name reports use: `passed`, `non-strict`, `failed`, `errored`, `skipped`, `flaky`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::NonStrict => "non-strict",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Skipped => "skipped",
            Outcome::Flaky => "flaky",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Steps,
    Cleanup,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub id: CaseId,
    pub location: Location,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub requirements: Vec<String>,
    pub outcome: Outcome,
    /// Why a skipped case did not run.
    pub skip_reason: Option<String>,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    /// The steps of the run shown: with `--repeat`, the first run that did not pass, else the last run.
    pub steps: Vec<StepResult>,
    /// With `--repeat`: the outcome of each run, first run first; empty otherwise.
    pub runs: Vec<Outcome>,
    /// How the case stands against a baseline of known deviations (`run --baseline`); none without one.
    pub baseline: Option<BaselineMark>,
    /// Set when the steps were let go ([`CaseResult::condensed`]): what they were held back by rate limits.
    #[serde(skip)]
    pub condensed: Option<ThrottleTotals>,
}

/// A case listed in a baseline of known deviations (`conform run --baseline FILE`), as it fared in this run.
/// The outcome stays what the implementation did; the mark says what the gate makes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "mark")]
pub enum BaselineMark {
    /// Deviates at the level the baseline lists (XFAIL): does not fail the gate.
    Expected { level: Level, reason: Option<String>, link: Option<String> },
    /// Listed, but passes now, or deviates only at `should` where the baseline lists `must` (XPASS): the
    /// baseline is out of date. Fails the gate only with `--strict-baseline`.
    UnexpectedlyPassing { listed: Level },
    /// Deviates beyond the listing: fails a `must` expectation where the baseline lists `should`, or an
    /// expectation the entry does not list. Fails the gate as any failure.
    Worse { listed: Level },
}

/// Every free-text field: where a request line, an error or an echoed body may carry a secret.
impl Mask for CaseResult {
    fn mask(&mut self, masker: &Masker) {
        if masker.is_empty() {
            return;
        }
        self.description.mask(masker);
        self.skip_reason.mask(masker);
        if let Some(BaselineMark::Expected { reason, link, .. }) = &mut self.baseline {
            reason.mask(masker);
            link.mask(masker);
        }
        for step in &mut self.steps {
            step.name.mask(masker);
            step.request.mask(masker);
            step.error.mask(masker);
            step.curl.mask(masker);
            step.response.mask(masker);
            let earlier = step.retry.iter_mut().flat_map(|r| &mut r.earlier).flat_map(|a| &mut a.failures);
            for f in step.failures.iter_mut().chain(earlier) {
                f.message.mask(masker);
                f.path.mask(masker);
                f.expected.mask(masker);
                f.actual.mask(masker);
                f.diff.mask(masker);
            }
            if let Some(SnapshotOutcome::Changed { diff }) = &mut step.snapshot {
                diff.mask(masker);
            }
        }
    }
}

impl Mask for RunResult {
    fn mask(&mut self, masker: &Masker) {
        self.base_url.mask(masker);
        self.cases.iter_mut().for_each(|case| case.mask(masker));
    }
}

impl CaseResult {
    /// The result of `case`, with what its run gave.
    pub(crate) fn of(case: &Case, outcome: Outcome, duration: Duration, steps: Vec<StepResult>) -> Self {
        CaseResult {
            id: case.id.clone(),
            location: case.location.clone(),
            description: case.description.clone(),
            tags: case.tags.clone(),
            requirements: case.requirements.clone(),
            outcome,
            skip_reason: None,
            duration,
            steps,
            runs: Vec::new(),
            baseline: None,
            condensed: None,
        }
    }

    /// This result without its steps, for a passing case in a run whose reports show passing cases as counts
    /// and durations only: a run's memory then does not grow with the steps of the cases that passed. Keeps
    /// what the summary reads (id, requirements, outcome, duration, rate-limit waits).
    pub(crate) fn condensed(mut self) -> Self {
        self.condensed = Some(ThrottleTotals::of_steps(&self.steps));
        self.steps = Vec::new();
        self
    }

    /// One result for the runs of one case (`--repeat`): flaky when some runs passed the gate and others did
    /// not; otherwise the worst outcome (failed, errored, non-strict, passed; skipped when none ran). Shows the
    /// first run that did not pass, so a flaky case shows its failure; its duration is that run's.
    pub fn fold_runs(runs: Vec<CaseResult>) -> Option<CaseResult> {
        let outcomes: Vec<Outcome> = runs.iter().map(|r| r.outcome).collect();
        let ran = || outcomes.iter().filter(|o| **o != Outcome::Skipped);
        let outcome = if ran().any(|o| o.passes_gate()) && ran().any(|o| !o.passes_gate()) {
            Outcome::Flaky
        } else {
            [Outcome::Failed, Outcome::Errored, Outcome::NonStrict, Outcome::Passed, Outcome::Skipped]
                .into_iter()
                .find(|o| outcomes.contains(o))?
        };
        let shown = runs.iter().position(|r| !r.outcome.passes_gate()).unwrap_or(runs.len().checked_sub(1)?);
        let mut result = runs.into_iter().nth(shown)?;
        result.outcome = outcome;
        result.runs = outcomes;
        Some(result)
    }

    /// A case that did not run, and why.
    pub(crate) fn skipped(case: &Case, reason: String) -> Self {
        CaseResult { skip_reason: Some(reason), ..CaseResult::of(case, Outcome::Skipped, Duration::ZERO, Vec::new()) }
    }

    /// A case that could not be started (the target stopped answering): errored, with the reason as the error
    /// of a pseudo-step, so every report shows it where it shows step errors.
    pub(crate) fn not_started(case: &Case, reason: String) -> Self {
        let step = StepResult { name: "not started".into(), ..StepResult::setup_error(case, reason) };
        CaseResult::of(case, Outcome::Errored, Duration::ZERO, vec![step])
    }

    /// Whether the case lets a gate pass: its outcome does, or a baseline lists its deviation.
    pub fn passes_gate(&self) -> bool {
        match self.baseline {
            Some(BaselineMark::Expected { .. } | BaselineMark::UnexpectedlyPassing { .. }) => true,
            Some(BaselineMark::Worse { .. }) => false,
            None => self.outcome.passes_gate(),
        }
    }

    /// How far the implementation deviated: `must` when a step failed or errored, `should` when only
    /// `should` expectations differed (whatever `--strict` made of the case), none when it passed.
    /// A case that errored or was skipped as a whole has no deviation to compare.
    pub fn deviation(&self) -> Option<Level> {
        match self.outcome {
            Outcome::Passed | Outcome::Errored | Outcome::Skipped => None,
            Outcome::NonStrict | Outcome::Failed | Outcome::Flaky => {
                if self.steps.iter().any(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored)) {
                    Some(Level::Must)
                } else {
                    Some(Level::Should)
                }
            }
        }
    }

    /// The failures and errors of every step, for one-line summaries.
    pub fn problems(&self) -> impl Iterator<Item = (&StepResult, &str)> {
        self.steps.iter().flat_map(|s| {
            s.error.iter().map(move |e| (s, e.as_str())).chain(s.failures.iter().map(move |f| (s, f.message.as_str())))
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    pub name: String,
    pub phase: Phase,
    pub location: Location,
    /// The requirement ids the step's expectations check (its own `requirements`, else its case's): what a
    /// failure or error of this step counts against.
    pub requirements: Vec<String>,
    /// `POST http://127.0.0.1:8080/xms/v1/…/groups` (secrets masked); the last page's for paginated steps.
    pub request: Option<String>,
    pub status: Option<u16>,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    pub outcome: Outcome,
    pub failures: Vec<Failure>,
    /// Why the step could not run or complete.
    pub error: Option<String>,
    /// For a failed or errored step that sent a request: a `curl` command that sends it again (the last page's
    /// for paginated steps), each secret as a `"${CONFORM_VAR_…}"` reference to export, never its value.
    pub curl: Option<String>,
    pub snapshot: Option<SnapshotOutcome>,
    /// Attempts made (more than 1 after transport-error retries).
    pub attempts: u32,
    /// Pages fetched by a paginated step.
    pub pages: u32,
    /// The normalised response (status, the suite's snapshot headers, body; a paginated step's items under
    /// its items pointer), kept only when a differential run asks for it (`Runner::recording_responses`).
    #[serde(skip)]
    pub response: Option<serde_json::Value>,
    /// A step with `retry:` (tried again until its expectations held): every try. The step's own fields are
    /// those of the last try.
    pub retry: Option<RetryRecord>,
    /// Waits throttled answers asked for (429, or 503 with `Retry-After`), each followed by the same request
    /// again. Never a failure.
    pub throttled: Vec<ThrottleWait>,
    /// Time the step's requests waited for the rate budget (suite `rate_limit`, `--rate`, `--max-in-flight`).
    #[serde(serialize_with = "as_millis", rename = "budget_wait_ms")]
    pub budget_wait: Duration,
}

/// A wait a throttled answer asked for, after which the same request was sent again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThrottleWait {
    pub status: u16,
    #[serde(serialize_with = "as_millis", rename = "wait_ms")]
    pub wait: Duration,
    /// `Retry-After: 3`, or the backoff used without a usable header.
    pub reason: String,
    /// `X-Rate-Limit-Problem` when the server says which limit (Xero: `minute`, `day`, `appminute`).
    pub problem: Option<String>,
}

/// How much a case or a run was held back: waits asked by throttled answers, and time spent on the budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ThrottleTotals {
    /// Throttled answers waited out (each one resend).
    pub waits: usize,
    #[serde(serialize_with = "as_millis", rename = "wait_ms")]
    pub wait: Duration,
    #[serde(serialize_with = "as_millis", rename = "budget_wait_ms")]
    pub budget_wait: Duration,
}

impl ThrottleTotals {
    pub fn of_steps<'a>(steps: impl IntoIterator<Item = &'a StepResult>) -> Self {
        steps.into_iter().fold(ThrottleTotals::default(), |t, s| ThrottleTotals {
            waits: t.waits + s.throttled.len(),
            wait: t.wait + s.throttled.iter().map(|w| w.wait).sum::<Duration>(),
            budget_wait: t.budget_wait + s.budget_wait,
        })
    }

    pub fn of_cases<'a>(cases: impl IntoIterator<Item = &'a CaseResult>) -> Self {
        cases.into_iter().map(|c| c.condensed.unwrap_or_else(|| ThrottleTotals::of_steps(&c.steps))).fold(
            ThrottleTotals::default(),
            |t, c| ThrottleTotals {
                waits: t.waits + c.waits,
                wait: t.wait + c.wait,
                budget_wait: t.budget_wait + c.budget_wait,
            },
        )
    }

    /// Whether anything was held back at all.
    pub fn any(&self) -> bool {
        self.waits > 0 || !self.budget_wait.is_zero()
    }
}

/// The tries of a step with `retry:`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RetryRecord {
    /// Tries made, the last included.
    pub attempts: u32,
    /// Time spent waiting between tries.
    #[serde(serialize_with = "as_millis")]
    pub waited: Duration,
    /// The tries before the last, in order: why each was tried again.
    pub earlier: Vec<EarlierAttempt>,
}

/// One try of a `retry:` step whose expectations did not hold.
#[derive(Debug, Clone, Serialize)]
pub struct EarlierAttempt {
    pub status: Option<u16>,
    pub failures: Vec<Failure>,
}

impl StepResult {
    /// A step about to run: passed until something says otherwise.
    pub(crate) fn new(step: &Step, phase: Phase) -> Self {
        StepResult {
            name: step.name.clone(),
            phase,
            location: step.location.clone(),
            requirements: step.requirements.clone(),
            request: None,
            status: None,
            duration: Duration::ZERO,
            outcome: Outcome::Passed,
            failures: Vec::new(),
            error: None,
            curl: None,
            snapshot: None,
            attempts: 0,
            pages: 0,
            retry: None,
            response: None,
            throttled: Vec::new(),
            budget_wait: Duration::ZERO,
        }
    }

    /// The pseudo-step reporting that a case's variables could not be evaluated.
    pub(crate) fn setup_error(case: &Case, error: String) -> Self {
        StepResult {
            name: "case variables".into(),
            phase: Phase::Steps,
            location: case.location.clone(),
            requirements: case.requirements.clone(),
            request: None,
            status: None,
            duration: Duration::ZERO,
            outcome: Outcome::Errored,
            failures: Vec::new(),
            error: Some(error),
            curl: None,
            snapshot: None,
            attempts: 0,
            pages: 0,
            retry: None,
            response: None,
            throttled: Vec::new(),
            budget_wait: Duration::ZERO,
        }
    }
}

/// Progress notifications for reporters, in the order things happen.
#[derive(Debug)]
pub enum RunEvent<'a> {
    CaseStarted(&'a Case),
    CaseFinished(&'a crate::secrets::Masked<CaseResult>),
    /// Requests are waiting on a rate budget or a server's `Retry-After` (polled a few times a second); all
    /// zero once none waits.
    Waiting(crate::run::WaitStatus),
}

/// One broken expectation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub kind: FailureKind,
    /// `should` when the broken expectation only asks for fidelity to the real service.
    pub level: Level,
    /// Where in the response: a JSON path (`$.groups[0].name`), a header name, or empty.
    pub path: String,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// A plain unified diff of expected and actual bodies, when both are documents.
    pub diff: Option<String>,
    /// The expectation in the case file.
    pub location: Option<Location>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    Status,
    Header,
    Body,
    Schema,
    Items,
    Snapshot,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "result")]
pub enum SnapshotOutcome {
    /// Equal to the stored snapshot.
    Matched,
    /// No snapshot existed; one was written.
    Created,
    /// Differed and was accepted (`--update-snapshots`).
    Updated,
    /// Differed; a `.snap.new` was left for review.
    Changed { diff: String },
}

fn as_millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0)
}

/// A whole run: results in case order plus what the reports need to say about it.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    pub base_url: String,
    pub started_at: String,
    #[serde(serialize_with = "as_millis")]
    pub duration: Duration,
    pub cases: Vec<CaseResult>,
}

/// Results with every field at its plain value, for unit tests of what reads them.
#[cfg(test)]
pub(crate) mod samples {
    use super::*;
    use crate::case::{CaseId, Location};

    /// A step `step` of `cases/a.yaml`, one attempt, no request.
    pub(crate) fn step(outcome: Outcome) -> StepResult {
        StepResult {
            name: "step".into(),
            phase: Phase::Steps,
            location: Location { file: "cases/a.yaml".into(), line: 1, column: 1 },
            requirements: vec![],
            request: None,
            status: None,
            duration: Duration::ZERO,
            outcome,
            failures: vec![],
            error: None,
            curl: None,
            snapshot: None,
            attempts: 1,
            pages: 0,
            retry: None,
            response: None,
            throttled: vec![],
            budget_wait: Duration::ZERO,
        }
    }

    /// Case `s::f::c` of `cases/a.yaml`, naming `requirements`, with `steps`.
    pub(crate) fn case(outcome: Outcome, requirements: &[&str], steps: Vec<StepResult>) -> CaseResult {
        CaseResult {
            id: CaseId { suite: "s".into(), file: "f".into(), name: "c".into() },
            location: Location { file: "cases/a.yaml".into(), line: 1, column: 1 },
            description: None,
            tags: vec![],
            requirements: requirements.iter().map(|r| r.to_string()).collect(),
            outcome,
            skip_reason: None,
            duration: Duration::ZERO,
            steps,
            runs: vec![],
            baseline: None,
            condensed: None,
        }
    }
}
