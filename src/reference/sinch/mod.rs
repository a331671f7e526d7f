//! The Sinch SMS REST API (XMS) Groups endpoint of the reference server, under `/xms/v1/{service_plan_id}`.

mod auth;
mod config;
mod error;
mod faults;
mod groups;
mod members;
mod oauth;
mod render;
mod request;
mod routes;
mod seed;
mod state;
mod store;
mod throttle;
mod validate;
mod variant;

use crate::reference::ApiModule;

/// The Sinch API, as the registry lists it.
pub(super) const API: ApiModule = ApiModule {
    name: "sinch",
    title: "Sinch",
    settings: config::SETTINGS,
    faults: faults::SinchFault::CATALOGUE,
    // Sinch documents 429 ("too many outstanding requests") but no numbers for the Groups endpoint.
    published_rate_limit: None,
    router: routes::router,
    entry_path: routes::entry_path,
};
