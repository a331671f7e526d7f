//! `conform check` on broken case files: exit code 2, a `path:line:col: message` pointing at the culprit, and
//! the whole diagnostic (source line and caret) snapshotted, one fixture folder per kind of mistake
//! (`tests/fixtures/load-errors/<kind>/`).

mod common;
#[path = "load_errors/together.rs"]
mod together;

use std::path::Path;

use common::conform;

const FIXTURES: &str = "tests/fixtures/load-errors";

/// `conform check` on one fixture, with its own `specs/` (an empty set when the folder does not exist).
/// Returns stderr after asserting exit code 2 and an empty stdout.
fn check_fails(kind: &str) -> String {
    let dir = format!("{FIXTURES}/{kind}");
    assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&dir).is_dir(), "missing fixture {dir}");
    let out = conform(&["validate", &dir, "--specs", &format!("{dir}/specs")]);
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert_eq!(out.status.code(), Some(2), "exit code of `conform check {dir}`; stderr:\n{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains('\x1b'), "no ANSI escapes: {stderr:?}");
    stderr
}

/// The one diagnostic of a fixture: where it points and what it says.
fn assert_single(stderr: &str, kind: &str, line: usize, column: usize, message: &str) {
    let prefix = format!("{FIXTURES}/{kind}/cases.yaml:{line}:{column}: ");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with(&prefix), "expected `{prefix}…`, got:\n{stderr}");
    assert!(first.contains(message), "expected `{message}` in:\n{first}");
    assert!(stderr.trim_end().ends_with("\n1 error found"), "exactly one error:\n{stderr}");
    // The caret sits under the column the location names.
    let caret = stderr.lines().find(|l| l.trim_end().ends_with('^')).expect("a caret line");
    let gutter = caret.find('|').expect("a gutter") + 2;
    assert_eq!(caret.len() - gutter, column, "caret under column {column}:\n{stderr}");
}

/// The one diagnostic of a fixture, in `file` of its folder, as one sentence on one line; a caret, when the
/// file has a line to show, sits under the column.
fn assert_single_in(stderr: &str, kind: &str, file: &str, line: usize, column: usize, message: &str) {
    let prefix = format!("{FIXTURES}/{kind}/{file}:{line}:{column}: ");
    let first = stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with(&prefix), "expected `{prefix}…`, got:\n{stderr}");
    assert!(first.ends_with(message), "expected the message `{message}`, got:\n{first}");
    assert!(stderr.trim_end().ends_with("\n1 error found"), "exactly one error:\n{stderr}");
    if let Some(caret) = stderr.lines().find(|l| l.trim_end().ends_with('^')) {
        let gutter = caret.find('|').expect("a gutter") + 2;
        let shown = stderr.lines().find(|l| l.starts_with(&format!("{line} | "))).expect("the source line");
        let before: String = shown[gutter..].chars().take(column - 1).collect();
        assert_eq!(caret[gutter..].trim_end_matches('^'), before.replace(|c: char| c != '\t', " "), "{stderr}");
    }
}

/// One test per fixture whose single diagnostic sits in one file: where it points and its whole message, then
/// the snapshot of the whole output.
macro_rules! single_error {
    ($test:ident, $kind:literal, $file:literal, $line:literal, $column:literal, $message:literal) => {
        #[test]
        fn $test() {
            let stderr = check_fails($kind);
            assert_single_in(&stderr, $kind, $file, $line, $column, $message);
            insta::assert_snapshot!($kind, stderr);
        }
    };
}

#[test]
fn yaml_syntax_error() {
    let stderr = check_fails("yaml-syntax");
    // The `{` opened on line 4 is never closed; the scanner notices on line 5 and names where the mapping began.
    assert_single(&stderr, "yaml-syntax", 5, 15, "while parsing a flow mapping at line 4 column 18");
    insta::assert_snapshot!("yaml-syntax", stderr);
}

#[test]
fn unknown_key_lists_the_expected_ones() {
    let stderr = check_fails("unknown-key");
    assert_single(&stderr, "unknown-key", 6, 11, "unknown field `statuss`, expected one of `status`");
    assert!(stderr.contains("cases[0].steps[0].expect"), "names the key path:\n{stderr}");
    insta::assert_snapshot!("unknown-key", stderr);
}

