//! The commands behind the CLI: each turns arguments into library calls and an exit code.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use conform::case::budget::RateBudget;
use conform::check::snapshot::{self, SnapshotMode};
use conform::project::{Project, ProjectSource};
use conform::reference::{self, ServerConfig};
use conform::report::console::{self, ConsoleProgress, Verbosity};
use conform::report::{coverage, github, summary, write_report};
use conform::run::{DEFAULT_MAX_THROTTLE_WAIT, RunConfig, Runner, default_jobs};
use conform::target::Target;

use crate::cli::{CaseArgs, ListArgs, RunArgs, ServeArgs};
use crate::exit::Exit;

/// Loads what the arguments name, the one way every command does; a broken input is printed here.
fn load_project(args: &CaseArgs) -> Result<Project, Exit> {
    let source = ProjectSource::new(args.paths(), &args.specs).with_vars(args.vars.iter().cloned()).with_env();
    Project::load(&source).map_err(|e| {
        eprintln!("{}", render_load_error(&e));
        Exit::InputError
    })
}

/// Case-file diagnostics print as they are (they name their files); a schema problem gets an `error:` prefix.
fn render_load_error(e: &conform::project::ProjectError) -> String {
    match e {
        conform::project::ProjectError::Cases(errors) => errors.to_string(),
        other => format!("error: {other}"),
    }
}

pub fn run(args: RunArgs) -> Exit {
    snapshot::init();
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(e) = project.check_capabilities(&args.capability) {
        eprintln!("error: {e}");
        return Exit::InputError;
    }
    let mut selection = args.select.selection();
    if let Some(report) = &args.rerun_failed {
        match rerun_ids(&project, report) {
            Ok(Some(ids)) => selection.ids = Some(ids),
            Ok(None) => {
                println!("no case failed, errored or was flaky in {}: nothing to rerun", report.display());
                return Exit::Passed;
            }
            Err(exit) => return exit,
        }
    }
    let plan = project.plan(&selection);
    let baseline = match crate::gate_commands::load_baseline(args.baseline.as_deref(), &project) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if args.list {
        for &at in &plan {
            println!("{}", project.case(at).1.id);
        }
        println!("{} case(s) would run", plan.len());
        return Exit::Passed;
    }
    if plan.is_empty() {
        // A shard of a small suite may hold nothing; anything else is a selection that matches nothing, which
        // must not pass a CI gate silently.
        if let Some(shard) = args.select.shard {
            println!("no case falls in shard {}/{}", shard.index, shard.total);
            return Exit::Passed;
        }
        eprintln!("error: no case matches the selection (check --filter, --tag, --exclude-tag and --requirement)");
        return Exit::InputError;
    }
    let target = match Target::from_base_url(args.base_url.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot start the embedded reference server: {e}");
            return Exit::Internal;
        }
    };
    let snapshots = match (&args.snapshots, args.no_snapshots) {
        (_, true) => SnapshotMode::Off,
        (Some(dir), _) => SnapshotMode::Check { dir: dir.clone() },
        (None, _) => target.default_snapshots(Path::new("snapshots")),
    };
    let snapshots = match snapshots {
        SnapshotMode::Check { dir } if args.update_snapshots => SnapshotMode::Update { dir },
        other => other,
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
        base_url: target.base_url(),
        jobs: args.jobs.unwrap_or_else(default_jobs),
        timeout: args.timeout,
        max_body_size: args.max_body_size,
        retries: args.retries,
        retry_unsafe: args.retry_unsafe,
        fail_fast: args.fail_fast,
        snapshots,
        strict: args.strict,
        embedded_target: target.is_embedded(),
        capabilities: args.capability.iter().cloned().collect(),
        rate_budget: RateBudget { rate: args.rate, max_in_flight: args.max_in_flight },
        max_throttle_wait: args.max_throttle_wait.unwrap_or(DEFAULT_MAX_THROTTLE_WAIT),
        suite_limits: !args.no_suite_limits,
    };
    let runner = match Runner::new(Arc::new(project), config) {
        Ok(r) => {
            let r = match baseline {
                Some(b) => r.with_baseline(b),
                None => r,
            };
            // The terminal shows passing cases as counts and durations; the report files show their steps.
            if args.reports.is_empty() { r.condensing_passes() } else { r }
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Internal;
        }
    };
    if verbosity > Verbosity::Quiet {
        let embedded = if target.is_embedded() { " (embedded reference server)" } else { "" };
        println!("running {} case(s) against {}{embedded}", plan.len(), runner.masker().mask(&target.base_url()));
        if !runner.budgets().is_empty() {
            println!("rate budget: {}", runner.budgets());
        }
    }
    if args.repeat > 1 && verbosity > Verbosity::Quiet {
        println!("each case runs {} times; cases that both pass and fail are reported as flaky", args.repeat);
    }
    let progress = ConsoleProgress::new(plan.len() * args.repeat as usize, verbosity, color);
    let runtime = match crate::commands::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let result = runtime.block_on(runner.run_repeated(&plan, args.repeat, &|event| progress.on_event(event)));
    progress.finish();
    drop(target);
    if let Some(reason) = runner.unresponsive() {
        eprintln!(
            "error: the target stopped answering: {}; the cases not started are errored",
            runner.masker().mask(&reason)
        );
    }

    let coverage = coverage::compute(&runner.project().suites, &result.cases);
    let mut stdout = std::io::stdout().lock();
    let _ = console::write_non_strict(&result, color, &mut stdout);
    let _ = conform::report::baseline::write_baseline(&result, color, &mut stdout);
    let _ = console::write_failures(&result, color, &mut stdout);
    let _ = summary::write_summary(&result, &coverage, &mut stdout, color);
    if github::enabled() {
        let _ = github::write_annotations(&result, &mut stdout);
    }
    let mut report_failed = false;
    for (format, path) in &args.reports {
        let written = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::File::create(path))
            .and_then(|mut file| write_report(*format, &result, &coverage, &mut file));
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
    match Exit::of_run(&result) {
        Exit::Passed if report_failed => Exit::Internal,
        Exit::Passed if args.strict_baseline && conform::report::baseline::has_unexpected_passes(&result) => {
            Exit::Failed
        }
        exit => exit,
    }
}

