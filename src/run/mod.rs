//! Running: the only networked layer. Renders requests, sends them, captures values and hands responses to
//! the checks. Cases run concurrently; the steps of a case run in order.

pub mod http;
pub mod result;
mod step;
pub mod vars;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::Value;

use crate::case::{Case, Suite};
use crate::check::schema::SchemaSet;
use crate::check::snapshot::SnapshotMode;
use crate::secrets::Redactor;
use result::{CaseResult, Outcome, Phase, RunResult};
use vars::{Generators, Vars};

pub use step::unified_diff;

/// Everything a run needs besides the cases. Built by the CLI and by the `cargo test` harness alike.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where requests go, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// `--var` and `CONFORM_VAR_*` values, already merged (they override suite defaults).
    pub vars: BTreeMap<String, String>,
    /// Cases in flight at once. Defaults to the machine's parallelism.
    pub jobs: usize,
    /// Per request. Defaults to 10 s.
    pub timeout: Duration,
    /// Extra attempts after a transport error (never after a failed expectation). Defaults to 0.
    pub retries: u32,
    /// Skip the cases not yet started after the first failure.
    pub fail_fast: bool,
    pub snapshots: SnapshotMode,
}

impl RunConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            vars: BTreeMap::new(),
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            timeout: Duration::from_secs(10),
            retries: 0,
            fail_fast: false,
            snapshots: SnapshotMode::Off,
        }
    }
}

/// Progress notifications for reporters.
#[derive(Debug)]
pub enum RunEvent<'a> {
    CaseStarted(&'a Case),
    CaseFinished(&'a CaseResult),
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
}

/// Runs cases against one base URL with one HTTP client.
pub struct Runner {
    client: reqwest::Client,
    schemas: Arc<SchemaSet>,
    config: RunConfig,
    generators: Arc<Generators>,
}

/// What a step needs to know about its case.
struct CaseContext<'a> {
    suite: &'a Suite,
    case: &'a Case,
    redactor: &'a Redactor,
}

impl CaseContext<'_> {
    /// The normalised response kept in snapshots: status, the suite's chosen headers, the body.
    fn snapshot_document(&self, response: &http::Response, body: Option<&Value>) -> Value {
        let mut headers = serde_json::Map::new();
        for name in &self.suite.snapshot.headers {
            if let Some(v) = response.header(name) {
                headers.insert(name.clone(), Value::String(v));
            }
        }
        serde_json::json!({
            "status": response.status,
            "headers": headers,
            "body": body.cloned().unwrap_or_else(|| Value::String(response.text.clone())),
        })
    }
}

impl Runner {
    pub fn new(config: RunConfig, schemas: Arc<SchemaSet>) -> Result<Self, RunError> {
        let client = crate::http::client_builder()
            .user_agent(concat!("conform/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.timeout)
            .build()
            .map_err(|e| RunError::Client(e.to_string()))?;
        Ok(Self { client, schemas, config, generators: Arc::new(Generators::new()) })
    }

    /// The suite's variables with command-line overrides applied.
    fn suite_vars(&self, suite: &Suite) -> Vars {
        let mut vars = Vars::new(self.generators.clone());
        vars.set("base_url", Value::String(self.config.base_url.clone()));
        for (name, value) in &self.config.vars {
            vars.set(name.clone(), Value::String(value.clone()));
        }
        // Suite defaults may refer to each other in any order: render in passes until nothing more resolves.
        let mut pending: Vec<&(String, crate::case::value::TValue)> =
            suite.vars.iter().filter(|(name, _)| !self.config.vars.contains_key(name)).collect();
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|(name, value)| match vars.render_value(value) {
                Ok(v) => {
                    vars.set(name.clone(), v);
                    false
                }
                Err(_) => true,
            });
            if pending.len() == before {
                break;
            }
        }
        // What cannot resolve (a cycle) keeps its template text, so a failure shows what was missing.
        for (name, value) in pending {
            let text = match value {
                crate::case::value::TValue::String(t) => t.to_string(),
                _ => String::new(),
            };
            vars.set(name.clone(), Value::String(text));
        }
        vars
    }

