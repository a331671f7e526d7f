//! The conformance matrix end to end through the binary: the embedded server and two faulted servers in one
//! targets file; each fault's requirement fails in exactly its column, the clean column passes everything,
//! a target's baseline turns its failures into `expected`, and every output agrees.

mod common;

use std::path::{Path, PathBuf};

use conform::reference::{ServerConfig, find_fault};

fn faulty(name: &str) -> conform::reference::BackgroundServer {
    common::start(ServerConfig { fault: find_fault(name), ..ServerConfig::default() })
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conform-matrix-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn matrix(targets: &Path, out: &Path) -> (i32, String, serde_json::Value) {
    let json = out.join("m.json");
    let html = out.join("m.html");
    let md = out.join("m.md");
    let args = [
        "matrix",
        "--targets",
        targets.to_str().unwrap(),
        "cases/sinch",
        "--json",
        json.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ];
    let output = common::conform(&args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
    let json = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (output.status.code().unwrap_or(-1), stdout, json)
}

/// The cell of `requirement` in `target`'s column.
fn cell<'a>(m: &'a serde_json::Value, requirement: &str, target: &str) -> &'a str {
    let column = m["columns"].as_array().unwrap().iter().position(|c| c["name"] == target).unwrap();
    let row = m["rows"].as_array().unwrap().iter().find(|r| r["requirement"] == requirement).unwrap();
    row["cells"][column].as_str().unwrap()
}

fn failing(m: &serde_json::Value, target: &str) -> Vec<String> {
    let column = m["columns"].as_array().unwrap().iter().position(|c| c["name"] == target).unwrap();
    m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["cells"][column] == "fail")
        .map(|r| r["requirement"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn faulted_requirements_fail_in_exactly_their_columns() {
    let out = dir("faults");
    let null_name = faulty("sinch-null-name-ignored");
    let oldest_first = faulty("sinch-list-oldest-first");
    let targets = out.join("targets.yaml");
    std::fs::write(
        &targets,
        format!(
            "targets:\n  - {{name: reference, base_url: embedded}}\n  - {{name: null-ignored, base_url: \"{}\"}}\n  \
             - name: oldest-first\n    base_url: {}\n    exclude_tags: [legacy]\n",
            null_name.base_url(),
            oldest_first.base_url()
        ),
    )
    .unwrap();
    let (code, stdout, m) = matrix(&targets, &out);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(m["format"], "conform-matrix");
    assert!(failing(&m, "reference").is_empty(), "{stdout}");
    assert_eq!(cell(&m, "sinch.update.name-null-removes", "null-ignored"), "fail", "{stdout}");
    assert_eq!(cell(&m, "sinch.update.name-null-removes", "oldest-first"), "pass", "{stdout}");
    assert_eq!(cell(&m, "sinch.list.reverse-chronological", "oldest-first"), "fail", "{stdout}");
    assert_eq!(cell(&m, "sinch.list.reverse-chronological", "null-ignored"), "pass", "{stdout}");
    // Case granularity: a fault fails the requirements of the cases that catch it, and only those.
    let (a, b) = (failing(&m, "null-ignored"), failing(&m, "oldest-first"));
    assert!(!a.is_empty() && a.len() < 15 && !b.is_empty() && b.len() < 15, "{a:?} {b:?}");
    assert!(a.iter().all(|r| !b.contains(r) || r.starts_with("sinch.list")), "{a:?} {b:?}");
    // A capability a target lacks: its legacy-only requirement is not run there.
    assert_eq!(cell(&m, "sinch.create.conflict-group-name-403", "oldest-first"), "not-run");
    assert_eq!(m["columns"][1]["counts"]["fail"], a.len());

    let md = std::fs::read_to_string(out.join("m.md")).unwrap();
    assert!(md.starts_with("| requirement | level | reference | null-ignored | oldest-first |"), "{md}");
    assert!(md.contains("| `sinch.update.name-null-removes` | must | ✅ pass | ❌ fail | ✅ pass |"), "{md}");
    let html = std::fs::read_to_string(out.join("m.html")).unwrap();
    assert!(
        html.contains(
            "data-target=\"null-ignored\" data-requirement=\"sinch.update.name-null-removes\" data-cell=\"fail\""
        ),
        "the HTML cell"
    );
    assert!(!html.contains("<script"), "self-contained, no script");
}

#[test]
fn a_targets_baseline_shows_its_failures_as_expected() {
    let out = dir("baseline");
    let null_name = faulty("sinch-null-name-ignored");
    let report = out.join("r.json");
    let run = common::conform(&[
        "run",
        "cases/sinch",
        "--base-url",
        &null_name.base_url(),
        "--report",
        &format!("json={}", report.display()),
        "-q",
    ]);
    assert_eq!(run.status.code(), Some(1));
    let baseline = out.join("known.yaml");
    let written =
        common::conform(&["baseline", "write", "--from", report.to_str().unwrap(), "-o", baseline.to_str().unwrap()]);
    assert!(written.status.success());
    let targets = out.join("targets.yaml");
    std::fs::write(
        &targets,
        format!("targets:\n  - name: known\n    base_url: {}\n    baseline: known.yaml\n", null_name.base_url()),
    )
    .unwrap();
    let (code, stdout, m) = matrix(&targets, &out);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(cell(&m, "sinch.update.name-null-removes", "known"), "expected", "{stdout}");
    assert!(failing(&m, "known").is_empty(), "{stdout}");

    std::fs::write(&targets, "targets:\n  - {name: a, base_url: embedded}\n  - {name: a, base_url: embedded}\n")
        .unwrap();
    let twice = common::conform(&["matrix", "--targets", targets.to_str().unwrap(), "cases/sinch"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("target `a` is named twice"));
}
