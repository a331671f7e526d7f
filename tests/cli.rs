//! The command line: `list`, `check`, `run --list`, selection flags and shards, help texts and bad flags.
//! No network: everything here stops before a request would be sent.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::conform;

/// A suite of 14 cases with tags and requirements, only ever listed.
const SUITE: &str = "tests/fixtures/cli";

/// stdout of a command that must exit 0.
fn ok(args: &[&str]) -> String {
    let out = conform(args);
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "conform {args:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    stdout
}

/// stderr of a command that must exit 2.
fn input_error(args: &[&str]) -> String {
    let out = conform(args);
    let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert_eq!(out.status.code(), Some(2), "conform {args:?}\n--- stderr\n{stderr}");
    stderr
}

/// The case ids `conform run --list` would run, checking its closing count line.
fn would_run(args: &[&str]) -> Vec<String> {
    let mut full = vec!["run", "--list"];
    full.extend(args);
    if !args.contains(&"--specs") {
        full.extend(["--specs", "no-specs-needed"]);
    }
    let stdout = ok(&full);
    let mut lines: Vec<String> = stdout.lines().map(String::from).collect();
    let last = lines.pop().expect("a count line");
    assert_eq!(last, format!("{} case(s) would run", lines.len()), "{stdout}");
    lines
}

fn all_fixture_ids() -> Vec<String> {
    let names = [
        "alpha::read-one",
        "alpha::read-one-missing",
        "alpha::list-all",
        "alpha::list-paged",
        "alpha::create",
        "alpha::create-invalid",
        "alpha::v1-read",
        "beta::delete",
        "beta::delete-twice",
        "beta::create-then-list",
        "beta::v1-create",
        "beta::untagged",
        "beta::health",
        "beta::version",
    ];
    names.iter().map(|n| format!("demo::{n}")).collect()
}

#[test]
fn list_shows_ids_tags_and_requirements() {
    let stdout = ok(&["list", SUITE, "--specs", "no-specs-needed"]);
    assert!(
        stdout.contains(
            "demo::alpha::v1-read\n    tags: read, legacy\n    requirements: demo.legacy.v1, demo.read.one\n"
        ),
        "{stdout}"
    );
    // No tags, no requirements: the id alone.
    assert!(stdout.contains("demo::beta::untagged\ndemo::beta::health\n    tags: smoke\n"), "{stdout}");
    assert!(stdout.ends_with("14 case(s)\n"), "{stdout}");
    let ids: Vec<&str> = stdout.lines().filter(|l| l.starts_with("demo::")).collect();
    assert_eq!(ids, all_fixture_ids(), "suite and file order");
}

#[test]
fn list_takes_the_selection_flags() {
    let stdout = ok(&["list", SUITE, "--specs", "x", "--tag", "smoke"]);
    assert_eq!(
        stdout,
        "demo::beta::health\n    tags: smoke\ndemo::beta::version\n    tags: smoke, legacy\n2 case(s)\n"
    );
}

#[test]
fn validate_accepts_the_fixture_suites() {
    let stdout = ok(&["validate", SUITE, "--specs", "no-specs-needed"]);
    assert_eq!(stdout, "ok: 1 suite(s), 14 case(s), 14 step(s), 0 schema(s)\n");
    let stdout = ok(&["validate", "tests/fixtures/e2e/suite", "--specs", "tests/fixtures/e2e/specs"]);
    assert!(stdout.starts_with("ok: 1 suite(s), "), "{stdout}");
    assert!(stdout.ends_with(", 2 schema(s)\n"), "{stdout}");
}

#[test]
fn validate_accepts_the_bundled_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("cases").is_dir() {
        return;
    }
    let stdout = ok(&["validate", "cases"]);
    assert!(stdout.starts_with("ok: "), "{stdout}");
    // The default path is `cases` too, and `check` is the old name of `validate`.
    assert_eq!(ok(&["check"]), stdout);
}