#[test]
fn wrong_type_of_steps() {
    let stderr = check_fails("wrong-type");
    assert_single(&stderr, "wrong-type", 3, 12, "cases[0].steps: invalid type: integer `5`, expected a sequence");
    insta::assert_snapshot!("wrong-type", stderr);
}

#[test]
fn status_that_is_not_a_number() {
    let stderr = check_fails("bad-status");
    assert_single(&stderr, "bad-status", 6, 19, "`status` must be a status code (100–599) or a list of them");
    insta::assert_snapshot!("bad-status", stderr);
}

#[test]
fn undefined_variable_suggests_the_near_miss() {
    let stderr = check_fails("undefined-variable");
    assert_single(&stderr, "undefined-variable", 6, 17, "undefined variable `host_di`; did you mean `host_id`?");
    insta::assert_snapshot!("undefined-variable", stderr);
}

#[test]
fn capture_used_before_the_step_that_takes_it() {
    let stderr = check_fails("capture-before-set");
    assert_single(&stderr, "capture-before-set", 5, 38, "`thing_id` is used before it is captured (by steps[1])");
    insta::assert_snapshot!("capture-before-set", stderr);
}

#[test]
fn missing_schema_suggests_the_near_miss() {
    let stderr = check_fails("missing-schema");
    assert_single(
        &stderr,
        "missing-schema",
        7,
        19,
        "missing schema `demo/thing.jsn` (not under specs/); did you mean `demo/thing.json`?",
    );
    insta::assert_snapshot!("missing-schema", stderr);
}

#[test]
fn invalid_regex() {
    let stderr = check_fails("invalid-regex");
    assert_single(&stderr, "invalid-regex", 7, 19, "invalid regex `^(abc`: error: unclosed group");
    insta::assert_snapshot!("invalid-regex", stderr);
}

#[test]
fn duplicate_case_name_points_at_the_second() {
    let stderr = check_fails("duplicate-case-name");
    assert_single(&stderr, "duplicate-case-name", 8, 11, "duplicate case name `same` (first used by cases[0])");
    insta::assert_snapshot!("duplicate-case-name", stderr);
}

#[test]
fn unknown_matcher_tag_suggests_the_near_miss() {
    let stderr = check_fails("unknown-matcher");
    // The caret sits under the tag (column 17), where the tagged node starts, not under its value (23).
    assert_single(&stderr, "unknown-matcher", 7, 17, "unknown matcher `!regx`; did you mean `!regex`?");
    insta::assert_snapshot!("unknown-matcher", stderr);
}

#[test]
fn unknown_generator_lists_the_known_ones() {
    let stderr = check_fails("unknown-generator");
    assert_single(&stderr, "unknown-generator", 4, 14, "unknown generator `msisdnn()`; known: msisdn(), msisdns(N)");
    insta::assert_snapshot!("unknown-generator", stderr);
}

#[test]
fn unknown_requirement_id_against_the_catalogue() {
    // The catalogue sits beside suite.yaml; it must not be read as a case file.
    let stderr = check_fails("unknown-requirement");
    assert_single(
        &stderr,
        "unknown-requirement",
        3,
        38,
        "unknown requirement `demo.things.craete` (not in demo); did you mean `demo.things.create`?",
    );
    insta::assert_snapshot!("unknown-requirement", stderr);
}

#[test]
fn step_requirements_are_known_among_the_cases_and_cover_it() {
    let stderr = check_fails("step-requirements");
    let at = |line: usize, column: usize, message: &str| {
        let prefix = format!("{FIXTURES}/step-requirements/cases.yaml:{line}:{column}: {message}");
        assert!(stderr.lines().any(|l| l == prefix), "expected `{prefix}` in:\n{stderr}");
    };
    at(5, 24, "unknown requirement `demo.things.lsit` (not in demo); did you mean `demo.things.list`?");
    at(12, 24, "`demo.things.create` is not among the case's `requirements`; list it there too");
    at(22, 23, "a step's `requirements` lists at least one id; leave it out to check all of the case's");
    at(15, 38, "no step checks `demo.things.create`: name it in a step's `requirements`, or drop it from the case's");
    assert!(stderr.trim_end().ends_with("\n4 errors found"), "{stderr}");
    insta::assert_snapshot!("step-requirements", stderr);
}

