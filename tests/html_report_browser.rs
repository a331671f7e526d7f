//! The HTML report rendered by a real browser (headless Chromium): the counts people see equal the JSON
//! report's, the page logs no console message, and a screenshot shows it readable.
//!
//! Needs `/usr/bin/chromium` (Debian: `apt-get install chromium`). Where it is missing, each test says it is
//! skipped and why; in CI (`CI` set, as `.ci/run` runs) it is required and its absence fails.
//! `CONFORM_CHROMIUM` names another binary; `CONFORM_SKIP_BROWSER=1` skips on purpose.

#[path = "fixtures/reports/results.rs"]
mod results;
#[path = "fixtures/e2e/server.rs"]
mod server;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use conform::report::{ReportFormat, coverage, write_report};
use serde_json::Value;

/// A browser that has not finished by then is stuck; it is killed and the test fails.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// The browser binary, or `None` when the test is to be skipped.
fn chromium() -> Option<PathBuf> {
    if std::env::var("CONFORM_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!("skipping the headless browser test: CONFORM_SKIP_BROWSER=1");
        return None;
    }
    let path = PathBuf::from(std::env::var("CONFORM_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    if path.is_file() {
        return Some(path);
    }
    let reason = format!(
        "{} is missing: the HTML report browser test needs Chromium. Install it (Debian: \
         `apt-get update && apt-get install -y chromium`) or point CONFORM_CHROMIUM at a binary",
        path.display()
    );
    // CI installs the browser (`.ci/run`), so there a missing one is a broken pipeline, not a reason to skip.
    assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "{reason} (required in CI)");
    eprintln!("SKIPPED: {reason}");
    None
}

