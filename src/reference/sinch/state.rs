//! What every Sinch handler shares: the configuration and the group store behind its lock.

use std::sync::{Mutex, MutexGuard};

use super::config::SinchConfig;
use super::store::GroupStore;
use super::validate::Validator;
use crate::reference::RateLimiter;
use crate::reference::oauth::TokenStore;

/// The store sits behind a std mutex: handlers never await while holding it.
pub(crate) struct SinchState {
    pub(crate) config: SinchConfig,
    store: Mutex<GroupStore>,
    /// The access tokens `POST /oauth2/token` has issued.
    pub(crate) tokens: TokenStore,
    /// The limits enforced, if any.
    pub(crate) limiter: Option<RateLimiter>,
}

impl SinchState {
    pub(crate) fn new(config: SinchConfig, store: GroupStore) -> Self {
        let tokens = TokenStore::new(config.token_lifetime, "sinch");
        let limiter = config.rate_limit.map(RateLimiter::new);
        Self { config, store: Mutex::new(store), tokens, limiter }
    }

    /// A poisoned lock only means another handler panicked mid-request; the map itself is still usable.
    pub(crate) fn store(&self) -> MutexGuard<'_, GroupStore> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn validator(&self) -> Validator<'_> {
        Validator { config: &self.config }
    }
}
