//! `conform check` on broken case files: exit code 2, a `path:line:col: message` pointing at the culprit, and
//! the whole diagnostic (source line and caret) snapshotted, one fixture folder per kind of mistake
//! (`tests/fixtures/load-errors/<kind>/`).

mod common;

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
        "bad-status",
        "capture-before-set",
        "duplicate-case-name",
        "invalid-regex",
        "missing-schema",
        "several-errors",
        "suite-limits",
        "undefined-variable",
        "unknown-generator",
        "unknown-key",
        "unknown-matcher",
        "unknown-requirement",
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
