//! The Xero router: paths under `/api.xro/2.0` with the auth gate and the rate limits around them all, and
//! the token endpoint `/connect/token`.
//!
//! A known path with a method it does not serve answers axum's 405 (with `Allow`); Xero documents 501 for
//! those, but 405 tells a client the path exists. Unknown paths under `/api.xro` answer Xero's plain 404.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::middleware;
use axum::response::Response;
use axum::routing::{any, delete, get, post, put};

use super::config::XeroConfig;
use super::error::XeroError;
use super::state::XeroState;
use super::store::{Data, Store};
use super::identity::FULL_SCOPE;
use super::{auth, contacts, groups, identity, members, seed, throttle};
use crate::reference::oauth::TokenStore;
use crate::reference::{RateLimiter, ServerConfig, Variant};

/// Every Xero route, with an empty organisation or, with `config.with_data`, the sample one.
pub(super) fn router(config: &ServerConfig) -> Router {
    let config = XeroConfig::new(config);
    let data = if config.with_data { seed::sample_data() } else { Data::default() };
    // minimal: only the SPEC's operations. BEHAVIOURS.md §2.D item 20: POST /ContactGroups creates on the legacy
    // surface only ("a fake server may accept POST-create too"); §2.D item 22: there is no DELETE of a group,
    // "expect a non-2xx (404, or 405/501)". Without them, both answer 405.
    let minimal = config.is(Variant::Minimal);
    let tokens = TokenStore::new(config.token_lifetime, "xero");
    tokens.accept_refresh(&config.refresh_token, FULL_SCOPE);
    let limiter = config.rate_limit.map(|limit| Arc::new(RateLimiter::new(limit)));
    let state = XeroState { config: Arc::new(config), store: Arc::new(Store::new(data)), tokens: Arc::new(tokens), limiter };
    let collection = get(groups::list).put(groups::put_collection);
    let collection = if minimal { collection } else { collection.post(groups::post_collection) };
    let group = get(groups::get_one).post(groups::update);
    let group = if minimal { group } else { group.delete(groups::delete) };
    Router::new()
        .route("/api.xro/2.0/ContactGroups", collection)
        .route("/api.xro/2.0/ContactGroups/{id}", group)
        .route("/api.xro/2.0/ContactGroups/{id}/Contacts", put(members::add).delete(members::remove_all))
        .route("/api.xro/2.0/ContactGroups/{id}/Contacts/{contact_id}", delete(members::remove))
        .route("/api.xro/2.0/Contacts", get(contacts::list).put(contacts::create))
        .route("/api.xro/2.0/Contacts/{id}", get(contacts::get_one).post(contacts::update))
        .route("/api.xro", any(unknown_route))
        .route("/api.xro/{*rest}", any(unknown_route))
        .layer(middleware::from_fn_with_state(state.clone(), throttle::limit))
        .layer(middleware::from_fn_with_state(state.clone(), auth::require))
        // identity.xero.com's path, outside the API's gate and limits.
        .route("/connect/token", post(identity::token))
        .with_state(state)
}

/// Unknown paths under `/api.xro`: Xero's plain-text 404.
async fn unknown_route(State(app): State<XeroState>, headers: HeaderMap) -> Response {
    app.answer(&headers, |_| Err(XeroError::NotFound))
}

/// The contact groups' collection, for the `conform serve` banner.
pub(super) fn entry_path(_: &ServerConfig) -> String {
    "/api.xro/2.0/ContactGroups".into()
}
