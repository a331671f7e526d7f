//! Placeholder: being written.

use axum::Router;

use super::{FaultInfo, ServerConfig};

pub const FAULTS: &[FaultInfo] = &[];

pub fn router(_config: ServerConfig) -> Router {
    Router::new()
}
