//! Reports: file formats (JUnit, JSON, HTML), requirement coverage, CI annotations and the terminal summary.
//!
//! Every reporter is a function of a finished [`RunResult`](crate::results::RunResult) written against `io::Write`, so tests capture it.

pub mod console;
pub mod coverage;
pub mod format;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod summary;
pub mod tally;

pub use coverage::{CoverageStatus, RequirementCoverage, SuiteCoverage};
pub use format::{ReportFormat, UnknownFormat, write_report};
