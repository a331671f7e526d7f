//! The `conform` binary: parse arguments, run the command, map the outcome to an exit code (see `exit.rs`).

mod cli;
mod commands;
mod exit;
mod gate_cli;
mod gate_commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Run(args) => commands::run(args).into(),
        cli::Command::List(args) => commands::list(args).into(),
        cli::Command::Validate(args) => commands::validate(args).into(),
        cli::Command::Coverage(args) => commands::coverage(args).into(),
        cli::Command::Serve(args) => commands::serve(args).into(),
        cli::Command::Baseline(command) => gate_commands::baseline(command).into(),
        cli::Command::Diff(args) => gate_commands::diff(args).into(),
        cli::Command::Matrix(args) => gate_commands::matrix(args).into(),
    }
}
