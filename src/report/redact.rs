//! Masks secrets inside results before any reporter sees them.
//!
//! The reporters escape text (XML, HTML, JSON strings), and an escaped secret (`a&amp;b`) no longer matches the
//! plain value a final pass over the rendered text looks for. Masking the results first closes that gap.

use crate::run::result::RunResult;
use crate::secrets::Redactor;

/// A copy of `run` with every free-text field masked by `redactor`.
pub fn redact_run(run: &RunResult, redactor: &Redactor) -> RunResult {
    let mut run = run.clone();
    run.base_url = redactor.redact(&run.base_url).into_owned();
    run.cases.iter_mut().for_each(|case| case.mask(redactor));
    run
}
