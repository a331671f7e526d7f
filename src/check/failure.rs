//! Constructors for [`Failure`]: every broken expectation is built here, with its kind and the place in the
//! case file that made it, so the message wording of each kind lives in one place.

use serde_json::Value;

use super::body::{Mismatch, brief};
use super::schema::SchemaViolation;
use crate::case::{Capture, CaptureSource, Level, Location};
use crate::results::{Failure, FailureKind};

impl Failure {
    fn new(kind: FailureKind, at: &Location, path: impl Into<String>, message: String) -> Self {
        Failure {
            kind,
            level: Level::Must,
            path: path.into(),
            message,
            expected: None,
            actual: None,
            diff: None,
            location: Some(at.clone()),
        }
    }

    fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    fn actual(mut self, actual: Option<String>) -> Self {
        self.actual = actual;
        self
    }

    fn diff(mut self, diff: Option<String>) -> Self {
        self.diff = diff;
        self
    }

    /// The status is not one of those allowed. `expected` describes them (`201`, `one of 200, 204`).
    pub(crate) fn status(expected: String, actual: u16, body_excerpt: &str, at: &Location) -> Self {
        let excerpt = if body_excerpt.is_empty() { String::new() } else { format!(" — {body_excerpt}") };
        Failure::new(FailureKind::Status, at, "", format!("status: expected {expected}, got {actual}{excerpt}"))
            .expected(expected)
            .actual(Some(actual.to_string()))
    }

    pub(crate) fn header(name: &str, mismatch: Mismatch, at: &Location) -> Self {
        let message = format!("header {name}: {}", mismatch.message().trim_start_matches("$: "));
        Failure::new(FailureKind::Header, at, name, message).expected(mismatch.expected).actual(mismatch.actual)
    }

    /// A body value broke its matcher; `diff` goes with the first mismatch of a body only.
    pub(crate) fn body(mismatch: Mismatch, diff: Option<String>, at: &Location) -> Self {
        Failure::new(FailureKind::Body, at, mismatch.path.clone(), format!("body {}", mismatch.message()))
            .expected(mismatch.expected)
            .actual(mismatch.actual)
            .diff(diff)
    }

    /// A body was expected to be JSON and is not.
    pub(crate) fn unparsable_body(reason: &str, body_excerpt: String, at: &Location) -> Self {
        Failure::new(FailureKind::Body, at, "$", reason.to_string()).expected("a JSON body").actual(Some(body_excerpt))
    }

    pub(crate) fn schema(schema: &str, violation: SchemaViolation, at: &Location) -> Self {
        let path = if violation.instance_path.is_empty() { "/".to_string() } else { violation.instance_path };
        let message = format!("schema {schema}: at {path}: {} (keyword `{}`)", violation.message, violation.keyword);
        Failure::new(FailureKind::Schema, at, path, message)
            .expected(format!("{} ({})", violation.keyword, violation.schema_path))
    }

    /// A capture that is not optional found nothing at its source.
    pub(crate) fn missing_capture(capture: &Capture, body: Option<&Value>, at: &Location) -> Self {
        let (path, source) = match &capture.source {
            CaptureSource::Header(h) => (h.clone(), format!("header `{h}`")),
            CaptureSource::Body(p) => (p.clone(), format!("body pointer `{p}`")),
        };
        let message = format!("cannot capture `{}`: {source} is not in the response", capture.name);
        Failure::new(FailureKind::Body, at, path, message).expected(source).actual(body.map(brief))
    }

    /// The items of a paginated walk broke the `items` matcher.
    pub(crate) fn items(pages: u32, mismatch: Mismatch, at: &Location) -> Self {
        let message = format!("items of {pages} page(s): {}", mismatch.message());
        Failure::new(FailureKind::Items, at, mismatch.path, message).expected(mismatch.expected).actual(mismatch.actual)
    }

    /// A page of a paginated walk has no array where its items should be.
    pub(crate) fn no_items_array(page: i64, pointer: &str, found: Option<&Value>, at: &Location) -> Self {
        Failure::new(FailureKind::Items, at, pointer, format!("page {page}: no array at {pointer}"))
            .expected("an array")
            .actual(found.map(brief))
    }

    /// Every walk over the pages saw the list change under it.
    pub(crate) fn list_kept_changing(walks: u32, pointer: &str, at: &Location) -> Self {
        let message = format!(
            "the list changed during each of {walks} walk(s) (the value at {pointer} moved between pages), so its \
             pages could not be checked together"
        );
        Failure::new(FailureKind::Items, at, pointer, message)
            .expected(format!("the same value at {pointer} on every page of one walk"))
    }

    pub(crate) fn snapshot_changed(name: &str, diff: String, at: &Location) -> Self {
        let message = format!(
            "the response differs from snapshot `{name}` (review with `cargo insta review`, or accept with \
             `--update-snapshots`)"
        );
        Failure::new(FailureKind::Snapshot, at, "", message).diff(Some(diff))
    }

    /// A `should` expectation that uses a variable without a value (an optional capture that found nothing).
    pub(crate) fn unset_in_should(variable: &str, at: &Location) -> Self {
        let message = format!("cannot check: variable `{variable}` has no value (its optional capture found nothing)");
        Failure::new(FailureKind::Body, at, "", message).expected(format!("a value for `{variable}`"))
    }

    /// The failures of one response past those shown, counted; placed where the first of them is.
    pub(crate) fn more(count: usize, first: &Failure) -> Self {
        Failure {
            kind: first.kind,
            level: first.level,
            path: String::new(),
            message: format!("… and {count} more failure(s) of this response, not shown"),
            expected: None,
            actual: None,
            diff: None,
            location: first.location.clone(),
        }
    }

    /// The same failure, of an expectation at `level`.
    pub(crate) fn at_level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The same failure, said of one page of a walk.
    pub(crate) fn on_page(mut self, page: i64) -> Self {
        self.message = format!("page {page}: {}", self.message);
        self
    }
}
