//! The reference server: a complete, in-memory implementation of every registered API (the Sinch Groups and
//! Xero Contact Groups APIs), the default target of `conform run` and `cargo test`, and `conform serve`.
//!
//! Each API lives in its own folder with the same layout (see `docs/adding-an-api.md`) and is registered by
//! one name in the `reference_apis!` line below.

mod config;
mod fault;
mod oauth;
mod rate_limit;
mod registry;
mod server;
mod variant;

pub use config::{RateLimits, ServerConfig, Settings, UnknownSetting};
pub use fault::{Fault, all_faults, closest_fault, find_fault};
pub use oauth::parse_token_lifetime;
pub use rate_limit::{Problem, RateLimit, RateLimiter};
pub(crate) use registry::ApiModule;
pub use registry::{Setting, banner, rate_limit_summary, settings};
pub use server::{BackgroundServer, MAX_BODY_BYTES, app};
pub use variant::{Variant, all_variants, closest_variant, find_variant};

pub(crate) use fault::{fault_catalogue, fault_level};

/// Declares each API's module (its folder) and lists its `API` in `APIS`, in this order.
macro_rules! reference_apis {
    ($($api:ident),+ $(,)?) => {
        $(mod $api;)+

        /// Every registered API.
        const APIS: &[&ApiModule] = &[$(&$api::API),+];
    };
}

reference_apis!(sinch, xero);
