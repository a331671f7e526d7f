//! What every Xero handler shares: the configuration and the organisation's data, and the two ways a
//! handler answers through them (`answer`, and `idempotent` for writes that honour `Idempotency-Key`).

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::config::XeroConfig;
use super::error::XeroError;
use super::render::{Ctx, Format, Rendered};
use super::request::idempotency_key;
use super::store::{Data, Store};
use crate::reference::RateLimiter;
use crate::reference::oauth::TokenStore;

#[derive(Clone)]
pub(crate) struct XeroState {
    pub(crate) config: Arc<XeroConfig>,
    pub(crate) store: Arc<Store>,
    /// The access and refresh tokens `POST /connect/token` has issued.
    pub(crate) tokens: Arc<TokenStore>,
    /// The tenant's rate limits, when the server enforces them.
    pub(crate) limiter: Option<Arc<RateLimiter>>,
}

impl XeroState {
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

    /// Runs `write` under the lock; with an `Idempotency-Key`, the first answer for that key on `route` is
    /// kept and given again instead of writing twice. Lookup, write and remembering share one lock, so even
    /// concurrent retries write once.
    pub(crate) fn idempotent(
        &self,
        headers: &HeaderMap,
        route: &str,
        write: impl FnOnce(Ctx<'_>, &mut Data) -> Result<Rendered, XeroError>,
    ) -> Response {
        self.answer(headers, |ctx| {
            let key = idempotency_key(headers)?.map(|key| format!("{route} {key}"));
            let mut data = self.store.lock();
            if let Some(replay) = key.as_deref().and_then(|key| data.replay(key)) {
                return Ok(replay);
            }
            let rendered = ctx.finish(write(ctx, &mut data));
            if let Some(key) = key {
                data.remember(key, rendered.clone());
            }
            Ok(rendered)
        })
    }
}
