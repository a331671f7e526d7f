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
use crate::results::{EarlierAttempt, Failure, Outcome, Phase, RetryRecord, SnapshotOutcome, StepResult};
use crate::secrets::Masked;

/// Why a step stopped before its checks were done.
pub(super) enum Abort {
    Render(RenderError),
    /// The error of the last attempt, and the number of attempts.
    Transport(TransportError, u32),
    /// A transport error after which a non-idempotent request was not resent (it may have been processed).
    NotResent(TransportError, u32, reqwest::Method),
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
            Abort::NotResent(e, attempts, method) => {
                let after = if *attempts > 1 { format!(" after {attempts} attempts") } else { String::new() };
                write!(
                    f,
                    "{e}{after}; not resent: a {method} may already have been processed (--retry-unsafe resends it)"
                )
            }
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
    if let Some(pause) = step.pause {
        tokio::time::sleep(pause).await;
    }
    let mut sent = None;
    let mut record = RetryRecord::default();
    let (mut result, done) = loop {
        let mut result = StepResult::new(step, phase);
        let done = match &step.paginate {
            None => single(ctx, step, vars, &mut result, &mut sent).await.map(Some),
            Some(paginate) => paginated(ctx, step, paginate, vars, &mut result, &mut sent).await.map(|()| None),
        };
        let Some(retry) = &step.retry else { break (result, done) };
        record.attempts += 1;
        // Only a broken contract is tried again: an error is no answer to wait out, and a `should` difference
        // is no reason to keep asking.
        let holds = done.is_err() || !result.failures.iter().any(|f| f.level == Level::Must);
        let wait = retry.wait_before(record.attempts + 1);
        if holds || record.attempts >= retry.attempts || record.waited + wait > retry.max_wait {
            result.retry = Some(std::mem::take(&mut record));
            break (result, done);
        }
        record.earlier.push(EarlierAttempt { status: result.status, failures: result.failures });
        tokio::time::sleep(wait).await;
        record.waited += wait;
    };
    let done = match done {
        Ok(Some(response)) if step.snapshot => snapshot(ctx, step, index, &response, &mut result),
        Ok(_) => Ok(()),
        Err(abort) => Err(abort),
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
    if matches!(result.outcome, Outcome::Failed | Outcome::Errored)
        && let Some(request) = &sent
    {
        result.curl = Some(super::curl::command(request, ctx.masker));
    }
    result.duration = started.elapsed();
    result
}

/// render → send → capture → check. Returns the response for the snapshot.
async fn single(
    ctx: &CaseContext<'_>,
    step: &Step,
    vars: &mut Vars,
    result: &mut StepResult,
    sent: &mut Option<RenderedRequest>,
) -> Result<Response, Abort> {
    let request = sent.insert(render(ctx, step, vars, None)?);
    result.request = Some(request.line());
    let response = send_with_retries(ctx, request, result).await?;
    result.status = Some(response.status);
    capture(step, &response, vars, result);
    result.failures.extend(check::expect(&step.expect, &step.location, &response, vars, ctx.schemas)?);
    if ctx.record_responses {
        result.response = Some(snapshot::document(&response, &ctx.suite.snapshot.headers));
    }
    Ok(response)
}

/// Compares the step's response with its stored snapshot (when the run keeps snapshots).
fn snapshot(
    ctx: &CaseContext<'_>,
    step: &Step,
    index: usize,
    response: &Response,
    result: &mut StepResult,
) -> Result<(), Abort> {
    let Some(dir) = ctx.config.snapshots.dir() else { return Ok(()) };
    let name = snapshot::name(&ctx.case.id, &step.name, index);
    let request = SnapshotRequest {
        dir: &dir.join(&ctx.suite.name),
        name: &name,
        source: &step.location.file.to_string_lossy(),
        description: &format!("{} / {}", ctx.case.id, step.name),
        redact: &ctx.suite.snapshot.redact,
        accept_changes: matches!(ctx.config.snapshots, SnapshotMode::Update { .. }),
    };
    let document = Masked::new(snapshot::document(response, &ctx.suite.snapshot.headers), ctx.masker);
    let outcome =
        snapshot::assert_snapshot(&request, &document).map_err(|e| Abort::Invalid(format!("snapshot: {e}")))?;
    if let SnapshotOutcome::Changed { diff } = &outcome {
        result.failures.push(Failure::snapshot_changed(&name, diff.clone(), &step.location));
    }
    result.snapshot = Some(outcome);
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
///
/// A non-idempotent request (POST, PATCH) that may have reached the server is not resent unless
/// `--retry-unsafe`: after a timeout the server may already have created the group, and a second POST would
/// create another one on a real account.
pub(super) async fn send_with_retries(
    ctx: &CaseContext<'_>,
    request: &RenderedRequest,
    result: &mut StepResult,
) -> Result<Response, Abort> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        result.attempts = result.attempts.max(attempts);
        let last_attempt = attempts > ctx.config.retries;
        // Budgets, throttled answers and token expiry are handled inside; only transport errors come here.
        let e = match super::exchange::send(ctx, request, result, last_attempt).await {
            Ok(response) => return Ok(response),
            Err(ExchangeError::Transport(e)) => e,
            Err(other) => return Err(Abort::Access(other.to_string())),
        };
        match e {
            // Once the target stopped answering, one attempt is all a (cleanup) request gets.
            e if attempts <= ctx.config.retries && e.is_retryable() && ctx.transport.stopped().is_none() => {
                if !safe_to_resend(&request.method, &e, ctx.config.retry_unsafe) {
                    // Not resent, so this was the request's last attempt after all.
                    ctx.transport.gave_up(&e);
                    return Err(Abort::NotResent(e, attempts, request.method.clone()));
                }
                // Transport errors only: a wrong answer is never retried. Back off a little each time.
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempts))).await;
            }
            e => return Err(Abort::Transport(e, attempts)),
        }
    }
}

/// Whether resending `method` after `error` cannot do the work twice: the method is idempotent (RFC 9110
/// §9.2.2), the request never reached the server, or the user accepted the risk.
fn safe_to_resend(method: &reqwest::Method, error: &TransportError, retry_unsafe: bool) -> bool {
    use reqwest::Method;
    let idempotent = [Method::GET, Method::HEAD, Method::PUT, Method::DELETE, Method::OPTIONS, Method::TRACE];
    retry_unsafe || idempotent.contains(method) || !error.may_have_reached_server()
}
