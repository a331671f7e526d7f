//! File reports, coverage, annotations and the summary, rendered from hand-built results.

#[path = "fixtures/reports/results.rs"]
mod results;

use std::collections::BTreeMap;

use conform::report::{self, CoverageStatus, ReportFormat, SuiteCoverage, coverage, github, summary, write_report};
use conform::results::{Outcome, RunResult};
use quick_xml::events::Event;
use results::{SECRET, SECRET_STEM, masked, run, suites};
use serde_json::Value;

fn coverage_of(run: &RunResult) -> Vec<SuiteCoverage> {
    coverage::compute(&suites(), &run.cases)
}

fn render(format: ReportFormat, run: &RunResult) -> String {
    let mut out = Vec::new();
    write_report(format, &masked(run.clone()), &coverage_of(run), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn json_report(run: &RunResult) -> Value {
    serde_json::from_str(&render(ReportFormat::Json, run)).unwrap()
}

fn schema_validator() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/report.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!("specs/report.schema.json is not a valid JSON Schema: {e}");
    }
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(report: &Value) {
    let errors: Vec<String> =
        schema_validator().iter_errors(report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "report does not match specs/report.schema.json:\n{}", errors.join("\n"));
}

/// Runs that every format must handle: the full fixture, an empty run, and one suite without coverage.
fn sample_runs() -> Vec<(&'static str, RunResult)> {
    let full = run();
    let empty = RunResult { cases: vec![], ..run() };
    let only_xero = RunResult { cases: run().cases.into_iter().filter(|c| c.id.suite == "xero").collect(), ..run() };
    vec![("full", full), ("empty", empty), ("only xero", only_xero), ("non-strict", non_strict_run())]
}

/// The fixture run with its failed case turned non-strict: its failures become `should` differences.
fn non_strict_run() -> RunResult {
    let mut run = run();
    let case = run.cases.iter_mut().find(|c| c.outcome == Outcome::Failed).expect("the fixture has a failed case");
    case.outcome = Outcome::NonStrict;
    for step in case.steps.iter_mut().filter(|s| s.outcome == Outcome::Failed) {
        step.outcome = Outcome::NonStrict;
        step.failures.iter_mut().for_each(|f| f.level = conform::case::Level::Should);
    }
    run
}

#[test]
fn non_strict_cases_are_counted_and_shown_with_their_level() {
    let run = non_strict_run();
    let report = json_report(&run);
    assert_eq!(report["summary"]["non_strict"], 1, "{}", report["summary"]);
    assert_eq!(report["summary"]["failed"], 0);
    let html = render(ReportFormat::Html, &run);
    assert!(html.contains("id=\"count-non_strict\" data-count=\"1\""), "the HTML count");
    assert!(html.contains("<span class=\"tag level-should\">should</span>"), "the should-level failure is listed");
}

#[test]
fn json_report_validates_against_published_schema() {
    for (name, run) in sample_runs() {
        let report = json_report(&run);
        assert_eq!(report["format"], "conform-report", "{name}");
        assert_eq!(report["version"], 1, "{name}");
        assert_valid(&report);
    }
    // Without coverage at all (suites without catalogues).
    let mut out = Vec::new();
    write_report(ReportFormat::Json, &masked(run()), &[], &mut out).unwrap();
    assert_valid(&serde_json::from_slice(&out).unwrap());
}

#[test]
fn schema_rejects_drift() {
    // The schema is strict (no unknown fields), so a renamed or added field fails the test above.
    let mut report = json_report(&run());
    report["suites"][0]["cases"][0]["surprise"] = Value::Bool(true);
    assert!(!schema_validator().is_valid(&report));
}

#[test]
fn json_report_content() {
    let report = json_report(&run());
    assert_eq!(
        report["summary"],
        serde_json::json!({"total": 6, "passed": 3, "non_strict": 0, "failed": 1, "errored": 1, "skipped": 1, "flaky": 0, "expected": 0, "unexpectedly_passing": 0})
    );
    assert_eq!(report["base_url"], "http://127.0.0.1:9");
    assert_eq!(report["duration_ms"], 4321.0);
    let suites = report["suites"].as_array().unwrap();
    assert_eq!(suites.iter().map(|s| s["name"].as_str().unwrap()).collect::<Vec<_>>(), ["sinch", "xero"]);
    let update = &suites[0]["cases"][1];
    assert_eq!(update["id"], "sinch::groups::update");
    assert_eq!(update["result"], "failed");
    assert_eq!(update["requirements"], serde_json::json!(["SINCH-2"]));
    let step = &update["steps"][0];
    assert_eq!(step["request"], "PUT http://127.0.0.1:9/xms/v1/p/groups/01J");
    assert_eq!(step["status"], 500);
    assert_eq!(step["snapshot"], serde_json::json!({"result": "created"}));
    assert_eq!(step["failures"][0]["location"]["line"], results::UPDATE_STATUS_LINE);
    assert!(step["failures"][1]["diff"].as_str().unwrap().contains("+  \"name\": \"old\""));
    assert_eq!(suites[0]["cases"][2]["steps"][0]["attempts"], 3);
    assert_eq!(suites[1]["cases"][0]["file"], "contacts/list");
    assert_eq!(suites[0]["coverage"]["failed"], 1);
    // The loaded-but-not-run case still appears in coverage.
    let sinch3 = &suites[0]["coverage"]["requirements"][2];
    assert_eq!(sinch3["cases"], serde_json::json!(["sinch::groups::delete", "sinch::groups::filtered"]));
    assert_eq!(sinch3["level"], "should");
    assert_eq!(suites[0]["coverage"]["requirements"][0]["level"], "must");
}

/// Element counts of a JUnit document, read with a generic XML parser (not the crate that wrote it).
#[derive(Debug, Default)]
struct JunitCounts {
    suites: usize,
    cases: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    /// `testcase` name → classname.
    classnames: BTreeMap<String, String>,
    failure_messages: Vec<String>,
    system_out: Vec<String>,
    /// `tests`/`failures`/`errors`/`skipped` attributes of `<testsuites>`.
    root: BTreeMap<String, String>,
}

fn parse_junit(xml: &str) -> JunitCounts {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut counts = JunitCounts::default();
    let mut in_system_out = false;
    loop {
        match reader.read_event().expect("JUnit report is well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs: BTreeMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned(),
                        )
                    })
                    .collect();
                match e.name().as_ref() {
                    b"testsuites" => counts.root = attrs,
                    b"testsuite" => counts.suites += 1,
                    b"testcase" => {
                        counts.cases += 1;
                        counts.classnames.insert(attrs["name"].clone(), attrs["classname"].clone());
                    }
                    b"failure" => {
                        counts.failures += 1;
                        counts.failure_messages.push(attrs.get("message").cloned().unwrap_or_default());
                    }
                    b"error" => counts.errors += 1,
                    b"skipped" => counts.skipped += 1,
                    b"system-out" => in_system_out = true,
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == b"system-out" => in_system_out = false,
            Event::Text(t) if in_system_out => counts.system_out.push(t.decode().unwrap().into_owned()),
            _ => {}
        }
    }
    counts
}

