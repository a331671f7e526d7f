//! The `conform` binary: parse arguments, run the command, map the outcome to an exit code
//! (0 all passed, 1 a case failed, 2 wrong input).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Run(args) => commands::run(args),
        cli::Command::List(args) => commands::list(args),
        cli::Command::Check(args) => commands::check(args),
        cli::Command::Coverage(args) => commands::coverage(args),
        cli::Command::Serve(args) => commands::serve(args),
    }
}
