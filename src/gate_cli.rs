//! Command-line definitions (clap) of the gating commands: `baseline`, `diff`, `matrix`. No logic.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::{CaseArgs, SelectArgs, parse_base_url, parse_report, parse_seconds, parse_var};

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Write a baseline of known deviations from a JSON report: every failed or non-strict case with its
    /// level, and an empty reason and link to fill in. Errored cases are left out (an environment problem is
    /// not a deviation of the implementation).
    #[command(
        after_help = "Examples:\n  conform run --base-url http://127.0.0.1:9000 --report json=out/report.json\n  conform baseline write --from out/report.json -o baseline.yaml\n  conform run --base-url http://127.0.0.1:9000 --baseline baseline.yaml --strict-baseline\n\nExit codes:\n  0  written\n  2  the report cannot be read or is not a conform JSON report\n  4  the baseline could not be written"
    )]
    Write(BaselineWriteArgs),
}

#[derive(Debug, Args)]
pub struct BaselineWriteArgs {
    /// A JSON report (`conform run --report json=FILE`).
    #[arg(long, value_name = "REPORT.json")]
    pub from: PathBuf,
    /// Write the baseline here instead of to stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `embedded` or an http(s) URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetArg {
    Embedded,
    Url(String),
}

fn parse_target(s: &str) -> Result<TargetArg, String> {
    if s == "embedded" { Ok(TargetArg::Embedded) } else { parse_base_url(s).map(TargetArg::Url) }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub cases: CaseArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The implementation to compare against: a URL, or `embedded` for the embedded reference server.
    #[arg(long, value_name = "URL|embedded", value_parser = parse_target)]
    pub reference: TargetArg,
    /// The implementation under comparison: a URL, or `embedded`.
    #[arg(long, value_name = "URL|embedded", value_parser = parse_target)]
    pub candidate: TargetArg,
    /// A variable for the reference only (repeatable); overrides --var. `CONFORM_REFERENCE_VAR_NAME` overrides it.
    #[arg(long = "reference-var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub reference_vars: Vec<(String, String)>,
    /// A variable for the candidate only (repeatable); overrides --var. `CONFORM_CANDIDATE_VAR_NAME` overrides it.
    #[arg(long = "candidate-var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub candidate_vars: Vec<(String, String)>,
    /// Also redact this selector on both sides (insta syntax, e.g. `.body.x_vendor`), besides each suite's
    /// `snapshot.redact` (repeatable).
    #[arg(long, value_name = "SELECTOR")]
    pub redact: Vec<String>,
    /// Leave out this member on both sides (insta syntax, e.g. `.body.x_vendor` or `.body.groups[].x_vendor`):
    /// a field one implementation adds is then no difference (repeatable).
    #[arg(long, value_name = "SELECTOR")]
    pub ignore: Vec<String>,
    /// Compare this body array in order (e.g. `$.groups`); arrays are compared without order otherwise
    /// (repeatable).
    #[arg(long, value_name = "PATH")]
    pub ordered: Vec<String>,
    /// Compare every array in order.
    #[arg(long)]
    pub ordered_all: bool,
    /// Cases run at once on each side. Defaults to 1: lists and limits are account-wide, so the two sides
    /// only hold the same data when the cases reach them in the same order.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Per-request timeout, in seconds. Defaults to 10.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Ignore the suites' published limits (`rate_limit:`), e.g. when both sides are implementations of your
    /// own rather than the real service.
    #[arg(long)]
    pub no_suite_limits: bool,
    /// Write the comparison, `FORMAT=PATH` with FORMAT json, html or junit (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<(conform::report::ReportFormat, PathBuf)>,
    /// Also list the cases that answer the same and those not compared.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub cases: CaseArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The targets file: `targets:` with `name`, `base_url` (a URL or `embedded`), and optionally `vars`,
    /// `exclude_tags` (capabilities it lacks) and `baseline` per target.
    #[arg(long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Cases run at once on each target. Defaults to the machine's parallelism.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Per-request timeout, in seconds. Defaults to 10.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Fail non-strict cases too (their requirements show as fail).
    #[arg(long)]
    pub strict: bool,
    /// Ignore the suites' published limits (`rate_limit:`) on every target, e.g. when the targets are
    /// implementations of your own or loopback test servers rather than the real service. Each target keeps
    /// them otherwise (the embedded server has none).
    #[arg(long)]
    pub no_suite_limits: bool,
    /// Write the matrix as JSON.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write the matrix as one self-contained HTML page.
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Write the matrix as a Markdown table.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
}
