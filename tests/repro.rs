//! Real services are eventually consistent and failures must be reproducible: a step retried until its
//! expectations hold, writes that are not sent twice after a timeout, a curl command per failing step that
//! sends the same request, `--rerun-failed` and `--repeat` with flaky cases. Against the small server in
//! `tests/fixtures/repro/server.rs`, which counts and records what it receives.

mod common;
#[path = "fixtures/repro/server.rs"]
mod server;

use std::path::Path;
use std::process::Command;
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

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8")
}

/// `conform run --base-url BASE SUITE/FILE.yaml EXTRA…`; (exit code, stdout, stderr).
fn run(base_url: &str, files: &[&str], extra: &[&str]) -> (Option<i32>, String, String) {
    let paths: Vec<String> = files.iter().map(|f| format!("{SUITE}/{f}.yaml")).collect();
    let mut args = vec!["run", "--base-url", base_url, "--specs", "tests/fixtures/e2e/specs"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(extra);
    let out = common::conform(&args);
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
    let help = text(&common::conform(&["run", "--help"]).stdout);
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
    let out = common::conform(&["validate", dir, "--specs", "tests/fixtures/e2e/specs"]);
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

/// The secret values of the curl test: the token comes from the environment, the plan key from the suite.
const TOKEN: &str = "env-T0ken-from-the-environment";
const PLAN_KEY: &str = "plan-K3y-s3cret";

/// Whether `program --version` runs; the tests that need it say so and stop when it does not.
fn installed(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn each_failing_steps_curl_command_sends_the_same_request_and_names_secrets_not_values() {
    if !installed("curl") || !installed("bash") {
        eprintln!("skipped: this test runs the printed commands with bash and curl, and one of them is missing");
        return;
    }
    let server = TestServer::start();
    let reports = tempfile::tempdir().expect("temp dir");
    let report = |name: &str| reports.path().join(name).display().to_string();
    let (json, junit, html) = (report("r.json"), report("r.xml"), report("r.html"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command.current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").env("CONFORM_VAR_API_TOKEN", TOKEN);
    command.args(["run", "--base-url", &server.base_url(), &format!("{SUITE}/curl.yaml")]);
    for (format, path) in [("json", &json), ("junit", &junit), ("html", &html)] {
        command.args(["--report", &format!("{format}={path}")]);
    }
    let out = command.output().expect("run conform");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", text(&out.stderr));
    let sent = server.take_captured();

    let commands: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("    reproduce: ")).collect();
    // Four failing steps; the passing first step of `patch-second-step` gets none.
    assert_eq!(commands.len(), 4, "{stdout}");
    assert!(commands.iter().all(|c| c.starts_with("curl ")), "{commands:#?}");
    assert!(commands.iter().any(|c| c.contains(r#"'Authorization: Bearer '"${CONFORM_VAR_API_TOKEN}""#)));
    assert!(commands.iter().any(|c| c.contains(r#"/capture/groups/"${CONFORM_VAR_PLAN_KEY}""#)));
    assert!(commands.iter().any(|c| c.contains(r#"access_token='"${CONFORM_VAR_API_TOKEN}""#)));

    for command in &commands {
        let ran = Command::new("bash")
            .args(["-c", command])
            .env("CONFORM_VAR_API_TOKEN", TOKEN)
            .env("CONFORM_VAR_PLAN_KEY", PLAN_KEY)
            .output()
            .expect("run bash");
        assert!(ran.status.success(), "`{command}` failed: {}", text(&ran.stderr));
        let replayed = server.take_captured();
        assert_eq!(replayed.len(), 1, "one request from `{command}`");
        let replayed = &replayed[0];
        let original = sent
            .iter()
            .find(|s| s.method == replayed.method && s.path == replayed.path)
            .unwrap_or_else(|| panic!("`{command}` sent {replayed:#?}, which conform never sent: {sent:#?}"));
        assert_eq!(replayed.query, original.query, "{command}");
        assert_eq!(String::from_utf8_lossy(&replayed.body), String::from_utf8_lossy(&original.body), "{command}");
        // Every header conform sent, with its value; only what each client adds of itself may differ.
        let own = ["user-agent", "accept", "accept-encoding", "host", "content-length"];
        let headers = |c: &server::Captured| -> Vec<(String, String)> {
            c.headers.iter().filter(|(n, _)| !own.contains(&n.as_str())).map(|(n, v)| (n.clone(), v.clone())).collect()
        };
        assert_eq!(headers(replayed), headers(original), "{command}");
    }
    // The requests that mattered were all compared: the JSON POST with its secret path and odd header.
    let post = sent.iter().find(|s| s.method == "POST").expect("the POST");
    assert_eq!(post.headers.get("authorization").map(String::as_str), Some(&*format!("Bearer {TOKEN}")));
    assert!(post.headers.get("x-quote").is_some_and(|v| v.contains("$HOME `x`")), "{post:#?}");

    // Every report carries the commands, and no output holds a secret value.
    let json_text = std::fs::read_to_string(&json).expect("JSON report");
    let junit_text = std::fs::read_to_string(&junit).expect("JUnit report");
    let html_text = std::fs::read_to_string(&html).expect("HTML report");
    let document: serde_json::Value = serde_json::from_str(&json_text).expect("JSON");
    let mut in_json: Vec<String> = document["suites"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["steps"].as_array().unwrap().iter().filter_map(|s| s["curl"].as_str().map(String::from)))
        .collect();
    let mut in_terminal: Vec<String> = commands.iter().map(|c| c.to_string()).collect();
    in_json.sort();
    in_terminal.sort();
    assert_eq!(in_json, in_terminal);
    assert_eq!(junit_text.matches("reproduce: curl -sS").count(), 4, "{junit_text}");
    assert_eq!(html_text.matches("<pre class=\"curl\">curl -sS").count(), 4);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("specs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema");
    assert!(validator.is_valid(&document), "{:?}", validator.iter_errors(&document).next());
    for (name, output) in [("stdout", &stdout), ("json", &json_text), ("junit", &junit_text), ("html", &html_text)] {
        for secret in [TOKEN, PLAN_KEY] {
            assert!(!output.contains(secret), "{name} shows `{secret}`");
        }
    }
}

/// The JSON report of a run: its cases' (id, result, runs).
fn cases_of(report: &Path) -> Vec<(String, String, Vec<String>)> {
    let document: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("specs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema");
    assert!(validator.is_valid(&document), "{:?}", validator.iter_errors(&document).next());
    document["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["cases"].as_array().unwrap())
        .map(|c| {
            let runs = c["runs"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
            (c["id"].as_str().unwrap().to_string(), c["result"].as_str().unwrap().to_string(), runs)
        })
        .collect()
}

#[test]
fn repeat_reports_a_case_that_both_passed_and_failed_as_flaky_and_fails_the_gate() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (json, junit, html) = (dir.path().join("r.json"), dir.path().join("r.xml"), dir.path().join("r.html"));
    let reports = [("json", &json), ("junit", &junit), ("html", &html)].map(|(f, p)| format!("{f}={}", p.display()));
    let (code, stdout, _) = run(
        &server.base_url(),
        &["flaky"],
        &["--repeat", "4", "-j", "1", "--report", &reports[0], "--report", &reports[1], "--report", &reports[2]],
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("FLAKY repro::flaky::every-other-time"), "{stdout}");
    assert!(stdout.contains("passed 2 of 4 runs (passed, failed, passed, failed); the first that did not pass:"));
    assert!(stdout.contains("1 passed, 1 failed, 1 flaky, 0 errored, 0 skipped"), "{stdout}");
    assert!(stdout.contains("FAILED: 1 failed, 1 flaky, 0 errored of 3 cases"), "{stdout}");

    let cases = cases_of(&json);
    let four = |o: &str| vec![o.to_string(); 4];
    assert_eq!(
        cases,
        [
            (
                "repro::flaky::every-other-time".into(),
                "flaky".into(),
                ["passed", "failed", "passed", "failed"].map(String::from).to_vec()
            ),
            ("repro::flaky::always-passes".into(), "passed".into(), four("passed")),
            ("repro::flaky::always-fails".into(), "failed".into(), four("failed")),
        ]
    );
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(
        junit.contains(
            "message=\"flaky: passed 2 of 4 runs (passed, failed, passed, failed): status: expected 200, got 500"
        ),
        "{junit}"
    );
    let html = std::fs::read_to_string(&html).unwrap();
    assert!(html.contains("id=\"count-flaky\" data-count=\"1\""), "{html}");
    assert!(html.contains("data-outcome=\"flaky\""));

    // Once, the same case is simply passed or failed, and nothing says flaky.
    let (_, stdout, _) = run(&server.base_url(), &["flaky"], &["--filter", "every-other-time"]);
    assert!(!stdout.contains("flaky,") && !stdout.contains("FLAKY"), "{stdout}");
}

#[test]
fn rerun_failed_runs_exactly_the_cases_that_did_not_pass() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.json");
    let report = format!("json={}", first.display());
    // The flaky endpoint passes first: every-other-time passes, always-fails fails.
    let (code, stdout, _) = run(&server.base_url(), &["flaky", "retry"], &["-j", "1", "--report", &report]);
    assert_eq!(code, Some(1), "{stdout}");
    let failed: Vec<String> =
        cases_of(&first).into_iter().filter(|(_, result, _)| result != "passed").map(|(id, _, _)| id).collect();
    assert_eq!(failed, ["repro::flaky::always-fails", "repro::retry::never-in-time"]);

    let second = dir.path().join("second.json");
    let first_arg = first.display().to_string();
    let report = format!("json={}", second.display());
    let (code, stdout, _) =
        run(&server.base_url(), &["flaky", "retry"], &["--rerun-failed", &first_arg, "--report", &report]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("running 2 case(s)"), "{stdout}");
    let ran: Vec<String> = cases_of(&second).into_iter().map(|(id, _, _)| id).collect();
    assert_eq!(ran, failed);

    // A report whose failures were all fixed reruns nothing and passes.
    let passing = dir.path().join("passing.json");
    let report = format!("json={}", passing.display());
    run(&server.base_url(), &["flaky"], &["--filter", "always-passes", "--report", &report]);
    let (code, stdout, _) = run(&server.base_url(), &["flaky"], &["--rerun-failed", &passing.display().to_string()]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("nothing to rerun"), "{stdout}");

    // A case that no longer exists, or a file that is no report, is an input error.
    let renamed = std::fs::read_to_string(&first).unwrap().replace("always-fails", "always-fails-renamed");
    let stale = dir.path().join("stale.json");
    std::fs::write(&stale, renamed).unwrap();
    let (code, _, stderr) =
        run(&server.base_url(), &["flaky", "retry"], &["--rerun-failed", &stale.display().to_string()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("names case(s) that no longer exist") && stderr.contains("repro::flaky::always-fails-renamed"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&server.base_url(), &["flaky"], &["--rerun-failed", "Cargo.toml"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("Cargo.toml is not a conform JSON report"), "{stderr}");
}
