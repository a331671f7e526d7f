//! Against a real service: throttled answers (429, 503 with `Retry-After`) are waited out, sent again and
//! reported, never failed; a case that would wait too long errors with the reason; a step expecting 429 gets
//! it. OAuth2 client-credentials tokens are fetched once, shared, fetched again before expiry and after a 401
//! that follows expiry, and never appear in any output. First against a small service of our own
//! (`tests/fixtures/limits/`), then the bundled suites against the reference server with Xero's limits (scaled
//! down) and short-lived tokens.

mod common;
#[path = "fixtures/limits/server.rs"]
mod server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use conform::project::{Project, ProjectSource};
use conform::reference::ServerConfig;
use conform::report::{ReportFormat, coverage, write_report};
use conform::results::{Outcome, RunResult, ThrottleTotals};
use conform::run::{RunConfig, Runner};
use conform::secrets::Masked;
use serde_json::Value;
use server::{CLIENT_ID, CLIENT_SECRET, LimitsServer};

const SUITE: &str = "tests/fixtures/limits/suite";

struct Outputs {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    json: Value,
    junit: String,
    html: String,
}

impl Outputs {
    fn all_text(&self) -> String {
        [self.stdout.as_str(), &self.stderr, &self.json.to_string(), &self.junit, &self.html].join("\n")
    }

    fn case(&self, name: &str) -> &Value {
        let cases = self.json["suites"][0]["cases"].as_array().expect("cases");
        cases.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("no case {name}"))
    }
}

/// `conform run FILE --base-url URL` with every report, as a user runs it.
fn run_binary(file: &str, base_url: &str, extra: &[&str]) -> Outputs {
    let dir = tempfile::tempdir().unwrap();
    let report = |ext: &str| dir.path().join(format!("report.{ext}")).display().to_string();
    let (json, junit, html) = (report("json"), report("xml"), report("html"));
    let mut args = vec![
        "run".to_string(),
        format!("{SUITE}/{file}"),
        "--base-url".into(),
        base_url.into(),
        "--report".into(),
        format!("json={json}"),
        "--report".into(),
        format!("junit={junit}"),
        "--report".into(),
        format!("html={html}"),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::conform(&args);
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let outputs = Outputs {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        json: serde_json::from_str(&read(&json)).expect("a JSON report"),
        junit: read(&junit),
        html: read(&html),
    };
    assert!(!outputs.stderr.contains("panicked"), "{}", outputs.stderr);
    validate_json_report(&outputs.json);
    outputs
}

fn validate_json_report(report: &Value) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    let errors: Vec<String> = validator.iter_errors(report).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "report does not match specs/report.schema.json:\n{}", errors.join("\n"));
}

