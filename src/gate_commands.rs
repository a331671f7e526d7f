//! The gating commands behind the CLI (`baseline`, `diff`, `matrix`) and the baseline hook of `run`.

use std::path::Path;
use std::sync::Arc;

use conform::gate::baseline::{self, Baseline};
use conform::project::Project;

use crate::exit::Exit;
use crate::gate_cli::{BaselineCommand, BaselineWriteArgs};

/// The baseline `run --baseline` names, checked against the loaded cases; a bad one is printed here (exit 2).
pub fn load_baseline(path: Option<&Path>, project: &Project) -> Result<Option<Arc<Baseline>>, Exit> {
    let Some(path) = path else { return Ok(None) };
    let loaded = Baseline::load(path).and_then(|b| b.check_cases(project).map(|()| b));
    match loaded {
        Ok(b) => Ok(Some(Arc::new(b))),
        Err(e) => {
            eprintln!("error: {e}");
            Err(Exit::InputError)
        }
    }
}

pub fn baseline(command: BaselineCommand) -> Exit {
    match command {
        BaselineCommand::Write(args) => write_baseline(args),
    }
}

fn write_baseline(args: BaselineWriteArgs) -> Exit {
    let json = match std::fs::read_to_string(&args.from) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.from.display());
            return Exit::InputError;
        }
    };
    let written = match baseline::write_from_report(&args.from, &json) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::InputError;
        }
    };
    if !written.errored.is_empty() {
        eprintln!(
            "note: {} errored case(s) left out (could not run: not a deviation of the implementation): {}",
            written.errored.len(),
            written.errored.join(", ")
        );
    }
    match &args.output {
        None => print!("{}", written.yaml),
        Some(path) => {
            let result = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(path, &written.yaml));
            if let Err(e) = result {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Internal;
            }
            eprintln!("{} known deviation(s) written to {}", written.listed, path.display());
        }
    }
    Exit::Passed
}
