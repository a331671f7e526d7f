//! The runner: one HTTP client and one project, cases run concurrently and their results masked before
//! anyone sees them. A run stops starting cases after the first failure (`--fail-fast`) or when the target
//! stops answering; the cases it did not start say why.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;

use super::case::{run_case, suite_vars, unmet_needs};
use super::config::RunConfig;
use super::exchange::Access;
use super::transport::Transport;
use crate::case::vars::{Generators, to_text};
use crate::gate::baseline::Baseline;
use crate::project::Project;
use crate::results::{CaseResult, Outcome, RunEvent, RunResult};
use crate::secrets::{Masked, Masker, is_secret_name};
use crate::select::CaseRef;

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Runs the cases of one project against one base URL with one HTTP client.
pub struct Runner {
    pub(super) transport: Transport,
    pub(super) project: Arc<Project>,
    pub(super) config: RunConfig,
    pub(super) generators: Arc<Generators>,
    pub(super) access: Access,
    masker: Masker,
    /// Known deviations (`--baseline`): marks each result before anyone (progress, `--fail-fast`) sees it.
    baseline: Option<Arc<Baseline>>,
    /// Keep each step's normalised response in the results, for `conform diff`.
    pub(super) record_responses: bool,
    /// Let the steps of passing cases go once they are reported (no requested report shows them).
    condense_passes: bool,
}

impl Runner {
    pub fn new(project: Arc<Project>, config: RunConfig) -> Result<Self, RunError> {
        let transport =
            Transport::new(config.timeout, config.max_body_size).map_err(|e| RunError::Client(e.to_string()))?;
        let generators = Arc::new(Generators::new());
        let masker = run_masker(&project, &config, &generators);
        let access = Access::new(&project, &config, &transport, &masker, &generators);
        Ok(Self {
            transport,
            project,
            config,
            generators,
            access,
            masker,
            baseline: None,
            record_responses: false,
            condense_passes: false,
        })
    }

    /// Marks the results of the cases `baseline` lists as expected, unexpectedly passing or worse.
    pub fn with_baseline(mut self, baseline: Arc<Baseline>) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// Keeps each step's normalised response in its result (`StepResult::response`), for comparing two
    /// implementations. Off by default: a run keeps no bodies.
    pub fn recording_responses(mut self) -> Self {
        self.record_responses = true;
        self
    }

