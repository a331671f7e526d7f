//! What handlers read from a request: path ids, JSON bodies, query parameters, `order`, idempotency keys.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::config::XeroConfig;
use super::error::XeroError;
use crate::reference::Variant;
use super::filter::{self, Expr, Record};

/// Longest `Idempotency-Key` Xero accepts ("128 character max").
const MAX_IDEMPOTENCY_KEY_CHARS: usize = 128;

/// The query string as handlers take it: a rejection becomes a 400 of theirs rather than axum's.
pub(crate) type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;
/// The body as handlers take it: a rejection becomes a 400 or 413 of theirs (see [`body_bytes`]).
pub(crate) type Body = Result<Bytes, BytesRejection>;
/// One `{id}` path segment as handlers take it: a rejection becomes Xero's plain 404 (see [`id_in`]).
pub(crate) type IdPath = Result<Path<String>, PathRejection>;

/// A path id: anything that is not a GUID names no resource, so it is a 404 like an unknown GUID.
pub(crate) fn path_id(text: &str) -> Result<Uuid, XeroError> {
    Uuid::parse_str(text.trim()).map_err(|_| XeroError::NotFound)
}

/// The GUID of an `{id}` segment; one axum could not even extract names no resource either, so also a 404.
pub(crate) fn id_in(path: IdPath) -> Result<Uuid, XeroError> {
    path_id(&path.map_err(|_| XeroError::NotFound)?.0)
}

/// The query parameters, or a 400 when the query string does not decode.
///
/// minimal: only the SPEC's lowercase `where` and `order` are read; `Where` is an unknown parameter, ignored.
/// BEHAVIOURS.md §2.C item 18: SPEC names them lowercase, and a fake server only "may" match without case.
pub(crate) fn params_of(params: Params, config: &XeroConfig) -> Result<Vec<(String, String)>, XeroError> {
    let mut params = params.map(|Query(params)| params).map_err(|e| XeroError::BadRequest(e.body_text()))?;
    if config.is(Variant::Minimal) {
        params.retain(|(key, _)| ["where", "order"].iter().all(|name| !key.eq_ignore_ascii_case(name) || key.as_str() == *name));
    }
    Ok(params)
}

/// The body, or 413 when it is over the limit the router sets.
pub(crate) fn body_bytes(body: Body) -> Result<Bytes, XeroError> {
    body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => XeroError::TooLarge,
        _ => XeroError::BadRequest(format!("The request body could not be read: {}", rejection.body_text())),
    })
}

/// The array under `key` (matched without case, as Xero's .NET deserialiser does) of a JSON body.
pub(crate) fn entities(body: Body, key: &str) -> Result<Vec<Value>, XeroError> {
    let body = body_bytes(body)?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| XeroError::BadRequest(format!("The request body is not valid JSON: {e}")))?;
    let shape_error = || XeroError::BadRequest(format!("The request body must be an object with a {key} array."));
    let items = value.as_object().and_then(|object| field(object, key)).ok_or_else(shape_error)?;
    match items {
        Value::Array(items) if items.is_empty() => Err(XeroError::BadRequest(format!("The {key} array is empty."))),
        Value::Array(items) => Ok(items.clone()),
        _ => Err(shape_error()),
    }
}

/// `object[key]`, the key matched without case.
pub(crate) fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// A string field of a submitted entity; `null` counts as absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text {
    Absent,
    Given(String),
    Invalid,
}

impl Text {
    pub(crate) fn of(entity: &Value, key: &str) -> Self {
        match entity.as_object().and_then(|object| field(object, key)) {
            None | Some(Value::Null) => Text::Absent,
            Some(Value::String(text)) => Text::Given(text.clone()),
            Some(_) => Text::Invalid,
        }
    }

    pub(crate) fn given(&self) -> Option<&str> {
        match self {
            Text::Given(text) => Some(text),
            _ => None,
        }
    }
}

/// The value of query parameter `name`, matched without case (Xero's docs write `Where`, its SDKs `where`).
pub(crate) fn query_param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
}

