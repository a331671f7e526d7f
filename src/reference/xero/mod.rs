//! Xero Accounting API, Contact Groups (plus the minimum of Contacts), served under `/api.xro/2.0`.

mod auth;
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

pub use faults::FAULTS;
pub use routes::router;