#[test]
fn every_subcommand_help_shows_an_example() {
    for sub in ["run", "list", "validate", "coverage", "serve", "baseline", "diff", "matrix"] {
        let stdout = ok(&[sub, "--help"]);
        assert!(stdout.contains("Example"), "`conform {sub} --help` has no example:\n{stdout}");
        assert!(stdout.contains(&format!("conform {sub}")), "the example uses `conform {sub}`:\n{stdout}");
    }
    let stdout = ok(&["--help"]);
    assert!(stdout.contains("Examples:"), "{stdout}");
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["run", "--no-such-flag"][..],
        &["run", "--shard", "0/3", "--list"],
        &["run", "--shard", "4/3", "--list"],
        &["run", "--shard", "three", "--list"],
        &["run", "--timeout", "-1", "--list"],
        &["run", "--timeout", "soon", "--list"],
        &["run", "--var", "novalue", "--list"],
        &["run", "--var", "=x", "--list"],
        &["run", "--report", "pdf=out.pdf", "--list"],
        &["run", "--report", "junit", "--list"],
        &["run", "--quiet", "--verbose", "--list"],
        &["run", "--base-url", "notaurl", "--list"],
        &["run", "--base-url", "ftp://example.com", "--list"],
        &["run", "--base-url", "http://127.0.0.1:9/?x=1", "--list"],
        &["run", "--update-snapshots", "--no-snapshots", "--list"],
        &["list", "--retries", "2"],
        &["nonsense"],
    ] {
        let stderr = input_error(args);
        assert!(stderr.contains("error:"), "conform {args:?}: {stderr}");
    }
    let stderr = input_error(&["run", "--shard", "4/3", "--list"]);
    assert!(stderr.contains("shard 4/3: K must be between 1 and N"), "{stderr}");
    let stderr = input_error(&["run", "--report", "pdf=out.pdf", "--list"]);
    assert!(stderr.contains("unknown report format `pdf` (expected junit, json or html)"), "{stderr}");
    let stderr = input_error(&["run", "--var", "novalue", "--list"]);
    assert!(stderr.contains("`novalue` is not NAME=VALUE"), "{stderr}");
}

#[test]
fn a_missing_case_folder_exits_2() {
    let stderr = input_error(&["list", "tests/fixtures/no-such-suite", "--specs", "x"]);
    assert!(stderr.contains("tests/fixtures/no-such-suite:1:1: no such file or folder"), "{stderr}");
    input_error(&["run", "--list", "tests/fixtures/no-such-suite", "--specs", "x"]);
}

#[test]
fn run_list_prints_what_would_run() {
    assert_eq!(would_run(&[SUITE]), all_fixture_ids());
    // A single file of a suite.
    let beta: Vec<String> = all_fixture_ids().into_iter().filter(|id| id.contains("::beta::")).collect();
    assert_eq!(would_run(&[&format!("{SUITE}/beta.yaml")]), beta);
    // Nothing matches: still exit 0, an empty list.
    assert!(would_run(&[SUITE, "--filter", "nothing-has-this-name"]).is_empty());
}

fn assert_shards_partition(paths: &[&str], n: u32) {
    let all: Vec<String> = would_run(paths);
    let mut seen: Vec<String> = Vec::new();
    let mut non_empty = 0;
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        let mut args = paths.to_vec();
        args.extend(["--shard", &shard]);
        let ids = would_run(&args);
        // Each shard keeps the suite order.
        let order: Vec<&String> = all.iter().filter(|id| ids.contains(id)).collect();
        assert_eq!(ids.iter().collect::<Vec<_>>(), order, "shard {shard}");
        non_empty += usize::from(!ids.is_empty());
        seen.extend(ids);
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a case in two shards: {seen:?}");
    assert_eq!(unique, all.iter().collect::<BTreeSet<_>>(), "every case in some shard");
    assert!(non_empty >= 2.min(n as usize), "{n} shards of {} cases put everything in one", all.len());
}

#[test]
fn shards_list_each_case_exactly_once() {
    assert_shards_partition(&[SUITE], 3);
    assert_shards_partition(&[SUITE], 2);
    assert_shards_partition(&[SUITE], 1);
    // Stable: the same shard twice is the same list.
    assert_eq!(would_run(&[SUITE, "--shard", "2/3"]), would_run(&[SUITE, "--shard", "2/3"]));
}

