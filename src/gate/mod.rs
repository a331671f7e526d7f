//! Gating an implementation over time and against others: baselines of known deviations, differential runs
//! between two implementations, and the conformance matrix across several.

pub mod baseline;
pub mod diff;
pub mod matrix;
pub mod redact;
pub mod volatile;
