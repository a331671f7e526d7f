//! `cargo test` runs every bundled case as its own test (libtest-mimic), named `suite::file::case`, so
//! `cargo test -- sinch::update` filters and `cargo test -- --list` lists. The target is `CONFORM_BASE_URL`
//! when set, otherwise the embedded reference server started here.

use std::path::Path;
use std::sync::Arc;

use conform::case::{LoadOptions, load};
use conform::check::schema::SchemaSet;
use conform::check::snapshot::{self, SnapshotMode};
use conform::reference::{BackgroundServer, ServerConfig};
use conform::report::console::failure_report;
use conform::run::result::Outcome;
use conform::run::{RunConfig, Runner};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    snapshot::init();
    let args = Arguments::from_args();
    let schemas = SchemaSet::load(Path::new("specs")).expect("specs/ loads");
    let options = LoadOptions { schema_names: schemas.names().map(String::from).collect(), ..LoadOptions::default() };
    let suites = match load(&[Path::new("cases").to_path_buf()], &options) {
        Ok(s) => Arc::new(s),
        Err(errors) => {
            let message = errors.to_string();
            let trial = Trial::test("cases::load", move || Err(Failed::from(message.clone())));
            libtest_mimic::run(&args, vec![trial]).exit();
        }
    };
    // Listing must not start a server or touch the network.
    let listing = args.list;
    let (base_url, server, snapshots) = match std::env::var("CONFORM_BASE_URL") {
        Ok(url) if !url.is_empty() => (url, None, SnapshotMode::Off),
        _ if listing => (String::new(), None, SnapshotMode::Off),
        _ => {
            let server = BackgroundServer::start(ServerConfig::default(), ([127, 0, 0, 1], 0).into())
                .expect("the reference server starts on loopback");
            (server.base_url(), Some(server), SnapshotMode::Check { dir: "snapshots".into() })
        }
    };
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime"),
    );
    let mut config = RunConfig::new(base_url);
    config.snapshots = snapshots;
    let runner = Arc::new(Runner::new(config, Arc::new(schemas)).expect("HTTP client"));
    let redactor = Arc::new(runner.redactor(&suites));

    let mut trials = Vec::new();
    for (s, suite) in suites.iter().enumerate() {
        for (c, case) in suite.cases.iter().enumerate() {
            let (suites, runner, runtime, redactor) =
                (suites.clone(), runner.clone(), runtime.clone(), redactor.clone());
            let trial = Trial::test(case.id.to_string(), move || {
                let suite = &suites[s];
                let result = runtime.block_on(runner.run_case(suite, &suite.cases[c], &redactor));
                match result.outcome {
                    Outcome::Passed | Outcome::Skipped => Ok(()),
                    Outcome::Failed | Outcome::Errored => Err(failure_report(&result, false).into()),
                }
            });
            trials.push(trial);
        }
    }
    let conclusion = libtest_mimic::run(&args, trials);
    drop(server);
    conclusion.exit();
}
