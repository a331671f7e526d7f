//! Xero's identity service as far as a machine-to-machine client needs it: `POST /connect/token` (on
//! `identity.xero.com` for the real service) with the client-credentials grant of a custom connection and the
//! refresh-token grant. Answers and errors follow RFC 6749 §5 as Xero's IdentityServer sends them: every
//! error is a 400 with `{"error":"…"}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::state::XeroState;
use crate::reference::oauth::TokenRequest;

/// Read and write access to contacts and contact groups.
pub(crate) const FULL_SCOPE: &str = "accounting.contacts";
/// Read access only: GETs succeed, writes get 401.
pub(crate) const READ_SCOPE: &str = "accounting.contacts.read";

/// `POST /connect/token`.
pub(crate) async fn token(State(app): State<XeroState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    match grant(&app, &headers, body) {
        Ok(answer) => no_store((StatusCode::OK, Json(Value::Object(answer))).into_response()),
        Err(error) => no_store((StatusCode::BAD_REQUEST, Json(json!({"error": error}))).into_response()),
    }
}

/// The token answer, or the RFC 6749 error code.
fn grant(app: &XeroState, headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, &'static str> {
    let body = body.map_err(|_| "invalid_request")?;
    let request = TokenRequest::read(headers, &body).map_err(|_| "invalid_request")?;
    let grant_type = request.grant_type.as_deref().ok_or("invalid_request")?;
    if !matches!(grant_type, "client_credentials" | "refresh_token") {
        return Err("unsupported_grant_type");
    }
    if !request.is_client(&app.config.client_id, &app.config.client_secret) {
        return Err("invalid_client");
    }
    let (scope, refresh_token) = if grant_type == "client_credentials" {
        let scopes = request.scopes();
        if scopes.iter().any(|scope| ![FULL_SCOPE, READ_SCOPE].contains(scope)) {
            return Err("invalid_scope");
        }
        let scope = if scopes.is_empty() { FULL_SCOPE.to_string() } else { scopes.join(" ") };
        (scope, None)
    } else {
        let presented = request.refresh_token.as_deref().ok_or("invalid_request")?;
        let scope = app.tokens.redeem(presented).ok_or("invalid_grant")?;
        // Xero rotates refresh tokens: each refresh answers a new one.
        let next = app.tokens.issue_refresh(&scope);
        (scope, Some(next))
    };
    let issued = app.tokens.issue(&scope);
    let mut answer = Map::new();
    answer.insert("access_token".into(), issued.access_token.into());
    answer.insert("expires_in".into(), issued.expires_in.into());
    answer.insert("token_type".into(), "Bearer".into());
    if let Some(refresh_token) = refresh_token {
        answer.insert("refresh_token".into(), refresh_token.into());
    }
    answer.insert("scope".into(), scope.into());
    Ok(answer)
}

/// RFC 6749 §5.1: token answers must not be cached.
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
