//! The runner end to end, against a small axum server started by each test (`tests/fixtures/e2e/server.rs`)
//! and the suite `tests/fixtures/e2e/suite`: passing cases pass, each kind of wrong expectation fails with the
//! message that names it, snapshots are created, compared and accepted, cleanup runs, and transport problems
//! (timeout, refused connection, broken response) become errors without hanging or panicking.
//!
//! The binary is used as a black box for exit codes and output; the library (`Runner::run_case`) for finer
//! assertions on results.

#[path = "fixtures/e2e/server.rs"]
mod server;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, Instant};

use conform::case::Level;
use conform::project::{Project, ProjectSource};
use conform::results::{CaseResult, FailureKind, Outcome, Phase};
use conform::run::{RunConfig, Runner};
use server::{TestServer, closed_port_url};

const SUITE: &str = "tests/fixtures/e2e/suite";
const SPECS: &str = "tests/fixtures/e2e/specs";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "no panic:\n{}", self.stderr);
        self
    }

    /// The failure report of one case: from its `FAIL  id` / `ERROR id` heading to the blank line after it.
    fn report(&self, id: &str) -> &str {
        let failures = self.stdout.split_once("\nFailures:\n").map_or("", |(_, f)| f);
        let start = failures
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .find(|&i| {
                let line = failures[i..].lines().next().unwrap_or_default();
                line.split_once(' ')
                    .is_some_and(|(label, rest)| matches!(label, "FAIL" | "ERROR") && rest.trim_start() == id)
            })
            .unwrap_or_else(|| panic!("no failure report for {id} in:\n{}", self.stdout));
        let rest = &failures[start..];
        &rest[..rest.find("\n\n").unwrap_or(rest.len())]
    }
}

/// Runs the binary from the crate root, without colour and without inherited conform/insta/CI settings.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("CONFORM_VAR_") || name.starts_with("INSTA_") || name == "GITHUB_ACTIONS" {
            command.env_remove(name);
        }
    }
    command
}

fn finish(command: &mut Command) -> Run {
    let started = Instant::now();
    let Output { status, stdout, stderr } = command.output().expect("run conform");
    Run {
        code: status.code(),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
        elapsed: started.elapsed(),
    }
}

/// `conform run --base-url BASE --specs SPECS PATH… EXTRA…`
fn run(base_url: &str, paths: &[&str], extra: &[&str]) -> Run {
    let mut args = vec!["run", "--base-url", base_url, "--specs", SPECS];
    args.extend(paths);
    args.extend(extra);
    finish(&mut command(&args))
}

fn file(name: &str) -> String {
    format!("{SUITE}/{name}.yaml")
}

#[test]
fn passing_cases_pass() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("pass")], &[]);
    out.assert_code(0);
    assert!(out.stdout.contains("PASS  e2e::pass::every-matcher-holds ("), "{}", out.stdout);
    assert!(out.stdout.contains("PASS  e2e::pass::create-read-delete ("), "{}", out.stdout);
    assert!(out.stdout.contains("ok: 2 of 2 cases passed"), "{}", out.stdout);
    assert!(!out.stdout.contains("Failures:"), "{}", out.stdout);
    // Captures flowed: the Location header was followed and the captured id deleted.
    let requests = server.requests();
    assert!(requests.contains(&"GET /things/t1".to_string()), "{requests:?}");
    assert!(requests.contains(&"DELETE /things/t1".to_string()), "{requests:?}");
}

