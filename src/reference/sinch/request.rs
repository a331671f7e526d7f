//! What handlers read from a request: the JSON body, the `{group_id}` path segment and integer query values.

use axum::body::Bytes;
use axum::extract::Path;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use super::error::SinchError;
use super::validate::parse_object;

/// The body as handlers take it: a rejection becomes a 400 or 413 of theirs (see [`json_body`]).
pub(crate) type Body = Result<Bytes, BytesRejection>;
/// The `{service_plan_id}/…/{group_id}` path as handlers take it: a rejection becomes a 404 (see [`group_id`]).
pub(crate) type GroupPath = Result<Path<(String, String)>, PathRejection>;

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The request body as a JSON object: 415 for a wrong content type, 413 over the size limit, else 400s.
pub(crate) fn json_body(headers: &HeaderMap, body: Body) -> Result<Map<String, Value>, SinchError> {
    if !is_json(headers) {
        return Err(SinchError::UnsupportedMediaType);
    }
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            SinchError::PayloadTooLarge
        } else {
            SinchError::InvalidJson(format!("The request body could not be read: {}", rejection.body_text()))
        }
    })?;
    parse_object(&bytes)
}

/// The `{group_id}` segment. An undecodable one names no group.
pub(crate) fn group_id(path: GroupPath) -> Result<String, SinchError> {
    path.map(|Path((_, id))| id).map_err(|_| SinchError::NotFound)
}

/// A `page` or `page_size` query value: an integer, else `syntax_invalid_parameter_format`.
pub(crate) fn query_integer(params: &[(String, String)], name: &str, default: u64) -> Result<i64, SinchError> {
    let Some((_, raw)) = params.iter().find(|(k, _)| k == name) else {
        return Ok(i64::try_from(default).unwrap_or(i64::MAX));
    };
    raw.trim().parse::<i64>().map_err(|_| SinchError::InvalidFormat {
        param: name.into(),
        value: raw.clone(),
        expected: "integer",
    })
}