/// A fresh directory under cargo's per-target temp dir.
fn temp_dir(label: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "html-report-{label}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture run as HTML in a temp dir, and its JSON report.
fn reports(label: &str) -> (PathBuf, Value) {
    let run = results::run();
    let cov = coverage::compute(&results::suites(), &run.cases);
    let dir = temp_dir(label);
    let mut html = Vec::new();
    write_report(ReportFormat::Html, &results::masked(run.clone()), &cov, &mut html).unwrap();
    let path = dir.join("report.html");
    std::fs::write(&path, html).unwrap();
    let mut json = Vec::new();
    write_report(ReportFormat::Json, &results::masked(run), &cov, &mut json).unwrap();
    (path, serde_json::from_slice(&json).unwrap())
}

struct BrowserOutput {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `extra` flags, isolated (own profile, no background traffic) and
/// killed after [`BROWSER_TIMEOUT`].
fn run_browser(browser: &Path, page: &Path, extra: &[String]) -> BrowserOutput {
    let profile = temp_dir("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills the renderer and GPU helpers too.
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
            panic!("{} did not finish within {BROWSER_TIMEOUT:?} and was killed", browser.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = BrowserOutput { stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() };
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "{} exited with {status}; stderr:\n{}", browser.display(), output.stderr);
    output
}

/// Chromium logs every message a page writes to its console (any level) as `…:CONSOLE…] "text", source: …`.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn rendered_counts_equal_json_summary() {
    let Some(browser) = chromium() else { return };
    let (page, json) = reports("dom");
    let dom = run_browser(&browser, &page, &["--dump-dom".into()]).stdout;
    assert!(dom.contains("id=\"count-passed\""), "the browser produced no report DOM:\n{dom}");

    let count = regex::Regex::new(r#"id="count-(\w+)" data-count="(\d+)">(\d+)<"#).unwrap();
    let mut seen = Vec::new();
    for c in count.captures_iter(&dom) {
        let (key, attr, text) = (&c[1], &c[2], &c[3]);
        let expected = json["summary"][key].as_u64().unwrap_or_else(|| panic!("no summary.{key} in the JSON report"));
        assert_eq!(attr.parse::<u64>().unwrap(), expected, "data-count of count-{key}");
        assert_eq!(text.parse::<u64>().unwrap(), expected, "shown count-{key}");
        seen.push(key.to_string());
    }
    seen.sort();
    assert_eq!(seen, ["errored", "failed", "non_strict", "passed", "skipped", "total"]);

    for suite in json["suites"].as_array().unwrap() {
        let name = suite["name"].as_str().unwrap();
        let s = &suite["summary"];
        let attrs = format!(
            "data-suite=\"{name}\" data-total=\"{}\" data-passed=\"{}\" data-failed=\"{}\" data-errored=\"{}\" data-skipped=\"{}\"",
            s["total"], s["passed"], s["failed"], s["errored"], s["skipped"]
        );
        assert!(dom.contains(&attrs), "suite {name}: expected {attrs} in the rendered DOM");
    }
    // The `<script>` inside a failure message stayed text.
    assert!(!dom.contains("<script"), "the rendered page holds a script element");
    assert!(dom.contains("&lt;script&gt;alert('pwned')&lt;/script&gt;"));
    let _ = std::fs::remove_dir_all(page.parent().unwrap());
}

#[test]
fn page_logs_no_console_message() {
    let Some(browser) = chromium() else { return };
    // Control: a page that does log, so a silent report proves something.
    let control_dir = temp_dir("control");
    let control = control_dir.join("control.html");
    std::fs::write(&control, "<!DOCTYPE html><title>c</title><script>console.error('conform-control')</script>")
        .unwrap();
    let out = run_browser(&browser, &control, &["--dump-dom".into()]);
    assert!(
        console_lines(&out.stderr).iter().any(|l| l.contains("conform-control")),
        "cannot observe console messages with --enable-logging=stderr; stderr:\n{}",
        out.stderr
    );

    let (page, _) = reports("console");
    let out = run_browser(&browser, &page, &["--dump-dom".into()]);
    let lines = console_lines(&out.stderr);
    assert!(lines.is_empty(), "the report page logged to the console:\n{}", lines.join("\n"));
    let _ = std::fs::remove_dir_all(control_dir);
    let _ = std::fs::remove_dir_all(page.parent().unwrap());
}

#[test]
fn screenshot_is_a_real_image() {
    let Some(browser) = chromium() else { return };
    let (page, _) = reports("screenshot");
    let shot = page.with_file_name("report.png");
    run_browser(&browser, &page, &[format!("--screenshot={}", shot.display()), "--window-size=1280,900".into()]);
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the screenshot is not a PNG");
    assert!(png.len() > 10 * 1024, "the screenshot is only {} bytes: a blank page?", png.len());
    // Kept for people (and CI artefacts): <target dir>/html-report.png.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("html-report.png");
    std::fs::copy(&shot, &keep).unwrap();
    eprintln!("screenshot: {}", keep.display());
    let _ = std::fs::remove_dir_all(page.parent().unwrap());
}

/// JUnit element counts, from a real XML parse.
fn junit_counts(xml: &str) -> [u64; 4] {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut counts = [0u64; 4]; // testcase, failure, error, skipped
    loop {
        match reader.read_event().expect("the JUnit report is well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => counts[0] += 1,
                b"failure" => counts[1] += 1,
                b"error" => counts[2] += 1,
                b"skipped" => counts[3] += 1,
                _ => {}
            },
            _ => {}
        }
    }
    counts
}

/// The issue's proof in one go: one `conform run` writing all three reports; the JUnit file parses and its
/// counts match the JSON report, the JSON report validates against its published schema, and the HTML page
/// renders in headless Chromium showing the same counts.
#[test]
fn one_run_writes_three_reports_that_agree() {
    let Some(browser) = chromium() else { return };
    let target = server::TestServer::start();
    let dir = temp_dir("cli");
    let (junit, json, html) = (dir.join("junit.xml"), dir.join("report.json"), dir.join("report.html"));
    let output = Command::new(env!("CARGO_BIN_EXE_conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "tests/fixtures/e2e/suite/pass.yaml", "tests/fixtures/e2e/suite/fail.yaml", "--no-snapshots"])
        .args(["--base-url", &target.base_url(), "--specs", "tests/fixtures/e2e/specs"])
        .arg(format!("--report=junit={}", junit.display()))
        .arg(format!("--report=json={}", json.display()))
        .arg(format!("--report=html={}", html.display()))
        .env("NO_COLOR", "1")
        .output()
        .expect("conform runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "a run with failing cases exits 1:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let schema: Value = serde_json::from_str(&std::fs::read_to_string("specs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "the JSON report breaks its schema: {errors:#?}");
    let summary = &report["summary"];
    let n = |k: &str| summary[k].as_u64().unwrap();
    assert!(n("passed") > 0 && n("failed") > 0, "the fixture run has passing and failing cases: {summary}");

    let [cases, failures, errors, skipped] = junit_counts(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(cases, n("total"), "JUnit testcases vs JSON total");
    assert_eq!(failures, n("failed"), "JUnit failures vs JSON failed");
    assert_eq!(errors, n("errored"), "JUnit errors vs JSON errored");
    assert_eq!(skipped, n("skipped"), "JUnit skipped vs JSON skipped");

    let dom = run_browser(&browser, &html, &["--dump-dom".into()]).stdout;
    let count = regex::Regex::new(r#"id="count-(\w+)" data-count="(\d+)">(\d+)<"#).unwrap();
    let shown: Vec<(String, u64)> =
        count.captures_iter(&dom).map(|c| (c[1].to_string(), c[3].parse().unwrap())).collect();
    assert_eq!(shown.len(), 6, "the rendered page shows six counts:\n{dom}");
    for (key, value) in shown {
        assert_eq!(value, n(&key), "count-{key} shown in the browser vs the JSON report");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The conformance matrix page (`conform matrix --html`) as a browser renders it: every cell of the JSON
/// matrix is in the DOM with its target, requirement and verdict, and the page logs nothing.
#[test]
fn matrix_page_renders_every_cell() {
    use conform::gate::matrix;
    use conform::secrets::{Masked, Masker};
    let Some(browser) = chromium() else { return };
    let run = results::run();
    let clean: Vec<_> = run
        .cases
        .iter()
        .cloned()
        .map(|mut c| {
            c.outcome = conform::results::Outcome::Passed;
            c.steps.iter_mut().for_each(|s| s.outcome = conform::results::Outcome::Passed);
            c
        })
        .collect();
    let table = matrix::build(
        &results::suites(),
        &[("clean".into(), "http://a".into(), clean), ("broken".into(), "http://b".into(), run.cases.clone())],
        false,
    );
    let table = Masked::new(table, &Masker::default());
    let dir = temp_dir("matrix");
    let page = dir.join("matrix.html");
    let mut html = Vec::new();
    conform::report::matrix::write_html(&table, &mut html).unwrap();
    std::fs::write(&page, html).unwrap();
    let mut json = Vec::new();
    conform::report::matrix::write_json(&table, &mut json).unwrap();
    let json: Value = serde_json::from_slice(&json).unwrap();

    let output = run_browser(&browser, &page, &["--dump-dom".into()]);
    let dom = output.stdout;
    assert!(dom.contains("id=\"matrix\""), "no matrix in the rendered DOM:\n{dom}");
    let rows = json["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    let mut fails = 0;
    for row in rows {
        for (i, target) in ["clean", "broken"].iter().enumerate() {
            let word = row["cells"][i].as_str().unwrap();
            fails += usize::from(word == "fail");
            let cell = format!(
                "data-target=\"{target}\" data-requirement=\"{}\" data-cell=\"{word}\">{word}</td>",
                row["requirement"].as_str().unwrap()
            );
            assert!(dom.contains(&cell), "{cell} is not rendered");
        }
        assert_ne!(row["cells"][0], "fail", "the clean column fails nothing");
    }
    assert!(fails > 0, "the broken column fails something");
    assert!(console_lines(&output.stderr).is_empty(), "{}", output.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}
