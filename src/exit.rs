//! Exit codes: what a CI system reads to tell a broken implementation from a broken environment or input.

use std::process::ExitCode;

use conform::results::{Outcome, RunResult};

/// The documented exit codes (README, `conform --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: every case passed (or was skipped on purpose).
    Passed = 0,
    /// 1: the implementation broke at least one expectation, or a case was flaky under `--repeat` (or, for
    /// `coverage`, a requirement has no case).
    Failed = 1,
    /// 2: the input was wrong: a case file, a schema, a flag, a selection that matches nothing.
    InputError = 2,
    /// 3: no case failed, but some could not be run: refused connections, timeouts, TLS or other transport
    /// errors, a body over the cap, a target that stopped answering, a variable without a value. The environment is broken, not (as far as was seen) the
    /// implementation.
    NotRun = 3,
    /// 4: conform itself could not do its work: the embedded server or the runtime did not start, a report
    /// could not be written.
    Internal = 4,
}

impl Exit {
    /// A failed expectation outranks a case that could not run: that implementation is broken either way.
    pub fn of_run(run: &RunResult) -> Exit {
        // A flaky case failed in some run: as far as the gate is concerned, it failed. A failure a baseline
        // expects does not fail the gate (see `CaseResult::passes_gate`).
        if run.cases.iter().any(|c| matches!(c.outcome, Outcome::Failed | Outcome::Flaky) && !c.passes_gate()) {
            Exit::Failed
        } else if run.cases.iter().any(|c| c.outcome == Outcome::Errored) {
            Exit::NotRun
        } else {
            Exit::Passed
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}
