//! The gating commands behind the CLI (`baseline`, `diff`, `matrix`) and the baseline hook of `run`.

use std::path::Path;
use std::sync::Arc;

use conform::gate::baseline::{self, Baseline};
use conform::gate::diff::{Comparison, DiffOptions, compare_runs};
use conform::project::{Project, ProjectSource};
use conform::report::ReportFormat;
use conform::report::console;
use conform::run::{RunConfig, Runner};
use conform::secrets::Masked;
use conform::target::Target;

use crate::exit::Exit;
use crate::gate_cli::{BaselineCommand, BaselineWriteArgs, DiffArgs, MatrixArgs, TargetArg};

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

/// One side of a comparison: its project (the cases with that side's variables) and its running target.
pub(crate) struct Side {
    pub(crate) project: Arc<Project>,
    pub(crate) target: Target,
}

/// Loads the cases with `vars` then `CONFORM_VAR_*` then `CONFORM_<env_side>_VAR_*`, and starts or names
/// the target. Prints what went wrong and returns the exit code.
pub(crate) fn side(
    args: &crate::cli::CaseArgs,
    vars: &[(String, String)],
    env_prefix: Option<&str>,
    target: &TargetArg,
) -> Result<Side, Exit> {
    let mut source = ProjectSource::new(args.paths(), &args.specs)
        .with_vars(args.vars.iter().cloned())
        .with_vars(vars.iter().cloned())
        .with_env();
    if let Some(prefix) = env_prefix {
        source = source.with_env_prefixed(prefix);
    }
    let project = Project::load(&source).map_err(|e| {
        match &e {
            conform::project::ProjectError::Cases(errors) => eprintln!("{errors}"),
            other => eprintln!("error: {other}"),
        }
        Exit::InputError
    })?;
    let target = match target {
        TargetArg::Embedded => Target::embedded().map_err(|e| {
            eprintln!("error: cannot start the embedded reference server: {e}");
            Exit::Internal
        })?,
        TargetArg::Url(url) => Target::Remote(url.clone()),
    };
    Ok(Side { project: Arc::new(project), target })
}

/// A runner for one side that keeps every step's normalised response.
pub(crate) fn recording_runner(
    side: &Side,
    jobs: usize,
    timeout: std::time::Duration,
    suite_limits: bool,
) -> Result<Runner, Exit> {
    let mut config = RunConfig::new(side.target.base_url());
    config.jobs = jobs;
    config.timeout = timeout;
    config.suite_limits = suite_limits;
    config.embedded_target = side.target.is_embedded();
    Runner::new(side.project.clone(), config).map(Runner::recording_responses).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Internal
    })
}

pub fn diff(args: DiffArgs) -> Exit {
    conform::check::snapshot::init();
    let reference = match side(&args.cases, &args.reference_vars, Some("CONFORM_REFERENCE_VAR_"), &args.reference) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let candidate = match side(&args.cases, &args.candidate_vars, Some("CONFORM_CANDIDATE_VAR_"), &args.candidate) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = reference.project.plan(&args.select.selection());
    if plan.is_empty() {
        eprintln!("error: no case matches the selection (check --filter, --tag, --exclude-tag and --requirement)");
        return Exit::InputError;
    }
    // One case at a time by default: lists and limits are account-wide, and two servers only see the same
    // account state when the cases reach them in the same order.
    let jobs = args.jobs.unwrap_or(1);
    let limits = !args.no_suite_limits;
    let (ref_runner, cand_runner) = match (
        recording_runner(&reference, jobs, args.timeout, limits),
        recording_runner(&candidate, jobs, args.timeout, limits),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let runtime = match crate::commands::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    println!(
        "comparing {} case(s): reference {}, candidate {}",
        plan.len(),
        ref_runner.masker().mask(&reference.target.base_url()),
        cand_runner.masker().mask(&candidate.target.base_url())
    );
    let (ref_result, cand_result) =
        runtime.block_on(async { tokio::join!(ref_runner.run(&plan, &|_| {}), cand_runner.run(&plan, &|_| {})) });
    let options = DiffOptions {
        redact: args.redact.clone(),
        ignore: args.ignore.clone(),
        ordered: args.ordered.clone(),
        ordered_all: args.ordered_all,
    };
    let compared = compare_runs(&reference.project.suites, &ref_result, &cand_result, &options);
    // Each side's secrets are masked on both sides' values: a response may echo the other side's token.
    let compared = Masked::new(Masked::new(compared, ref_runner.masker()).into_inner(), cand_runner.masker());
    let color = console::use_color();
    let mut stdout = std::io::stdout().lock();
    let _ = conform::report::diff::write_terminal(&compared, args.verbose, color, &mut stdout);
    for (format, path) in &args.reports {
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|mut file| match format {
                ReportFormat::Html => conform::report::diff::write_html(&compared, &mut file),
                ReportFormat::Junit => conform::report::diff::write_junit(&compared, &mut file),
                ReportFormat::Json => conform::report::diff::write_json(&compared, &mut file),
            });
        if let Err(e) = written {
            eprintln!("error: cannot write the {format} report to {}: {e}", path.display());
            return Exit::Internal;
        }
    }
    if compared.count(Comparison::Differs) > 0 {
        Exit::Failed
    } else if compared.errored() {
        Exit::NotRun
    } else {
        Exit::Passed
    }
}

