//! The commands behind the CLI: each turns arguments into library calls and an exit code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use conform::case::{LoadOptions, Suite, load};
use conform::check::schema::SchemaSet;
use conform::check::snapshot::{self, SnapshotMode};
use conform::reference::{self, BackgroundServer, ServerConfig};
use conform::report::console::{self, ConsoleProgress, Verbosity};
use conform::report::{coverage, github, summary, write_report};
use conform::run::{RunConfig, Runner};

use crate::cli::{CaseArgs, CheckArgs, ListArgs, RunArgs, ServeArgs};

/// Exit status for a wrong input (broken case file, missing schema, bad flags), as clap uses for flags.
pub const INPUT_ERROR: u8 = 2;

/// Everything loaded from disk for a command.
struct Project {
    suites: Vec<Suite>,
    schemas: Arc<SchemaSet>,
    /// `--var` then `CONFORM_VAR_*`, later winning.
    vars: BTreeMap<String, String>,
}

/// `CONFORM_VAR_NAME=value` pairs; names are lowercased unless a suite declares the exact spelling.
fn env_vars() -> Vec<(String, String)> {
    std::env::vars().filter_map(|(k, v)| k.strip_prefix("CONFORM_VAR_").map(|n| (n.to_string(), v))).collect()
}

fn load_project(args: &CaseArgs) -> Result<Project, ExitCode> {
    let schemas = if args.specs.is_dir() {
        SchemaSet::load(&args.specs).map_err(|e| {
            eprintln!("error: {}: {e}", args.specs.display());
            ExitCode::from(INPUT_ERROR)
        })?
    } else {
        SchemaSet::empty()
    };
    let mut vars: BTreeMap<String, String> = args.vars.iter().cloned().collect();
    let env = env_vars();
    let extra: BTreeSet<String> = vars.keys().cloned().chain(env.iter().map(|(n, _)| n.clone())).collect();
    let options = LoadOptions {
        schema_names: schemas.names().map(String::from).collect(),
        extra_vars: extra.iter().cloned().chain(extra.iter().map(|n| n.to_ascii_lowercase())).collect(),
    };
    let suites = load(&args.paths(), &options).map_err(|errors| {
        eprintln!("{errors}");
        ExitCode::from(INPUT_ERROR)
    })?;
    let declared: BTreeSet<&str> = suites.iter().flat_map(|s| s.vars.iter().map(|(n, _)| n.as_str())).collect();
    for (name, value) in env {
        let name = if declared.contains(name.as_str()) { name } else { name.to_ascii_lowercase() };
        vars.insert(name, value);
    }
    Ok(Project { suites, schemas: Arc::new(schemas), vars })
}

