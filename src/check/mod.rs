//! Checking responses against expectations: pure functions of (expectation, response, variables) that return
//! [`Failure`](crate::results::Failure)s carrying the place in the case file that broke. Nothing here sends a
//! request or knows how a run is organised; snapshots are the one part that touches files.

pub mod body;
mod expect;
mod failure;
mod response;
pub mod schema;
pub mod snapshot;

pub(crate) use expect::{captures, expect, items, until_met};
pub(crate) use response::Response;
