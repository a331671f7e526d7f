//! One step: render the request, send it, capture, check. The checking is `check::expect`, a pure function;
//! this file only orders the work and records it.

use std::time::{Duration, Instant};

use super::case::CaseContext;
use super::exchange::ExchangeError;
use super::paginate::paginated;
use super::request::render;
use super::transport::{RenderedRequest, TransportError};
use crate::case::vars::{RenderError, Vars};
use crate::case::{Level, Step};
use crate::check::snapshot::{self, SnapshotMode, SnapshotRequest};
use crate::check::{self, Response};
use crate::results::{Failure, Outcome, Phase, SnapshotOutcome, StepResult};
use crate::secrets::Masked;

/// Why a step stopped before its checks were done.
pub(super) enum Abort {
    Render(RenderError),
    /// The error of the last attempt, and the number of attempts.
    Transport(TransportError, u32),
    Invalid(String),
    /// A throttled answer asked for more waiting than allowed, or a fresh OAuth2 token could not be had.
    Access(String),
}

impl From<RenderError> for Abort {
    fn from(e: RenderError) -> Self {
        Abort::Render(e)
    }
}

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Abort::Render(e) => e.fmt(f),
            Abort::Transport(e, 1) => e.fmt(f),
            Abort::Transport(e, attempts) => write!(f, "{e} (after {attempts} attempts)"),
            Abort::Invalid(e) | Abort::Access(e) => f.write_str(e),
        }
    }
}

pub(super) async fn run_step(
    ctx: &CaseContext<'_>,
    step: &Step,
    index: usize,
    phase: Phase,
    vars: &mut Vars,
) -> StepResult {
    let started = Instant::now();
    let mut result = StepResult::new(step, phase);
    if let Some(pause) = step.pause {
        tokio::time::sleep(pause).await;
    }
    let done = match &step.paginate {
        None => single(ctx, step, index, vars, &mut result).await,
        Some(paginate) => paginated(ctx, step, paginate, vars, &mut result).await,
    };
    if let Err(abort) = done {
        result.outcome = match (&abort, phase) {
            // A cleanup step whose capture never happened has nothing to clean.
            (Abort::Render(RenderError::Unset(_)), Phase::Cleanup) => Outcome::Skipped,
            _ => Outcome::Errored,
        };
        result.error = Some(abort.to_string());
    } else if result.failures.iter().any(|f| f.level == Level::Must) {
        result.outcome = Outcome::Failed;
    } else if !result.failures.is_empty() {
        result.outcome = Outcome::NonStrict;
    }
    result.duration = started.elapsed();
    result
}

/// render → send → capture → check (→ snapshot).
async fn single(
    ctx: &CaseContext<'_>,
    step: &Step,
    index: usize,
    vars: &mut Vars,
    result: &mut StepResult,
) -> Result<(), Abort> {
    let request = render(ctx, step, vars, None)?;
    result.request = Some(request.line());
    let response = send_with_retries(ctx, &request, result).await?;
    result.status = Some(response.status);
    capture(step, &response, vars, result);
    result.failures.extend(check::expect(&step.expect, &step.location, &response, vars, ctx.schemas)?);
    if step.snapshot
        && let Some(dir) = ctx.config.snapshots.dir()
    {
        let name = snapshot::name(&ctx.case.id, &step.name, index);
        let request = SnapshotRequest {
            dir: &dir.join(&ctx.suite.name),
            name: &name,
            source: &step.location.file.to_string_lossy(),
            description: &format!("{} / {}", ctx.case.id, step.name),
            redact: &ctx.suite.snapshot.redact,
            accept_changes: matches!(ctx.config.snapshots, SnapshotMode::Update { .. }),
        };
        let document = Masked::new(snapshot::document(&response, &ctx.suite.snapshot.headers), ctx.masker);
        let outcome =
            snapshot::assert_snapshot(&request, &document).map_err(|e| Abort::Invalid(format!("snapshot: {e}")))?;
        if let SnapshotOutcome::Changed { diff } = &outcome {
            result.failures.push(Failure::snapshot_changed(&name, diff.clone(), &step.location));
        }
        result.snapshot = Some(outcome);
    }
    Ok(())
}

/// Sets the step's captures; a missing one that is not optional fails the step.
pub(super) fn capture(step: &Step, response: &Response, vars: &mut Vars, result: &mut StepResult) {
    let (values, failures) = check::captures(&step.captures, &step.location, response);
    for (name, value) in values {
        vars.set(name, value);
    }
    result.failures.extend(failures);
}

/// Sends with up to `retries` extra attempts after transport errors. `result.attempts` keeps the most any
/// request of the step needed (a paginated step sends several requests).
pub(super) async fn send_with_retries(
    ctx: &CaseContext<'_>,
    request: &RenderedRequest,
    result: &mut StepResult,
) -> Result<Response, Abort> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        result.attempts = result.attempts.max(attempts);
        // Budgets, throttled answers and token expiry are handled inside; only transport errors come here.
        let e = match super::exchange::send(ctx, request, result).await {
            Ok(response) => return Ok(response),
            Err(ExchangeError::Transport(e)) => e,
            Err(other) => return Err(Abort::Access(other.to_string())),
        };
        match e {
            _ if attempts <= ctx.config.retries => {
                // Transport errors only: a wrong answer is never retried. Back off a little each time.
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempts))).await;
            }
            e => return Err(Abort::Transport(e, attempts)),
        }
    }
}
