//! The `cargo test` harness aims at another implementation the way the README says: `CONFORM_BASE_URL` names
//! it and `CONFORM_VAR_*` gives it its credentials. Against a reference server that accepts only
//! non-default credentials, every bundled case passes when they are given and fails with the server's 401
//! when they are not. Proven twice: in process through `conform::harness::run` (what `tests/conformance.rs`
//! calls), and through the built `conformance` test binary itself.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use conform::project::ProjectSource;
use conform::reference::ServerConfig;
use libtest_mimic::Arguments;

/// Credentials no bundled suite has as its default.
const CREDENTIALS: [(&str, &str); 5] = [
    ("service_plan_id", "other-plan"),
    ("sinch_token", "other-sinch-token"),
    ("xero_tenant_id", "11111111-2222-4333-8444-555555555555"),
    ("xero_token", "other-xero-token"),
    ("xero_read_token", "other-xero-read-token"),
];

/// Data the target holds that the user names with the credentials: the auto_update numbers provisioned for the
/// Sinch account (the reference server accepts any well-formed number).
const PROVISIONED: [(&str, &str); 2] = [("auto_update_number", "447700900123"), ("auto_update_short_code", "12345")];

fn strict_server() -> conform::reference::BackgroundServer {
    let mut config = ServerConfig::default();
    for (name, value) in CREDENTIALS {
        config.settings.set(name, value).expect("a declared setting");
    }
    common::start(config)
}

/// `CONFORM_BASE_URL`, plus `CONFORM_VAR_*` for each credential and provisioned number when `with_credentials`.
fn environment(base_url: &str, with_credentials: bool) -> BTreeMap<String, String> {
    // A reference server on loopback is not Xero: without this the Xero suite would keep Xero's 60 calls a
    // minute, as against the real service.
    let mut env = BTreeMap::from([
        ("CONFORM_BASE_URL".to_string(), base_url.to_string()),
        ("CONFORM_NO_SUITE_LIMITS".to_string(), "1".to_string()),
    ]);
    if with_credentials {
        for (name, value) in CREDENTIALS.into_iter().chain(PROVISIONED) {
            env.insert(format!("CONFORM_VAR_{}", name.to_ascii_uppercase()), value.to_string());
        }
    }
    env
}

fn run_in_process(env: &BTreeMap<String, String>, log: &std::path::Path) -> libtest_mimic::Conclusion {
    let root = env!("CARGO_MANIFEST_DIR");
    let source = ProjectSource::new(vec![PathBuf::from(root).join("cases")], PathBuf::from(root).join("specs"));
    let args = Arguments { logfile: Some(log.display().to_string()), test_threads: Some(4), ..Arguments::default() };
    conform::harness::run(&args, source, env)
}

#[test]
fn in_process_the_harness_takes_target_and_credentials_from_the_environment() {
    let server = strict_server();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");

    let given = run_in_process(&environment(&server.base_url(), true), &log);
    assert_eq!(
        given.num_failed,
        0,
        "with the credentials every case passes:\n{}",
        std::fs::read_to_string(&log).unwrap()
    );
    assert!(given.num_passed >= 100, "{given:?}");
    let output = std::fs::read_to_string(&log).unwrap();
    assert_eq!(given.num_ignored, 6, "the cases that need an optional capability are skipped:\n{output}");
    assert!(output.contains("needs capability `seed-verbs`"), "with the reason:\n{output}");

    // Said to have the capabilities, the target runs them too; a capability no suite declares fails the run.
    let mut env = environment(&server.base_url(), true);
    env.insert("CONFORM_CAPABILITIES".into(), "seed-verbs, conflict-group-name,group-limit-100".into());
    let all = run_in_process(&env, &log);
    assert_eq!((all.num_failed, all.num_ignored), (0, 0), "{}", std::fs::read_to_string(&log).unwrap());
    env.insert("CONFORM_CAPABILITIES".into(), "seed-verb".into());
    let typo = run_in_process(&env, &log);
    let output = std::fs::read_to_string(&log).unwrap();
    assert_eq!(typo.num_failed, 1, "{output}");
    assert!(output.contains("did you mean `seed-verbs`?"), "{output}");

    let missing = run_in_process(&environment(&server.base_url(), false), &log);
    let output = std::fs::read_to_string(&log).unwrap();
    // Only a case that needs no accepted credential can pass; the cases that need variables not given are skipped.
    assert!(missing.num_failed >= 90 && missing.num_passed <= 2, "without them the defaults are refused: {missing:?}");
    assert!(output.contains("got 401"), "the failures say why:\n{output}");
}

/// The `conformance` test binary that cargo built beside this one (`target/*/deps/conformance-<hash>`).
fn conformance_binary() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    std::fs::read_dir(deps)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.strip_prefix("conformance-").is_some_and(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()))
            })
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
}

#[test]
fn the_conformance_binary_takes_target_and_credentials_from_the_environment() {
    let Some(binary) = conformance_binary() else {
        // `cargo test` builds every test target before running any, so only `cargo test --test harness`
        // alone gets here; the in-process test above covers the same path.
        assert!(std::env::var_os("CI").is_none_or(|v| v.is_empty()), "the conformance test binary is missing in CI");
        eprintln!("SKIPPED: the conformance test binary is not built (run `cargo test`, not only --test harness)");
        return;
    };
    let server = strict_server();
    let run = |with_credentials: bool| {
        let mut command = Command::new(&binary);
        command.current_dir(env!("CARGO_MANIFEST_DIR")).args(["--test-threads", "4"]);
        for (name, _) in std::env::vars() {
            if name.starts_with("CONFORM_") {
                command.env_remove(name);
            }
        }
        command.envs(environment(&server.base_url(), with_credentials));
        command.output().expect("the conformance binary runs")
    };
    let given = run(true);
    let stdout = String::from_utf8_lossy(&given.stdout);
    assert!(given.status.success(), "with CONFORM_VAR_* every case passes:\n{stdout}");
    assert!(stdout.contains("test result: ok."), "{stdout}");

    let missing = run(false);
    let stdout = String::from_utf8_lossy(&missing.stdout);
    assert_eq!(missing.status.code(), Some(101), "without them the run fails:\n{stdout}");
    assert!(stdout.contains("status: expected 201, got 401"), "each failure names the refusal:\n{stdout}");
}