#[test]
fn every_error_of_a_file_is_reported() {
    let stderr = check_fails("several-errors");
    let locations: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("tests/fixtures/load-errors/several-errors/cases.yaml:"))
        .map(|l| l.split_once(": ").map_or(l, |(at, _)| at))
        .collect();
    assert_eq!(locations, ["2:11", "5:19", "6:17", "9:22", "9:40", "12:38"], "{stderr}");
    for message in [
        "case name `Bad_Name` must use lowercase letters",
        "`get` is not an HTTP method",
        "undefined variable `hots_id`; did you mean `host_id`?",
        "invalid regex `(`",
        "unknown matcher `!typ`; did you mean `!type`?",
        "undefined variable `nope`\n",
    ] {
        assert!(stderr.contains(message), "missing `{message}` in:\n{stderr}");
    }
    assert!(stderr.trim_end().ends_with("\n6 errors found"), "{stderr}");
    insta::assert_snapshot!("several-errors", stderr);
}

#[test]
fn every_fixture_folder_has_a_test() {
    let tested = [
        "alias-bomb",
        "bad-status",
        "capture-before-set",
        "capture-wrong-type",
        "catalogue-broken",
        "duplicate-case-name",
        "duplicate-key",
        "empty-file",
        "format-and-validation-errors",
        "format-errors-in-two-cases",
        "generator-arity",
        "invalid-pointer",
        "invalid-regex",
        "missing-catalogue",
        "missing-field",
        "missing-schema",
        "non-utf8",
        "only-comments",
        "paginate-without-items",
        "schema-invalid",
        "schema-invalid-json",
        "schema-unresolved-ref",
        "several-errors",
        "step-requirements",
        "suite-format-errors",
        "suite-limits",
        "tab-indent",
        "two-documents",
        "undefined-in-suite",
        "undefined-variable",
        "unknown-enum-value",
        "unknown-generator",
        "unknown-key",
        "unknown-key-capture",
        "unknown-key-case",
        "unknown-key-paginate",
        "unknown-key-request",
        "unknown-key-should",
        "unknown-key-step",
        "unknown-key-suite",
        "unknown-keys-in-two-steps",
        "unknown-matcher",
        "unknown-requirement",
        "utf16",
        "utf8-bom",
        "whole-file-a-list",
        "wrong-type",
        "yaml-syntax",
    ];
    let mut found: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES))
        .expect("fixture folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, tested);
}

