//! The examples in the README and docs/case-format.md are real: they load, and the complete case files among
//! them pass against the embedded reference server. Documentation that rots fails here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The ```yaml blocks of a Markdown file, in order (```yml marks a fragment that is not run).
fn yaml_blocks(path: &str) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```yaml") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.push(current.take().unwrap()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// A suite folder like `cases/sinch`, holding `files`, whose catalogue path works from a temp dir.
fn sinch_suite(label: &str, suite_yaml: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("docs-{label}-{}", std::process::id())).join("sinch");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/requirements/sinch.yaml");
    let suite = suite_yaml.replace("../../specs/requirements/sinch.yaml", &catalogue.display().to_string());
    std::fs::write(dir.join("suite.yaml"), suite).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn conform(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_conform"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("conform runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

#[test]
fn the_case_format_examples_load_and_pass() {
    let blocks = yaml_blocks("docs/case-format.md");
    assert_eq!(blocks.len(), 3, "suite.yaml, a case file and a pagination step");
    let (suite, case_file, pagination_step) = (&blocks[0], &blocks[1], &blocks[2]);
    // The pagination step, inside a case that defines the captures it names.
    let indented: String = pagination_step.lines().map(|l| format!("      {l}\n")).collect();
    let paging_case =
        format!("cases:\n  - name: paging\n    vars: {{first: a, second: b, third: c}}\n    steps:\n{indented}");
    let dir = sinch_suite("format", suite, &[("example.yaml", case_file.clone()), ("paging.yaml", paging_case)]);
    let dir = dir.to_str().unwrap();
    let (code, out) = conform(&["validate", dir]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = conform(&["run", &format!("{dir}/example.yaml"), "--no-snapshots"]);
    assert_eq!(code, Some(0), "the documented case fails against the reference server:\n{out}");
    assert!(out.contains("1 passed"), "{out}");
}

#[test]
fn the_readme_example_passes() {
    let blocks = yaml_blocks("README.md");
    assert_eq!(blocks.len(), 3, "a case, a baseline and a targets file");
    let case = blocks.iter().find(|b| b.starts_with("cases:")).expect("the README's case");
    let suite = std::fs::read_to_string("cases/sinch/suite.yaml").unwrap();
    let dir = sinch_suite("readme", &suite, &[("readme.yaml", case.clone())]);
    let (code, out) = conform(&["run", dir.to_str().unwrap(), "--no-snapshots"]);
    assert_eq!(code, Some(0), "the README's case fails against the reference server:\n{out}");
}

#[test]
fn the_readme_baseline_and_targets_examples_load() {
    let blocks = yaml_blocks("README.md");
    let baseline = blocks.iter().find(|b| b.starts_with("deviations:")).expect("the README's baseline");
    let loaded = conform::gate::baseline::Baseline::parse(std::path::Path::new("README.md"), baseline).unwrap();
    assert_eq!(loaded.entries.len(), 1);
    assert!(loaded.entries[0].reason.is_some() && loaded.entries[0].link.is_some());
    let targets = blocks.iter().find(|b| b.contains("targets:")).expect("the README's targets file");
    let dir = std::env::temp_dir().join(format!("conform-readme-targets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("targets.yaml");
    std::fs::write(&path, targets).unwrap();
    let loaded = conform::gate::matrix::load_targets(&path).unwrap();
    assert_eq!(loaded.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["reference", "sandbox"]);
    assert_eq!(loaded[1].baseline.as_deref(), Some(dir.join("sandbox-baseline.yaml").as_path()));
    let _ = std::fs::remove_dir_all(&dir);
}
