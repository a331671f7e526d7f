//! Files with several mistakes: every error of a file is reported in one run, format errors (unknown keys,
//! wrong types) and validation errors side by side, each at its own `path:line:col` with a caret under it.

use super::{FIXTURES, check_fails};

/// Every diagnostic of `stderr`, in order, as (file in the fixture folder, line, column, message); asserts
/// that the caret under each source line sits at the column its location names and that the count line
/// agrees.
fn diagnostics(stderr: &str, kind: &str) -> Vec<(String, usize, usize, String)> {
    let prefix = format!("{FIXTURES}/{kind}/");
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.strip_prefix(&prefix) else { continue };
        let (at, message) = rest.split_once(": ").expect("`file:line:col: message`");
        let mut parts = at.split(':');
        let file = parts.next().expect("a file").to_string();
        let line_number: usize = parts.next().and_then(|n| n.parse().ok()).expect("a line");
        let column: usize = parts.next().and_then(|n| n.parse().ok()).expect("a column");
        // `  |`, `N | source`, `  | ^`
        let shown = lines.get(i + 2).expect("the source line");
        let caret = lines.get(i + 3).expect("the caret line");
        assert!(shown.starts_with(&format!("{line_number} | ")), "source line {line_number} shown:\n{stderr}");
        let gutter = caret.find('|').expect("a gutter") + 2;
        assert_eq!(caret.len() - gutter, column, "caret under column {column}:\n{stderr}");
        found.push((file, line_number, column, message.to_string()));
    }
    let count = format!("\n{} error{} found", found.len(), if found.len() == 1 { "" } else { "s" });
    assert!(stderr.trim_end().ends_with(&count), "`{count}` at the end:\n{stderr}");
    found
}

/// The whole output, snapshotted beside the other fixtures' (`tests/snapshots/`).
fn snapshot(kind: &str, stderr: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots" }, { insta::assert_snapshot!(kind, stderr) });
}

fn at(file: &str, line: usize, column: usize, message: &str) -> (String, usize, usize, String) {
    (file.to_string(), line, column, message.to_string())
}

#[test]
fn format_errors_in_two_cases_are_both_reported() {
    let kind = "format-errors-in-two-cases";
    let stderr = check_fails(kind);
    assert_eq!(
        diagnostics(&stderr, kind),
        [
            at(
                "cases.yaml",
                6,
                11,
                "cases[0].steps[0].expect: unknown field `stauts`, expected one of `status`, `headers`, `body`, \
                 `body_match`, `schema`, `items`, `should`"
            ),
            at("cases.yaml", 8, 11, "cases[1].tags: invalid type: string \"smoke\", expected a sequence"),
        ]
    );
    snapshot(kind, &stderr);
}

#[test]
fn a_format_error_does_not_hide_a_validation_error_of_another_case() {
    let kind = "format-and-validation-errors";
    let stderr = check_fails(kind);
    assert_eq!(
        diagnostics(&stderr, kind),
        [
            at("cases.yaml", 5, 19, "cases[0].steps[0].pause_ms: invalid type: string \"soon\", expected u64"),
            at("cases.yaml", 10, 17, "undefined variable `host_di`; did you mean `host_id`?"),
        ]
    );
    snapshot(kind, &stderr);
}

#[test]
fn unknown_keys_in_two_steps_of_one_case_are_both_reported() {
    let kind = "unknown-keys-in-two-steps";
    let stderr = check_fails(kind);
    let step_keys = "expected one of `name`, `requirements`, `pause_ms`, `request`, `paginate`, `retry`, `expect`, `capture`, \
         `snapshot`";
    assert_eq!(
        diagnostics(&stderr, kind),
        [
            at("cases.yaml", 5, 9, &format!("cases[0].steps[0]: unknown field `captur`, {step_keys}")),
            at("cases.yaml", 10, 9, &format!("cases[0].steps[1]: unknown field `snapshots`, {step_keys}")),
        ]
    );
    snapshot(kind, &stderr);
}

#[test]
fn every_format_error_of_the_suite_file_is_reported() {
    let kind = "suite-format-errors";
    let stderr = check_fails(kind);
    assert_eq!(
        diagnostics(&stderr, kind),
        [
            at(
                "suite.yaml",
                3,
                1,
                "unknown field `secret`, expected one of `name`, `description`, `vars`, `secrets`, `headers`, \
                 `snapshot`, `requirements`, `capabilities`, `rate_limit`, `oauth2`"
            ),
            at("suite.yaml", 5, 18, "rate_limit.max_in_flight: invalid type: string \"many\", expected u32"),
            at("suite.yaml", 7, 11, "snapshot.redact: invalid type: string \".id\", expected a sequence"),
        ]
    );
    snapshot(kind, &stderr);
}
