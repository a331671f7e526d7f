//! The secret-leak test: a failing suite (`tests/fixtures/secrets`) sends known credentials to the test server,
//! which echoes them in bodies, in an error and in a snapshotted response; the token is in a URL, in a failing
//! expectation and in a transport error. Not one byte conform writes — stdout, stderr, JUnit, JSON and HTML
//! reports, `.snap` and `.snap.new` files, CI annotations — may contain a credential.

#[path = "fixtures/e2e/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use server::TestServer;

const SUITE: &str = "tests/fixtures/secrets";
/// Given with `--var api_token=…`.
const TOKEN_FROM_VAR: &str = "tk-live-A7f3c9e1d5b2";
/// Given with `CONFORM_VAR_API_TOKEN=…`.
const TOKEN_FROM_ENV: &str = "tk-live-B4e8a2c6f0d9";
/// `plan_key`'s default in suite.yaml: secret only because `secrets: [plan_key]` says so.
const PLAN_KEY_DEFAULT: &str = "pk-suite-default-7Q2W9E";
/// `plan_key` given with `--var plan_key=…`.
const PLAN_KEY_FROM_VAR: &str = "pk-cli-3R8T1Y5U";

fn conform(args: &[String], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_conform"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1");
    for (name, _) in std::env::vars() {
        if name.starts_with("CONFORM_VAR_") || name.starts_with("INSTA_") || name == "GITHUB_ACTIONS" {
            command.env_remove(name);
        }
    }
    command.envs(envs.iter().copied());
    command.output().expect("run conform")
}

/// Runs the leaky suite, verbose, with every report and snapshots under `dir`; CI annotations on.
fn run_suite(server: &TestServer, dir: &Path, name: &str, extra: &[&str], envs: &[(&str, &str)]) -> Output {
    let report = |format: &str, file: &str| format!("{format}={}", dir.join(name).join(file).display());
    let mut args: Vec<String> =
        ["run", SUITE, "--base-url", &server.base_url(), "--specs", "no-specs", "-v", "-j", "2"]
            .map(String::from)
            .to_vec();
    args.extend(["--snapshots".into(), dir.join("snapshots").display().to_string()]);
    for (format, file) in [("junit", "junit.xml"), ("json", "report.json"), ("html", "report.html")] {
        args.extend(["--report".into(), report(format, file)]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut envs = envs.to_vec();
    envs.push(("GITHUB_ACTIONS", "true"));
    conform(&args, &envs)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// No secret in the run's stdout and stderr, nor in any file under `dir`.
fn assert_no_leak(secrets: &[&str], out: &Output, dir: &Path) {
    let mut places: Vec<(String, Vec<u8>)> =
        vec![("stdout".into(), out.stdout.clone()), ("stderr".into(), out.stderr.clone())];
    for file in files_under(dir) {
        let bytes = std::fs::read(&file).expect("read output file");
        places.push((file.display().to_string(), bytes));
    }
    for (place, bytes) in &places {
        for secret in secrets {
            assert!(!contains(bytes, secret), "`{secret}` leaked into {place}:\n{}", String::from_utf8_lossy(bytes));
        }
    }
}

fn assert_failed_with_reports(out: &Output, dir: &Path, name: &str) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "the suite fails\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for file in ["junit.xml", "report.json", "report.html"] {
        let path = dir.join(name).join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}\n{stderr}", path.display()));
        assert!(text.len() > 100, "{} is a real report:\n{text}", path.display());
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(name).join("report.json")).expect("json report"))
            .expect("the masked JSON report is still JSON");
    assert!(json.is_object());
    // Failures and errors of all five cases, masked, are in the output; the annotations too.
    assert!(stdout.contains("FAILED: "), "{stdout}");
    assert!(stdout.contains("***"), "masking happened:\n{stdout}");
    assert!(stdout.contains("::error "), "GitHub annotations were written:\n{stdout}");
    // The non-strict outputs (terminal section, JUnit system-out, JSON and HTML listings) hold the echoed token too.
    assert!(stdout.contains("Non-strict (the contract holds"), "the non-strict section was written:\n{stdout}");
    assert!(stdout.contains("✗ (should) body $.authorization"), "{stdout}");
    // The reproduction commands of the failed steps are written, with the token as a variable reference.
    assert!(stdout.contains("reproduce: curl"), "{stdout}");
    assert!(stdout.contains("${CONFORM_VAR_"), "secrets in curl lines are environment references:\n{stdout}");
}