#[test]
fn shards_of_the_bundled_cases_list_each_case_exactly_once() {
    if !Path::new(env!("CARGO_MANIFEST_DIR")).join("cases").is_dir() {
        return;
    }
    let out = conform(&["run", "--list", "cases"]);
    if out.status.code() != Some(0) {
        // The bundled suites are being written elsewhere; `check_accepts_the_bundled_cases` reports that.
        return;
    }
    assert_shards_partition(&["cases", "--specs", "specs"], 3);
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| format!("demo::{n}")).collect()
}

#[test]
fn selection_flags_combine() {
    // Tags: any of them.
    assert_eq!(
        would_run(&[SUITE, "--tag", "smoke", "--tag", "errors"]),
        ids(&[
            "alpha::read-one-missing",
            "alpha::create-invalid",
            "beta::delete-twice",
            "beta::health",
            "beta::version"
        ])
    );
    // Filters: any of them, on the full id.
    assert_eq!(
        would_run(&[SUITE, "--filter", "beta::v1", "--filter", "::health"]),
        ids(&["beta::v1-create", "beta::health"])
    );
    // A requirement prefix stops at dots: `demo.read` is not `demo.rea`.
    assert_eq!(
        would_run(&[SUITE, "--requirement", "demo.read"]),
        ids(&[
            "alpha::read-one",
            "alpha::read-one-missing",
            "alpha::list-all",
            "alpha::list-paged",
            "alpha::v1-read",
            "beta::create-then-list"
        ])
    );
    assert!(would_run(&[SUITE, "--requirement", "demo.rea"]).is_empty());
    // Tag and requirement and exclusion together: all must hold.
    assert_eq!(
        would_run(&[SUITE, "--tag", "read", "--requirement", "demo.read.one", "--exclude-tag", "legacy"]),
        ids(&["alpha::read-one", "alpha::read-one-missing"])
    );
    assert_eq!(
        would_run(&[SUITE, "--filter", "alpha", "--tag", "write", "--exclude-tag", "errors"]),
        ids(&["alpha::create"])
    );
    assert_eq!(
        would_run(&[SUITE, "--exclude-tag", "read", "--exclude-tag", "write", "--exclude-tag", "smoke"]),
        ids(&["beta::untagged"])
    );
    // A shard of a selection is a subset of the selection.
    let selected = would_run(&[SUITE, "--tag", "write"]);
    let mut union = Vec::new();
    for k in 1..=3 {
        union.extend(would_run(&[SUITE, "--tag", "write", "--shard", &format!("{k}/3")]));
    }
    union.sort();
    let mut expected = selected.clone();
    expected.sort();
    assert_eq!(union, expected);
}

#[test]
fn a_selection_that_matches_nothing_is_an_input_error_but_an_empty_shard_is_not() {
    let stderr = input_error(&["run", SUITE, "--filter", "no-case-is-called-this"]);
    assert!(stderr.contains("no case matches the selection"), "{stderr}");
    // Nothing matches and nothing runs either way; only the shard case is a legitimate empty CI job.
    let out = conform(&["run", SUITE, "--filter", "no-case-is-called-this", "--shard", "1/2"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

/// The exit-code table of the README is the one `--help` prints, code for code.
#[test]
fn exit_codes_are_documented_in_the_readme_and_help() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let help = ok(&["--help"]);
    let run_help = ok(&["run", "--help"]);
    for code in 0..=4 {
        assert!(readme.contains(&format!("\n| {code} | ")), "README.md has no row for exit code {code}");
        assert!(help.contains(&format!("\n  {code}  ")), "`conform --help` does not explain exit code {code}:\n{help}");
        assert!(run_help.contains(&format!("\n  {code}  ")), "`conform run --help` does not explain exit code {code}");
    }
}

/// 4: conform itself could not work. Here: the address to serve on is taken.
#[test]
fn serve_exits_4_when_it_cannot_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = conform(&["serve", "--addr", &addr]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("cannot listen on {addr}")));
}
