//! Baselines of known deviations, end to end through the binary: a baseline written from a run against a
//! faulty reference server makes the next run against it pass the gate; a second fault fails it; the clean
//! server reports the listed cases as unexpectedly passing (failing the gate with `--strict-baseline`); a case
//! that got worse than its listed level is not hidden; an entry naming no case is an input error.

mod common;

use std::path::{Path, PathBuf};

use conform::reference::{ServerConfig, find_fault};

fn server(fault: Option<&str>) -> conform::reference::BackgroundServer {
    let fault = fault.map(|name| find_fault(name).unwrap_or_else(|| panic!("no fault {name}")));
    common::start(ServerConfig { fault, ..ServerConfig::default() })
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// `conform run cases/sinch --base-url URL EXTRA…`
fn run(url: &str, extra: &[&str]) -> Run {
    let mut args = vec!["run", "cases/sinch", "--base-url", url, "-j", "4"];
    args.extend_from_slice(extra);
    let out = common::conform(&args);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conform-baseline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Writes a baseline from a JSON report of a run against `url`; returns its path and text.
fn write_baseline(dir: &Path, url: &str, extra: &[&str]) -> (PathBuf, String) {
    let report = dir.join("first.json");
    let mut args = vec!["--report".to_string(), format!("json={}", s(&report))];
    args.extend(extra.iter().map(|a| a.to_string()));
    let first = run(url, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(first.code, if extra.contains(&"--strict") { 1 } else { first.code }, "{}", first.stdout);
    let baseline = dir.join("baseline.yaml");
    let out = common::conform(&["baseline", "write", "--from", s(&report), "-o", s(&baseline)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&baseline).unwrap();
    (baseline, text)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn listed_cases(baseline: &str) -> Vec<String> {
    baseline
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- case: "))
        .map(|c| c.trim_matches('"').to_string())
        .collect()
}

#[test]
fn a_baseline_passes_the_known_deviations_and_catches_the_change() {
    let dir = temp_dir("change");
    let first = server(Some("sinch-null-name-ignored"));
    let (baseline, text) = write_baseline(&dir, &first.base_url(), &[]);
    let listed = listed_cases(&text);
    assert!(!listed.is_empty() && listed.len() < 10, "the fault breaks a few cases:\n{text}");
    assert!(listed.contains(&"sinch::update::name-null-removes-name".to_string()), "{text}");
    assert!(text.contains("level: must") && text.contains("reason: \"\"") && text.contains("link: \"\""), "{text}");
    assert!(text.contains("expectations: [\"cases/sinch/"), "the failing lines are recorded:\n{text}");

    // The same implementation again: the gate passes, the listed cases are XFAIL in every report.
    let report = dir.join("again.json");
    let junit = dir.join("again.xml");
    let html = dir.join("again.html");
    let again = run(
        &first.base_url(),
        &[
            "--baseline",
            s(&baseline),
            "--report",
            &format!("json={}", s(&report)),
            "--report",
            &format!("junit={}", s(&junit)),
            "--report",
            &format!("html={}", s(&html)),
        ],
    );
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("Expected failures (listed in the baseline"), "{}", again.stdout);
    assert!(again.stdout.contains("XFAIL sinch::update::name-null-removes-name (at must)"), "{}", again.stdout);
    assert!(again.stdout.contains(&format!("{} expected (baseline)", listed.len())), "{}", again.stdout);
    assert!(!again.stdout.contains("\nFailures:"), "{}", again.stdout);
    let report = json(&report);
    assert_eq!(report["summary"]["expected"], listed.len(), "{}", report["summary"]);
    assert_eq!(report["summary"]["failed"], 0);
    let case = report["suites"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "sinch::update::name-null-removes-name")
        .unwrap();
    assert_eq!(case["result"], "failed", "the outcome stays what the implementation did");
    assert_eq!(case["baseline"]["mark"], "expected");
    assert_eq!(case["baseline"]["level"], "must");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("specs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the report breaks its schema: {errors:?}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    // JUnit's skipped count holds the expected failures and the cases skipped for their needs.
    let skipped = listed.len() + report["summary"]["skipped"].as_u64().unwrap() as usize;
    assert!(xml.contains(&format!("skipped=\"{skipped}\"")), "XFAIL is skipped in JUnit: {xml}");
    assert!(xml.contains("expected failure at must (baseline)"), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("id=\"verdict\">passed<"), "the HTML verdict");
    assert!(page.contains(&format!("id=\"count-expected\" data-count=\"{}\"", listed.len())), "the HTML count");
    assert!(page.contains("data-baseline=\"expected\"") && page.contains("badge xfail"), "the HTML badge");
    drop(first);

    // Another fault: its failures are not in the baseline and fail the gate; the listed ones pass there.
    let second = server(Some("sinch-delete-returns-204"));
    let other = run(&second.base_url(), &["--baseline", s(&baseline)]);
    assert_eq!(other.code, 1, "{}", other.stdout);
    assert!(other.stdout.contains("\nFailures:") && other.stdout.contains("sinch::delete::"), "{}", other.stdout);
    drop(second);

    // The fault removed: the listed cases pass, reported as unexpectedly passing; --strict-baseline fails.
    let clean = server(None);
    let fixed = run(&clean.base_url(), &["--baseline", s(&baseline)]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
    assert!(fixed.stdout.contains("Unexpectedly passing"), "{}", fixed.stdout);
    for case in &listed {
        assert!(
            fixed.stdout.contains(&format!("XPASS {case} (listed at must, now passes)")),
            "{case}:\n{}",
            fixed.stdout
        );
    }
    let strict = run(&clean.base_url(), &["--baseline", s(&baseline), "--strict-baseline"]);
    assert_eq!(strict.code, 1, "{}", strict.stdout);
}

#[test]
fn a_case_that_got_worse_than_its_listed_level_fails_the_gate() {
    let dir = temp_dir("levels");
    // A `should` fault: the cases it breaks are non-strict and listed at `should`.
    let fidelity = server(Some("sinch-timestamps-without-millis"));
    let (baseline, text) = write_baseline(&dir, &fidelity.base_url(), &[]);
    assert!(text.contains("    level: should") && !text.contains("    level: must"), "{text}");
    // Under --strict those cases fail, but the baseline expects them at `should`.
    let strict = run(&fidelity.base_url(), &["--baseline", s(&baseline), "--strict"]);
    assert_eq!(strict.code, 0, "{}", strict.stdout);
    assert!(strict.stdout.contains("(at should)"), "{}", strict.stdout);
    drop(fidelity);

    // A `must` fault in the same cases: listed at `should`, failing at `must` now, is not hidden.
    let broken = server(Some("sinch-create-returns-200"));
    let worse = run(&broken.base_url(), &["--baseline", s(&baseline)]);
    assert_eq!(worse.code, 1, "{}", worse.stdout);
    let first_listed = &listed_cases(&text)[0];
    assert!(worse.stdout.contains(&format!("WORSE {first_listed}")), "{}", worse.stdout);
}

#[test]
fn a_baseline_entry_naming_no_case_is_an_input_error() {
    let dir = temp_dir("unknown");
    let baseline = dir.join("stale.yaml");
    std::fs::write(
        &baseline,
        "deviations:\n  - case: sinch::update::rename\n    level: must\n  - case: sinch::update::renamed-away\n    level: must\n",
    )
    .unwrap();
    let clean = server(None);
    let out = run(&clean.base_url(), &["--baseline", s(&baseline)]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains(&format!("{}:4: baseline entry `sinch::update::renamed-away` matches no case", s(&baseline))),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `sinch::update::rename`?"), "{}", out.stderr);
    assert!(!out.stderr.contains(":2: baseline entry"), "only the stale entry is named: {}", out.stderr);

    std::fs::write(&baseline, "deviations:\n  - case: sinch::update::rename\n    level: sometimes\n").unwrap();
    let out = run(&clean.base_url(), &["--baseline", s(&baseline)]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains(&format!("{}:3:", s(&baseline))), "{}", out.stderr);

    let out = common::conform(&["baseline", "write", "--from", s(&baseline)]);
    assert_eq!(out.status.code(), Some(2), "not a report");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a conform JSON report"));
}
