//! The file report formats and the one entry point that renders, masks and writes them.

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use super::coverage::SuiteCoverage;
use super::{html, json, junit};
use crate::results::RunResult;
use crate::secrets::Masked;

/// A report written to a file (`--report junit=out.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    Junit,
    Json,
    Html,
}

impl ReportFormat {
    pub const ALL: [ReportFormat; 3] = [ReportFormat::Junit, ReportFormat::Json, ReportFormat::Html];

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Junit => "xml",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Junit => "junit",
            ReportFormat::Json => "json",
            ReportFormat::Html => "html",
        }
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format `{0}` (expected junit, json or html)")]
pub struct UnknownFormat(pub String);

impl FromStr for ReportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportFormat::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s)).ok_or_else(|| UnknownFormat(s.into()))
    }
}

/// Renders `run` as `format` and writes it to `out`. The results are masked, so no secret reaches the file.
pub fn write_report(
    format: ReportFormat,
    run: &Masked<RunResult>,
    coverage: &[SuiteCoverage],
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ReportFormat::Junit => junit::write_junit(run, out)?,
        ReportFormat::Json => json::write_json(run, coverage, out)?,
        ReportFormat::Html => html::write_html(run, coverage, out)?,
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_format_names() {
        assert_eq!("junit".parse::<ReportFormat>(), Ok(ReportFormat::Junit));
        assert_eq!("JSON".parse::<ReportFormat>(), Ok(ReportFormat::Json));
        assert_eq!("html".parse::<ReportFormat>(), Ok(ReportFormat::Html));
        let err = "xml".parse::<ReportFormat>().unwrap_err();
        assert_eq!(err.to_string(), "unknown report format `xml` (expected junit, json or html)");
        for f in ReportFormat::ALL {
            assert_eq!(f.to_string().parse::<ReportFormat>(), Ok(f));
        }
    }
}
