//! One case: its variables, its steps in order until one does not pass, then every cleanup step.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use super::runner::Runner;
use super::step::run_step;
use crate::case::value::TValue;
use crate::case::vars::{Generators, Vars, to_text};
use crate::case::{Case, Need, Suite};
use crate::check::schema::SchemaSet;
use crate::results::{CaseResult, Outcome, Phase, StepResult};
use crate::secrets::{Masked, Masker};
use crate::select::CaseRef;

/// What a step needs to know about the run and its case.
pub(super) struct CaseContext<'a> {
    pub(crate) transport: &'a super::transport::Transport,
    pub(crate) config: &'a super::RunConfig,
    pub(crate) schemas: &'a SchemaSet,
    pub(crate) suite: &'a Suite,
    pub(crate) case: &'a Case,
    pub(crate) masker: &'a Masker,
    /// Keep each step's normalised response in its result (differential runs).
    pub(crate) record_responses: bool,
    /// The run's budgets and tokens.
    pub(crate) access: &'a super::exchange::Access,
    /// What throttled answers have made this case wait so far (bounded by `--max-throttle-wait`).
    pub(crate) throttle_waited: std::sync::Mutex<std::time::Duration>,
}

pub(super) async fn run_case(runner: &Runner, at: CaseRef, masker: &Masker) -> Masked<CaseResult> {
    let started = Instant::now();
    let (suite, case) = runner.project.case(at);
    if let Some(reason) = runner.skip_reason(at) {
        return Masked::new(CaseResult::skipped(case, reason), masker);
    }
    let mut vars = suite_vars(suite, &runner.project.vars, &runner.config.base_url, &runner.generators);
    vars.set("run_id", Value::String(runner.generators.run_id()));
    let mut setup_error = None;
    let mut case_secrets = Vec::new();
    for (name, value) in &case.vars {
        match vars.render_value(value) {
            Ok(v) => {
                if suite.is_secret(name) {
                    case_secrets.push((name.clone(), to_text(&v)));
                }
                vars.set(name.clone(), v);
            }
            Err(e) => setup_error = Some(format!("variable `{name}`: {e}")),
        }
    }
    // A case's own secret-looking variables are masked in its results too.
    let case_masker;
    let masker = if case_secrets.is_empty() {
        masker
    } else {
        case_masker = masker.with(case_secrets);
        &case_masker
    };
    let ctx = CaseContext {
        transport: &runner.transport,
        config: &runner.config,
        schemas: &runner.project.schemas,
        suite,
        case,
        masker,
        record_responses: runner.record_responses,
        access: &runner.access,
        throttle_waited: Default::default(),
    };
    let tokens = runner.access.tokens(&suite.name);
    if setup_error.is_none()
        && let Some(tokens) = tokens
        && let Err(e) = tokens.current().await
    {
        setup_error = Some(e);
    }
    let mut steps = Vec::new();
    if setup_error.is_none() {
        for (i, step) in case.steps.iter().enumerate() {
            set_token(tokens, &mut vars).await;
            let result = run_step(&ctx, step, i, Phase::Steps, &mut vars).await;
            // A `should` difference does not stop the case: the contract held.
            let passed = matches!(result.outcome, Outcome::Passed | Outcome::NonStrict);
            steps.push(result);
            if !passed {
                break;
            }
        }
    }
    for (i, step) in case.cleanup.iter().enumerate() {
        set_token(tokens, &mut vars).await;
        steps.push(run_step(&ctx, step, i, Phase::Cleanup, &mut vars).await);
    }
    let outcome =
        if setup_error.is_some() || steps.iter().any(|s| s.outcome == Outcome::Errored && s.phase == Phase::Steps) {
            Outcome::Errored
        } else if steps.iter().any(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored)) {
            Outcome::Failed
        } else if steps.iter().any(|s| s.outcome == Outcome::NonStrict) {
            // `--strict`: fidelity is part of the gate.
            if runner.config.strict { Outcome::Failed } else { Outcome::NonStrict }
        } else {
            Outcome::Passed
        };
    if let Some(e) = setup_error {
        steps.insert(0, StepResult::setup_error(case, e));
    }
    // Names made from the case's run id differ between any two runs: compared responses show the id's place.
    if let (true, Some(Value::String(run_id))) = (runner.record_responses, vars.get("run_id")) {
        for response in steps.iter_mut().filter_map(|s| s.response.as_mut()) {
            crate::check::snapshot::replace_text(response, run_id, "<run_id>");
        }
    }
    Masked::new(CaseResult::of(case, outcome, started.elapsed(), steps), masker)
}

/// Puts the run's OAuth2 token, fetched again when due, in its variable before a step renders its request. A
/// failed fetch leaves the last token: the request then gets its 401, and the exchange reports why.
async fn set_token(tokens: Option<&super::oauth::TokenSource>, vars: &mut Vars) {
    if let Some(tokens) = tokens
        && let Ok(token) = tokens.current().await
    {
        vars.set(tokens.token_var(), Value::String(token));
    }
}

/// A suite's variables: `base_url`, the values given from outside, then the suite's defaults for the rest.
pub(super) fn suite_vars(
    suite: &Suite,
    given: &BTreeMap<String, String>,
    base_url: &str,
    generators: &Arc<Generators>,
) -> Vars {
    let mut vars = Vars::new(generators.clone());
    vars.set("base_url", Value::String(base_url.to_string()));
    for (name, value) in given {
        vars.set(name.clone(), Value::String(value.clone()));
    }
    // Suite defaults may refer to each other in any order: render in passes until nothing more resolves.
    let mut pending: Vec<&(String, TValue)> = suite.vars.iter().filter(|(name, _)| !given.contains_key(name)).collect();
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
            TValue::String(t) => t.to_string(),
            _ => String::new(),
        };
        vars.set(name.clone(), Value::String(text));
    }
    vars
}

/// Why `case` cannot run against a non-embedded target with what the user gave, if it cannot: the variables
/// and capabilities it needs that were not given, and how to give them.
pub(super) fn unmet_needs(
    case: &Case,
    suite: &Suite,
    given_vars: &BTreeMap<String, String>,
    capabilities: &BTreeSet<String>,
) -> Option<String> {
    let mut missing = Vec::new();
    let mut how = Vec::new();
    for need in &case.needs {
        match need {
            Need::Var(name) if !given_vars.contains_key(name) => {
                missing.push(name.clone());
                how.push(format!("--var {name}=…"));
            }
            Need::Capability(name) if !capabilities.contains(name) => {
                let meaning = suite.capabilities.get(name).map(|m| format!(" ({m})")).unwrap_or_default();
                missing.push(format!("capability `{name}`{meaning}"));
                how.push(format!("--capability {name} if the target has it"));
            }
            _ => {}
        }
    }
    (!missing.is_empty()).then(|| format!("needs {} against this target: give {}", missing.join(", "), how.join(", ")))
}
