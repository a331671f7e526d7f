//! A step's expectations against one response: status, headers, body, schema, captures and paginated items.
//! Pure functions of (expectation, response, variables): no I/O, so a step that polls until its expectations
//! hold can call them as often as it likes.

use serde_json::Value;

use super::Response;
use super::body;
use super::schema::SchemaSet;
use crate::case::matcher::Matcher;
use crate::case::vars::{RenderError, Vars};
use crate::case::{Capture, CaptureSource, Expect, Level, Location};
use crate::results::Failure;

/// How many bytes of a body a status failure quotes.
const EXCERPT_BYTES: usize = 200;

/// How many failures one response reports: a body wrong in each of its 10,000 members is one problem, and
/// its first few say what it is; the rest are counted.
const MAX_FAILURES: usize = 20;

/// Every broken expectation of `expect` in `response`, each with its level (the `should` block's at
/// `should`). `at` is the step, for failures with no closer place. Errs only when a template inside a matcher
/// cannot be rendered (a variable without a value).
pub(crate) fn expect(
    expect: &Expect,
    at: &Location,
    response: &Response,
    vars: &Vars,
    schemas: &SchemaSet,
) -> Result<Vec<Failure>, RenderError> {
    let mut failures = one_level(expect, at, response, vars, schemas, Level::Must)?;
    if let Some(should) = &expect.should {
        // A `should` expectation that needs a value the response did not give (an optional capture of a header
        // only the real service sends) is a `should` difference, not a step that cannot run.
        let found = match one_level(should, at, response, vars, schemas, Level::Should) {
            Ok(found) => found,
            Err(RenderError::Unset(name)) => vec![Failure::unset_in_should(&name, at)],
        };
        failures.extend(found.into_iter().map(|f| f.at_level(Level::Should)));
    }
    Ok(bounded(failures))
}

/// The first [`MAX_FAILURES`] failures, and one that counts the rest (at `must` if any of them is).
fn bounded(mut failures: Vec<Failure>) -> Vec<Failure> {
    if failures.len() <= MAX_FAILURES {
        return failures;
    }
    let rest = failures.split_off(MAX_FAILURES);
    let level = if rest.iter().any(|f| f.level == Level::Must) { Level::Must } else { Level::Should };
    failures.push(Failure::more(rest.len(), &rest[0]).at_level(level));
    failures
}

/// The expectations of one level. At `must` no status means any 2xx; at `should` it means no status check.
fn one_level(
    expect: &Expect,
    at: &Location,
    response: &Response,
    vars: &Vars,
    schemas: &SchemaSet,
    level: Level,
) -> Result<Vec<Failure>, RenderError> {
    let mut failures = Vec::new();
    let status_checked = level == Level::Must || !expect.status.is_empty();
    if status_checked && let Some(expected) = unexpected_status(&expect.status, response.status) {
        let at = expect.status_location.as_ref().unwrap_or(at);
        failures.push(Failure::status(expected, response.status, &response.excerpt(EXCERPT_BYTES), at));
    }
    for (name, matcher) in &expect.headers {
        let actual = response.header(name).map(Value::String);
        for mismatch in body::check(matcher, actual.as_ref(), vars)? {
            failures.push(Failure::header(name, mismatch, at));
        }
    }
    let value = match &response.body {
        Ok(value) => Some(value),
        Err(reason) => {
            if expect.body.is_some() || expect.schema.is_some() {
                failures.push(Failure::unparsable_body(reason, response.excerpt(EXCERPT_BYTES), at));
            }
            None
        }
    };
    if let (Some(matcher), Some(actual)) = (&expect.body, value) {
        let mismatches = body::check(matcher, Some(actual), vars)?;
        if !mismatches.is_empty() {
            // One diff of the whole body, shown with the first mismatch.
            let mut diff = body::expected_view(matcher, Some(actual), vars)?.map(|view| unified_diff(&view, actual));
            for mismatch in mismatches {
                failures.push(Failure::body(mismatch, diff.take(), at));
            }
        }
    }
    if let (Some(schema), Some(actual)) = (&expect.schema, value) {
        failures.extend(schemas.validate(schema, actual).into_iter().map(|v| Failure::schema(schema, v, at)));
    }
    Ok(failures)
}