#[test]
fn a_broken_file_among_good_ones_fails_the_whole_check() {
    // Two suites at once: the errors of the broken one are reported, exit code 2.
    let out = conform(&[
        "validate",
        "tests/fixtures/e2e/suite",
        "tests/fixtures/load-errors/undefined-variable",
        "--specs",
        "tests/fixtures/e2e/specs",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("load-errors/undefined-variable/cases.yaml:6:17: undefined variable `host_di`"),
        "{stderr}"
    );
    assert!(!stderr.contains("e2e/suite"), "the good suite has no error:\n{stderr}");
}

#[test]
fn a_path_that_does_not_exist() {
    let out = conform(&["validate", "tests/fixtures/load-errors/no-such-folder", "--specs", "no-such-specs"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("tests/fixtures/load-errors/no-such-folder:1:1: no such file or folder"), "{stderr}");
}

// The text of a file: encoding, blank files, tabs, documents, keys.

single_error!(
    tab_in_the_indentation,
    "tab-indent",
    "cases.yaml",
    4,
    1,
    "a tab character here; YAML indents with spaces only"
);
single_error!(empty_file, "empty-file", "cases.yaml", 1, 1, "the file is empty; it needs a `cases:` list");
single_error!(
    file_of_only_comments,
    "only-comments",
    "cases.yaml",
    1,
    1,
    "the file holds only comments; it needs a `cases:` list"
);
single_error!(
    bytes_that_are_not_utf8,
    "non-utf8",
    "cases.yaml",
    3,
    22,
    "byte 0xE9 is not UTF-8; case files are UTF-8 text"
);
single_error!(
    utf16_file,
    "utf16",
    "cases.yaml",
    1,
    1,
    "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"
);
// A UTF-8 byte order mark is allowed (editors on Windows write one) and does not shift the columns of line 1.
single_error!(
    utf8_bom_is_read_and_columns_stay_right,
    "utf8-bom",
    "cases.yaml",
    1,
    1,
    "unknown field `casez`, expected `description` or `cases`"
);
single_error!(
    key_written_twice_points_at_the_second,
    "duplicate-key",
    "cases.yaml",
    6,
    5,
    "duplicate key `vars` (first at line 3, column 5)"
);
single_error!(
    second_yaml_document,
    "two-documents",
    "cases.yaml",
    5,
    1,
    "a second YAML document starts here; a file holds one document"
);
single_error!(
    billion_laughs_alias_bomb,
    "alias-bomb",
    "cases.yaml",
    9,
    14,
    "aliases expand this file by more than 100000 values (a YAML alias bomb?); write the values out or use fewer aliases"
);

// Unknown keys at every level, wrong types, missing fields.

single_error!(
    unknown_key_in_a_case,
    "unknown-key-case",
    "cases.yaml",
    3,
    5,
    "cases[0]: unknown field `step`, expected one of `name`, `description`, `tags`, `requirements`, `vars`, `needs`, `steps`, `cleanup`"
);
single_error!(
    unknown_key_in_a_step,
    "unknown-key-step",
    "cases.yaml",
    5,
    9,
    "cases[0].steps[0]: unknown field `expects`, expected one of `name`, `requirements`, `pause_ms`, `request`, `paginate`, `retry`, `expect`, `capture`, `snapshot`"
);
single_error!(
    unknown_key_in_a_request,
    "unknown-key-request",
    "cases.yaml",
    4,
    48,
    "cases[0].steps[0].request: unknown field `jsn`, expected one of `method`, `path`, `query`, `headers`, `json`, `body`"
);
single_error!(
    unknown_key_in_should,
    "unknown-key-should",
    "cases.yaml",
    8,
    13,
    "cases[0].steps[0].expect.should: unknown field `header`, expected one of `status`, `headers`, `body`, `body_match`, `schema`, `items`, `should`"
);
single_error!(
    unknown_key_in_paginate,
    "unknown-key-paginate",
    "cases.yaml",
    5,
    36,
    "cases[0].steps[0].paginate: unknown field `max_page`, expected one of `param`, `start`, `items`, `max_pages`, `until`, `stable`, `restarts`"
);
single_error!(
    unknown_key_in_a_capture,
    "unknown-key-capture",
    "cases.yaml",
    6,
    22,
    "cases[0].steps[0].capture.thing_id: unknown field `pointr`, expected one of `pointer`, `header`, `optional`"
);
single_error!(
    unknown_key_in_the_suite_file,
    "unknown-key-suite",
    "suite.yaml",
    3,
    1,
    "unknown field `secret`, expected one of `name`, `description`, `vars`, `secrets`, `headers`, `snapshot`, `requirements`, `capabilities`, `rate_limit`, `oauth2`"
);
single_error!(
    unknown_key_in_the_catalogue,
    "catalogue-broken",
    "requirements.yaml",
    6,
    5,
    "requirements[0]: unknown field `sorce`, expected one of `id`, `summary`, `seed`, `source`, `reference`, `note`, `level`, `level_reason`, `check`, `checkable_part`, `tags`"
);
single_error!(
    whole_file_is_a_list,
    "whole-file-a-list",
    "cases.yaml",
    1,
    1,
    "invalid type: sequence, expected a case file: a mapping with a `cases` list"
);
single_error!(
    capture_of_the_wrong_type,
    "capture-wrong-type",
    "cases.yaml",
    6,
    21,
    "cases[0].steps[0].capture.thing_id: invalid type: integer `5`, expected a JSON Pointer such as `/id`, or a mapping such as `{header: Location}`"
);
single_error!(
    unknown_value_of_body_match,
    "unknown-enum-value",
    "cases.yaml",
    6,
    23,
    "cases[0].steps[0].expect.body_match: unknown variant `exact`, expected `partial` or `strict`"
);
single_error!(
    request_without_a_path,
    "missing-field",
    "cases.yaml",
    4,
    18,
    "cases[0].steps[0].request: missing field `path`"
);
single_error!(
    paginate_without_items,
    "paginate-without-items",
    "cases.yaml",
    5,
    19,
    "cases[0].steps[0].paginate: missing field `items`"
);

// What only validation finds: pointers, generators, variables, catalogues.

single_error!(
    capture_that_is_not_a_json_pointer,
    "invalid-pointer",
    "cases.yaml",
    6,
    21,
    "`id` is not a JSON Pointer (write `/id`, `/groups/0/id`, or \"\")"
);
single_error!(
    generator_with_the_wrong_arity,
    "generator-arity",
    "cases.yaml",
    4,
    15,
    "msisdns() takes 1 argument(s), got 0"
);
single_error!(
    undefined_variable_in_the_suite_file,
    "undefined-in-suite",
    "suite.yaml",
    4,
    18,
    "undefined variable `tokn`"
);
single_error!(
    suite_names_a_missing_catalogue,
    "missing-catalogue",
    "suite.yaml",
    1,
    15,
    "no requirement catalogue at `requirement.yaml` (relative to this suite.yaml)"
);

// Schema files: errors name the file and, where there is one, the line and column.

/// `conform validate` on a fixture whose `specs/` is broken: exit 2, one line naming the schema file.
fn schema_error(kind: &str) -> String {
    let stderr = check_fails(kind);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line:\n{stderr}");
    stderr
}

#[test]
fn schema_file_that_is_not_json() {
    let stderr = schema_error("schema-invalid-json");
    assert_eq!(
        stderr.trim_end(),
        "error: tests/fixtures/load-errors/schema-invalid-json/specs/demo/thing.json:3:21: not valid JSON: trailing comma"
    );
    insta::assert_snapshot!("schema-invalid-json", stderr);
}

#[test]
fn schema_file_that_is_not_a_schema() {
    let stderr = schema_error("schema-invalid");
    assert!(
        stderr.starts_with(
            "error: tests/fixtures/load-errors/schema-invalid/specs/demo/thing.json: not a valid JSON Schema: at \
             `/type`: \"strnig\""
        ),
        "{stderr}"
    );
    insta::assert_snapshot!("schema-invalid", stderr);
}

#[test]
fn schema_ref_that_does_not_resolve() {
    let stderr = schema_error("schema-unresolved-ref");
    assert_eq!(
        stderr.trim_end(),
        "error: tests/fixtures/load-errors/schema-unresolved-ref/specs/demo/thing.json:4:15: unresolved $ref \
         `user.json`: no schema file `demo/user.json` in the set"
    );
    insta::assert_snapshot!("schema-unresolved-ref", stderr);
}

#[test]
fn run_and_list_refuse_a_broken_file_as_validate_does() {
    for kind in
        ["yaml-syntax", "alias-bomb", "non-utf8", "unknown-key-suite", "missing-catalogue", "schema-invalid-json"]
    {
        let dir = format!("{FIXTURES}/{kind}");
        let specs = format!("{dir}/specs");
        let validate = conform(&["validate", &dir, "--specs", &specs]);
        for command in ["run", "list"] {
            let out = conform(&[command, &dir, "--specs", &specs]);
            assert_eq!(out.status.code(), Some(2), "`conform {command} {dir}`");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&validate.stderr),
                "`conform {command} {dir}` says what `validate` says"
            );
        }
    }
}

#[test]
fn suite_rate_limit_and_oauth2_errors_point_into_suite_yaml() {
    let stderr = check_fails("suite-limits");
    let at = |line: usize, column: usize, message: &str| {
        let prefix = format!("{FIXTURES}/suite-limits/suite.yaml:{line}:{column}: ");
        assert!(
            stderr.lines().any(|l| l.starts_with(&prefix) && l.contains(message)),
            "expected `{prefix}…{message}` in:\n{stderr}"
        );
    };
    at(5, 9, "`60/hour` is not a rate: write N/s or N/min");
    at(6, 18, "must be at least 1");
    at(8, 14, "`api_tokn` is not a variable of this suite");
    at(11, 18, "undefined variable `client_secret`");
    assert!(stderr.trim_end().ends_with("4 errors found"), "{stderr}");
}
