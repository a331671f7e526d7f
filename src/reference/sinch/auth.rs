//! The gate in front of every Sinch route: the Bearer token (the static one from the settings or one issued by
//! `POST /oauth2/token`) and the service plan in the path (401).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::SinchError;
use super::faults::SinchFault;
use super::state::SinchState;
use crate::reference::oauth::{TokenState, bearer_token};

/// 401 unless the Bearer token and the service plan in the path are the configured ones. Runs before
/// routing decides 404 or 405, so an unauthenticated caller learns nothing about paths.
pub(crate) async fn authenticate(State(state): State<Arc<SinchState>>, request: Request, next: Next) -> Response {
    if state.config.has(SinchFault::AuthNotEnforced) {
        return next.run(request).await;
    }
    let config = &state.config;
    let token = match bearer_token(request.headers()) {
        Some(token) if token == config.token => Ok(()),
        Some(token) => match state.tokens.check(token) {
            TokenState::Valid { .. } => Ok(()),
            TokenState::Expired { at } => Err(SinchError::TokenExpired(at)),
            TokenState::Unknown => Err(SinchError::Unauthorized),
        },
        None => Err(SinchError::Unauthorized),
    };
    // Paths too short to name a plan (`/xms`, `/xms/v1`) are judged by the token alone, then 404.
    let plan_ok = match request.uri().path().split('/').nth(3) {
        Some(plan) if request.uri().path().starts_with("/xms/v1/") => plan == config.service_plan_id,
        _ => true,
    };
    match token {
        Ok(()) if plan_ok => next.run(request).await,
        Ok(()) => SinchError::Unauthorized.into_response(),
        Err(error) => error.into_response(),
    }
}
