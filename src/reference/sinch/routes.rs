//! The Groups routes under `/xms/v1/{service_plan_id}`, wrapped in authentication and rate limits, and the
//! OAuth2 token endpoint `/oauth2/token`.

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};

use super::auth::authenticate;
use super::config::{SERVICE_PLAN_ID, SinchConfig};
use super::error::SinchError;
use super::seed::seed;
use super::state::SinchState;
use super::store::GroupStore;
use super::{groups, members, oauth, throttle, variant};
use crate::reference::ServerConfig;

/// The Sinch router. Unknown paths under `/xms` are 404 here (after authentication) rather than in a
/// fallback, because every API's router is merged into one app and only one of them may own the fallback.
pub(super) fn router(config: &ServerConfig) -> Router {
    let config = SinchConfig::new(config);
    let mut store = GroupStore::new(config.clone());
    if config.with_data {
        seed(&mut store);
    }
    let state = Arc::new(SinchState::new(config, store));
    Router::new()
        .route("/xms/v1/{service_plan_id}/groups", get(groups::list).post(groups::create))
        .route(
            "/xms/v1/{service_plan_id}/groups/{group_id}",
            get(groups::retrieve).post(groups::update).put(groups::replace).delete(groups::delete),
        )
        .route("/xms/v1/{service_plan_id}/groups/{group_id}/members", get(members::list))
        .route("/xms", any(not_found))
        .route("/xms/{*rest}", any(not_found))
        .layer(middleware::from_fn_with_state(state.clone(), throttle::limit))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::map_response_with_state(state.clone(), variant::apply))
        // auth.sinch.com's path, outside the API's gate and limits.
        .route("/oauth2/token", post(oauth::token))
        .with_state(state)
}

/// Anything under `/xms` that is not a Groups route.
async fn not_found() -> Response {
    SinchError::NotFound.into_response()
}

/// Where the groups of the configured service plan live, for the `conform serve` banner.
pub(super) fn entry_path(config: &ServerConfig) -> String {
    format!("/xms/v1/{}/groups", config.value(&SERVICE_PLAN_ID))
}
