//! The Xero router: paths under `/api.xro/2.0`, the shared state, and the auth gate around them all.
//!
//! A known path with a method it does not serve answers axum's 405 (with `Allow`); Xero documents 501 for
//! those, but 405 tells a client the path exists. Unknown paths under `/api.xro` answer Xero's plain 404.

use std::sync::Arc;

use axum::Router;
use axum::http::HeaderMap;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, put};

use super::super::ServerConfig;
use super::response::{Ctx, Format, Rendered, XeroError};
use super::store::{Data, Store};
use super::{auth, contacts, groups, seed};

#[derive(Clone)]
pub(crate) struct AppState {
    pub config: Arc<ServerConfig>,
    pub store: Arc<Store>,
}

impl AppState {
    pub(crate) fn ctx(&self, headers: &HeaderMap) -> Ctx<'_> {
        Ctx { config: &self.config, format: Format::from_headers(headers) }
    }

    /// Runs `handle` in the client's context and renders its answer or its error, so handlers only say what
    /// they do and every failure is rendered the one way Xero does.
    pub(crate) fn answer(
        &self,
        headers: &HeaderMap,
        handle: impl FnOnce(Ctx<'_>) -> Result<Rendered, XeroError>,
    ) -> Response {
        let ctx = self.ctx(headers);
        ctx.finish(handle(ctx)).into_response()
    }
}

/// Every Xero route, with an empty organisation or, with `config.with_data`, the sample one.
pub fn router(config: ServerConfig) -> Router {
    let data = if config.with_data { seed::sample_data() } else { Data::default() };
    let state = AppState { config: Arc::new(config), store: Arc::new(Store::new(data)) };
    Router::new()
        .route(
            "/api.xro/2.0/ContactGroups",
            get(groups::list).put(groups::put_collection).post(groups::post_collection),
        )
        .route("/api.xro/2.0/ContactGroups/{id}", get(groups::get_one).post(groups::update).delete(groups::delete))
        .route(
            "/api.xro/2.0/ContactGroups/{id}/Contacts",
            put(groups::add_contacts).delete(groups::remove_all_contacts),
        )
        .route("/api.xro/2.0/ContactGroups/{id}/Contacts/{contact_id}", delete(groups::remove_contact))
        .route("/api.xro/2.0/Contacts", get(contacts::list).put(contacts::create))
        .route("/api.xro/2.0/Contacts/{id}", get(contacts::get_one).post(contacts::update))
        .route("/api.xro", any(groups::unknown_route))
        .route("/api.xro/{*rest}", any(groups::unknown_route))
        .layer(middleware::from_fn_with_state(state.clone(), auth::require))
        .with_state(state)
}
