//! conform: contract-conformance tests for HTTP APIs.

pub mod http;
pub mod reference;