/// (case, what its failure report must say).
const EXPECTED_FAILURES: &[(&str, &str)] = &[
    ("wrong-status", "✗ status: expected 201, got 200 — {\"id\":\"1\""),
    ("wrong-header", "✗ header x-api-version: expected \"3\", got \"2\""),
    ("body-value", "✗ body $.a.b: expected 3, got 2"),
    ("strict-extra-key", "✗ body $.count: expected no such key (strict match), got 5"),
    ("absent-violated", "✗ body $.name: expected no such key, got \"widget\""),
    ("regex", "✗ body $.name: expected a string matching /^gadget/, got \"widget\""),
    ("type", "✗ body $.count: expected a value of type string, got 5"),
    ("length", "✗ body $.tags: expected length 2, got length 3: [\"red\",\"green\",\"blue\"]"),
    ("contains", "✗ body $.tags: expected an element matching \"purple\", got [\"red\",\"green\",\"blue\"]"),
    ("unordered", "✗ body $.tags: expected 2 element(s) in any order, got 3 element(s): [\"red\",\"green\",\"blue\"]"),
    (
        "contains-in-order",
        "✗ body $.tags: expected an element matching \"red\" after the match for item 0 (in order), got",
    ),
    ("comparison", "✗ body $.count: expected a value > 10, got 5"),
    ("schema", "✗ schema demo/thing-b-string.json: at /a/b: 2 is not of type \"string\" (keyword `type`)"),
    ("capture-missing", "✗ cannot capture `owner`: body pointer `/owner/id` is not in the response"),
    ("text-body", "✗ body $: expected a string matching /was found/, got \"thing cannot be found\""),
    ("invalid-json", "✗ the body is not valid JSON (EOF while parsing"),
];

#[test]
fn each_wrong_expectation_fails_with_its_message() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("fail")], &["-j", "4"]);
    out.assert_code(1);
    let total = EXPECTED_FAILURES.len();
    assert!(
        out.stdout.contains(&format!("0 passed, {total} failed, 0 errored, 0 skipped")),
        "every case fails, none errors:\n{}",
        out.stdout
    );
    for (case, message) in EXPECTED_FAILURES {
        let report = out.report(&format!("e2e::fail::{case}"));
        assert!(report.contains(message), "{case}: expected `{message}` in:\n{report}");
        // Each report points at the case file and says which request was sent.
        assert!(report.contains(&format!("--> {SUITE}/fail.yaml:")), "{report}");
        assert!(report.contains(&format!("    GET {}/", server.base_url())), "{report}");
    }
    assert!(!out.stdout.contains('\x1b'), "NO_COLOR: no ANSI escapes");
}

#[test]
fn a_body_mismatch_shows_a_unified_diff() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("fail")], &["--filter", "body-value"]);
    out.assert_code(1);
    let report = out.report("e2e::fail::body-value");
    // `-` is the expectation, `+` what came; unchanged lines give context.
    let diff: Vec<&str> = report.lines().skip_while(|l| !l.contains("--- expected")).map(str::trim_end).collect();
    assert_eq!(diff.get(1).copied(), Some("      +++ actual"), "{report}");
    assert!(diff.contains(&"      -    \"b\": 3"), "{report}");
    assert!(diff.contains(&"      +    \"b\": 2"), "{report}");
    assert!(diff.contains(&"         \"a\": {"), "{report}");
    assert_eq!(diff.iter().filter(|l| l.starts_with("      -") && !l.starts_with("      ---")).count(), 1, "{report}");
    assert!(!report.contains('\x1b'), "{report:?}");
}

#[test]
fn without_a_terminal_there_is_no_colour_even_without_no_color() {
    let server = TestServer::start();
    let mut command =
        command(&["run", "--base-url", &server.base_url(), "--specs", SPECS, &file("fail"), "--filter", "body-value"]);
    command.env_remove("NO_COLOR");
    let out = finish(&mut command);
    out.assert_code(1);
    assert!(out.stdout.contains("-    \"b\": 3"), "{}", out.stdout);
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert!(!out.stderr.contains('\x1b'), "{:?}", out.stderr);
}