/// The ids of the cases `report` says did not pass (None when there are none); exit 2 when the report cannot
/// be read or names a case the project no longer has.
fn rerun_ids(project: &Project, report: &Path) -> Result<Option<BTreeSet<String>>, Exit> {
    let ids = conform::rerun::failed_case_ids(report).map_err(|e| {
        eprintln!("error: {e}");
        Exit::InputError
    })?;
    let known: BTreeSet<String> = project.all_cases().into_iter().map(|at| project.case(at).1.id.to_string()).collect();
    let gone: Vec<&str> = ids.iter().filter(|id| !known.contains(*id)).map(String::as_str).collect();
    if !gone.is_empty() {
        eprintln!(
            "error: {} names case(s) that no longer exist (renamed or removed since that run): {}",
            report.display(),
            gone.join(", ")
        );
        return Err(Exit::InputError);
    }
    Ok((!ids.is_empty()).then_some(ids))
}

pub fn list(args: ListArgs) -> Exit {
    let project = match load_project(&args.cases) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = project.plan(&args.select.selection());
    for &at in &plan {
        let case = project.case(at).1;
        println!("{}", case.id);
        if !case.tags.is_empty() {
            println!("    tags: {}", case.tags.join(", "));
        }
        if !case.requirements.is_empty() {
            println!("    requirements: {}", case.requirements.join(", "));
        }
    }
    println!("{} case(s)", plan.len());
    Exit::Passed
}

