//! Xero Accounting API, Contact Groups (plus the minimum of Contacts), served under `/api.xro/2.0`.

mod auth;
mod config;
mod contacts;
mod error;
mod faults;
mod filter;
mod groups;
mod members;
mod render;
mod request;
mod routes;
mod seed;
mod state;
mod store;
mod writes;

use crate::reference::ApiModule;

/// The Xero API, as the registry lists it.
pub(super) const API: ApiModule = ApiModule {
    name: "xero",
    title: "Xero",
    settings: config::SETTINGS,
    faults: faults::XeroFault::CATALOGUE,
    router: routes::router,
    entry_path: routes::entry_path,
};
