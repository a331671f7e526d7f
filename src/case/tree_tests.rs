use std::path::Path;

use serde::de::DeserializeOwned;

use super::*;
use crate::case::model::Catalogue;
use crate::case::raw::{RawCase, RawCaseFile, RawSuite};

fn tree(yaml: &str) -> Value {
    serde_yaml::from_str(yaml).expect("YAML")
}

/// Reads `yaml` as a `T` the way the loader does, with its position index.
fn read<T: DeserializeOwned>(
    yaml: &str,
    skipped: impl FnOnce(&Value) -> Skipped,
    budget: &mut usize,
) -> Result<T, FormatErrors> {
    let root = tree(yaml);
    read_all::<T>(&root, "", &PositionIndex::build(yaml), skipped(&root), budget)
}

/// Every error of `yaml` read as a `T`: (path, unknown key, message as rendered).
fn errors<T: DeserializeOwned + fmt::Debug>(yaml: &str) -> Vec<(String, Option<String>, String)> {
    let found = read::<T>(yaml, |_| Skipped::new(), &mut 100).expect_err("format errors");
    assert!(!found.stopped);
    found.errors.iter().map(|e| (e.path().to_string(), e.key().map(str::to_string), e.to_string())).collect()
}

const STEP_FIELDS: &str = "expected one of `name`, `requirements`, `pause_ms`, `request`, `paginate`, `retry`, `expect`, \
                           `capture`, `snapshot`";

#[test]
fn unknown_keys_in_two_steps_are_both_found_each_at_its_key() {
    let yaml = "name: a\nsteps:\n  - request: {method: GET, path: /x}\n    expects: {}\n  - request: {method: GET, path: /y}\n    captur: {}\n";
    assert_eq!(
        errors::<RawCase>(yaml),
        [
            (
                "steps[0]".to_string(),
                Some("expects".to_string()),
                format!("steps[0]: unknown field `expects`, {STEP_FIELDS}")
            ),
            (
                "steps[1]".to_string(),
                Some("captur".to_string()),
                format!("steps[1]: unknown field `captur`, {STEP_FIELDS}")
            ),
        ]
    );
}

#[test]
fn a_wrong_type_is_one_error_not_also_the_missing_field_it_leaves() {
    let found = errors::<RawCase>("name: a\nsteps: 5\n");
    assert_eq!(found, [("steps".to_string(), None, "steps: invalid type: integer `5`, expected a sequence".into())]);
}

#[test]
fn a_misspelt_required_key_is_one_error() {
    let found = errors::<RawCase>("name: a\nstep: []\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.starts_with("unknown field `step`"), "{found:?}");
    // A required key missing without a near miss among the unknown ones is its own mistake.
    let found = errors::<RawCase>("name: a\ncolour: red\n");
    assert_eq!(found.iter().map(|e| e.2.as_str()).collect::<Vec<_>>()[1], "missing field `steps`");
}

#[test]
fn errors_at_every_level_of_one_file_are_found() {
    let yaml = "oops: 1\ncases:\n  - name: a\n    tags: x\n    steps: []\n";
    let found = errors::<RawCaseFile>(yaml);
    let paths: Vec<(&str, Option<&str>)> = found.iter().map(|e| (e.0.as_str(), e.1.as_deref())).collect();
    assert_eq!(paths, [("", Some("oops")), ("cases[0].tags", None)], "{found:?}");
}

#[test]
fn a_document_of_the_wrong_shape_is_one_error() {
    assert_eq!(
        errors::<RawCaseFile>("- a\n- b\n"),
        [("".to_string(), None, "invalid type: sequence, expected a case file: a mapping with a `cases` list".into())]
    );
}

#[test]
fn the_budget_stops_the_reading() {
    let yaml: String = (0..10).map(|i| format!("k{i}: 1\n")).collect();
    let mut budget = 3;
    let found = read::<RawSuite>(&yaml, |_| Skipped::new(), &mut budget).expect_err("errors");
    assert_eq!((found.errors.len(), found.stopped, budget), (3, true, 0));
}

#[test]
fn left_out_nodes_are_not_read_and_paths_keep_their_indices() {
    let yaml = "cases:\n  - 1\n  - name: b\n    stepz: []\n";
    let found = read::<RawCaseFile>(yaml, |root| [address(&root["cases"][0])].into(), &mut 100).expect_err("errors");
    assert_eq!(found.errors.len(), 1, "{found:?}");
    assert_eq!((found.errors[0].path(), found.errors[0].key()), ("cases[1]", Some("stepz")));
}

/// What serde_yaml reads from text and what `read_all` reads from serde_yaml's tree print the same.
fn assert_read_as_from_text<T: DeserializeOwned + fmt::Debug>(yaml: &str, what: &dyn fmt::Display) {
    let from_text = serde_yaml::from_str::<T>(yaml).map(|v| format!("{v:#?}")).map_err(|e| e.to_string());
    let from_tree = read::<T>(yaml, |_| Skipped::new(), &mut 100)
        .map(|v| format!("{v:#?}"))
        .map_err(|e| format!("{:?}", e.errors.iter().map(ToString::to_string).collect::<Vec<_>>()));
    assert_eq!(from_tree, from_text, "{what}");
}

#[test]
fn scalars_read_as_serde_yaml_reads_them_from_text() {
    let yaml = "name: 123\ntags: [true, 1.50, x, null, ~, '', 0x10, False]\ncleanup:\nneeds:\nsteps:\n  - request: {method: GET, path: /x, headers: {X-N: 5, X-Gone: ~}}\n    snapshot: true\n    pause_ms: 0x10\n    retry: {attempts: 3, backoff: 2}\n    expect:\n      status: [200, 201]\n      body_match: strict\n      body: {id: !regex '^a', n: !unordered [1, 2], deep: [{a: null}]}\n    capture: {id: /id, loc: {header: Location, optional: true}}\n";
    assert_read_as_from_text::<RawCase>(yaml, &"scalars, tags, captures");
}

#[test]
fn the_bundled_files_read_as_serde_yaml_reads_them_from_text() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for suite in ["cases/sinch", "cases/xero"] {
        for entry in std::fs::read_dir(manifest.join(suite)).expect("a bundled suite") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            match path.file_name().and_then(|n| n.to_str()) {
                Some("suite.yaml") => assert_read_as_from_text::<RawSuite>(&text, &path.display()),
                Some(name) if name.ends_with(".yaml") => {
                    assert_read_as_from_text::<RawCaseFile>(&text, &path.display())
                }
                _ => continue,
            }
            files += 1;
        }
    }
    for catalogue in ["specs/requirements/sinch.yaml", "specs/requirements/xero.yaml"] {
        let text = std::fs::read_to_string(manifest.join(catalogue)).expect("a catalogue");
        assert_read_as_from_text::<Catalogue>(&text, &catalogue);
        files += 1;
    }
    assert!(files >= 20, "only {files} bundled files found");
}