pub fn run(args: RunArgs) -> ExitCode {
    snapshot::init();
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = args.select.selection().plan(&project.suites);
    if args.list {
        for &(s, c) in &plan {
            println!("{}", project.suites[s].cases[c].id);
        }
        println!("{} case(s) would run", plan.len());
        return ExitCode::SUCCESS;
    }
    if plan.is_empty() {
        // A shard of a small suite may hold nothing; anything else is a selection that matches nothing, which
        // must not pass a CI gate silently.
        if args.select.shard.is_some() {
            println!(
                "no case falls in shard {}",
                args.select.shard.map(|s| format!("{}/{}", s.index, s.total)).unwrap_or_default()
            );
            return ExitCode::SUCCESS;
        }
        eprintln!("error: no case matches the selection (check --filter, --tag, --exclude-tag and --requirement)");
        return ExitCode::from(INPUT_ERROR);
    }
    let server = match &args.base_url {
        Some(_) => None,
        None => match BackgroundServer::start(ServerConfig::default(), ([127, 0, 0, 1], 0).into()) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: cannot start the embedded reference server: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let base_url = args.base_url.clone().unwrap_or_else(|| server.as_ref().map(|s| s.base_url()).unwrap_or_default());
    let snapshots = match (&args.snapshots, args.no_snapshots, &args.base_url) {
        (_, true, _) => SnapshotMode::Off,
        (Some(dir), _, _) => mode(dir, args.update_snapshots),
        (None, _, None) => mode(Path::new("snapshots"), args.update_snapshots),
        (None, _, Some(_)) => SnapshotMode::Off,
    };
    let verbosity = if args.quiet {
        Verbosity::Quiet
    } else if args.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let color = console::use_color();
    let config = RunConfig {
        base_url: base_url.clone(),
        vars: project.vars.clone(),
        jobs: args.jobs.unwrap_or_else(|| RunConfig::new("").jobs),
        timeout: args.timeout,
        retries: args.retries,
        fail_fast: args.fail_fast,
        snapshots,
    };
    let runner = match Runner::new(config, project.schemas.clone()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let redactor = runner.redactor(&project.suites);
    if verbosity > Verbosity::Quiet {
        let target = if server.is_some() { " (embedded reference server)" } else { "" };
        println!("running {} case(s) against {}{target}", plan.len(), redactor.redact(&base_url));
    }
    let progress = ConsoleProgress::new(plan.len(), verbosity, color);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(runner.run(&project.suites, &plan, &|event| progress.on_event(event)));
    progress.finish();
    drop(server);

    let coverage = coverage::compute(&project.suites, &result.cases);
    let mut stdout = std::io::stdout().lock();
    let mut text = Vec::new();
    let _ = console::write_failures(&result.cases, color, &mut text);
    let _ = summary::write_summary(&result, &coverage, &mut text, color);
    let _ = stdout.write_all(redactor.redact(&String::from_utf8_lossy(&text)).as_bytes());
    if github::enabled() {
        let mut annotations = Vec::new();
        let _ = github::write_annotations(&result, &mut annotations);
        let _ = stdout.write_all(redactor.redact(&String::from_utf8_lossy(&annotations)).as_bytes());
    }
    let mut report_failed = false;
    for (format, path) in &args.reports {
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|mut file| write_report(*format, &result, &coverage, &redactor, &mut file));
        match written {
            Ok(()) => {
                if verbosity > Verbosity::Quiet {
                    let _ = writeln!(stdout, "{} report written to {}", format.name(), path.display());
                }
            }
            Err(e) => {
                eprintln!("error: cannot write the {} report to {}: {e}", format.name(), path.display());
                report_failed = true;
            }
        }
    }
    if result.passed() && !report_failed { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn mode(dir: &Path, update: bool) -> SnapshotMode {
    if update {
        SnapshotMode::Update { dir: dir.to_path_buf() }
    } else {
        SnapshotMode::Check { dir: dir.to_path_buf() }
    }
}

pub fn list(args: ListArgs) -> ExitCode {
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = args.select.selection().plan(&project.suites);
    for &(s, c) in &plan {
        let case = &project.suites[s].cases[c];
        println!("{}", case.id);
        if !case.tags.is_empty() {
            println!("    tags: {}", case.tags.join(", "));
        }
        if !case.requirements.is_empty() {
            println!("    requirements: {}", case.requirements.join(", "));
        }
    }
    println!("{} case(s)", plan.len());
    ExitCode::SUCCESS
}

pub fn check(args: CheckArgs) -> ExitCode {
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let cases: usize = project.suites.iter().map(|s| s.cases.len()).sum();
    let steps: usize = project.suites.iter().flat_map(|s| &s.cases).map(|c| c.steps.len() + c.cleanup.len()).sum();
    println!(
        "ok: {} suite(s), {cases} case(s), {steps} step(s), {} schema(s)",
        project.suites.len(),
        project.schemas.names().count()
    );
    ExitCode::SUCCESS
}

pub fn coverage(args: CheckArgs) -> ExitCode {
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let coverage = coverage::compute(&project.suites, &[]);
    let mut stdout = std::io::stdout().lock();
    let _ = coverage::write_table(&coverage, &mut stdout);
    if coverage.iter().any(|c| c.unchecked().next().is_some()) { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

pub fn serve(args: ServeArgs) -> ExitCode {
    if args.list_faults {
        for fault in reference::all_faults() {
            println!("{:<40} {}", fault.name(), fault.description());
        }
        println!("{} faults", reference::all_faults().count());
        return ExitCode::SUCCESS;
    }
    let fault = match &args.fault {
        None => None,
        Some(name) => match reference::find_fault(name) {
            Some(f) => Some(f),
            None => {
                let hint = reference::closest_fault(name).map(|f| format!(", did you mean `{f}`?")).unwrap_or_default();
                eprintln!("error: unknown fault `{name}`{hint} (see `conform serve --list-faults`)");
                return ExitCode::from(INPUT_ERROR);
            }
        },
    };
    let mut config = ServerConfig { fault, with_data: args.with_data, ..ServerConfig::default() };
    for (name, value) in args.settings.0 {
        // The flags are made from the declared settings, so this only fails if the two drift apart.
        if let Err(e) = config.settings.set(name, value) {
            eprintln!("error: {e}");
            return ExitCode::from(INPUT_ERROR);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.addr.to_string());
        println!("conform reference server listening on http://{addr}");
        print!("{}", reference::banner(&config, &format!("http://{addr}")));
        if let Some(f) = fault {
            println!("  fault: {} — {}", f.name(), f.description());
        }
        if config.with_data {
            println!("  holding pre-existing data (--with-data)");
        }
        println!("Ctrl-C stops it.");
        let served = axum::serve(listener, reference::app(config))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
