//! Reports: file formats (JUnit, JSON, HTML), requirement coverage, CI annotations and the terminal summary.
//!
//! Every reporter is a function of a finished [`RunResult`](crate::results::RunResult) written against `io::Write`, so tests capture it.

pub mod baseline;
pub mod console;
pub mod coverage;
pub mod diff;
pub(crate) mod format;
pub mod github;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod junit;
pub mod matrix;
pub mod summary;
pub(crate) mod tally;

pub use coverage::{CoverageStatus, RequirementCoverage, SuiteCoverage};
pub use format::{ReportFormat, UnknownFormat, write_report};
pub(crate) use json::FORMAT as JSON_FORMAT;
