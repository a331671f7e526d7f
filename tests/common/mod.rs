//! Shared by the integration tests that run the bundled suites against reference servers.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use conform::case::{LoadOptions, Suite, load};
use conform::check::schema::SchemaSet;
use conform::reference::{BackgroundServer, ServerConfig};
use conform::run::result::{Outcome, RunResult};
use conform::run::{RunConfig, Runner};

/// The bundled suites and schemas, loaded as `conform run` loads them.
pub fn bundled() -> (Vec<Suite>, Arc<SchemaSet>) {
    let schemas = SchemaSet::load(Path::new("specs")).expect("specs/ loads");
    let options = LoadOptions { schema_names: schemas.names().map(String::from).collect(), ..LoadOptions::default() };
    let suites = load(&[Path::new("cases").to_path_buf()], &options).unwrap_or_else(|e| panic!("{e}"));
    (suites, Arc::new(schemas))
}

pub fn start(config: ServerConfig) -> BackgroundServer {
    BackgroundServer::start(config, ([127, 0, 0, 1], 0).into()).expect("server starts on loopback")
}

/// Runs every case of `suites` (optionally only those of one suite) against `base_url`, without snapshots.
pub async fn run_all(suites: &[Suite], schemas: Arc<SchemaSet>, base_url: &str, only_suite: Option<&str>) -> RunResult {
    let mut config = RunConfig::new(base_url);
    config.jobs = 8;
    let runner = Runner::new(config, schemas).expect("client");
    let plan: Vec<(usize, usize)> = suites
        .iter()
        .enumerate()
        .filter(|(_, s)| only_suite.is_none_or(|name| s.name == name))
        .flat_map(|(s, suite)| (0..suite.cases.len()).map(move |c| (s, c)))
        .collect();
    runner.run(suites, &plan, &|_| {}).await
}

/// `suite::file::case: first problem` for every case that did not pass.
pub fn failures(result: &RunResult) -> Vec<String> {
    result
        .cases
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed | Outcome::Errored))
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
