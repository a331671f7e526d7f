//! Shared by the integration tests that run the bundled suites against reference servers.

#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::Arc;

use conform::project::{Project, ProjectSource};
use conform::reference::{BackgroundServer, ServerConfig};
use conform::results::{Outcome, RunResult};
use conform::run::{RunConfig, Runner};
use conform::select::{CaseRef, Selection};

/// The bundled suites and schemas, loaded as `conform run` loads them (without the caller's environment).
pub fn bundled() -> Arc<Project> {
    Arc::new(Project::load(&ProjectSource::bundled()).unwrap_or_else(|e| panic!("{e}")))
}

pub fn start(config: ServerConfig) -> BackgroundServer {
    BackgroundServer::start(config, ([127, 0, 0, 1], 0).into()).expect("server starts on loopback")
}

/// Runs every case of `project` (optionally only those of one suite) against `base_url`, without snapshots, at
/// the default level.
pub async fn run_all(project: Arc<Project>, base_url: &str, only_suite: Option<&str>) -> RunResult {
    run_all_at(project, base_url, only_suite, false).await
}

/// [`run_all`], with `strict` as `--strict` sets it.
pub async fn run_all_at(project: Arc<Project>, base_url: &str, only_suite: Option<&str>, strict: bool) -> RunResult {
    let plan: Vec<_> = project
        .all_cases()
        .into_iter()
        .filter(|&at| only_suite.is_none_or(|name| project.case(at).0.name == name))
        .collect();
    run_plan(project, base_url, &plan, strict).await
}

/// The cases a user runs against an implementation of their own, as the README says: all but those tagged
/// `legacy` (only old documents state them) and `seed-verbs` (the Xero seed's own verb wording).
pub async fn run_contract(project: Arc<Project>, base_url: &str) -> RunResult {
    let selection = Selection { exclude_tags: vec!["legacy".into(), "seed-verbs".into()], ..Selection::default() };
    let plan = project.plan(&selection);
    run_plan(project, base_url, &plan, false).await
}

async fn run_plan(project: Arc<Project>, base_url: &str, plan: &[CaseRef], strict: bool) -> RunResult {
    let mut config = RunConfig::new(base_url);
    config.strict = strict;
    config.jobs = 8;
    // Reference servers with their default credentials: the suites' defaults serve every case's needs.
    config.embedded_target = true;
    let runner = Runner::new(project, config).expect("client");
    runner.run(plan, &|_| {}).await.into_inner()
}

/// `suite::file::case: first problem` for every case that did not pass.
pub fn failures(result: &RunResult) -> Vec<String> {
    with_outcome(result, &[Outcome::Failed, Outcome::Errored])
}

/// `suite::file::case: first problem` for every non-strict case.
pub fn non_strict(result: &RunResult) -> Vec<String> {
    with_outcome(result, &[Outcome::NonStrict])
}

fn with_outcome(result: &RunResult, outcomes: &[Outcome]) -> Vec<String> {
    result
        .cases
        .iter()
        .filter(|c| outcomes.contains(&c.outcome))
        .map(|c| format!("{}: {}", c.id, c.problems().next().map(|(_, p)| p).unwrap_or("?")))
        .collect()
}

/// Runs the `conform` binary from the crate root (so the paths it prints are the relative ones given), without
/// colour and without the caller's `CONFORM_VAR_*`, `INSTA_*` or GitHub Actions settings.
pub fn conform(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("CONFORM_VAR_") || name.starts_with("INSTA_") || name == "GITHUB_ACTIONS" {
            command.env_remove(name);
        }
    }
    command.output().expect("run conform")
}
