//! Property tests of the loader: arbitrary bytes, and arbitrary YAML shaped like a case file (known keys and
//! random ones, templates, matcher tags, wrong types), written as a suite and loaded as `conform validate`
//! loads it. Loading never panics, and a refusal is a list of diagnostics, each `path:line:col: message`.
//! `PROPTEST_CASES` sets the number of cases (default 64 here); `PROPTEST_CASES=5000 cargo test --test
//! loader_properties` is the long run.

use std::path::Path;

use conform::project::{Project, ProjectError, ProjectSource};
use proptest::prelude::*;
use serde_yaml::Value as Y;
use serde_yaml::value::{Tag, TaggedValue};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Loads a suite whose `cases.yaml` holds `bytes`, and checks what a refusal looks like.
fn load(bytes: &[u8]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("suite.yaml"), "vars:\n  host_id: h1\n").expect("suite.yaml");
    let cases = dir.path().join("cases.yaml");
    std::fs::write(&cases, bytes).expect("cases.yaml");
    match Project::load(&ProjectSource::new(vec![dir.path().to_path_buf()], dir.path().join("specs"))) {
        Ok(_) => Ok(()),
        Err(ProjectError::Cases(errors)) => check_rendering(&errors.to_string(), &cases),
        Err(other) => Err(TestCaseError::fail(format!("not a case-file error: {other}"))),
    }
}

/// Every diagnostic starts `cases.yaml:LINE:COL: ` and says something; the count closes the list.
fn check_rendering(rendered: &str, cases: &Path) -> Result<(), TestCaseError> {
    let prefix = format!("{}:", cases.display());
    let blocks: Vec<&str> = rendered.split("\n\n").collect();
    let (last, diagnostics) = blocks.split_last().expect("at least the count");
    prop_assert!(!diagnostics.is_empty(), "no diagnostic in:\n{rendered}");
    let n = diagnostics.len();
    prop_assert_eq!(*last, format!("{n} error{} found", if n == 1 { "" } else { "s" }));
    for d in diagnostics {
        let first = d.lines().next().unwrap_or_default();
        let rest = first.strip_prefix(&prefix);
        prop_assert!(rest.is_some(), "a diagnostic not about cases.yaml:\n{rendered}");
        let mut parts = rest.unwrap_or_default().splitn(3, ':');
        let (line, column, message) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
        prop_assert!(line.and_then(|l| l.parse::<usize>().ok()).is_some_and(|l| l >= 1), "line in {first}");
        prop_assert!(column.and_then(|c| c.parse::<usize>().ok()).is_some_and(|c| c >= 1), "column in {first}");
        prop_assert!(message.trim().len() > 3, "a message in {first}");
        prop_assert!(d.lines().all(|l| l.chars().count() < 400), "a line too long in:\n{d}");
    }
    Ok(())
}

/// Bytes, mostly the ones YAML gives meaning to.
fn yamlish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        3 => prop::sample::select(b"{}[]:,- \n\t#&*!|>'\"%@`?casenmtpqruy01/\\".to_vec()),
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..400)
}

const KEYS: &[&str] = &[
    "cases",
    "name",
    "description",
    "tags",
    "requirements",
    "vars",
    "needs",
    "steps",
    "cleanup",
    "request",
    "method",
    "path",
    "query",
    "headers",
    "json",
    "body",
    "expect",
    "status",
    "body_match",
    "schema",
    "items",
    "should",
    "capture",
    "paginate",
    "param",
    "start",
    "max_pages",
    "until",
    "stable",
    "restarts",
    "pointer",
    "header",
    "optional",
    "snapshot",
    "pause_ms",
];

const TEXTS: &[&str] = &[
    "GET",
    "POST",
    "get",
    "/things",
    "things",
    "/id",
    "id",
    "",
    "{{host_id}}",
    "{{nope}}",
    "{{msisdns(2)}}",
    "{{msisdn(}}",
    "{{msisdns()}}",
    "{{",
    "}}",
    "strict",
    "partial",
    "^(",
    "a b",
    "demo/thing.json",
];

const TAGS: &[&str] =
    &["regex", "type", "len", "absent", "present", "one_of", "contains", "not", "each", "match", "regx"];

fn scalar() -> impl Strategy<Value = Y> {
    prop_oneof![
        Just(Y::Null),
        any::<bool>().prop_map(Y::from),
        prop_oneof![Just(200i64), Just(0), Just(-1), Just(99_999), Just(1 << 40)].prop_map(Y::from),
        Just(Y::from(1.5)),
        prop::sample::select(TEXTS).prop_map(Y::from),
        "[a-z_]{0,6}".prop_map(Y::from),
    ]
}

/// Any YAML value whose keys are mostly the case format's own.
fn value() -> impl Strategy<Value = Y> {
    scalar().prop_recursive(5, 48, 5, |inner| {
        let key = prop_oneof![3 => prop::sample::select(KEYS).prop_map(String::from), 1 => "[a-z]{1,5}"];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Y::Sequence),
            prop::collection::btree_map(key, inner.clone(), 0..5)
                .prop_map(|m| Y::Mapping(m.into_iter().map(|(k, v)| (Y::from(k), v)).collect())),
            (prop::sample::select(TAGS), inner).prop_map(|(tag, value)| {
                // serde_yaml cannot write a tag directly on a tagged value.
                let value = if matches!(value, Y::Tagged(_)) { Y::Sequence(vec![value]) } else { value };
                Y::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value }))
            }),
        ]
    })
}

fn mapping(entries: Vec<(&str, Y)>, extra: Vec<(String, Y)>) -> Y {
    let mut map = serde_yaml::Mapping::new();
    for (k, v) in entries {
        map.insert(Y::from(k), v);
    }
    for (k, v) in extra {
        map.insert(Y::from(k), v);
    }
    Y::Mapping(map)
}

fn extra_keys() -> impl Strategy<Value = Vec<(String, Y)>> {
    prop::collection::vec((prop::sample::select(KEYS).prop_map(String::from), value()), 0..2)
}

/// A case file's shape — cases with steps with a request and an expectation — with random values and keys
/// inside, so loading gets past the first layer and into validation.
fn case_file() -> impl Strategy<Value = Y> {
    let request = (prop::sample::select(TEXTS), prop::sample::select(TEXTS), extra_keys())
        .prop_map(|(method, path, extra)| mapping(vec![("method", Y::from(method)), ("path", Y::from(path))], extra));
    let step = (request, value(), extra_keys())
        .prop_map(|(request, expect, extra)| mapping(vec![("request", request), ("expect", expect)], extra));
    let case = ("[a-z-]{1,8}", prop::collection::vec(step, 0..3), extra_keys())
        .prop_map(|(name, steps, extra)| mapping(vec![("name", Y::from(name)), ("steps", Y::Sequence(steps))], extra));
    prop::collection::vec(case, 0..3).prop_map(|cases| mapping(vec![("cases", Y::Sequence(cases))], vec![]))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_load_or_are_explained(bytes in yamlish_bytes()) {
        load(&bytes)?;
    }

    #[test]
    fn arbitrary_yaml_loads_or_is_explained(yaml in value()) {
        load(serde_yaml::to_string(&yaml).expect("YAML").as_bytes())?;
    }

    #[test]
    fn arbitrary_case_files_load_or_are_explained(yaml in case_file()) {
        load(serde_yaml::to_string(&yaml).expect("YAML").as_bytes())?;
    }
}