    /// Every secret value of the given suites (declared secrets and `*token*`-like names), after overrides.
    pub fn redactor(&self, suites: &[Suite]) -> Redactor {
        let mut values = Vec::new();
        for suite in suites {
            let vars = self.suite_vars(suite);
            for name in &suite.secrets {
                if let Some(v) = vars.get(name) {
                    values.push(vars::to_text(v));
                }
            }
        }
        for (name, value) in &self.config.vars {
            if crate::case::load::looks_secret(name) {
                values.push(value.clone());
            }
        }
        Redactor::new(values)
    }

    /// Runs one case: its steps in order until one fails, then every cleanup step.
    pub async fn run_case(&self, suite: &Suite, case: &Case, redactor: &Redactor) -> CaseResult {
        let started = Instant::now();
        let mut vars = self.suite_vars(suite);
        vars.set("run_id", Value::String(self.generators.run_id()));
        let mut steps = Vec::new();
        let mut setup_error = None;
        let mut case_secrets = Vec::new();
        for (name, value) in &case.vars {
            match vars.render_value(value) {
                Ok(v) => {
                    if crate::case::load::looks_secret(name) || suite.secrets.contains(name) {
                        case_secrets.push(vars::to_text(&v));
                    }
                    vars.set(name.clone(), v);
                }
                Err(e) => setup_error = Some(format!("variable `{name}`: {e}")),
            }
        }
        // A case's own secret-looking variables are masked in its results too.
        let case_redactor;
        let redactor = if case_secrets.is_empty() {
            redactor
        } else {
            case_redactor = redactor.with(case_secrets);
            &case_redactor
        };
        let ctx = CaseContext { suite, case, redactor };
        let mut stopped = setup_error.is_some();
        for (i, step) in case.steps.iter().enumerate() {
            if stopped {
                break;
            }
            let result = self.run_step(&ctx, step, i, Phase::Steps, &mut vars).await;
            stopped = result.outcome != Outcome::Passed;
            steps.push(result);
        }
        for (i, step) in case.cleanup.iter().enumerate() {
            steps.push(self.run_step(&ctx, step, i, Phase::Cleanup, &mut vars).await);
        }
        let outcome = if setup_error.is_some()
            || steps.iter().any(|s| s.outcome == Outcome::Errored && s.phase == Phase::Steps)
        {
            Outcome::Errored
        } else if steps.iter().any(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored)) {
            Outcome::Failed
        } else {
            Outcome::Passed
        };
        let mut result = CaseResult {
            id: case.id.clone(),
            location: case.location.clone(),
            description: case.description.clone(),
            tags: case.tags.clone(),
            requirements: case.requirements.clone(),
            outcome,
            duration: started.elapsed(),
            steps,
        };
        if let Some(e) = setup_error {
            result.steps.insert(0, result::StepResult::setup_error(case, e));
        }
        result.mask(redactor);
        result
    }

    /// Runs `plan` with up to `jobs` cases at once; results come back in plan order.
    pub async fn run(
        &self,
        suites: &[Suite],
        plan: &[(usize, usize)],
        on_event: &(dyn Fn(RunEvent<'_>) + Sync),
    ) -> RunResult {
        let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let started = Instant::now();
        let redactor = self.redactor(suites);
        let stop = AtomicBool::new(false);
        let redactor = &redactor;
        let stop = &stop;
        let mut results: Vec<(usize, CaseResult)> = futures::stream::iter(plan.iter().enumerate())
            .map(|(order, &(s, c))| async move {
                let suite = &suites[s];
                let case = &suite.cases[c];
                let result = if stop.load(Ordering::Relaxed) {
                    skipped(case)
                } else {
                    on_event(RunEvent::CaseStarted(case));
                    let r = self.run_case(suite, case, redactor).await;
                    if self.config.fail_fast && r.outcome != Outcome::Passed {
                        stop.store(true, Ordering::Relaxed);
                    }
                    r
                };
                on_event(RunEvent::CaseFinished(&result));
                (order, result)
            })
            .buffer_unordered(self.config.jobs.max(1))
            .collect()
            .await;
        results.sort_by_key(|(order, _)| *order);
        RunResult {
            base_url: redactor.redact(&self.config.base_url).into_owned(),
            started_at,
            duration: started.elapsed(),
            cases: results.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

/// A case not run because `--fail-fast` stopped the run.
fn skipped(case: &Case) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        location: case.location.clone(),
        description: case.description.clone(),
        tags: case.tags.clone(),
        requirements: case.requirements.clone(),
        outcome: Outcome::Skipped,
        duration: Duration::ZERO,
        steps: Vec::new(),
    }
}
