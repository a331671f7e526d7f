//! The `cargo test` harness: every case of the bundled suites as its own libtest-mimic trial, named
//! `suite::file::case`. The target is `CONFORM_BASE_URL` when set, otherwise the embedded reference server;
//! variables come from `CONFORM_VAR_*` as for `conform run`, and the target's optional capabilities from
//! `CONFORM_CAPABILITIES` (comma-separated, as `--capability`). `tests/conformance.rs` is a one-line `main`.

use std::collections::BTreeMap;
use std::sync::Arc;

use libtest_mimic::{Arguments, Completion, Conclusion, Failed, Trial};

use crate::check::snapshot::{self, SnapshotMode};
use crate::project::{Project, ProjectSource};
use crate::report::console::failure_report;
use crate::results::Outcome;
use crate::run::{RunConfig, Runner};
use crate::target::Target;

/// The environment variable naming another implementation to test.
pub(crate) const BASE_URL_ENV: &str = "CONFORM_BASE_URL";
/// The environment variable listing the other implementation's optional capabilities, comma-separated.
pub(crate) const CAPABILITIES_ENV: &str = "CONFORM_CAPABILITIES";
/// Set (non-empty) to ignore the suites' published rate limits, as `--no-suite-limits` does.
pub(crate) const NO_SUITE_LIMITS_ENV: &str = "CONFORM_NO_SUITE_LIMITS";

/// The entry point of `tests/conformance.rs`: this process's arguments and environment.
pub fn main() -> ! {
    snapshot::init();
    let env: BTreeMap<String, String> = std::env::vars().collect();
    run(&Arguments::from_args(), ProjectSource::bundled(), &env).exit()
}

/// Runs the cases of `source` as trials, with `CONFORM_BASE_URL` and `CONFORM_VAR_*` read from `env`.
pub fn run(args: &Arguments, source: ProjectSource, env: &BTreeMap<String, String>) -> Conclusion {
    let source = source.with_env_from(env.iter().map(|(k, v)| (k.clone(), v.clone())));
    let project = match Project::load(&source) {
        Ok(p) => Arc::new(p),
        Err(error) => {
            let message = error.to_string();
            let trial = Trial::test("cases::load", move || Err(Failed::from(message.clone())));
            return libtest_mimic::run(args, vec![trial]);
        }
    };
    let capabilities: Vec<String> = env
        .get(CAPABILITIES_ENV)
        .map(|list| list.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    if let Err(error) = project.check_capabilities(&capabilities) {
        let message = format!("{CAPABILITIES_ENV}: {error}");
        let trial = Trial::test("cases::capabilities", move || Err(Failed::from(message.clone())));
        return libtest_mimic::run(args, vec![trial]);
    }
    // Listing must not start a server or touch the network.
    let base_url = env.get(BASE_URL_ENV).map(String::as_str).filter(|url| !url.is_empty());
    let target = if args.list && base_url.is_none() {
        None
    } else {
        Some(Target::from_base_url(base_url).expect("the reference server starts on loopback"))
    };
    let mut config = RunConfig::new(target.as_ref().map(Target::base_url).unwrap_or_default());
    config.snapshots = target.as_ref().map_or(SnapshotMode::Off, |t| t.default_snapshots("snapshots".as_ref()));
    config.embedded_target = target.as_ref().is_some_and(Target::is_embedded);
    config.capabilities = capabilities.into_iter().collect();
    // `--no-suite-limits` for `cargo test`: an implementation of one's own does not share the real service's limits.
    config.suite_limits = env.get(NO_SUITE_LIMITS_ENV).is_none_or(|v| v.is_empty());
    // The reference server is held to every expectation, `should` included; another target to the contract.
    config.strict = config.embedded_target;
    let runner = Arc::new(Runner::new(project.clone(), config).expect("HTTP client"));
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime"),
    );
    let trials = project
        .all_cases()
        .into_iter()
        .map(|at| {
            let (runner, runtime) = (runner.clone(), runtime.clone());
            // A skipped case is reported as ignored, with its reason: never as a silent pass.
            Trial::ignorable_test(project.case(at).1.id.to_string(), move || {
                let result = runtime.block_on(runner.run_case(at));
                match (&result.outcome, &result.skip_reason) {
                    (Outcome::Skipped, Some(reason)) => Ok(Completion::ignored_with(reason)),
                    (Outcome::Skipped, None) => Ok(Completion::ignored()),
                    (outcome, _) if outcome.passes_gate() => Ok(Completion::Completed),
                    _ => Err(failure_report(&result, false).into()),
                }
            })
        })
        .collect();
    let conclusion = libtest_mimic::run(args, trials);
    drop(target);
    conclusion
}