#[test]
fn throttled_answers_are_waited_out_sent_again_and_reported_never_failed() {
    let server = LimitsServer::start(Duration::from_secs(60), true);
    let started = Instant::now();
    let out = run_binary("throttle.yaml", &server.base_url(), &["--max-throttle-wait", "30"]);
    let elapsed = started.elapsed();

    // One case errors (it would wait an hour); no case fails: exit 3, "could not run".
    assert_eq!(out.code, Some(3), "{}\n{}", out.stdout, out.stderr);
    for name in [
        "retry-after-seconds",
        "retry-after-http-date",
        "service-unavailable-with-retry-after",
        "no-retry-after-backs-off",
        "expects-429",
    ] {
        assert_eq!(out.case(name)["result"], "passed", "{name}: {}", out.case(name));
    }
    let seconds = &out.case("retry-after-seconds")["steps"][0];
    let waits = seconds["throttled"].as_array().expect("waits recorded");
    assert_eq!(waits.len(), 2, "{seconds}");
    for wait in waits {
        assert_eq!((wait["status"].as_u64(), wait["reason"].as_str()), (Some(429), Some("Retry-After: 1")));
        assert_eq!(wait["problem"], "minute");
        assert!(wait["wait_ms"].as_f64().unwrap() >= 1000.0, "{wait}");
    }
    let dated = &out.case("retry-after-http-date")["steps"][0]["throttled"][0];
    assert!(dated["reason"].as_str().unwrap().ends_with("GMT"), "{dated}");
    assert!(dated["wait_ms"].as_f64().unwrap() >= 1000.0, "{dated}");
    assert_eq!(out.case("service-unavailable-with-retry-after")["steps"][0]["throttled"][0]["status"], 503);
    let bare = &out.case("no-retry-after-backs-off")["steps"][0]["throttled"][0];
    assert_eq!(
        (bare["reason"].as_str(), bare["wait_ms"].as_f64().map(|w| w >= 1000.0)),
        (Some("no Retry-After, backoff"), Some(true))
    );

    // The same request went out again after each wait; the step expecting 429 got it, once.
    let requests = server.requests();
    let count = |key: &str| requests.iter().filter(|r| r.contains(&format!("/throttle/{key}"))).count();
    assert_eq!((count("seconds-"), count("date-"), count("busy-"), count("bare-")), (3, 2, 2, 2));
    assert_eq!(count("expected-"), 1);
    assert_eq!(out.case("expects-429")["steps"][0]["throttled"], Value::Array(vec![]));

    // Past --max-throttle-wait the case errors at once, with the reason.
    let long = out.case("waits-too-long");
    assert_eq!(long["result"], "errored");
    let message = long["message"].as_str().unwrap();
    assert!(
        message.contains("429 asks to wait 3600.0 s") && message.contains("--max-throttle-wait 30.0 s"),
        "{message}"
    );
    assert_eq!(count("long-"), 1, "not sent again");
    assert!(elapsed < Duration::from_secs(30), "the hour-long wait was not waited: {elapsed:?}");

    // Every report says it: the JSON totals, the terminal summary, JUnit and HTML.
    let totals = &out.json["throttle"];
    assert_eq!(totals["waits"], 5, "{totals}");
    assert!(totals["wait_ms"].as_f64().unwrap() >= 5000.0, "{totals}");
    assert!(out.stdout.contains("Rate limits (waited, never failed)"), "{}", out.stdout);
    assert!(out.stdout.contains("5 throttled answer(s) (429/503 Retry-After) waited out"), "{}", out.stdout);
    assert!(out.stdout.contains("rate budget: limits: 20/s, 2 in flight"), "{}", out.stdout);
    // Without a terminal (a CI log) a line says when the server starts holding the run back.
    assert!(out.stdout.contains("waiting: ") && out.stdout.contains("on the server's Retry-After"), "{}", out.stdout);
    assert!(out.junit.contains("name=\"throttled_waits\" value=\"5\""), "{}", out.junit);
    assert!(
        out.junit.contains(
            "step `GET /throttle/seconds-{{run_id}}` got 429 (Retry-After: 1, X-Rate-Limit-Problem: minute): waited"
        ),
        "{}",
        out.junit
    );
    assert!(out.html.contains("id=\"throttle\" data-waits=\"5\""), "HTML header");
    assert!(out.html.contains("throttled 2×"), "HTML case tag");
}

/// Without a report file the run keeps only what the summary needs of a passing case; the waits of the passing
/// cases still add up in the terminal summary.
#[test]
fn the_summary_counts_the_waits_of_passing_cases_when_no_report_keeps_their_steps() {
    let server = LimitsServer::start(Duration::from_secs(60), true);
    let file = format!("{SUITE}/throttle.yaml");
    let out = common::conform(&["run", &file, "--base-url", &server.base_url(), "--max-throttle-wait", "30"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("5 throttled answer(s) (429/503 Retry-After) waited out"), "{stdout}");
    assert!(stdout.contains("5 passed, 0 failed, 1 errored"), "{stdout}");
}

#[test]
fn oauth2_tokens_are_fetched_once_refreshed_before_expiry_and_never_shown() {
    let server = LimitsServer::start(Duration::from_secs(2), true);
    let given = ["--var", &format!("client_id={CLIENT_ID}"), "--var", &format!("client_secret={CLIENT_SECRET}")];
    let out = run_binary("oauth.yaml", &server.base_url(), &given);

    // token-echoed fails on purpose (its body holds the token); outlives-the-token passes over more than a
    // token's lifetime: its later requests went out with a fresh token, fetched before the old one expired.
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.case("outlives-the-token")["result"], "passed", "{}", out.case("outlives-the-token"));
    assert_eq!(out.case("token-echoed")["result"], "failed");
    let issued = server.issued_tokens();
    assert!((2..=4).contains(&issued.len()), "one token shared by both cases, then refreshed: {issued:?}");
    assert_eq!(server.requests().len(), 4, "no request was refused and sent again: {:?}", server.requests());

    let text = out.all_text();
    for token in issued.iter().map(String::as_str).chain([CLIENT_SECRET]) {
        assert!(!text.contains(token), "`{token}` leaked");
    }
    // Not vacuous: the echoed header is in every output, masked.
    let actual = out.case("token-echoed")["steps"][0]["failures"][0]["actual"].as_str().unwrap().to_string();
    assert!(actual.contains("Bearer ***"), "{actual}");
    for (name, output) in [("stdout", &out.stdout), ("junit", &out.junit), ("html", &out.html)] {
        assert!(output.contains("Bearer ***"), "{name} shows the masked echo:\n{output}");
    }
}

