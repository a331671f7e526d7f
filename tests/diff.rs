//! Differential runs end to end through the binary: the embedded reference server against another copy
//! (the same answers once volatile fields are redacted), against a faulty one (the faulted path is named, at
//! its step's line) and against a conforming variant (only what legitimately differs remains).

mod common;

use std::path::PathBuf;

use conform::reference::{ServerConfig, find_fault, find_variant};

fn report_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conform-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("diff.json")
}

/// `conform diff --reference embedded --candidate URL cases/sinch --report json=…`: exit code, stdout, report.
fn diff(candidate: &str, name: &str, extra: &[&str]) -> (i32, String, serde_json::Value) {
    let report = report_path(name);
    let report_arg = format!("json={}", report.display());
    // The candidates are loopback reference servers, not Xero: the suite's published limits do not apply.
    let mut args =
        vec!["diff", "--reference", "embedded", "--candidate", candidate, "--no-suite-limits", "--report", &report_arg];
    args.extend_from_slice(extra);
    let out = common::conform(&args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    (out.status.code().unwrap_or(-1), stdout, json)
}

fn differing_paths(report: &serde_json::Value) -> Vec<String> {
    report["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["steps"].as_array().unwrap().iter())
        .flat_map(|s| s["differences"].as_array().unwrap().iter())
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_unfaulted_copy_answers_the_same() {
    let copy = common::start(ServerConfig::default());
    let (code, stdout, report) = diff(&copy.base_url(), "same", &["cases/sinch"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(report["format"], "conform-diff");
    assert_eq!(report["summary"]["differs"], 0, "{stdout}");
    assert!(report["summary"]["same"].as_u64().unwrap() > 50, "the cases were compared: {}", report["summary"]);
    assert!(stdout.contains("same: the candidate answers as the reference does"), "{stdout}");
    assert_eq!(schema_errors(&report), Vec::<String>::new(), "specs/diff.schema.json");
}

#[test]
fn a_faulted_server_differs_at_the_faulted_path() {
    let faulty =
        common::start(ServerConfig { fault: find_fault("sinch-null-name-ignored"), ..ServerConfig::default() });
    let html = report_path("fault-html").with_extension("html");
    let html_arg = format!("html={}", html.display());
    let (code, stdout, report) = diff(&faulty.base_url(), "fault", &["cases/sinch", "--report", &html_arg]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("data-case=\"sinch::update::name-null-removes-name\" data-comparison=\"differs\""), "{page}");
    assert!(page.contains("<tr data-path=\"$.name\">"), "{page}");
    assert!(page.contains("id=\"verdict\">different<") && !page.contains("<script"), "{page}");
    assert_eq!(code, 1, "{stdout}");
    // The step that sets the name to null, at its line, and the path where the answers part.
    assert!(stdout.contains("DIFFERS sinch::update::name-null-removes-name"), "{stdout}");
    assert!(stdout.contains("step `name null` at cases/sinch/update.yaml:"), "{stdout}");
    assert!(stdout.contains("$.name: reference (absent), candidate \"[redacted]\""), "{stdout}");
    // Exactly the cases that catch the fault differ: a redacted id or timestamp never does.
    let cases = report["cases"].as_array().unwrap();
    let differing: Vec<&str> =
        cases.iter().filter(|c| c["comparison"] == "differs").map(|c| c["id"].as_str().unwrap()).collect();
    let failing: Vec<&str> =
        cases.iter().filter(|c| c["candidate"] == "failed").map(|c| c["id"].as_str().unwrap()).collect();
    assert!(!differing.is_empty());
    assert_eq!(differing, failing, "{stdout}");
    let case = cases.iter().find(|c| c["id"] == "sinch::update::name-null-removes-name").unwrap();
    assert_eq!((case["reference"].as_str(), case["candidate"].as_str()), (Some("passed"), Some("failed")));
}

#[test]
fn a_conforming_variant_differs_only_where_choices_are_free() {
    let variant = common::start(ServerConfig { variant: find_variant("alt-choices"), ..ServerConfig::default() });
    let (code, stdout, report) = diff(&variant.base_url(), "variant", &[]);
    // alt-choices adds vendor fields, holds sample data and words its messages its own way: those differ.
    assert_eq!(code, 1, "{stdout}");
    let paths = differing_paths(&report);
    assert!(paths.iter().any(|p| p.ends_with(".x_vendor")), "{paths:?}");
    // Its other id format, timestamp offsets and list orders do not: ids are renamed by identity, timestamps
    // hidden, arrays compared without order.
    let volatile = ["id", "created_at", "modified_at", "ContactGroupID", "ContactID", "DateTimeUTC", "Id"];
    let leaked: Vec<&String> =
        paths.iter().filter(|p| volatile.iter().any(|v| p.ends_with(&format!(".{v}"))) || p.contains("].id")).collect();
    assert!(leaked.is_empty(), "ids or timestamps differ: {leaked:?}");

    // Leaving out the vendor field.
    let sinch = ["cases/sinch", "--ignore", ".body.x_vendor", "--ignore", ".body.groups[].x_vendor"];
    let (_, stdout, without_vendor) = diff(&variant.base_url(), "variant-ignored", &sinch);
    let paths = differing_paths(&without_vendor);
    assert!(!paths.is_empty() && !paths.iter().any(|p| p.contains("x_vendor")), "{paths:?}");
    // What legitimately remains: its sample data (longer lists) and the other documented error code.
    assert!(paths.iter().any(|p| p == "$.groups.length"), "{stdout}");
    assert!(
        stdout.contains(
            "$.code: reference \"syntax_constraint_violation\", candidate \"syntax_invalid_parameter_format\""
        ),
        "{stdout}"
    );
}

/// `specs/diff.schema.json`, compiled.
fn diff_schema() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("specs/diff.schema.json").unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("specs/diff.schema.json is a valid JSON Schema")
}

fn schema_errors(report: &serde_json::Value) -> Vec<String> {
    diff_schema().iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn the_json_report_follows_its_schema_and_the_junit_report_has_a_failure_per_differing_case() {
    let faulty =
        common::start(ServerConfig { fault: find_fault("sinch-null-name-ignored"), ..ServerConfig::default() });
    let junit = report_path("junit").with_extension("xml");
    let junit_arg = format!("junit={}", junit.display());
    let (code, stdout, report) =
        diff(&faulty.base_url(), "junit", &["cases/sinch", "--filter", "update", "--report", &junit_arg]);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(schema_errors(&report), Vec::<String>::new(), "a real diff report against specs/diff.schema.json");
    // The schema can fail: a report that drifted from it is refused.
    let mut drifted = report.clone();
    drifted["cases"][0]["comparison"] = "different".into();
    drifted["summary"]["extra"] = 1.into();
    assert_eq!(schema_errors(&drifted).len(), 2, "{:?}", schema_errors(&drifted));

    let xml = std::fs::read_to_string(&junit).unwrap();
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("well-formed JUnit XML");
    let cases = report["cases"].as_array().unwrap();
    let testcases: Vec<(String, &quick_junit::TestCase)> = parsed
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(move |c| (s.name.as_str().to_string(), c)))
        .collect();
    assert_eq!(testcases.len(), cases.len(), "one testcase per case");
    let id = |suite: &str, c: &quick_junit::TestCase| {
        let file = c.classname.as_ref().unwrap().as_str().strip_prefix(&format!("{suite}.")).unwrap().to_string();
        format!("{suite}::{}::{}", file.replace('.', "::"), c.name.as_str())
    };
    let ids: Vec<String> = testcases.iter().map(|(suite, c)| id(suite, c)).collect();
    let report_ids: Vec<&str> = cases.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, report_ids, "the same cases, in order");
    let failed: Vec<String> = testcases
        .iter()
        .filter(|(_, c)| {
            matches!(
                &c.status,
                quick_junit::TestCaseStatus::NonSuccess { kind: quick_junit::NonSuccessKind::Failure, .. }
            )
        })
        .map(|(suite, c)| id(suite, c))
        .collect();
    let differing: Vec<&str> =
        cases.iter().filter(|c| c["comparison"] == "differs").map(|c| c["id"].as_str().unwrap()).collect();
    assert!(differing.contains(&"sinch::update::name-null-removes-name"), "{stdout}");
    assert_eq!(failed, differing, "a failure for each differing case, and only those");
    let (_, null_case) = testcases.iter().find(|(s, c)| id(s, c) == "sinch::update::name-null-removes-name").unwrap();
    let quick_junit::TestCaseStatus::NonSuccess { description: Some(text), .. } = &null_case.status else {
        panic!("no failure text")
    };
    assert!(text.as_str().contains("step `name null` at cases/sinch/update.yaml:"), "{}", text.as_str());
    assert!(text.as_str().contains("$.name: reference (absent), candidate \"[redacted]\""), "{}", text.as_str());
    assert!(xml.contains("reference_url"), "each suite names both sides");
}