#[test]
fn junit_parses_back_and_agrees_with_json_summary() {
    for (name, run) in sample_runs() {
        let xml = render(ReportFormat::Junit, &run);
        let junit = parse_junit(&xml);
        let json = json_report(&run);
        let summary = &json["summary"];
        // JSON also lists catalogued suites with no case in the run (for their coverage); JUnit has cases only.
        let suites_with_cases =
            json["suites"].as_array().unwrap().iter().filter(|s| s["summary"]["total"] != 0).count();
        assert_eq!(junit.suites, suites_with_cases, "{name}: suites");
        assert_eq!(junit.cases as u64, summary["total"].as_u64().unwrap(), "{name}: cases");
        assert_eq!(junit.failures as u64, summary["failed"].as_u64().unwrap(), "{name}: failures");
        assert_eq!(junit.errors as u64, summary["errored"].as_u64().unwrap(), "{name}: errors");
        assert_eq!(junit.skipped as u64, summary["skipped"].as_u64().unwrap(), "{name}: skipped");
        assert_eq!(junit.root["tests"], summary["total"].to_string(), "{name}: tests attribute");
        assert_eq!(junit.root["failures"], summary["failed"].to_string(), "{name}: failures attribute");
        assert_eq!(junit.root["errors"], summary["errored"].to_string(), "{name}: errors attribute");
    }
}

#[test]
fn junit_content() {
    let xml = render(ReportFormat::Junit, &run());
    let junit = parse_junit(&xml);
    assert_eq!(junit.classnames["update"], "sinch.groups");
    assert_eq!(junit.classnames["list_all"], "xero.contacts.list");
    assert_eq!(junit.failure_messages, ["expected status 200, got 500 <script>alert('pwned')</script>"]);
    assert!(
        junit.system_out.iter().any(|s| s.contains("step `list groups` took 3 attempts")),
        "{:?}",
        junit.system_out
    );

    // Read back (unescaped): the failure text names the step, its request line, expected, actual and the diff.
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let case = |suite: usize, name: &str| {
        report.test_suites[suite].test_cases.iter().find(|c| c.name.as_str() == name).unwrap().clone()
    };
    let text = |c: &quick_junit::TestCase| match &c.status {
        quick_junit::TestCaseStatus::NonSuccess { description, .. } => {
            description.as_ref().map(|d| d.as_str().to_string()).unwrap_or_default()
        }
        other => panic!("{} is not a failure: {other:?}", c.name.as_str()),
    };
    let update = text(&case(0, "update"));
    for needle in [
        "step `rename group` at cases/sinch/groups.yaml:25:5",
        "PUT http://127.0.0.1:9/xms/v1/p/groups/01J -> 500",
        "status failed (cases/sinch/groups.yaml:31:15): expected status 200",
        "expected: 200",
        "actual:   500",
        "-  \"name\": \"renamed\"",
        "+  \"name\": \"old\",",
    ] {
        assert!(update.contains(needle), "missing {needle:?} in\n{update}");
    }
    let list_all = text(&case(1, "list_all"));
    assert!(list_all.contains("error: connection refused"), "{list_all}");
    assert!(matches!(case(0, "delete").status, quick_junit::TestCaseStatus::Skipped { .. }));
    assert!(matches!(
        case(1, "list_all").status,
        quick_junit::TestCaseStatus::NonSuccess { kind: quick_junit::NonSuccessKind::Error, .. }
    ));
}