#[test]
fn snapshots_are_created_compared_and_accepted() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshots = dir.path().to_str().expect("UTF-8 temp path");
    let snap = dir.path().join("e2e/snapshot__versioned__01-read-the-version.snap");
    let pending = snap.with_extension("snap.new");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let args = ["--snapshots", snapshots];

    // First run: no snapshot yet, one is written and the case passes.
    run(&server.base_url(), &[&file("snapshot")], &args).assert_code(0);
    assert!(read(&snap).contains("\"version\": 0"), "{}", read(&snap));
    assert!(!pending.exists());

    // Same response: still passes, nothing pending.
    run(&server.base_url(), &[&file("snapshot")], &args).assert_code(0);
    assert!(!pending.exists());

    // The server changes: the case fails with a diff, the snapshot stays, a `.snap.new` is left for review.
    server.bump_version();
    let out = run(&server.base_url(), &[&file("snapshot")], &args);
    out.assert_code(1);
    let report = out.report("e2e::snapshot::versioned");
    assert!(
        report.contains("✗ the response differs from snapshot `snapshot__versioned__01-read-the-version`"),
        "{report}"
    );
    assert!(report.contains("-    \"version\": 0"), "{report}");
    assert!(report.contains("+    \"version\": 1"), "{report}");
    assert!(read(&snap).contains("\"version\": 0"));
    assert!(read(&pending).contains("\"version\": 1"), "{}", read(&pending));

    // `--update-snapshots` accepts the change and clears the pending file.
    let update = ["--snapshots", snapshots, "--update-snapshots"];
    run(&server.base_url(), &[&file("snapshot")], &update).assert_code(0);
    assert!(read(&snap).contains("\"version\": 1"), "{}", read(&snap));
    assert!(!pending.exists());
    run(&server.base_url(), &[&file("snapshot")], &args).assert_code(0);
}

#[test]
fn cleanup_runs_after_a_failed_step_and_skips_what_was_never_captured() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("cleanup")], &["-v", "-j", "1"]);
    out.assert_code(1);
    let requests = server.requests();
    let deletes: BTreeSet<&str> = requests.iter().map(String::as_str).filter(|r| r.starts_with("DELETE")).collect();
    // after-failure: the DELETE came although a step failed; the step after the failure was never sent.
    // never-captured: the cleanup step that needs `thing_id` was skipped, the other one ran.
    assert_eq!(deletes, BTreeSet::from(["DELETE /things/t1", "DELETE /things/fixed"]), "{requests:?}");
    assert!(!requests.iter().any(|r| r.contains("never-sent")), "{requests:?}");
    assert!(out.stdout.contains("SKIP  delete what was created [cleanup]: -"), "{}", out.stdout);
    assert!(out.stdout.contains("PASS  delete [cleanup]: DELETE "), "{}", out.stdout);
    let report = out.report("e2e::cleanup::after-failure");
    assert!(report.contains("✗ status: expected 418, got 200"), "{report}");
}

#[test]
fn a_timeout_fails_the_case_without_hanging() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("transport")], &["--filter", "slow", "--timeout", "0.5"]);
    // 3: nothing failed, but a case could not run.
    out.assert_code(3);
    assert!(out.elapsed < Duration::from_secs(30), "the 60 s endpoint was awaited: {:?}", out.elapsed);
    let report = out.report("e2e::transport::slow");
    assert!(report.contains("error: no response within 500ms (timeout)"), "{report}");
    assert!(out.stdout.contains("0 passed, 0 failed, 1 errored, 0 skipped"), "{}", out.stdout);
}

#[test]
fn a_broken_connection_is_an_error_with_its_reason() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("transport")], &["--filter", "hangup"]);
    out.assert_code(3);
    let report = out.report("e2e::transport::hangup");
    assert!(report.contains("error: request failed: error sending request for url ("), "{report}");
    assert!(report.contains("connection closed before message completed"), "{report}");
}

#[test]
fn a_refused_connection_is_an_error_with_its_reason() {
    let out = run(&closed_port_url(), &[&file("pass")], &["--filter", "every-matcher-holds"]);
    out.assert_code(3);
    let report = out.report("e2e::pass::every-matcher-holds");
    assert!(report.contains("error: cannot connect: error sending request for url"), "{report}");
    assert!(report.contains("Connection refused"), "{report}");
    assert!(!report.contains("attempts"), "no retry without --retries: {report}");
}

