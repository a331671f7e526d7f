//! Command-line definitions (clap) of the gating commands: `baseline`, `diff`, `matrix`. No logic.

use std::path::PathBuf;

use clap::{Args, Subcommand};

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
