//! The committed JSON Schemas of the case format match the Rust types. Regenerate them with
//! `CONFORM_BLESS=1 cargo test --test case_schema`.

use std::path::Path;

use conform::case::json_schema::{case_file_schema, suite_file_schema};

fn check(path: &str, schema: serde_json::Value) {
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = Path::new(path);
    if std::env::var_os("CONFORM_BLESS").is_some() {
        std::fs::write(path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "{} is out of date with src/case/raw.rs; regenerate with `CONFORM_BLESS=1 cargo test --test case_schema`",
        path.display()
    );
}

#[test]
fn case_schema_is_current() {
    check("specs/case.schema.json", case_file_schema());
}

#[test]
fn suite_schema_is_current() {
    check("specs/suite.schema.json", suite_file_schema());
}

#[test]
fn the_schemas_accept_a_real_case_file_and_refuse_an_unknown_key() {
    let schema = case_file_schema();
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let good = serde_json::json!({"cases": [{"name": "a", "steps": [{"request": {"method": "GET", "path": "/x"}, "expect": {"status": 200}}]}]});
    assert!(validator.is_valid(&good));
    let bad = serde_json::json!({"cases": [{"name": "a", "steps": [{"request": {"method": "GET", "path": "/x"}, "expect": {"statuss": 200}}]}]});
    assert!(!validator.is_valid(&bad));
}