#[test]
fn retries_repeat_transport_errors() {
    let out = run(&closed_port_url(), &[&file("pass")], &["--filter", "every-matcher-holds", "--retries", "2"]);
    out.assert_code(3);
    let report = out.report("e2e::pass::every-matcher-holds");
    assert!(report.contains("    3 attempts (transport errors retried)"), "{report}");
    assert!(report.contains("(after 3 attempts)"), "{report}");

    // The server sees every attempt of a response that breaks off.
    let server = TestServer::start();
    run(&server.base_url(), &[&file("transport")], &["--filter", "hangup", "--retries", "2"]).assert_code(3);
    let hangups = server.requests().iter().filter(|r| r.starts_with("GET /hangup/")).count();
    assert_eq!(hangups, 3);

    // A wrong answer is never retried.
    let server = TestServer::start();
    run(&server.base_url(), &[&file("fail")], &["--filter", "wrong-status", "--retries", "2"]).assert_code(1);
    assert_eq!(server.requests(), ["GET /things/1"]);
}

#[test]
fn a_failed_expectation_outranks_a_case_that_could_not_run() {
    let server = TestServer::start();
    let out = run(
        &server.base_url(),
        &[&file("transport"), &file("fail")],
        &["--filter", "hangup", "--filter", "wrong-status"],
    );
    out.assert_code(1);
    assert!(out.stdout.contains("0 passed, 1 failed, 1 errored, 0 skipped"), "{}", out.stdout);
}

#[test]
fn an_unwritable_report_exits_4_after_the_run() {
    let server = TestServer::start();
    // A report path inside a file cannot be created.
    let blocker = std::env::temp_dir().join(format!("conform-blocker-{}", std::process::id()));
    std::fs::write(&blocker, "a file, not a folder").unwrap();
    let report = blocker.join("junit.xml");
    let out = run(
        &server.base_url(),
        &[&file("pass")],
        &["--filter", "every-matcher-holds", "--report", &format!("junit={}", report.display())],
    );
    let _ = std::fs::remove_file(&blocker);
    out.assert_code(4);
    assert!(out.stderr.contains("cannot write the junit report to"), "{}", out.stderr);
    assert!(out.stdout.contains("1 passed, 0 failed"), "the run itself still reports: {}", out.stdout);
}

#[test]
fn fail_fast_skips_the_rest() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("fail")], &["--fail-fast", "-j", "1"]);
    out.assert_code(1);
    let skipped = EXPECTED_FAILURES.len() - 1;
    assert!(out.stdout.contains(&format!("0 passed, 1 failed, 0 errored, {skipped} skipped")), "{}", out.stdout);
    assert_eq!(server.requests().len(), 1, "only the first case sent a request");
}

// ── the library, for finer assertions ─────────────────────────────────────────────────────────────────────

fn project() -> Arc<Project> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project =
        Project::load(&ProjectSource::new(vec![root.join(SUITE)], root.join(SPECS))).expect("the e2e suite loads");
    assert_eq!(project.suites.len(), 1);
    Arc::new(project)
}

fn run_case(config: RunConfig, file: &str, name: &str) -> CaseResult {
    let project = project();
    let at = project
        .all_cases()
        .into_iter()
        .find(|&at| project.case(at).1.id.file == file && project.case(at).1.id.name == name)
        .unwrap_or_else(|| panic!("no case {file}::{name}"));
    let runner = Runner::new(project, config).expect("runner");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(runner.run_case(at)).into_inner()
}

#[test]
fn library_body_failure_names_path_expected_actual_and_location() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "fail", "body-value");
    assert_eq!(result.outcome, Outcome::Failed);
    assert_eq!(result.steps.len(), 1);
    let step = &result.steps[0];
    assert_eq!(step.status, Some(200));
    assert_eq!(step.attempts, 1);
    assert_eq!(step.request.as_deref(), Some(format!("GET {}/things/1", server.base_url()).as_str()));
    let [failure] = step.failures.as_slice() else { panic!("one failure: {:?}", step.failures) };
    assert_eq!(failure.kind, FailureKind::Body);
    assert_eq!(failure.path, "$.a.b");
    assert_eq!(failure.expected.as_deref(), Some("3"));
    assert_eq!(failure.actual.as_deref(), Some("2"));
    let diff = failure.diff.as_deref().expect("a diff");
    assert!(diff.starts_with("--- expected\n+++ actual\n"), "{diff}");
    // The step of case `body-value` starts on line 14 of fail.yaml.
    let location = failure.location.as_ref().expect("a location");
    assert!(location.file.ends_with("e2e/suite/fail.yaml"), "{location}");
    assert_eq!((location.line, location.column), (14, 9), "{location}");
}