pub fn validate(args: CaseArgs) -> Exit {
    let project = match load_project(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let steps: usize = project.suites.iter().flat_map(|s| &s.cases).map(|c| c.steps.len() + c.cleanup.len()).sum();
    println!(
        "ok: {} suite(s), {} case(s), {steps} step(s), {} schema(s)",
        project.suites.len(),
        project.case_count(),
        project.schemas.names().count()
    );
    Exit::Passed
}

pub fn coverage(args: CaseArgs) -> Exit {
    let project = match load_project(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let coverage = coverage::compute(&project.suites, &[]);
    let mut stdout = std::io::stdout().lock();
    let _ = coverage::write_table(&coverage, &mut stdout);
    if coverage.iter().any(|c| c.unchecked().next().is_some()) { Exit::Failed } else { Exit::Passed }
}

/// `name  description` lines and a count, e.g. `--list-faults`. A reader that closes the pipe early
/// (`conform serve --list-faults | head`) ends the listing quietly: `println!` would panic on the broken pipe.
fn print_named<'a>(mut items: impl Iterator<Item = (&'a str, &'a str)>, what: &str) -> Exit {
    let mut stdout = std::io::stdout().lock();
    let mut count = 0;
    let written = items
        .try_for_each(|(name, description)| {
            count += 1;
            writeln!(stdout, "{name:<40} {description}")
        })
        .and_then(|()| writeln!(stdout, "{count} {what}"));
    match written {
        Ok(()) => Exit::Passed,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Passed,
        Err(e) => {
            eprintln!("error: cannot write the list: {e}");
            Exit::Internal
        }
    }
}

pub fn serve(args: ServeArgs) -> Exit {
    if args.list_faults {
        let faults = reference::all_faults().map(|f| (f.name(), f.description()));
        return print_named(faults, "faults");
    }
    if args.list_variants {
        let variants = reference::all_variants().map(|v| (v.name(), v.description()));
        return print_named(variants, "variants");
    }
    let variant =
        match find_named("variant", args.variant.as_deref(), reference::find_variant, reference::closest_variant) {
            Ok(v) => v,
            Err(exit) => return exit,
        };
    let fault = match find_named("fault", args.fault.as_deref(), reference::find_fault, reference::closest_fault) {
        Ok(f) => f,
        Err(exit) => return exit,
    };
    let mut config = ServerConfig {
        fault,
        variant,
        with_data: args.with_data,
        token_lifetime: args.token_lifetime,
        ..ServerConfig::default()
    };
    for limit in &args.rate_limit {
        if let Err(e) = config.rate_limits.add(limit) {
            eprintln!("error: --rate-limit {limit}: {e}");
            return Exit::InputError;
        }
    }
    for (name, value) in args.settings.0 {
        // The flags are made from the declared settings, so this only fails if the two drift apart.
        if let Err(e) = config.settings.set(name, value) {
            eprintln!("error: {e}");
            return Exit::InputError;
        }
    }
    let runtime = match crate::commands::runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: cannot listen on {}: {e}", args.addr);
                return Exit::Internal;
            }
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| args.addr.to_string());
        println!("conform reference server listening on http://{addr}");
        print!("{}", reference::banner(&config, &format!("http://{addr}")));
        if let Some(f) = fault {
            println!("  fault: {} — {}", f.name(), f.description());
        }
        if let Some(v) = variant {
            println!("  variant: {} — {}", v.name(), v.description());
        }
        if config.with_data {
            println!("  holding pre-existing data (--with-data)");
        }
        if let Some(lifetime) = config.token_lifetime {
            println!("  access tokens live {}s (--token-lifetime)", lifetime.as_secs());
        }
        for (api, limit) in reference::rate_limit_summary(&config) {
            println!("  {api} rate limit: {limit}");
        }
        println!("Ctrl-C stops it.");
        let served = axum::serve(listener, reference::app(config))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        match served {
            Ok(()) => Exit::Passed,
            Err(e) => {
                eprintln!("error: {e}");
                Exit::Internal
            }
        }
    })
}

/// The `kind` called `name` (a fault, a variant), or exit 2 with the closest name as a hint.
fn find_named<T: std::fmt::Display>(
    kind: &str,
    name: Option<&str>,
    find: impl Fn(&str) -> Option<T>,
    closest: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Exit> {
    let Some(name) = name else { return Ok(None) };
    if let Some(found) = find(name) {
        return Ok(Some(found));
    }
    let hint = closest(name).map(|c| format!(", did you mean `{c}`?")).unwrap_or_default();
    eprintln!("error: unknown {kind} `{name}`{hint} (see `conform serve --list-{kind}s`)");
    Err(Exit::InputError)
}

/// The async runtime of a command; failing to start it is conform's own failure (exit 4), said once here.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Exit> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("error: cannot start the async runtime: {e}");
        Exit::Internal
    })
}