#[test]
fn no_credential_reaches_any_output() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");

    // Run 1: the token from `--var`, plan_key from the suite default. Snapshots are created.
    let first = run_suite(&server, dir.path(), "first", &["--var", &format!("api_token={TOKEN_FROM_VAR}")], &[]);
    assert_failed_with_reports(&first, dir.path(), "first");
    // The credentials really were sent (and echoed): what the output lacks was masked, not missing.
    let requests = server.requests();
    assert!(requests.contains(&format!("GET /echo/{TOKEN_FROM_VAR}")), "{requests:?}");
    assert!(requests.contains(&format!("GET /things/{PLAN_KEY_DEFAULT}")), "{requests:?}");
    assert!(requests.contains(&format!("DELETE /things/{TOKEN_FROM_VAR}")), "the cleanup ran: {requests:?}");
    let snaps: Vec<PathBuf> =
        files_under(dir.path()).into_iter().filter(|p| p.extension().is_some_and(|e| e == "snap")).collect();
    assert_eq!(snaps.len(), 1, "{snaps:?}");
    let snap = std::fs::read_to_string(&snaps[0]).expect("snapshot");
    assert!(snap.contains("\"authorization\": \"Bearer ***\""), "{snap}");
    assert_no_leak(&[TOKEN_FROM_VAR, PLAN_KEY_DEFAULT], &first, dir.path());

    // Run 2: the token from the environment, plan_key from `--var`; the echoed response changed, so the
    // snapshot differs and a `.snap.new` is left beside it.
    server.bump_version();
    let second = run_suite(
        &server,
        dir.path(),
        "second",
        &["--var", &format!("plan_key={PLAN_KEY_FROM_VAR}")],
        &[("CONFORM_VAR_API_TOKEN", TOKEN_FROM_ENV)],
    );
    assert_failed_with_reports(&second, dir.path(), "second");
    let requests = server.requests();
    assert!(requests.contains(&format!("GET /echo/{TOKEN_FROM_ENV}")), "{requests:?}");
    assert!(requests.contains(&format!("GET /things/{PLAN_KEY_FROM_VAR}")), "{requests:?}");
    let pending: Vec<PathBuf> =
        files_under(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".snap.new")).collect();
    assert_eq!(pending.len(), 1, "a changed snapshot is pending: {:?}", files_under(dir.path()));
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("the response differs from snapshot"), "{stdout}");
    assert_no_leak(&[TOKEN_FROM_VAR, TOKEN_FROM_ENV, PLAN_KEY_DEFAULT, PLAN_KEY_FROM_VAR], &second, dir.path());
}

#[test]
fn a_secret_declared_in_the_suite_is_masked_in_messages() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = conform(
        &[
            "run",
            SUITE,
            "--base-url",
            &server.base_url(),
            "--specs",
            "no-specs",
            "--filter",
            "plan-key-expected-wrong",
            "--var",
            "api_token=irrelevant-token",
        ]
        .map(String::from),
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // Expected and actual both held plan_key: both read `***`, and the failure is still readable.
    assert!(stdout.contains("✗ body $.plan_key: expected \"old-***\", got \"***\""), "{stdout}");
    assert_no_leak(&[PLAN_KEY_DEFAULT], &out, dir.path());
}

/// A mistake on the line of a secret's default value in suite.yaml: the diagnostic shows the line, with the
/// value masked.
#[test]
fn a_load_error_on_the_line_of_a_secret_default_does_not_show_it() {
    const TOKEN: &str = "default-token-9f3c1e";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("suite.yaml"),
        format!("name: leaky\nvars: {{api_token: {TOKEN}, base: \"{{{{undefined_var}}}}\"}}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cases.yaml"),
        "cases:\n  - name: a\n    steps:\n      - request: {method: GET, path: /x}\n",
    )
    .unwrap();
    let out = conform(&["validate".into(), dir.path().display().to_string()], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("undefined variable `undefined_var`"), "{stderr}");
    assert!(stderr.contains("vars: {api_token: ***, base:"), "the line is shown, masked: {stderr}");
    assert!(!contains(&out.stdout, TOKEN) && !stderr.contains(TOKEN), "{stderr}");
}

/// `conform diff` between a server that echoes the token and the embedded server, which has none of these
/// paths: every difference shows the echoing side's body, and no output of the comparison (terminal, JSON,
/// JUnit, HTML) shows the token or the plan key, in request lines, notes or compared values.
#[test]
fn a_differential_run_shows_no_credential() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = server.base_url();
    let mut args: Vec<String> =
        ["diff", SUITE, "--reference", &url, "--candidate", "embedded", "--specs", "no-specs", "-v"]
            .map(String::from)
            .to_vec();
    args.extend(["--var".into(), format!("api_token={TOKEN_FROM_VAR}")]);
    for (format, file) in [("junit", "diff.xml"), ("json", "diff.json"), ("html", "diff.html")] {
        args.extend(["--report".into(), format!("{format}={}", dir.path().join(file).display())]);
    }
    let out = conform(&args, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The token was sent and echoed.
    let requests = server.requests();
    assert!(requests.contains(&format!("GET /echo/{TOKEN_FROM_VAR}")), "{requests:?}");
    assert!(matches!(out.status.code(), Some(1 | 3)), "the two differ: {stdout}");
    let json = std::fs::read_to_string(dir.path().join("diff.json")).expect("diff.json");
    assert!(json.contains("\"differs\": 6"), "every case differs: {json}");
    assert!(json.contains("/echo/***"), "the request lines are there, masked: {json}");
    assert_no_leak(&[TOKEN_FROM_VAR, PLAN_KEY_DEFAULT], &out, dir.path());
}
