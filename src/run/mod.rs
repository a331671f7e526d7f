//! Running: the only networked layer. Renders requests, sends them, captures values and hands responses to
//! the checks. Cases run concurrently; the steps of a case run in order.

mod case;
mod config;
mod curl;
mod exchange;
mod health;
mod oauth;
mod paginate;
mod repeat;
mod request;
mod runner;
mod step;
mod throttle;
mod transport;

pub use config::{DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_THROTTLE_WAIT, RunConfig, default_jobs};
pub use health::UNRESPONSIVE_AFTER;
pub use runner::{RunError, Runner};
pub use throttle::WaitStatus;