/// What `statuses` allows, described, when `status` is not allowed. No statuses means any 2xx, so a step
/// without `status` still fails on an error answer.
fn unexpected_status(statuses: &[u16], status: u16) -> Option<String> {
    let allowed = if statuses.is_empty() { (200..300).contains(&status) } else { statuses.contains(&status) };
    if allowed {
        return None;
    }
    Some(match statuses {
        [] => "a 2xx status".to_string(),
        [one] => one.to_string(),
        many => format!("one of {}", many.iter().map(u16::to_string).collect::<Vec<_>>().join(", ")),
    })
}

/// The values a step captures from `response`, and a failure for each one missing that is not optional.
pub(crate) fn captures(
    captures: &[Capture],
    at: &Location,
    response: &Response,
) -> (Vec<(String, Value)>, Vec<Failure>) {
    let mut values = Vec::new();
    let mut failures = Vec::new();
    let body = response.value();
    for capture in captures {
        let value = match &capture.source {
            CaptureSource::Header(name) => response.header(name).map(Value::String),
            CaptureSource::Body(pointer) => body.and_then(|b| b.pointer(pointer)).cloned(),
        };
        match value {
            Some(v) => values.push((capture.name.clone(), v)),
            None if capture.optional => {}
            None => failures.push(Failure::missing_capture(capture, body, at)),
        }
    }
    (values, failures)
}

/// The `items` expectation of a paginated step, against the items of all `pages` it fetched.
pub(crate) fn items(
    expect: &Expect,
    collected: &Value,
    pages: u32,
    at: &Location,
    vars: &Vars,
) -> Result<Vec<Failure>, RenderError> {
    let mut failures = Vec::new();
    let levels = [(Some(expect), Level::Must), (expect.should.as_deref(), Level::Should)];
    for (expect, level) in levels {
        if let Some(matcher) = expect.and_then(|e| e.items.as_ref()) {
            let found = body::check(matcher, Some(collected), vars)?;
            failures.extend(found.into_iter().map(|m| Failure::items(pages, m, at).at_level(level)));
        }
    }
    Ok(failures)
}

/// Whether the items collected so far satisfy a walk's `until` condition.
pub(crate) fn until_met(until: &Matcher, collected: &Value, vars: &Vars) -> Result<bool, RenderError> {
    Ok(body::check(until, Some(collected), vars)?.is_empty())
}

/// A unified diff of two documents, pretty-printed (plain text; colour is added by the terminal reporter), cut
/// to [`DIFF_MAX_BYTES`](crate::excerpt::DIFF_MAX_BYTES) so a body that differs everywhere stays readable.
fn unified_diff(expected: &Value, actual: &Value) -> String {
    let expected = serde_json::to_string_pretty(expected).unwrap_or_default() + "\n";
    let actual = serde_json::to_string_pretty(actual).unwrap_or_default() + "\n";
    let diff = similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    crate::excerpt::diff(&diff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::FailureKind;

    fn failure(n: usize, level: Level) -> Failure {
        Failure {
            kind: FailureKind::Schema,
            level,
            path: format!("/members/{n}"),
            message: format!("failure {n}"),
            expected: None,
            actual: None,
            diff: None,
            location: None,
        }
    }

    #[test]
    fn a_response_reports_its_first_failures_and_counts_the_rest() {
        let few: Vec<Failure> = (0..MAX_FAILURES).map(|n| failure(n, Level::Must)).collect();
        assert_eq!(bounded(few.clone()), few);
        let mut many: Vec<Failure> = (0..10_000).map(|n| failure(n, Level::Should)).collect();
        many[9_999].level = Level::Must;
        let shown = bounded(many);
        assert_eq!(shown.len(), MAX_FAILURES + 1);
        assert_eq!(shown[MAX_FAILURES - 1].message, format!("failure {}", MAX_FAILURES - 1));
        let more = &shown[MAX_FAILURES];
        assert_eq!(
            more.message,
            format!("… and {} more failure(s) of this response, not shown", 10_000 - MAX_FAILURES)
        );
        assert_eq!(more.level, Level::Must, "a must among those cut keeps the step failed");
        assert_eq!(more.kind, FailureKind::Schema);
    }
}
