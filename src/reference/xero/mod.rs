//! Xero Accounting API, Contact Groups (plus the minimum of Contacts), served under `/api.xro/2.0`.

mod auth;
mod config;
mod contacts;
mod error;
mod faults;
mod filter;
mod groups;
mod identity;
mod members;
mod render;
mod request;
mod routes;
mod seed;
mod state;
mod store;
mod throttle;
mod writes;

use crate::reference::ApiModule;

/// The Xero API, as the registry lists it.
pub(super) const API: ApiModule = ApiModule {
    name: "xero",
    title: "Xero",
    settings: config::SETTINGS,
    faults: faults::XeroFault::CATALOGUE,
    // developer.xero.com/documentation/guides/oauth2/limits: per tenant 60 calls a minute, 5,000 a day and 5
    // in progress (BEHAVIOURS.md §2.B item 15).
    published_rate_limit: Some("60/min,5000/day,5-concurrent"),
    router: routes::router,
    entry_path: routes::entry_path,
};
