//! conform: contract-conformance tests for HTTP APIs.

pub mod case;
pub mod check;
pub mod excerpt;
pub mod gate;
pub mod harness;
pub mod http;
pub mod project;
pub mod reference;
pub mod report;
pub mod rerun;
pub mod results;
pub mod run;
pub mod secrets;
pub mod select;
pub mod target;
