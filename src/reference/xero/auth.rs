//! The gate in front of every Xero route: bearer token first (401), then the `xero-tenant-id` header (403).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::config::XeroConfig;
use super::error::XeroError;
use super::faults::XeroFault;
use super::state::XeroState;

pub(crate) async fn require(State(app): State<XeroState>, request: Request, next: Next) -> Response {
    match check(&app.config, request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(error) => app.ctx(request.headers()).error(&error).into_response(),
    }
}

fn check(config: &XeroConfig, method: &Method, headers: &HeaderMap) -> Result<(), XeroError> {
    let token = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
    });
    match token {
        Some(token) if token == config.token => {}
        // The read-only scope (accounting.contacts.read) is enough for GETs only; Xero refuses the rest with
        // 401 `AuthorizationUnsuccessful`.
        Some(token) if token == config.read_token => {
            let reading = matches!(*method, Method::GET | Method::HEAD);
            if !reading && !config.has(XeroFault::ReadTokenWrites) {
                return Err(XeroError::Unauthorized);
            }
        }
        Some(token) if !token.is_empty() && config.has(XeroFault::AnyTokenAccepted) => {}
        _ => return Err(XeroError::Unauthorized),
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