/// The parsed `where` clause, if there is a non-blank one; one that does not parse is a 400, never ignored.
pub(crate) fn where_clause(params: &[(String, String)], fields: &[&'static str]) -> Result<Option<Expr>, XeroError> {
    match query_param(params, "where").map(str::trim) {
        None | Some("") => Ok(None),
        Some(clause) => filter::parse(clause, fields)
            .map(Some)
            .map_err(|e| XeroError::BadRequest(format!("The where clause could not be parsed: {e}"))),
    }
}

/// A parsed `order` parameter: `Name`, `Name ASC`, `Name DESC, Status`, …
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Order(Vec<(&'static str, bool)>);

impl Order {
    /// Parses `order`; `None` or blank means ascending by Name, the documented default.
    pub(crate) fn parse(order: Option<&str>, fields: &[&'static str]) -> Result<Self, XeroError> {
        let Some(order) = order.map(str::trim).filter(|o| !o.is_empty()) else {
            return Ok(Order(vec![("Name", false)]));
        };
        let invalid =
            |part: &str| XeroError::BadRequest(format!("The order clause '{}' is not supported.", part.trim()));
        let mut keys = Vec::new();
        for part in order.split(',') {
            let mut words = part.split_whitespace();
            let name = words.next().ok_or_else(|| invalid(part))?;
            let field = fields.iter().copied().find(|f| f.eq_ignore_ascii_case(name)).ok_or_else(|| invalid(part))?;
            let descending = match words.next().map(str::to_ascii_uppercase).as_deref() {
                None | Some("ASC") => false,
                Some("DESC") => true,
                Some(_) => return Err(invalid(part)),
            };
            if words.next().is_some() {
                return Err(invalid(part));
            }
            keys.push((field, descending));
        }
        Ok(Order(keys))
    }

    /// No keys: a stable sort keeps the store's (creation) order.
    pub(crate) fn unsorted() -> Self {
        Order(Vec::new())
    }

    /// The same keys, all ascending (for the fault that ignores `DESC`).
    pub(crate) fn ascending(self) -> Self {
        Order(self.0.into_iter().map(|(field, _)| (field, false)).collect())
    }

    /// Sorts stably, comparing text without case first, so ties keep creation order.
    pub(crate) fn sort<T: Record>(&self, items: &mut [&T]) {
        items.sort_by(|a, b| {
            self.0.iter().fold(std::cmp::Ordering::Equal, |acc, (field, descending)| {
                acc.then_with(|| {
                    let (x, y) = (a.field(field).unwrap_or_default(), b.field(field).unwrap_or_default());
                    let ordering = x.to_lowercase().cmp(&y.to_lowercase()).then_with(|| x.cmp(&y));
                    if *descending { ordering.reverse() } else { ordering }
                })
            })
        });
    }
}

/// What a list answers: the `items` that are `shown` and match `filter`, sorted by `order`.
pub(crate) fn select<'a, T: Record>(
    items: &'a [T],
    shown: impl Fn(&T) -> bool,
    filter: Option<&Expr>,
    order: &Order,
) -> Vec<&'a T> {
    let mut selected: Vec<&T> =
        items.iter().filter(|item| shown(item) && filter.is_none_or(|f| f.matches(*item))).collect();
    order.sort(&mut selected);
    selected
}

/// The `Idempotency-Key` header, if any; over 128 characters is a 400.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, XeroError> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = String::from_utf8_lossy(value.as_bytes()).trim().to_string();
    if key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS {
        return Err(XeroError::BadRequest("The Idempotency-Key header must be 128 characters or fewer.".into()));
    }
    Ok(Some(key).filter(|k| !k.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[&str] = &["Name", "Status"];

    #[test]
    fn order_accepts_documented_forms() {
        assert_eq!(Order::parse(None, FIELDS), Ok(Order(vec![("Name", false)])));
        assert_eq!(Order::parse(Some("name desc"), FIELDS), Ok(Order(vec![("Name", true)])));
        assert_eq!(Order::parse(Some("Status, Name DESC"), FIELDS), Ok(Order(vec![("Status", false), ("Name", true)])));
        assert!(Order::parse(Some("Colour"), FIELDS).is_err());
        assert!(Order::parse(Some("Name UP"), FIELDS).is_err());
        assert!(Order::parse(Some("Name,"), FIELDS).is_err());
    }
}
