//! The gate in front of every Sinch route: the Bearer token and the service plan in the path (401).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::SinchError;
use super::faults::SinchFault;
use super::state::SinchState;

/// 401 unless the Bearer token and the service plan in the path are the configured ones. Runs before
/// routing decides 404 or 405, so an unauthenticated caller learns nothing about paths.
pub(crate) async fn authenticate(State(state): State<Arc<SinchState>>, request: Request, next: Next) -> Response {
    if state.config.has(SinchFault::AuthNotEnforced) {
        return next.run(request).await;
    }
    let config = &state.config;
    let token_ok = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && token.trim() == config.token
        });
    // Paths too short to name a plan (`/xms`, `/xms/v1`) are judged by the token alone, then 404.
    let plan_ok = match request.uri().path().split('/').nth(3) {
        Some(plan) if request.uri().path().starts_with("/xms/v1/") => plan == config.service_plan_id,
        _ => true,
    };
    if token_ok && plan_ok { next.run(request).await } else { SinchError::Unauthorized.into_response() }
}
