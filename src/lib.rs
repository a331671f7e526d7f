//! conform: contract-conformance tests for HTTP APIs.

pub mod case;
pub mod check;
pub mod http;
pub mod reference;
pub mod report;
pub mod run;
pub mod secrets;
pub mod select;
