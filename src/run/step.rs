//! One step: render the request, send it (with retries for transport errors), check the response, capture.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{RenderedRequest, Response, TransportError, send};
use super::result::{Failure, FailureKind, Outcome, Phase, SnapshotOutcome, StepResult};
use super::vars::{RenderError, Vars, to_text};
use super::{CaseContext, Runner};
use crate::case::{CaptureSource, Expect, Location, RequestBody, Step};
use crate::check::body::{self, brief};
use crate::check::snapshot::{SnapshotRequest, assert_snapshot};

/// How a walk over pages ended.
enum Walk {
    Done,
    /// The `stable` value moved between pages.
    Changed,
}

/// Why a step stopped before its checks.
enum Abort {
    Render(RenderError),
    /// The error of the last attempt, and the number of attempts.
    Transport(TransportError, u32),
    Invalid(String),
}

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Abort::Render(e) => e.fmt(f),
            Abort::Transport(e, 1) => e.fmt(f),
            Abort::Transport(e, attempts) => write!(f, "{e} (after {attempts} attempts)"),
            Abort::Invalid(e) => f.write_str(e),
        }
    }
}

impl Runner {
    pub(super) async fn run_step(
        &self,
        ctx: &CaseContext<'_>,
        step: &Step,
        index: usize,
        phase: Phase,
        vars: &mut Vars,
    ) -> StepResult {
        let started = Instant::now();
        let mut result = StepResult {
            name: step.name.clone(),
            phase,
            location: step.location.clone(),
            request: None,
            status: None,
            duration: Duration::ZERO,
            outcome: Outcome::Passed,
            failures: Vec::new(),
            error: None,
            snapshot: None,
            attempts: 0,
            pages: 0,
        };
        if let Some(pause) = step.pause {
            tokio::time::sleep(pause).await;
        }
        let outcome = match &step.paginate {
            None => self.single(ctx, step, index, vars, &mut result).await,
            Some(_) => self.paginated(ctx, step, vars, &mut result).await,
        };
        if let Err(abort) = outcome {
            result.outcome = match (&abort, phase) {
                // A cleanup step whose capture never happened has nothing to clean.
                (Abort::Render(RenderError::Unset(_)), Phase::Cleanup) => Outcome::Skipped,
                _ => Outcome::Errored,
            };
            result.error = Some(abort.to_string());
        } else if !result.failures.is_empty() {
            result.outcome = Outcome::Failed;
        }
        result.duration = started.elapsed();
        result
    }

    async fn single(
        &self,
        ctx: &CaseContext<'_>,
        step: &Step,
        index: usize,
        vars: &mut Vars,
        result: &mut StepResult,
    ) -> Result<(), Abort> {
        let request = self.render(ctx, step, vars, None)?;
        result.request = Some(request.line());
        let response = self.send_with_retries(&request, result).await?;
        result.status = Some(response.status);
        take_captures(step, &response, vars, &mut result.failures);
        self.check_response(&step.expect, &step.location, &response, vars, &mut result.failures)
            .map_err(Abort::Render)?;
        let body = response.body.as_ref().ok();
        if step.snapshot
            && let Some(dir) = self.config.snapshots.dir()
        {
            let document = ctx.snapshot_document(&response, body);
            let name =
                format!("{}__{}__{}", ctx.case.id.file.replace('/', "__"), ctx.case.id.name, step_slug(step, index));
            let request = SnapshotRequest {
                dir: &dir.join(&ctx.suite.name),
                name: &name,
                source: &step.location.file.to_string_lossy(),
                description: &format!("{} / {}", ctx.case.id, step.name),
                redact: &ctx.suite.snapshot.redact,
                accept_changes: matches!(self.config.snapshots, crate::check::snapshot::SnapshotMode::Update { .. }),
            };
            match assert_snapshot(&request, &ctx.redactor.redact_json(&document)) {
                Ok(outcome) => {
                    if let SnapshotOutcome::Changed { diff } = &outcome {
                        result.failures.push(Failure {
                            kind: FailureKind::Snapshot,
                            path: String::new(),
                            message: format!("the response differs from snapshot `{name}` (review with `cargo insta review`, or accept with `--update-snapshots`)"),
                            expected: None,
                            actual: None,
                            diff: Some(diff.clone()),
                            location: Some(step.location.clone()),
                        });
                    }
                    result.snapshot = Some(outcome);
                }
                Err(e) => return Err(Abort::Invalid(format!("snapshot: {e}"))),
            }
        }
        Ok(())
    }