    /// Keeps only what the summary needs of a passing case (its id, requirements, duration and rate-limit
    /// waits) once the progress display has seen it, so the memory of a long run grows with its failures, not
    /// with its cases. For runs whose reports (JSON, JUnit, HTML) do not list passing cases' steps.
    pub fn condensing_passes(mut self) -> Self {
        self.condense_passes = true;
        self
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Masks every secret of this run: for lines a caller prints itself, such as the target's URL.
    pub fn masker(&self) -> &Masker {
        &self.masker
    }

    /// Why the case at `at` is skipped rather than run, known before it starts: against a target other than the
    /// embedded server (whose defaults serve every case), the variables and capabilities it needs that the
    /// user did not give.
    pub fn skip_reason(&self, at: CaseRef) -> Option<String> {
        if self.config.embedded_target {
            return None;
        }
        let (suite, case) = self.project.case(at);
        unmet_needs(case, suite, &self.project.vars, &self.config.capabilities)
    }

    /// Why the run stopped early because the target stopped answering, if it did: `no response within 5s
    /// (timeout) (3 requests in a row got no answer)`.
    pub fn unresponsive(&self) -> Option<String> {
        self.transport.stopped()
    }

    /// The rate budgets in force, e.g. `xero: 60/min, 5 in flight`; empty when there are none.
    pub fn budgets(&self) -> &str {
        self.access.throttle.describe()
    }

    /// Runs one case: its steps in order until one fails, then every cleanup step. Once the target has
    /// stopped answering, a case errs at once with the reason.
    pub async fn run_case(&self, at: CaseRef) -> Masked<CaseResult> {
        let result = run_case(self, at, &self.masker).await;
        match &self.baseline {
            // The mark adds the baseline's own reason and link, masked like the rest.
            Some(baseline) => Masked::new(baseline.mark(result.into_inner()), &self.masker),
            None => result,
        }
    }

    /// Runs `plan` with up to `jobs` cases at once; results come back in plan order.
    pub async fn run(&self, plan: &[CaseRef], on_event: &(dyn Fn(RunEvent<'_>) + Sync)) -> Masked<RunResult> {
        let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let started = Instant::now();
        let stop = AtomicBool::new(false);
        let stop = &stop;
        let work = futures::stream::iter(plan.iter().enumerate())
            .map(|(order, &at)| async move {
                let (_, case) = self.project.case(at);
                let result = if let Some(reason) = self.transport.stopped() {
                    let reason = format!("target unresponsive: {reason}; the case was not started");
                    Masked::new(CaseResult::not_started(case, reason), &self.masker)
                } else if stop.load(Ordering::Relaxed) {
                    Masked::new(CaseResult::skipped(case, "--fail-fast stopped the run".into()), &self.masker)
                } else {
                    on_event(RunEvent::CaseStarted(case));
                    let r = self.run_case(at).await;
                    if self.config.fail_fast && !r.passes_gate() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    r
                };
                on_event(RunEvent::CaseFinished(&result));
                let result = if self.condense_passes && result.outcome == Outcome::Passed {
                    Masked::new(result.into_inner().condensed(), &self.masker)
                } else {
                    result
                };
                (order, result)
            })
            .buffer_unordered(self.config.jobs.max(1))
            .collect();
        let mut results: Vec<(usize, Masked<CaseResult>)> = self.reporting_waits(work, on_event).await;
        results.sort_by_key(|(order, _)| *order);
        let run = RunResult {
            base_url: self.config.base_url.clone(),
            started_at,
            duration: started.elapsed(),
            cases: results.into_iter().map(|(_, r)| r.into_inner()).collect(),
        };
        Masked::new(run, &self.masker)
    }
}

impl Runner {
    /// Drives `work`, telling `on_event` whenever the number of requests waiting on a budget or a server's
    /// `Retry-After` changes, so a run held back by limits never looks hung.
    async fn reporting_waits<T>(
        &self,
        work: impl std::future::Future<Output = T>,
        on_event: &(dyn Fn(RunEvent<'_>) + Sync),
    ) -> T {
        let mut work = std::pin::pin!(work);
        let mut tick = tokio::time::interval(WAIT_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = self.access.throttle.status();
        loop {
            tokio::select! {
                out = &mut work => return out,
                _ = tick.tick() => {
                    let now = self.access.throttle.status();
                    if now != last {
                        on_event(RunEvent::Waiting(now));
                        last = now;
                    }
                }
            }
        }
    }
}

/// How often the progress line looks at what waits.
const WAIT_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Every secret value of the run, with the variable it came from: the suites' secret variables (declared, or
/// named like a secret) as resolved with the values given from outside, and every given value whose name looks
/// secret.
fn run_masker(project: &Project, config: &RunConfig, generators: &Arc<Generators>) -> Masker {
    let mut secrets = Vec::new();
    for suite in &project.suites {
        let vars = suite_vars(suite, &project.vars, &config.base_url, generators);
        // Declared secrets may be given from outside without a suite default, so they are looked up too.
        let names: std::collections::BTreeSet<&String> =
            suite.vars.iter().map(|(name, _)| name).chain(&suite.secrets).collect();
        for name in names.into_iter().filter(|name| suite.is_secret(name)) {
            secrets.extend(vars.get(name).map(|v| (name.clone(), to_text(v))));
        }
    }
    secrets.extend(project.vars.iter().filter(|(name, _)| is_secret_name(name)).map(|(n, v)| (n.clone(), v.clone())));
    Masker::named(secrets)
}
