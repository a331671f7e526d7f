//! The conformance matrix end to end through the binary: the embedded server and two faulted servers (one
//! Sinch, one Xero fault) in one targets file; each fault's requirement, and no other, fails in exactly its
//! column, the clean column passes everything, a target's baseline turns its failures into `expected`, and
//! every output agrees.

mod common;

use std::collections::BTreeSet;
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

/// `conform matrix` over `cases` with every output written. Loopback targets do not take the suites'
/// published limits (Xero's 60 calls a minute would make this take minutes).
fn matrix(targets: &Path, cases: &str, out: &Path) -> (i32, String, serde_json::Value) {
    let json = out.join("m.json");
    let html = out.join("m.html");
    let md = out.join("m.md");
    let args = [
        "matrix",
        "--targets",
        targets.to_str().unwrap(),
        cases,
        "--no-suite-limits",
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

fn failing(m: &serde_json::Value, target: &str) -> BTreeSet<String> {
    let column = m["columns"].as_array().unwrap().iter().position(|c| c["name"] == target).unwrap();
    m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["cells"][column] == "fail")
        .map(|r| r["requirement"].as_str().unwrap().to_string())
        .collect()
}

/// Each faulted target: its column, its fault, and the one requirement the fault breaks (the fault catalogue
/// describes the behaviour in words; the requirement is read from `specs/requirements/`).
const FAULTED: [(&str, &str, &str); 2] = [
    ("null-ignored", "sinch-null-name-ignored", "sinch.update.name-null-removes"),
    ("desc-ignored", "xero-order-desc-ignored", "xero.list.order"),
];

#[test]
fn faulted_requirements_fail_in_exactly_their_columns() {
    let out = dir("faults");
    let servers: Vec<_> = FAULTED.iter().map(|(_, fault, _)| faulty(fault)).collect();
    let targets = out.join("targets.yaml");
    std::fs::write(
        &targets,
        format!(
            "targets:\n  - {{name: reference, base_url: embedded}}\n  - {{name: {}, base_url: \"{}\"}}\n  \
             - name: {}\n    base_url: {}\n    exclude_tags: [legacy]\n",
            FAULTED[0].0,
            servers[0].base_url(),
            FAULTED[1].0,
            servers[1].base_url()
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let (code, stdout, m) = matrix(&targets, "cases", &out);
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(m["format"], "conform-matrix");
    // Both suites ran on every target, at loopback speed.
    assert!(m["rows"].as_array().unwrap().iter().any(|r| r["suite"] == "xero"), "{stdout}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
    // Exactly: a fault fails the requirement it breaks, in its own column, and nothing else anywhere.
    assert_eq!(failing(&m, "reference"), BTreeSet::new(), "{stdout}");
    for (target, fault, requirement) in FAULTED {
        assert_eq!(failing(&m, target), BTreeSet::from([requirement.to_string()]), "{fault}:\n{stdout}");
        for (other, _, _) in FAULTED.iter().filter(|(t, _, _)| *t != target) {
            assert_eq!(cell(&m, requirement, other), "pass", "{requirement} on {other}:\n{stdout}");
        }
        assert_eq!(cell(&m, requirement, "reference"), "pass", "{stdout}");
    }
    // A capability a target lacks: its legacy-only requirement is not run there.
    assert_eq!(cell(&m, "sinch.create.conflict-group-name-403", "desc-ignored"), "not-run");
    assert_eq!(m["columns"][1]["counts"]["fail"], 1);
    assert_eq!(m["columns"][2]["counts"]["fail"], 1);

    let md = std::fs::read_to_string(out.join("m.md")).unwrap();
    assert!(md.starts_with("| requirement | level | reference | null-ignored | desc-ignored |"), "{md}");
    assert!(md.contains("| `sinch.update.name-null-removes` | must | ✅ pass | ❌ fail | ✅ pass |"), "{md}");
    assert!(md.contains("| `xero.list.order` | must | ✅ pass | ✅ pass | ❌ fail |"), "{md}");
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
    let (code, stdout, m) = matrix(&targets, "cases/sinch", &out);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(cell(&m, "sinch.update.name-null-removes", "known"), "expected", "{stdout}");
    assert!(failing(&m, "known").is_empty(), "{stdout}");

    std::fs::write(&targets, "targets:\n  - {name: a, base_url: embedded}\n  - {name: a, base_url: embedded}\n")
        .unwrap();
    let twice = common::conform(&["matrix", "--targets", targets.to_str().unwrap(), "cases/sinch"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("target `a` is named twice"));
}