    async fn paginated(
        &self,
        ctx: &CaseContext<'_>,
        step: &Step,
        vars: &mut Vars,
        result: &mut StepResult,
    ) -> Result<(), Abort> {
        let paginate = step.paginate.as_ref().expect("paginated step");
        // One array for the whole walk, so `until` can look at it after every page without copying it.
        let mut collected = Value::Array(Vec::new());
        let walks = if paginate.stable.is_some() { paginate.restarts + 1 } else { 1 };
        for walk in 1..=walks {
            match self.walk(ctx, step, paginate, vars, result, &mut collected).await? {
                Walk::Done => break,
                Walk::Changed if walk == walks => {
                    let pointer = paginate.stable.clone().unwrap_or_default();
                    result.failures.push(Failure {
                        kind: FailureKind::Items,
                        path: pointer.clone(),
                        message: format!(
                            "the list changed during each of {walks} walk(s) (the value at {pointer} moved between \
                             pages), so its pages could not be checked together"
                        ),
                        expected: Some(format!("the same value at {pointer} on every page of one walk")),
                        actual: None,
                        diff: None,
                        location: Some(step.location.clone()),
                    });
                    return Ok(());
                }
                Walk::Changed => {
                    collected = Value::Array(Vec::new());
                    // Give the writers a moment: restarting at once mostly lands in the same burst of changes.
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(walk)).min(Duration::from_secs(1))).await;
                }
            }
        }
        if let Some(matcher) = &step.expect.items {
            let mismatches = body::check(matcher, Some(&collected), vars).map_err(Abort::Render)?;
            for m in mismatches {
                result.failures.push(Failure {
                    kind: FailureKind::Items,
                    message: format!("items of {} page(s): {}", result.pages, m.message()),
                    path: m.path,
                    expected: Some(m.expected),
                    actual: m.actual,
                    diff: None,
                    location: Some(step.location.clone()),
                });
            }
        }
        Ok(())
    }

    /// One walk over the pages from the first. Stops at an empty page, `max_pages`, a failed page, `until`, or
    /// when the `stable` value moves (the list changed under the walk, which offset paging cannot survive).
    async fn walk(
        &self,
        ctx: &CaseContext<'_>,
        step: &Step,
        paginate: &crate::case::Paginate,
        vars: &mut Vars,
        result: &mut StepResult,
        collected: &mut Value,
    ) -> Result<Walk, Abort> {
        let mut stable_value: Option<Option<Value>> = None;
        for page in (paginate.start..).take(paginate.max_pages as usize) {
            vars.set(paginate.param.clone(), Value::from(page));
            let request = self.render(ctx, step, vars, Some((&paginate.param, page)))?;
            result.request = Some(request.line());
            let response = self.send_with_retries(&request, result).await?;
            result.pages += 1;
            result.status = Some(response.status);
            if result.pages == 1 {
                take_captures(step, &response, vars, &mut result.failures);
            }
            let before = result.failures.len();
            self.check_response(&step.expect, &step.location, &response, vars, &mut result.failures)
                .map_err(Abort::Render)?;
            let body = response.body.as_ref().ok();
            if result.failures.len() > before {
                for f in &mut result.failures[before..] {
                    f.message = format!("page {page}: {}", f.message);
                }
                return Ok(Walk::Done);
            }
            if let Some(pointer) = &paginate.stable {
                let value = body.and_then(|b| b.pointer(pointer)).cloned();
                match &stable_value {
                    None => stable_value = Some(value),
                    Some(first) if *first != value => return Ok(Walk::Changed),
                    Some(_) => {}
                }
            }
            match body.and_then(|b| b.pointer(&paginate.items)) {
                Some(Value::Array(items)) if items.is_empty() => return Ok(Walk::Done),
                Some(Value::Array(items)) => {
                    if let Value::Array(all) = collected {
                        all.extend(items.iter().cloned());
                    }
                    if let Some(until) = &paginate.until
                        && body::check(until, Some(collected), vars).map_err(Abort::Render)?.is_empty()
                    {
                        return Ok(Walk::Done);
                    }
                }
                other => {
                    result.failures.push(Failure {
                        kind: FailureKind::Items,
                        path: paginate.items.clone(),
                        message: format!("page {page}: no array at {}", paginate.items),
                        expected: Some("an array".into()),
                        actual: other.map(brief),
                        diff: None,
                        location: Some(step.location.clone()),
                    });
                    return Ok(Walk::Done);
                }
            }
        }
        Ok(Walk::Done)
    }

    fn render(
        &self,
        ctx: &CaseContext<'_>,
        step: &Step,
        vars: &Vars,
        page: Option<(&str, i64)>,
    ) -> Result<RenderedRequest, Abort> {
        let req = &step.request;
        let path = vars.render_text(&req.path).map_err(Abort::Render)?;
        let mut url =
            reqwest::Url::parse(&format!("{}{}", self.config.base_url.trim_end_matches('/'), path)).map_err(|e| {
                Abort::Invalid(format!("invalid URL from base `{}` and path `{path}`: {e}", self.config.base_url))
            })?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &req.query {
                if page.is_some_and(|(p, _)| p == name) {
                    continue;
                }
                match vars.render_value(value).map_err(Abort::Render)? {
                    Value::Array(items) => items.iter().for_each(|v| {
                        pairs.append_pair(name, &to_text(v));
                    }),
                    Value::Null => {}
                    v => {
                        pairs.append_pair(name, &to_text(&v));
                    }
                }
            }
            if let Some((param, number)) = page {
                pairs.append_pair(param, &number.to_string());
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut set = |name: &str, value: Option<String>| {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            if let Some(v) = value {
                headers.push((name.to_string(), v));
            }
        };
        for (name, t) in &ctx.suite.headers {
            set(name, Some(vars.render_text(t).map_err(Abort::Render)?));
        }
        for (name, t) in &req.headers {
            let value = t.as_ref().map(|t| vars.render_text(t)).transpose().map_err(Abort::Render)?;
            set(name, value);
        }
        let has_content_type = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        let body = match &req.body {
            None => None,
            Some(RequestBody::Json(v)) => {
                let value = vars.render_value(v).map_err(Abort::Render)?;
                if !has_content_type {
                    headers.push(("content-type".into(), "application/json".into()));
                }
                Some(serde_json::to_vec(&value).expect("JSON values serialise"))
            }
            Some(RequestBody::Raw(t)) => Some(vars.render_text(t).map_err(Abort::Render)?.into_bytes()),
        };
        Ok(RenderedRequest { method: req.method.clone(), url, headers, body })
    }

    /// Sends with up to `retries` extra attempts after transport errors. `result.attempts` keeps the most any
    /// request of the step needed (a paginated step sends several requests).
    async fn send_with_retries(&self, request: &RenderedRequest, result: &mut StepResult) -> Result<Response, Abort> {
        let mut attempts = 0;
        loop {
            attempts += 1;
            result.attempts = result.attempts.max(attempts);
            match send(&self.client, request, self.config.timeout).await {
                Ok(response) => return Ok(response),
                Err(_) if attempts <= self.config.retries => {
                    // Transport errors only: a wrong answer is never retried. Back off a little each time.
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempts))).await;
                }
                Err(e) => return Err(Abort::Transport(e, attempts)),
            }
        }
    }

    /// Checks status, headers, body and schema.
    fn check_response(
        &self,
        expect: &Expect,
        at: &Location,
        response: &Response,
        vars: &Vars,
        failures: &mut Vec<Failure>,
    ) -> Result<(), RenderError> {
        let excerpt = || {
            let text: String = response.text.chars().take(200).collect();
            if text.is_empty() { String::new() } else { format!(" — {text}") }
        };
        // No `status` means success: any 2xx, so a step without one still fails on an error answer.
        let status_ok = if expect.status.is_empty() {
            (200..300).contains(&response.status)
        } else {
            expect.status.contains(&response.status)
        };
        if !status_ok {
            let expected = match expect.status.as_slice() {
                [] => "a 2xx status".to_string(),
                [one] => one.to_string(),
                many => format!("one of {}", many.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")),
            };
            failures.push(Failure {
                kind: FailureKind::Status,
                path: String::new(),
                message: format!("status: expected {expected}, got {}{}", response.status, excerpt()),
                expected: Some(expected),
                actual: Some(response.status.to_string()),
                diff: None,
                location: expect.status_location.clone().or_else(|| Some(at.clone())),
            });
        }
        for (name, matcher) in &expect.headers {
            let actual = response.header(name).map(Value::String);
            for m in body::check(matcher, actual.as_ref(), vars)? {
                failures.push(Failure {
                    kind: FailureKind::Header,
                    path: name.clone(),
                    message: format!("header {name}: {}", m.message().trim_start_matches("$: ")),
                    expected: Some(m.expected),
                    actual: m.actual,
                    diff: None,
                    location: Some(at.clone()),
                });
            }
        }
        let value = match &response.body {
            Ok(v) => Some(v),
            Err(e) => {
                if expect.body.is_some() || expect.schema.is_some() {
                    failures.push(Failure {
                        kind: FailureKind::Body,
                        path: "$".into(),
                        message: e.clone(),
                        expected: Some("a JSON body".into()),
                        actual: Some(response.text.chars().take(200).collect()),
                        diff: None,
                        location: Some(at.clone()),
                    });
                }
                None
            }
        };
        if let (Some(matcher), Some(actual)) = (&expect.body, &value) {
            let mismatches = body::check(matcher, Some(actual), vars)?;
            if !mismatches.is_empty() {
                let diff = body::expected_view(matcher, Some(actual), vars)?.map(|view| unified_diff(&view, actual));
                for (i, m) in mismatches.into_iter().enumerate() {
                    failures.push(Failure {
                        kind: FailureKind::Body,
                        message: format!("body {}", m.message()),
                        path: m.path,
                        expected: Some(m.expected),
                        actual: m.actual,
                        diff: if i == 0 { diff.clone() } else { None },
                        location: Some(at.clone()),
                    });
                }
            }
        }
        if let (Some(schema), Some(actual)) = (&expect.schema, &value) {
            for v in self.schemas.validate(schema, actual) {
                let path = if v.instance_path.is_empty() { "/".to_string() } else { v.instance_path.clone() };
                failures.push(Failure {
                    kind: FailureKind::Schema,
                    message: format!("schema {schema}: at {path}: {} (keyword `{}`)", v.message, v.keyword),
                    path,
                    expected: Some(format!("{} ({})", v.keyword, v.schema_path)),
                    actual: None,
                    diff: None,
                    location: Some(at.clone()),
                });
            }
        }
        Ok(())
    }
}