pub fn matrix(args: MatrixArgs) -> Exit {
    use conform::gate::matrix::{self, load_targets};
    conform::check::snapshot::init();
    let specs = match load_targets(&args.targets) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::InputError;
        }
    };
    let jobs = args.jobs.unwrap_or_else(conform::run::default_jobs);
    // Each target has its own project (its variables and credentials), runner and client: nothing of one
    // target is ever sent to another.
    let mut runners = Vec::new();
    let mut sides = Vec::new();
    for spec in &specs {
        let target =
            if spec.base_url == "embedded" { TargetArg::Embedded } else { TargetArg::Url(spec.base_url.clone()) };
        let vars: Vec<(String, String)> = spec.vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let side = match side(&args.cases, &vars, None, &target) {
            Ok(s) => s,
            Err(code) => return code,
        };
        let baseline = match load_baseline(spec.baseline.as_deref(), &side.project) {
            Ok(b) => b,
            Err(code) => return code,
        };
        let mut selection = args.select.selection();
        selection.exclude_tags.extend(spec.exclude_tags.iter().cloned());
        let plan = side.project.plan(&selection);
        let mut config = RunConfig::new(side.target.base_url());
        config.jobs = jobs;
        config.timeout = args.timeout;
        config.strict = args.strict;
        config.suite_limits = !args.no_suite_limits;
        config.embedded_target = side.target.is_embedded();
        let runner = match Runner::new(side.project.clone(), config) {
            Ok(r) => match baseline {
                Some(b) => r.with_baseline(b),
                None => r,
            },
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Internal;
            }
        };
        runners.push((spec.name.clone(), runner, plan));
        sides.push(side);
    }
    if runners.iter().all(|(_, _, plan)| plan.is_empty()) {
        eprintln!("error: no case matches the selection (check --filter, --tag, --exclude-tag and --requirement)");
        return Exit::InputError;
    }
    let runtime = match crate::commands::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    println!(
        "running against {} target(s): {}",
        specs.len(),
        specs.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
    );
    // Targets run concurrently, each with its own runner and `--jobs` budget.
    let results =
        runtime.block_on(futures::future::join_all(runners.iter().map(|(_, runner, plan)| runner.run(plan, &|_| {}))));
    let columns: Vec<(String, String, Vec<conform::results::CaseResult>)> = runners
        .iter()
        .zip(results)
        .map(|((name, runner, _), result)| {
            (name.clone(), runner.masker().mask(&result.base_url).into_owned(), result.into_inner().cases)
        })
        .collect();
    let mut table = matrix::build(&sides[0].project.suites, &columns, args.strict);
    // The table holds outcomes only; its URLs are masked with every target's secrets.
    for (_, runner, _) in &runners {
        table = Masked::new(table, runner.masker()).into_inner();
    }
    let table = Masked::new(table, &conform::secrets::Masker::default());
    drop(sides);
    let mut stdout = std::io::stdout().lock();
    let _ = conform::report::matrix::write_terminal(&table, &mut stdout);
    type Writer = fn(&Masked<matrix::Matrix>, &mut dyn std::io::Write) -> std::io::Result<()>;
    let outputs: [(&Option<std::path::PathBuf>, Writer); 3] = [
        (&args.json, conform::report::matrix::write_json),
        (&args.html, conform::report::matrix::write_html),
        (&args.markdown, conform::report::matrix::write_markdown),
    ];
    for (path, write) in outputs {
        let Some(path) = path else { continue };
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|mut file| write(&table, &mut file));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Exit::Internal;
        }
    }
    if table.any_failure() { Exit::Failed } else { Exit::Passed }
}