#[test]
fn library_status_failure_points_at_the_status_line() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "fail", "wrong-status");
    let failure = &result.steps[0].failures[0];
    assert_eq!(failure.kind, FailureKind::Status);
    assert_eq!((failure.expected.as_deref(), failure.actual.as_deref()), (Some("201"), Some("200")));
    let location = failure.location.as_ref().expect("a location");
    assert_eq!((location.line, location.column), (6, 26), "{location}");
}

#[test]
fn library_cleanup_outcomes() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "cleanup", "after-failure");
    assert_eq!(result.outcome, Outcome::Failed);
    let steps: Vec<(&str, Phase, Outcome)> =
        result.steps.iter().map(|s| (s.name.as_str(), s.phase, s.outcome)).collect();
    assert_eq!(
        steps,
        [
            ("create", Phase::Steps, Outcome::Passed),
            ("expect a teapot", Phase::Steps, Outcome::Failed),
            ("delete", Phase::Cleanup, Outcome::Passed),
        ]
    );

    let result = run_case(RunConfig::new(server.base_url()), "cleanup", "never-captured");
    assert_eq!(result.outcome, Outcome::Failed);
    let skipped = &result.steps[1];
    assert_eq!((skipped.phase, skipped.outcome), (Phase::Cleanup, Outcome::Skipped));
    assert_eq!(skipped.attempts, 0, "nothing was sent");
    assert!(skipped.error.as_deref().is_some_and(|e| e.contains("`thing_id` has no value")), "{skipped:?}");
    assert_eq!(result.steps[2].outcome, Outcome::Passed);
}

#[test]
fn library_transport_errors_are_errors_not_failures() {
    let server = TestServer::start();
    let config = RunConfig { timeout: Duration::from_millis(300), ..RunConfig::new(server.base_url()) };
    let started = Instant::now();
    let result = run_case(config, "transport", "slow");
    assert!(started.elapsed() < Duration::from_secs(30), "the 60 s endpoint was awaited: {:?}", started.elapsed());
    assert_eq!(result.outcome, Outcome::Errored);
    assert!(result.steps[0].failures.is_empty());
    assert_eq!(result.steps[0].error.as_deref(), Some("no response within 300ms (timeout)"));

    let config = RunConfig { retries: 2, ..RunConfig::new(closed_port_url()) };
    let result = run_case(config, "pass", "every-matcher-holds");
    assert_eq!(result.outcome, Outcome::Errored);
    assert_eq!(result.steps[0].attempts, 3);
    assert_eq!(result.steps[0].status, None);
}

#[test]
fn library_fail_fast_keeps_plan_order() {
    let server = TestServer::start();
    let project = project();
    let plan: Vec<_> = project.all_cases().into_iter().filter(|&at| project.case(at).1.id.file == "fail").collect();
    let config = RunConfig { fail_fast: true, jobs: 1, ..RunConfig::new(server.base_url()) };
    let runner = Runner::new(project, config).expect("runner");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let result = runtime.block_on(runner.run(&plan, &|_| {}));
    let outcomes: Vec<Outcome> = result.cases.iter().map(|c| c.outcome).collect();
    assert_eq!(outcomes.len(), EXPECTED_FAILURES.len());
    assert_eq!(outcomes[0], Outcome::Failed);
    assert!(outcomes[1..].iter().all(|o| *o == Outcome::Skipped), "{outcomes:?}");
    assert_eq!(result.cases[0].id.name, EXPECTED_FAILURES[0].0);
}