/// Sets the step's captures from the response; a missing value fails the step unless the capture is optional.
fn take_captures(step: &Step, response: &Response, vars: &mut Vars, failures: &mut Vec<Failure>) {
    if step.captures.is_empty() {
        return;
    }
    let body = response.body.as_ref().ok();
    for capture in &step.captures {
        let value = match &capture.source {
            CaptureSource::Header(name) => response.header(name).map(Value::String),
            CaptureSource::Body(pointer) => body.and_then(|b| b.pointer(pointer)).cloned(),
        };
        match value {
            Some(v) => vars.set(capture.name.clone(), v),
            None if capture.optional => {}
            None => failures.push(Failure {
                kind: FailureKind::Body,
                path: match &capture.source {
                    CaptureSource::Header(h) => h.clone(),
                    CaptureSource::Body(p) => p.clone(),
                },
                message: format!(
                    "cannot capture `{}`: {} is not in the response",
                    capture.name,
                    describe_source(&capture.source)
                ),
                expected: Some(describe_source(&capture.source)),
                actual: body.map(brief),
                diff: None,
                location: Some(step.location.clone()),
            }),
        }
    }
}

fn describe_source(source: &CaptureSource) -> String {
    match source {
        CaptureSource::Header(h) => format!("header `{h}`"),
        CaptureSource::Body(p) => format!("body pointer `{p}`"),
    }
}

/// A unified diff of two documents, pretty-printed (plain text; colour is added by the terminal reporter).
pub fn unified_diff(expected: &Value, actual: &Value) -> String {
    let expected = serde_json::to_string_pretty(expected).unwrap_or_default() + "\n";
    let actual = serde_json::to_string_pretty(actual).unwrap_or_default() + "\n";
    similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

/// A file-name-safe name for a step's snapshot: `02-rename`, from its position and name.
fn step_slug(step: &Step, index: usize) -> String {
    let slug: String = step
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug: String = slug.chars().take(40).collect();
    format!("{:02}-{slug}", index + 1)
}
