//! The JSON Schemas of the case format, generated from the serde structs so they cannot drift from the loader.

use super::raw::{RawCaseFile, RawSuite};

/// Schema of a case file (`cases/**/*.yaml` except `suite.yaml`).
pub fn case_file_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(RawCaseFile).to_value();
    annotate(
        &mut schema,
        "conform case file",
        "A list of cases: requests, expectations, captures and cleanup steps. Matcher tags (!regex, !type, …) are YAML tags and not visible to JSON Schema; see docs/case-format.md.",
    );
    schema
}

/// Schema of a `suite.yaml`.
pub fn suite_file_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(RawSuite).to_value();
    annotate(
        &mut schema,
        "conform suite file",
        "Variables, secrets, headers and snapshot settings shared by the case files of a folder.",
    );
    schema
}

fn annotate(schema: &mut serde_json::Value, title: &str, description: &str) {
    if let Some(map) = schema.as_object_mut() {
        map.insert("title".into(), title.into());
        map.insert("description".into(), description.into());
    }
}