#[test]
fn should_expectations_make_a_case_non_strict_and_strict_fails_it() {
    let server = TestServer::start();
    let filter = ["--filter", "should-differs", "--filter", "should-holds"];
    let out = run(&server.base_url(), &[&file("levels")], &filter);
    // Non-strict passes the gate.
    out.assert_code(0);
    assert!(out.stdout.contains("NON-STRICT e2e::levels::should-differs"), "{}", out.stdout);
    assert!(out.stdout.contains("PASS  e2e::levels::should-holds"), "{}", out.stdout);
    assert!(out.stdout.contains("1 passed, 1 non-strict, 0 failed"), "{}", out.stdout);
    assert!(out.stdout.contains("1 of them non-strict"), "{}", out.stdout);

    let mut strict: Vec<&str> = filter.to_vec();
    strict.push("--strict");
    let out = run(&server.base_url(), &[&file("levels")], &strict);
    out.assert_code(1);
    let report = out.report("e2e::levels::should-differs");
    assert!(report.contains("header x-api-version: expected \"3\", got \"2\""), "{report}");
    assert!(report.contains("body $.name: expected \"widgets\", got \"widget\""), "{report}");
}

#[test]
fn library_should_failures_carry_their_level_and_must_failures_still_fail() {
    let server = TestServer::start();
    let result = run_case(RunConfig::new(server.base_url()), "levels", "should-differs");
    assert_eq!(result.outcome, Outcome::NonStrict);
    assert_eq!(result.steps.len(), 2, "a should difference does not stop the case");
    assert_eq!(result.steps[0].outcome, Outcome::NonStrict);
    assert!(result.steps[0].failures.iter().all(|f| f.level == Level::Should));
    assert_eq!(result.steps[0].failures.len(), 2);

    let strict = RunConfig { strict: true, ..RunConfig::new(server.base_url()) };
    assert_eq!(run_case(strict, "levels", "should-differs").outcome, Outcome::Failed);

    let result = run_case(RunConfig::new(server.base_url()), "levels", "must-fails-beside-should");
    assert_eq!(result.outcome, Outcome::Failed);
    let levels: Vec<Level> = result.steps[0].failures.iter().map(|f| f.level).collect();
    assert_eq!(levels, [Level::Must, Level::Should]);
}

#[test]
fn a_case_whose_needs_are_not_given_is_skipped_with_the_reason_against_another_target() {
    let server = TestServer::start();
    let out = run(&server.base_url(), &[&file("needs")], &[]);
    out.assert_code(0);
    assert!(
        out.stdout.contains(
            "SKIP  e2e::needs::second-token (0 ms) — needs second_token against this target: give --var second_token=…"
        ),
        "{}",
        out.stdout
    );
    assert!(server.requests().is_empty(), "a skipped case sends nothing: {:?}", server.requests());

    assert!(
        out.stdout.contains(
            "SKIP  e2e::needs::optional-capability (0 ms) — needs capability `echoes-things` (answers GET /things/{id} \
             for any id) against this target: give --capability echoes-things if the target has it"
        ),
        "{}",
        out.stdout
    );
    assert!(server.requests().is_empty(), "a skipped case sends nothing: {:?}", server.requests());

    // Given, they run.
    let out =
        run(&server.base_url(), &[&file("needs")], &["--var", "second_token=abc", "--capability", "echoes-things"]);
    out.assert_code(0);
    assert!(out.stdout.contains("PASS  e2e::needs::second-token"), "{}", out.stdout);
    assert!(out.stdout.contains("PASS  e2e::needs::optional-capability"), "{}", out.stdout);

    // A capability no suite declares is an input error, with a suggestion: a typo would silently skip cases.
    let out = run(&server.base_url(), &[&file("needs")], &["--capability", "echoes-thing"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains(
            "error: unknown capability `echoes-thing` (the suites declare: echoes-things); did you mean `echoes-things`?"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn fail_fast_is_not_triggered_by_a_non_strict_case() {
    let server = TestServer::start();
    let filter = ["--filter", "should-differs", "--filter", "should-holds", "--fail-fast", "-j", "1"];
    let out = run(&server.base_url(), &[&file("levels")], &filter);
    out.assert_code(0);
    assert!(out.stdout.contains("1 passed, 1 non-strict, 0 failed, 0 errored, 0 skipped"), "{}", out.stdout);
}