#[test]
fn no_format_contains_the_secret() {
    let run = run();
    let cov = coverage_of(&run);
    assert!(serde_json::to_string(&run).unwrap().contains(SECRET), "the fixture must carry the secret");
    // (name, bytes, whether it shows the details where the secret was)
    let mut outputs: Vec<(String, Vec<u8>, bool)> = Vec::new();
    for format in ReportFormat::ALL {
        let mut out = Vec::new();
        write_report(format, &masked(run.clone()), &cov, &mut out).unwrap();
        outputs.push((format.to_string(), out, true));
    }
    let masked = masked(run.clone());
    let mut out = Vec::new();
    github::write_annotations(&masked, &mut out).unwrap();
    outputs.push(("annotations".into(), out, true));
    let mut out = Vec::new();
    summary::write_summary(&masked, &cov, &mut out, true).unwrap();
    outputs.push(("summary".into(), out, false));
    for (name, bytes, details) in outputs {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET_STEM), "{name} leaks the secret:\n{text}");
        if details {
            assert!(text.contains(conform::secrets::MASK), "{name} should show the mask where the secret was");
        }
    }
}

#[test]
fn github_annotations_point_at_case_file_lines() {
    let mut out = Vec::new();
    github::write_annotations(&masked(run()), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[0],
        format!(
            "::error file=cases/sinch/groups.yaml,line={},title=sinch%3A%3Agroups%3A%3Aupdate::step `rename group`: \
             expected status 200, got 500 <script>alert('pwned')</script>%0Aexpected: 200%0Aactual:   500",
            results::UPDATE_STATUS_LINE
        )
    );
    assert!(lines[1].starts_with("::error file=cases/sinch/groups.yaml,line=33,title=sinch%3A%3Agroups%3A%3Aupdate::"));
    // An error without its own location points at its step.
    assert!(
        lines[2].starts_with(&format!(
            "::error file=cases/xero/contacts/list.yaml,line={},title=xero%3A%3Acontacts%3A%3Alist%3A%3Alist_all::",
            results::LIST_STEP_LINE
        )),
        "{}",
        lines[2]
    );
    assert!(!text.contains("::error file=cases/sinch/groups.yaml,line=5,"), "passed cases are not annotated");
}

#[test]
fn coverage_statuses_of_every_kind() {
    let cov = coverage_of(&run());
    assert_eq!(cov.iter().map(|c| c.suite.as_str()).collect::<Vec<_>>(), ["sinch", "xero"], "only catalogued suites");
    let status = |suite: usize, id: &str| cov[suite].requirements.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(status(0, "SINCH-1"), CoverageStatus::Passed);
    assert_eq!(status(0, "SINCH-2"), CoverageStatus::Failed);
    assert_eq!(status(0, "SINCH-3"), CoverageStatus::NotRun);
    assert_eq!(status(0, "SINCH-4"), CoverageStatus::Unchecked);
    assert_eq!(status(0, "SINCH-5"), CoverageStatus::Uncheckable);
    assert_eq!(status(1, "XERO-1"), CoverageStatus::Failed, "an errored case fails its requirement");
    assert_eq!(status(1, "XERO-2"), CoverageStatus::Passed);
    assert_eq!(status(1, "XERO-3"), CoverageStatus::Unchecked);
    let sinch = &cov[0];
    assert_eq!((sinch.checkable, sinch.checked, sinch.passed, sinch.failed, sinch.not_run), (4, 3, 1, 1, 1));
    assert_eq!(sinch.requirements[0].cases, ["sinch::groups::create", "sinch::groups::list"]);
    assert_eq!(sinch.summary_line(), "sinch: 3/4 requirements checked, 1 passed, 1 failed, 1 not run");
    assert_eq!(cov[1].summary_line(), "xero: 2/3 requirements checked, 1 passed, 1 failed");

    // Nothing ran: every named requirement is `not_run`.
    let none = coverage::compute(&suites(), &[]);
    assert_eq!(none[1].summary_line(), "xero: 2/3 requirements checked, 0 passed, 2 not run");
}

