//! The Sinch SMS REST API (XMS) Groups endpoint of the reference server, with its catalogue of faults.

mod auth;
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

pub use faults::FAULTS;
pub use routes::router;
