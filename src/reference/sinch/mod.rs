//! The Sinch SMS REST API (XMS) Groups endpoint of the reference server, with its catalogue of faults.

mod error;
mod faults;
mod handlers;
mod render;
mod routes;
mod seed;
mod store;
mod validate;

pub use faults::FAULTS;
pub use routes::router;
