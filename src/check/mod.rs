//! Checking responses against expectations: pure functions of (expectation, response).

pub mod body;
pub mod schema;
pub mod snapshot;
