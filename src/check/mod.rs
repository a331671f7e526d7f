//! Checking responses against expectations: pure functions of (expectation, response, variables) that return
//! [`Failure`](crate::results::Failure)s carrying the place in the case file that broke. Nothing here sends a
//! request or knows how a run is organised; snapshots are the one part that touches files.

pub mod body;
mod expect;
mod failure;
mod response;
pub mod schema;
pub mod snapshot;

pub use expect::{captures, expect, items, unified_diff, until_met};
pub use response::Response;
