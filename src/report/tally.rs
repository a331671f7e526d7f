//! Grouping results by suite and counting outcomes: the numbers every reporter shows must agree.

use std::time::Duration;

use serde::Serialize;

use crate::results::{BaselineMark, CaseResult, Outcome, RetryRecord};

/// Cases per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Tally {
    pub(crate) total: usize,
    pub(crate) passed: usize,
    pub(crate) non_strict: usize,
    pub(crate) failed: usize,
    pub(crate) errored: usize,
    pub(crate) skipped: usize,
    /// With `--repeat`: passed in some runs, failed or errored in others.
    pub(crate) flaky: usize,
    /// Deviations a baseline lists at the level they happened (XFAIL); not counted as failed or non-strict.
    pub(crate) expected: usize,
    /// Cases a baseline lists that pass now (XPASS); also counted as passed or non-strict.
    pub(crate) unexpectedly_passing: usize,
}

impl Tally {
    pub(crate) fn of<'a>(cases: impl IntoIterator<Item = &'a CaseResult>) -> Self {
        let mut tally = Tally::default();
        for case in cases {
            tally.total += 1;
            match case.baseline {
                Some(BaselineMark::Expected { .. }) => {
                    tally.expected += 1;
                    continue;
                }
                Some(BaselineMark::UnexpectedlyPassing { .. }) => {
                    tally.unexpectedly_passing += 1;
                    // Listed at `must`, non-strict now: under --strict it is `failed`, yet the baseline covers it.
                    if case.outcome == Outcome::Failed {
                        tally.non_strict += 1;
                        continue;
                    }
                }
                _ => {}
            }
            match case.outcome {
                Outcome::Passed => tally.passed += 1,
                Outcome::NonStrict => tally.non_strict += 1,
                Outcome::Failed => tally.failed += 1,
                Outcome::Errored => tally.errored += 1,
                Outcome::Skipped => tally.skipped += 1,
                Outcome::Flaky => tally.flaky += 1,
            }
        }
        tally
    }
}

/// The cases of one suite, in run order.
#[derive(Debug)]
pub(crate) struct SuiteCases<'a> {
    pub(crate) name: &'a str,
    pub(crate) cases: Vec<&'a CaseResult>,
}

impl SuiteCases<'_> {
    pub(crate) fn tally(&self) -> Tally {
        Tally::of(self.cases.iter().copied())
    }

    /// The sum of case durations (suites may run concurrently, so this is not wall time).
    pub(crate) fn duration(&self) -> Duration {
        self.cases.iter().map(|c| c.duration).sum()
    }
}

/// Cases grouped by suite, suites in order of first appearance.
pub(crate) fn by_suite(cases: &[CaseResult]) -> Vec<SuiteCases<'_>> {
    let mut suites: Vec<SuiteCases<'_>> = Vec::new();
    for case in cases {
        match suites.iter_mut().find(|s| s.name == case.id.suite) {
            Some(suite) => suite.cases.push(case),
            None => suites.push(SuiteCases { name: &case.id.suite, cases: vec![case] }),
        }
    }
    suites
}

/// The `n` slowest cases, slowest first; skipped cases are left out (they took no time).
pub(crate) fn slowest(cases: &[CaseResult], n: usize) -> Vec<&CaseResult> {
    let mut ran: Vec<&CaseResult> = cases.iter().filter(|c| c.outcome != Outcome::Skipped).collect();
    ran.sort_by(|a, b| b.duration.cmp(&a.duration).then_with(|| a.id.cmp(&b.id)));
    ran.truncate(n);
    ran
}

/// Milliseconds with microsecond precision, as in the serialized results.
pub(crate) fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// `850 ms`, `3.21 s`, `2 min 5 s`: for people, not for parsing.
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1000.0 {
        format!("{} ms", ms.round() as u64)
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        let secs = d.as_secs();
        format!("{} min {} s", secs / 60, secs % 60)
    }
}

/// The tries of a `retry:` step for people: the count and wait, then one line per earlier try (its status and
/// first failure); the last try's failures are the step's own.
pub(crate) fn retry_summary(retry: &RetryRecord) -> String {
    let mut text = format!(
        "tried {} time(s) until the expectations held or tries ran out (waited {})\n",
        retry.attempts,
        human_duration(retry.waited)
    );
    for (i, attempt) in retry.earlier.iter().enumerate() {
        let status = attempt.status.map(|s| format!(" → {s}")).unwrap_or_default();
        let first = attempt.failures.first().map(|f| f.message.as_str()).unwrap_or("");
        let more = match attempt.failures.len() {
            0 | 1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        text.push_str(&format!("  try {}{status}: {}{more}\n", i + 1, first.lines().next().unwrap_or("")));
    }
    text
}

/// `passed 3 of 5 runs (passed, failed, …)` for a case run with `--repeat`; None for a case run once.
pub(crate) fn runs_summary(case: &CaseResult) -> Option<String> {
    if case.runs.is_empty() {
        return None;
    }
    let passed = case.runs.iter().filter(|o| matches!(o, Outcome::Passed | Outcome::NonStrict)).count();
    let each: Vec<&str> = case.runs.iter().map(|o| o.name()).collect();
    Some(format!("passed {passed} of {} runs ({})", case.runs.len(), each.join(", ")))
}

/// The first failure or error message of a case, for one-line summaries.
pub(crate) fn first_problem(case: &CaseResult) -> Option<&str> {
    case.problems().next().map(|(_, message)| message).or(case.skip_reason.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::from_micros(850_400)), "850 ms");
        assert_eq!(human_duration(Duration::from_millis(3214)), "3.21 s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2 min 5 s");
        assert_eq!(millis(Duration::from_micros(1_234_567)), 1234.567);
    }
}
