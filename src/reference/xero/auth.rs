//! The gate in front of every Xero route: bearer token first (401; a static token from the settings or one
//! issued by `POST /connect/token`), then the `xero-tenant-id` header (403).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::XeroError;
use super::faults::XeroFault;
use super::identity::FULL_SCOPE;
use super::state::XeroState;
use crate::reference::oauth::{TokenState, bearer_token};

pub(crate) async fn require(State(app): State<XeroState>, request: Request, next: Next) -> Response {
    match check(&app, request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => {
            let mut response = app.ctx(request.headers()).error(&error).into_response();
            // RFC 6750 §3.1: an expired token is `invalid_token`; the body alone says so in Xero's words.
            if let XeroError::TokenExpired(_) = error {
                let challenge = HeaderValue::from_static(r#"Bearer error="invalid_token", error_description="The access token expired""#);
                response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
            }
            response
        }
    }
}

/// What a token lets its bearer do.
enum Access {
    Full,
    /// The `accounting.contacts.read` scope only.
    Read,
}

fn check(app: &XeroState, method: &Method, headers: &HeaderMap) -> Result<(), XeroError> {
    let config = &app.config;
    let access = match bearer_token(headers) {
        Some(token) if token == config.token => Access::Full,
        Some(token) if token == config.read_token => Access::Read,
        Some(token) => match app.tokens.check(token) {
            TokenState::Valid { scope } if scope.split(' ').any(|s| s == FULL_SCOPE) => Access::Full,
            TokenState::Valid { .. } => Access::Read,
            TokenState::Expired { at } => return Err(XeroError::TokenExpired(at)),
            TokenState::Unknown if !token.is_empty() && config.has(XeroFault::AnyTokenAccepted) => Access::Full,
            TokenState::Unknown => return Err(XeroError::Unauthorized),
        },
        None => return Err(XeroError::Unauthorized),
    };
    // The read-only scope (accounting.contacts.read) is enough for GETs only; Xero refuses the rest with
    // 401 `AuthorizationUnsuccessful`.
    let reading = matches!(*method, Method::GET | Method::HEAD);
    if matches!(access, Access::Read) && !reading && !config.has(XeroFault::ReadTokenWrites) {
        return Err(XeroError::Unauthorized);
    }
    // HeaderMap lookups ignore case, so `Xero-Tenant-Id` works as well.
    match headers.get("xero-tenant-id") {
        None if config.has(XeroFault::TenantNotRequired) => Ok(()),
        Some(tenant)
            if String::from_utf8_lossy(tenant.as_bytes())
                .trim()
                .eq_ignore_ascii_case(&config.tenant_id) =>
        {
            Ok(())
        }
        _ => Err(XeroError::Forbidden),
    }
}