#[test]
fn a_401_after_the_token_expired_is_sent_again_once_with_a_fresh_token() {
    // The token answer says nothing of expiry: only the 401 tells conform.
    let server = LimitsServer::start(Duration::from_secs(1), false);
    let given = ["--var", &format!("client_id={CLIENT_ID}"), "--var", &format!("client_secret={CLIENT_SECRET}")];
    let out = run_binary("oauth.yaml", &server.base_url(), &[&given[..], &["--filter", "outlives"]].concat());
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    // Steps 2 and 3 each met an expired token: 401, a new token, the same request again.
    assert_eq!(server.issued_tokens().len(), 3);
    assert_eq!(server.requests().len(), 5);
}

#[test]
fn a_failing_token_endpoint_errors_the_cases_with_its_answer() {
    let server = LimitsServer::start(Duration::from_secs(60), true);
    let given = ["--var", &format!("client_id={CLIENT_ID}"), "--var", "client_secret=wrong-client-secret"];
    let out = run_binary("oauth.yaml", &server.base_url(), &given);
    assert_eq!(out.code, Some(3), "{}", out.stdout);
    let message = out.case("outlives-the-token")["message"].as_str().unwrap().to_string();
    assert!(message.contains("oauth2 token for suite `limits`") && message.contains("401"), "{message}");
    assert!(!out.all_text().contains("wrong-client-secret"));
    assert!(server.requests().is_empty(), "no API request without a token");
}

