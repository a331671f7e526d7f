//! Everything that stops a Xero request, as one `XeroError` enum, and the body Xero gives each: the
//! identity layer's problem JSON for 401 and 403, a plain-text 404, and the `ApiException` for 400s.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::faults::XeroFault;
use super::render::{Ctx, Format, Rendered};
use crate::reference::Variant;

/// Body of every 404, exactly as Xero sends it (plain text, not JSON).
pub(crate) const NOT_FOUND_TEXT: &str = "The resource you're looking for cannot be found";

/// Everything that stops a request, each rendered as the body Xero gives it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum XeroError {
    #[error("missing or wrong bearer token")]
    Unauthorized,
    /// An access token issued by `POST /connect/token` whose lifetime is over.
    #[error("access token expired")]
    TokenExpired(DateTime<Utc>),
    #[error("missing or wrong xero-tenant-id")]
    Forbidden,
    #[error("no such resource")]
    NotFound,
    /// Entities that failed validation, each echoed with its `ValidationErrors`.
    #[error("validation failed")]
    Validation(Vec<Value>),
    /// The request as a whole is unusable (bad JSON, bad `where`): a ValidationException without elements.
    #[error("{0}")]
    BadRequest(String),
    #[error("request body too large")]
    TooLarge,
}

impl Ctx<'_> {
    /// The body Xero sends for `error`.
    pub(crate) fn error(&self, error: &XeroError) -> Rendered {
        match error {
            XeroError::Unauthorized => problem(StatusCode::UNAUTHORIZED, "Unauthorized", "AuthorizationUnsuccessful"),
            // BEHAVIOURS.md §2.B item 13, observed: "TokenExpired: token expired at 04/09/2023 05:16:59" (UTC).
            XeroError::TokenExpired(at) => problem(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                &format!("TokenExpired: token expired at {}", at.format("%m/%d/%Y %H:%M:%S")),
            ),
            XeroError::Forbidden => problem(StatusCode::FORBIDDEN, "Forbidden", "AuthenticationUnsuccessful"),
            XeroError::NotFound if self.config.has(XeroFault::NotFoundJson) => Rendered::json(
                StatusCode::NOT_FOUND,
                &json!({"Type": null, "Title": "NotFound", "Status": 404, "Detail": NOT_FOUND_TEXT}),
            ),
            XeroError::NotFound => Rendered::text(StatusCode::NOT_FOUND, NOT_FOUND_TEXT),
            XeroError::TooLarge => Rendered::text(StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large."),
            XeroError::Validation(elements) if self.config.is(Variant::AltChoices) => {
                self.api_exception("A validation exception occurred", elements.iter().cloned().map(reworded).collect())
            }
            XeroError::Validation(elements) => self.api_exception("A validation exception occurred", elements.clone()),
            // alt-choices: reworded. BEHAVIOURS.md §2.B item 8 documents a `Message` only for validation failures;
            // a request-wide 400 (bad JSON, a `where` that does not parse) has no documented text.
            XeroError::BadRequest(message) if self.config.is(Variant::AltChoices) => {
                self.api_exception(&format!("The request cannot be processed. {message}"), Vec::new())
            }
            XeroError::BadRequest(message) => self.api_exception(message, Vec::new()),
        }
    }

    /// Renders `result`, whichever way it went.
    pub(crate) fn finish(&self, result: Result<Rendered, XeroError>) -> Rendered {
        result.unwrap_or_else(|error| self.error(&error))
    }

    fn api_exception(&self, message: &str, elements: Vec<Value>) -> Rendered {
        let mut body = Map::new();
        body.insert("ErrorNumber".into(), 10.into());
        body.insert("Type".into(), "ValidationException".into());
        body.insert("Message".into(), message.into());
        if !self.config.has(XeroFault::ValidationNoElements) {
            body.insert("Elements".into(), Value::Array(elements));
        }
        let body = Value::Object(body);
        match self.format {
            Format::Json => Rendered::json(StatusCode::BAD_REQUEST, &body),
            Format::Xml => Rendered::xml(StatusCode::BAD_REQUEST, "ApiException", &body),
        }
    }
}

/// Validation messages that a document quotes (BEHAVIOURS.md §2.B items 9, 10 and 11): kept word for word.
const QUOTED_MESSAGES: &[&str] = &[
    "You\u{2019}ve reached the limit of 100 contact groups.",
    "A Contact Group already exists with this name",
    "Unable to assign an Archived contact.",
];

/// alt-choices: an echoed element with its other `ValidationErrors` messages reworded. No document gives
/// their text (e.g. §2.D item 27: "no source shows the message text"); the quoted ones stay as quoted.
fn reworded(mut element: Value) -> Value {
    if let Some(Value::Array(errors)) = element.get_mut("ValidationErrors") {
        for error in errors.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::String(message)) = error.get_mut("Message")
                && !QUOTED_MESSAGES.contains(&message.as_str())
            {
                *message = format!("Validation failed: {message}");
            }
        }
    }
    element
}

/// The RFC 7807-style body Xero's identity layer sends for 401 and 403, always JSON.
fn problem(status: StatusCode, title: &str, detail: &str) -> Rendered {
    let body = json!({
        "Type": null,
        "Title": title,
        "Status": status.as_u16(),
        "Detail": detail,
        "Instance": Uuid::new_v4().to_string(),
        "Extensions": {},
    });
    let mut rendered = Rendered::json(status, &body);
    rendered.content_type = Some("application/json");
    rendered
}
