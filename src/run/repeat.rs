//! `--repeat N`: every case of a plan run N times, the runs of each case folded into one result that says
//! whether the case is flaky.

use super::runner::Runner;
use crate::results::{CaseResult, RunEvent, RunResult};
use crate::secrets::Masked;
use crate::select::CaseRef;

impl Runner {
    /// Runs `plan` `times` times over (the whole plan again each round, so the runs of one case are spread
    /// over the run rather than bunched together) and folds each case's runs into one result
    /// ([`CaseResult::fold_runs`]), in plan order. `on_event` sees every run.
    pub async fn run_repeated(
        &self,
        plan: &[CaseRef],
        times: u32,
        on_event: &(dyn Fn(RunEvent<'_>) + Sync),
    ) -> Masked<RunResult> {
        if times <= 1 {
            return self.run(plan, on_event).await;
        }
        let rounds: Vec<CaseRef> = (0..times).flat_map(|_| plan.iter().copied()).collect();
        let mut run = self.run(&rounds, on_event).await.into_inner();
        let mut by_case: Vec<Vec<CaseResult>> = plan.iter().map(|_| Vec::new()).collect();
        for (i, result) in std::mem::take(&mut run.cases).into_iter().enumerate() {
            by_case[i % plan.len()].push(result);
        }
        run.cases = by_case.into_iter().filter_map(CaseResult::fold_runs).collect();
        // Already masked run by run; masking again only keeps the type honest.
        Masked::new(run, self.masker())
    }
}