/// The bundled suites, loaded with `vars` given as on the command line.
fn bundled_with(vars: &[(&str, &str)]) -> Project {
    let vars = vars.iter().map(|(n, v)| (n.to_string(), v.to_string()));
    Project::load(&ProjectSource::bundled().with_vars(vars)).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs the README's selection for a real service against `base_url` as a remote target, with reports.
fn run_remote(project: Project, base_url: &str, config: impl FnOnce(&mut RunConfig)) -> (Masked<RunResult>, String) {
    let project = Arc::new(project);
    let selection =
        conform::select::Selection { exclude_tags: vec!["legacy".into(), "seed-verbs".into()], ..Default::default() };
    let plan = project.plan(&selection);
    let mut run_config = RunConfig::new(base_url);
    run_config.jobs = 8;
    config(&mut run_config);
    let runner = Runner::new(project.clone(), run_config).expect("client");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let result = runtime.block_on(runner.run(&plan, &|_| {}));
    let coverage = coverage::compute(&project.suites, &result.cases);
    let mut text = Vec::new();
    conform::report::summary::write_summary(&result, &coverage, &mut text, false).unwrap();
    conform::report::console::write_failures(&result, false, &mut text).unwrap();
    for format in ReportFormat::ALL {
        write_report(format, &result, &coverage, &mut text).unwrap();
    }
    (result, String::from_utf8(text).unwrap())
}

#[test]
fn the_bundled_suites_pass_against_xero_limits_with_429s_waited_out() {
    // Xero's shape (a per-second window and calls in progress), scaled down so the run takes seconds.
    let mut config = ServerConfig::default();
    config.rate_limits.add("xero=20/s,3-concurrent").unwrap();
    let server = common::start(config);
    let mut project = bundled_with(&[("xero_read_token", "conform-xero-read-token")]);
    // The Xero suite's own budget (60/min, 5 in flight) would keep under the server's limits at a minute a
    // run; scaled down with the server, but looser than it, so the server's 429s come and are waited out.
    let xero = project.suites.iter_mut().find(|s| s.name == "xero").unwrap();
    assert_eq!(xero.rate_limit.to_string(), "60/min, 5 in flight");
    xero.rate_limit.rate = Some("40/s".parse().unwrap());
    let (result, text) = run_remote(project, &server.base_url(), |_| {});

    assert!(common::failures(&result).is_empty(), "no false failure:\n{}", common::failures(&result).join("\n"));
    let xero: Vec<_> = result.cases.iter().filter(|c| c.id.suite == "xero").collect();
    let held = ThrottleTotals::of_cases(xero.iter().copied());
    assert!(held.waits > 0, "the server's 429s were seen and waited out");
    let problems: std::collections::BTreeSet<_> =
        xero.iter().flat_map(|c| &c.steps).flat_map(|s| &s.throttled).filter_map(|w| w.problem.clone()).collect();
    assert!(problems.iter().all(|p| ["minute", "concurrent"].contains(&p.as_str())), "{problems:?}");
    assert_eq!(ThrottleTotals::of_cases(result.cases.iter().filter(|c| c.id.suite == "sinch")).waits, 0);
    assert!(text.contains("Rate limits (waited, never failed)"), "terminal summary");
    assert!(text.contains("\"waits\": "), "JSON totals");
    assert!(text.contains("name=\"throttled_waits\""), "JUnit property");
}

#[test]
fn the_bundled_suites_outlive_their_oauth2_tokens_and_never_show_them() {
    let server = common::start(ServerConfig { token_lifetime: Some(Duration::from_secs(2)), ..Default::default() });
    let mut project = bundled_with(&[
        ("xero_client_id", "conform-xero-client"),
        ("xero_client_secret", "conform-xero-client-secret"),
        ("sinch_key_id", "conform-sinch-key"),
        ("sinch_key_secret", "conform-sinch-key-secret"),
        ("xero_read_token", "conform-xero-read-token"),
    ]);
    // Xero's budget scaled down (25 calls a second for the ~150 calls of the Xero cases that run against another
    // target) so the run takes seconds, yet several tokens' lifetimes.
    let xero = project.suites.iter_mut().find(|s| s.name == "xero").unwrap();
    xero.rate_limit.rate = Some("25/s".parse().unwrap());
    let started = Instant::now();
    let (result, text) = run_remote(project, &server.base_url(), |_| {});
    assert!(started.elapsed() > Duration::from_secs(4), "the run outlived two token lifetimes");
    assert!(common::failures(&result).is_empty(), "{}", common::failures(&result).join("\n"));
    assert!(result.cases.iter().filter(|c| c.outcome == Outcome::Passed).count() > 90);
    for secret in ["conform-xero-client-secret", "conform-sinch-key-secret"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    // Issued tokens carry the API's prefix and `-at-`: none appears in any output.
    let issued = regex::Regex::new(r"-at-[0-9a-f]{32}").unwrap();
    assert!(!issued.is_match(&text), "an issued token leaked: {:?}", issued.find(&text));
}

#[test]
fn the_refresh_token_grant_is_used_when_a_refresh_token_is_given() {
    let server = common::start(ServerConfig::default());
    let run = |refresh_token: &str| {
        common::conform(&[
            "run",
            "cases/xero",
            "--filter",
            "xero::create::put-creates",
            "--base-url",
            &server.base_url(),
            "--var",
            "xero_client_id=conform-xero-client",
            "--var",
            "xero_client_secret=conform-xero-client-secret",
            "--var",
            &format!("xero_refresh_token={refresh_token}"),
        ])
    };
    let good = run("conform-xero-refresh-token");
    assert_eq!(good.status.code(), Some(0), "{}", String::from_utf8_lossy(&good.stdout));
    // Client credentials alone would have worked: the refusal shows the refresh grant was the one asked for.
    let refused = run("a-refresh-token-xero-never-issued");
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(refused.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("invalid_grant"), "{stdout}");
    assert!(!stdout.contains("a-refresh-token-xero-never-issued"), "the refresh token is masked: {stdout}");
}
