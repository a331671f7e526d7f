//! The Sinch SMS REST API (XMS) Groups endpoint of the reference server, under `/xms/v1/{service_plan_id}`.

mod auth;
mod config;
mod error;
mod faults;
mod groups;
mod members;
mod render;
mod request;
mod routes;
mod seed;
mod state;
mod store;
mod validate;
mod variant;

use crate::reference::ApiModule;

/// The Sinch API, as the registry lists it.
pub(super) const API: ApiModule = ApiModule {
    name: "sinch",
    title: "Sinch",
    settings: config::SETTINGS,
    faults: faults::SinchFault::CATALOGUE,
    router: routes::router,
    entry_path: routes::entry_path,
};
