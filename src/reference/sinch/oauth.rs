//! Sinch's OAuth2 token endpoint, `POST /oauth2/token` (on `auth.sinch.com` for the real service): the
//! client-credentials grant with the project's access key as HTTP Basic `key_id:key_secret`, as Sinch's SDKs
//! send it (sinch-sdk-java `OAuthManager`: form `grant_type=client_credentials`, Basic auth). The answer is
//! `{"access_token","expires_in","scope","token_type":"bearer"}`; errors are RFC 6749 §5.2 bodies, with 401 for
//! a client that failed to authenticate through the Authorization header (§5.2 says so for that case).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::state::SinchState;
use crate::reference::oauth::TokenRequest;

/// `POST /oauth2/token`.
pub(crate) async fn token(
    State(state): State<Arc<SinchState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let mut response = match grant(&state, &headers, body) {
        Ok(response) => response,
        Err((status, error, description)) => {
            let mut response =
                (status, Json(json!({"error": error, "error_description": description}))).into_response();
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
            }
            response
        }
    };
    // RFC 6749 §5.1: token answers must not be cached.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

type TokenError = (StatusCode, &'static str, &'static str);

fn grant(state: &SinchState, headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Response, TokenError> {
    let invalid_request = |why| (StatusCode::BAD_REQUEST, "invalid_request", why);
    let body = body.map_err(|_| invalid_request("The request body could not be read."))?;
    let request = TokenRequest::read(headers, &body)
        .map_err(|_| invalid_request("The request must be a form with HTTP Basic client authentication."))?;
    match request.grant_type.as_deref() {
        None => return Err(invalid_request("The grant_type parameter is missing.")),
        Some("client_credentials") => {}
        Some(_) => {
            return Err((StatusCode::BAD_REQUEST, "unsupported_grant_type", "Only client_credentials is supported."));
        }
    }
    let config = &state.config;
    if !request.basic || !request.is_client(&config.key_id, &config.key_secret) {
        return Err((
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed: send the access key as HTTP Basic key_id:key_secret.",
        ));
    }
    let issued = state.tokens.issue("");
    let answer = json!({
        "access_token": issued.access_token,
        "expires_in": issued.expires_in,
        "scope": "",
        "token_type": "bearer",
    });
    Ok((StatusCode::OK, Json(answer)).into_response())
}