#[test]
fn coverage_table_lists_cases_and_gaps() {
    let mut out = Vec::new();
    coverage::write_table(&coverage_of(&run()), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let expected = "\
sinch — Sinch XMS groups
  REQUIREMENT  LEVEL   CHECK    CASES
  SINCH-1      must    full     sinch::groups::create
                                sinch::groups::list
  SINCH-2      must    full     sinch::groups::update
  SINCH-3      should  partial  sinch::groups::delete
                                sinch::groups::filtered
  SINCH-4      must    full     -
  SINCH-5      must    none     -
Checkable requirements of sinch with no case (1):
  SINCH-4      Group names are at most 64 characters
sinch: 3/4 checkable requirements have a case
";
    assert!(text.starts_with(expected), "got:\n{text}");
    assert!(text.contains("Checkable requirements of xero with no case (1):\n  XERO-3"), "got:\n{text}");
}

#[test]
fn html_escapes_markup_from_results() {
    let html = render(ReportFormat::Html, &run());
    assert!(!html.to_lowercase().contains("<script"), "a <script> from a failure message reached the page");
    assert!(html.contains("got 500 &lt;script&gt;alert(&apos;pwned&apos;)&lt;/script&gt;"));
    assert!(html.contains("Renaming keeps members &amp; &lt;b&gt;tags&lt;/b&gt;"));
    assert!(html.contains("replaces its name &lt;b&gt;only&lt;/b&gt;"));
    // Self-contained: nothing is fetched.
    for needle in ["http-equiv=\"Content-Security-Policy\"", "default-src 'none'"] {
        assert!(html.contains(needle), "missing {needle}");
    }
    for needle in ["<link", "src=", "@import", "url("] {
        assert!(!html.contains(needle), "the page references an external resource: {needle}");
    }
}

#[test]
fn html_counts_and_sections() {
    let html = render(ReportFormat::Html, &run());
    for (key, n) in [("passed", 3), ("failed", 1), ("errored", 1), ("skipped", 1), ("total", 6)] {
        assert!(html.contains(&format!("id=\"count-{key}\" data-count=\"{n}\">{n}<")), "count-{key}");
    }
    assert!(html.contains("data-suite=\"sinch\" data-total=\"4\" data-passed=\"2\" data-failed=\"1\""));
    assert!(html.contains("data-requirement=\"SINCH-3\" data-status=\"not-run\""));
    assert!(html.contains("data-requirement=\"SINCH-4\" data-status=\"unchecked\""));
    assert!(html.contains("<th>Level</th><th>Check</th>"));
    assert!(html.contains("data-status=\"not-run\" data-level=\"should\""), "SINCH-3 is a should");
    assert!(html.contains("<td class=\"level\">must</td><td class=\"check\">full</td>"));
    assert!(html.contains("<span class=\"d-add\">+  &quot;name&quot;: &quot;old&quot;,\n</span>"));
    assert!(html.contains("PUT http://127.0.0.1:9/xms/v1/p/groups/01J"));
    assert!(html.contains("id=\"timings\""));
}

#[test]
fn summary_text() {
    let run = run();
    let cov = coverage_of(&run);
    let mut out = Vec::new();
    summary::write_summary(&masked(run.clone()), &cov, &mut out, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not asked:\n{text}");
    assert!(text.contains("  sinch  2 passed, 1 failed, 0 errored, 1 skipped  (1.06 s)"), "{text}");
    assert!(text.contains("  total  3 passed, 1 failed, 1 errored, 1 skipped in 4.32 s wall time"), "{text}");
    let slow: Vec<&str> = text.lines().skip_while(|l| *l != "Slowest cases").skip(1).take(5).collect();
    assert_eq!(slow[0], "     3.00 s  xero::contacts::list::list_all");
    assert_eq!(slow[1], "     900 ms  sinch::groups::list");
    assert!(slow.iter().all(|l| !l.contains("delete")), "skipped cases are not timed");
    assert!(text.contains("  sinch: 3/4 requirements checked, 1 passed, 1 failed, 1 not run"));
    assert!(text.contains("FAILED: 1 failed, 1 errored of 6 cases"));

    let mut coloured = Vec::new();
    summary::write_summary(&masked(run.clone()), &cov, &mut coloured, true).unwrap();
    assert!(String::from_utf8(coloured).unwrap().contains('\u{1b}'), "colour when asked");
}

#[test]
fn report_formats_parse() {
    assert_eq!("junit".parse::<ReportFormat>().unwrap(), ReportFormat::Junit);
    assert!("pdf".parse::<ReportFormat>().is_err());
    let _ = report::ReportFormat::Html.extension();
}
