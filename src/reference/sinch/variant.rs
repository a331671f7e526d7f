//! The parts of the conforming variants (`crate::reference::Variant`) that concern only how Sinch error
//! bodies read, applied to every response on its way out. The other choices are made where the behaviour is
//! (search for `Variant::`).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::SinchState;
use crate::reference::{MAX_BODY_BYTES, Variant};

/// alt-choices: the `text` of every `{code,text}` error is reworded. BEHAVIOURS.md §1.A item 4 fixes the shape
/// `{"code","text"}` and the codes; the texts are only examples ("text like …", §1.A item 17), so clients act
/// on `code`. minimal: 401 has no body. §1.A item 3: no body is documented for 401, only the status.
pub(crate) async fn apply(State(state): State<Arc<SinchState>>, response: Response) -> Response {
    match state.config.variant {
        Some(Variant::AltChoices) => reword(response).await,
        Some(Variant::Minimal) if response.status() == StatusCode::UNAUTHORIZED => {
            let (mut parts, _) = response.into_parts();
            parts.headers.remove(header::CONTENT_TYPE);
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::empty())
        }
        _ => response,
    }
}

async fn reword(response: Response) -> Response {
    if !(response.status().is_client_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY_BYTES).await else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let Ok(Value::Object(mut error)) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let Some(code) = error.get("code").and_then(Value::as_str) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let text = match code {
        "syntax_invalid_json" => "The body of the request is not JSON this operation understands.",
        "syntax_invalid_parameter_format" => "A parameter of the request is not in a valid format.",
        "syntax_constraint_violation" => "A parameter of the request breaks one of its constraints.",
        "unknown_group" => "A group named in the request does not exist or was deleted.",
        "conflict_group_name" => "Another group already has this name.",
        _ => "The request was refused.",
    };
    error.insert("text".into(), json!(text));
    let body = serde_json::to_vec(&Value::Object(error)).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
