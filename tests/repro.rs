//! Real services are eventually consistent and failures must be reproducible: a step retried until its
//! expectations hold, writes that are not sent twice after a timeout, a curl command per failing step that
//! sends the same request, `--rerun-failed` and `--repeat` with flaky cases. Against the small server in
//! `tests/fixtures/repro/server.rs`, which counts and records what it receives.

#[path = "fixtures/repro/server.rs"]
mod server;

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use conform::project::{Project, ProjectSource};
use conform::results::{CaseResult, FailureKind, Outcome};
use conform::run::{RunConfig, Runner};
use server::TestServer;

const SUITE: &str = "tests/fixtures/repro/suite";

fn project() -> Arc<Project> {
    Arc::new(Project::load(&ProjectSource::new(vec![SUITE.into()], "tests/fixtures/e2e/specs")).expect("loads"))
}

/// Runs one case through the library.
fn run_case(config: RunConfig, file: &str, name: &str) -> CaseResult {
    let project = project();
    let at = project
        .all_cases()
        .into_iter()
        .find(|&at| {
            let id = &project.case(at).1.id;
            id.file == file && id.name == name
        })
        .unwrap_or_else(|| panic!("no case {file}::{name}"));
    let runner = Runner::new(project, config).expect("runner");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(runner.run_case(at)).into_inner()
}

/// The binary from the crate root, without colour and without the caller's conform settings.
fn conform(args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("CONFORM_VAR_") || name.starts_with("INSTA_") || name == "GITHUB_ACTIONS" {
            command.env_remove(name);
        }
    }
    command.output().expect("run conform")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// `conform run --base-url BASE SUITE/FILE.yaml EXTRA…`; (exit code, stdout, stderr).
fn run(base_url: &str, files: &[&str], extra: &[&str]) -> (Option<i32>, String, String) {
    let paths: Vec<String> = files.iter().map(|f| format!("{SUITE}/{f}.yaml")).collect();
    let mut args = vec!["run", "--base-url", base_url, "--specs", "tests/fixtures/e2e/specs"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(extra);
    let out = conform(&args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!stderr.contains("panicked"), "{stderr}");
    (out.status.code(), stdout, stderr)
}

#[test]
fn a_retried_step_passes_once_the_resource_appears_with_its_tries_recorded() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "retry", "appears-in-time");
    assert_eq!(result.outcome, Outcome::Passed, "{result:#?}");
    let step = &result.steps[0];
    let retry = step.retry.as_ref().expect("a retry record");
    assert_eq!(retry.attempts, 3, "visible on the third read: {retry:#?}");
    assert_eq!(retry.earlier.len(), 2);
    for attempt in &retry.earlier {
        assert_eq!(attempt.status, Some(404));
        assert_eq!(attempt.failures[0].kind, FailureKind::Status);
    }
    assert_eq!(step.status, Some(200));
    assert!(step.failures.is_empty());
    assert!(retry.waited >= Duration::from_millis(20), "two waits of 10 ms: {:?}", retry.waited);
}

#[test]
fn a_retried_step_that_runs_out_of_tries_reports_its_last_failure() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "retry", "never-in-time");
    assert_eq!(result.outcome, Outcome::Failed);
    let step = &result.steps[0];
    let retry = step.retry.as_ref().expect("a retry record");
    assert_eq!(retry.attempts, 3);
    assert_eq!(retry.earlier.len(), 2);
    // The last try's failure is the step's: the server said so on the third read.
    assert_eq!(step.status, Some(404));
    assert!(step.failures[0].message.contains("\"reads\":3"), "{:?}", step.failures);
    assert!(retry.earlier[0].failures[0].message.contains("\"reads\":1"), "{:?}", retry.earlier);
    // Waits of 10 then 20 ms (backoff 2).
    assert!(retry.waited >= Duration::from_millis(30), "{:?}", retry.waited);

    let (code, stdout, _) = run(&server.base_url(), &["retry"], &["--filter", "never-in-time"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("tried 3 time(s)"), "{stdout}");
    assert!(stdout.contains("try 1 → 404: status: expected 200, got 404"), "{stdout}");
}

#[test]
fn a_timed_out_post_is_not_resent_by_default_and_is_with_retry_unsafe() {
    let server = TestServer::start();
    let config = RunConfig { timeout: Duration::from_millis(300), retries: 2, ..RunConfig::new(server.base_url()) };
    let result = run_case(config.clone(), "unsafe", "slow-post");
    assert_eq!(result.outcome, Outcome::Errored);
    assert_eq!(server.shared.slow_creates.load(Ordering::SeqCst), 1, "the POST reached the server once");
    let error = result.steps[0].error.as_deref().unwrap_or_default();
    assert!(error.contains("not resent: a POST may already have been processed (--retry-unsafe"), "{error}");
    assert_eq!(result.steps[0].attempts, 1);

    // An idempotent PUT is resent.
    server.shared.slow_creates.store(0, Ordering::SeqCst);
    let result = run_case(config.clone(), "unsafe", "slow-put");
    assert_eq!(result.outcome, Outcome::Errored);
    assert_eq!(server.shared.slow_creates.load(Ordering::SeqCst), 3);

    // Opted in, the POST is resent too.
    server.shared.slow_creates.store(0, Ordering::SeqCst);
    let result = run_case(RunConfig { retry_unsafe: true, ..config }, "unsafe", "slow-post");
    assert_eq!(result.outcome, Outcome::Errored);
    assert_eq!(result.steps[0].attempts, 3);
    assert_eq!(server.shared.slow_creates.load(Ordering::SeqCst), 3);

    // The binary: the flag exists and `--help` says why.
    server.shared.slow_creates.store(0, Ordering::SeqCst);
    let (code, stdout, _) =
        run(&server.base_url(), &["unsafe"], &["--filter", "slow-post", "--timeout", "0.3", "--retries", "1"]);
    assert_eq!(code, Some(3), "{stdout}");
    assert_eq!(server.shared.slow_creates.load(Ordering::SeqCst), 1);
    let help = text(&conform(&["run", "--help"]).stdout);
    assert!(help.contains("--retry-unsafe") && help.contains("provably never reached the server"), "{help}");
}

#[test]
fn a_post_that_never_connected_is_resent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let config = RunConfig { retries: 2, ..RunConfig::new(url) };
    let result = run_case(config, "unsafe", "slow-post");
    assert_eq!(result.outcome, Outcome::Errored);
    assert_eq!(result.steps[0].attempts, 3, "a refused connection proves the POST was never seen");
}

#[test]
fn a_wrong_retry_is_an_input_error_at_its_position() {
    let dir = "tests/fixtures/repro/bad-retry";
    let out = conform(&["validate", dir, "--specs", "tests/fixtures/e2e/specs"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for expected in [
        "cases.yaml:5:27: `attempts` counts every try, the first included: 2 to 100, not 1",
        "cases.yaml:5:39: `backoff` multiplies each wait: 1 (constant) to 10, not 0.5",
        "cases.yaml:5:57: `interval_ms` is at most 600000 (10 minutes)",
        "unknown.yaml:7:11: cases[0].steps[0].retry: unknown field `until`, expected one of `attempts`",
    ] {
        assert!(stderr.contains(&format!("{dir}/{expected}")), "missing `{expected}` in:\n{stderr}");
    }
    assert!(stderr.trim_end().ends_with("4 errors found"), "{stderr}");
}
