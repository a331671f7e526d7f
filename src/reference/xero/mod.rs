//! Xero Accounting API, Contact Groups (plus the minimum of Contacts), served under `/api.xro/2.0`.

mod auth;
mod contacts;
mod faults;
mod filter;
mod groups;
mod request;
mod response;
mod routes;
mod seed;
mod store;
mod writes;

pub use faults::FAULTS;
pub use routes::router;
