//! The contracts under `specs/`: every schema compiles, the vendors' own example bodies validate, hand-made
//! invalid bodies are rejected for the right reason, and the requirement catalogues are well formed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use conform::check::schema::{SchemaSet, SchemaViolation};
use serde::Deserialize;
use serde_json::{Value, json};

fn crate_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn specs() -> &'static SchemaSet {
    static SET: OnceLock<SchemaSet> = OnceLock::new();
    SET.get_or_init(|| SchemaSet::load(&crate_path("specs")).expect("specs/ must load"))
}

fn fixture(name: &str) -> Value {
    let path = crate_path("tests/fixtures/official-examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn keywords_at(violations: &[SchemaViolation]) -> Vec<(&str, &str)> {
    violations.iter().map(|v| (v.instance_path.as_str(), v.keyword.as_str())).collect()
}

#[test]
fn every_schema_compiles() {
    let names: BTreeSet<&str> = specs().names().collect();
    for expected in [
        "sinch/group.json",
        "sinch/group-list.json",
        "sinch/members.json",
        "sinch/error.json",
        "xero/envelope.json",
        "xero/contact-group.json",
        "xero/contact-groups.json",
        "xero/contacts.json",
        "xero/contact.json",
        "xero/validation-error.json",
        "xero/problem.json",
    ] {
        assert!(names.contains(expected), "{expected} missing from {names:?}");
    }
    assert!(names.iter().all(|name| !name.starts_with("requirements/")), "{names:?}");
}

#[test]
fn api_schemas_have_title_and_description_and_no_web_id() {
    // Only the API contracts: other schemas under specs/ (e.g. the report format) have their own rules.
    let api_schemas = specs().names().filter(|name| name.starts_with("sinch/") || name.starts_with("xero/"));
    for name in api_schemas {
        let path = crate_path("specs").join(name);
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for key in ["title", "description"] {
            assert!(schema[key].as_str().is_some_and(|s| !s.is_empty()), "{name}: no {key}");
        }
        assert!(schema.get("$id").is_none(), "{name}: sets $id");
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
    }
}

/// Official example → the schema its response body must satisfy.
const OFFICIAL_EXAMPLES: &[(&str, &str)] = &[
    ("sinch/Group.response.json", "sinch/group.json"),
    ("sinch/ListGroups.page1.response.json", "sinch/group-list.json"),
    ("sinch/ListGroups.page2.response.json", "sinch/group-list.json"),
    ("sinch/error-response.json", "sinch/error.json"),
    ("sinch/spec.400.invalid-msisdn.json", "sinch/error.json"),
    ("sinch/spec.403.unknown-group.json", "sinch/error.json"),
    ("xero/GET_ContactGroups.200.json", "xero/contact-groups.json"),
    ("xero/GET_ContactGroups_id.200.json", "xero/contact-groups.json"),
    ("xero/POST_ContactGroups_id.200.json", "xero/contact-groups.json"),
    ("xero/PUT_ContactGroups.200.json", "xero/contact-groups.json"),
    ("xero/PUT_ContactGroups.400.limit.json", "xero/validation-error.json"),
    ("xero/PUT_ContactGroups_id_Contacts.200.json", "xero/contacts.json"),
    ("xero/GET_ContactGroups.200.json", "xero/envelope.json"),
    ("xero/PUT_ContactGroups_id_Contacts.200.json", "xero/envelope.json"),
    ("xero/observed.401.token-expired.json", "xero/problem.json"),
    ("xero/observed.401.not-authorised.json", "xero/problem.json"),
    ("xero/observed.403.tenant.json", "xero/problem.json"),
];

#[test]
fn official_examples_validate() {
    let mut failures = Vec::new();
    for (file, schema) in OFFICIAL_EXAMPLES {
        let violations = specs().validate(schema, &fixture(file));
        if !violations.is_empty() {
            failures.push(format!("{file} against {schema}: {violations:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_official_example_is_in_the_table() {
    let root = crate_path("tests/fixtures/official-examples");
    let covered: BTreeSet<&str> = OFFICIAL_EXAMPLES.iter().map(|(file, _)| *file).collect();
    for api in ["sinch", "xero"] {
        for entry in std::fs::read_dir(root.join(api)).unwrap() {
            let name = format!("{api}/{}", entry.unwrap().file_name().to_string_lossy());
            if name == "sinch/ListGroups.page0.response.json" {
                continue; // known quirk, see official_list_page0_placeholder_item_is_the_only_failure
            }
            assert!(covered.contains(name.as_str()), "{name} has no schema row");
        }
    }
}

/// The SDK fixture's second item is the placeholder `{"id": "foo id"}`: a deserialisation test, not a
/// response. It must fail on exactly the fields the seed's response table lists, and nothing else.
#[test]
fn official_list_page0_placeholder_item_is_the_only_failure() {
    let violations = specs().validate("sinch/group-list.json", &fixture("sinch/ListGroups.page0.response.json"));
    assert!(!violations.is_empty());
    assert!(violations.iter().all(|v| v.instance_path == "/groups/1" && v.keyword == "required"), "{violations:#?}");
    let text: String = violations.iter().map(|v| v.message.clone()).collect();
    for field in ["size", "created_at", "modified_at"] {
        assert!(text.contains(field), "{field} not reported: {text}");
    }
}

fn sinch_group() -> Value {
    json!({
        "id": "01W4FFL35P4NC4K35SMSGROUP1",
        "name": "Group master",
        "size": 2,
        "created_at": "2024-06-06T08:59:22.156Z",
        "modified_at": "2024-06-06T08:59:22.156Z"
    })
}

fn xero_envelope() -> Value {
    json!({
        "Id": "b825df86-1a72-49c9-97dd-36afc7d04bd5",
        "Status": "OK",
        "ProviderName": "conform",
        "DateTimeUTC": "/Date(1551746015603)/",
        "ContactGroups": []
    })
}

/// (schema, body, instance path, keyword) — each body breaks exactly one rule.
fn invalid_bodies() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    let mut long_name = sinch_group();
    long_name["name"] = json!("x".repeat(21));
    let mut no_size = sinch_group();
    no_size.as_object_mut().unwrap().remove("size");
    let mut negative_size = sinch_group();
    negative_size["size"] = json!(-1);
    let mut bad_time = sinch_group();
    bad_time["created_at"] = json!("yesterday");
    let mut null_name = sinch_group();
    null_name["name"] = Value::Null;
    let mut msdate_iso = xero_envelope();
    msdate_iso["DateTimeUTC"] = json!("2024-01-01T00:00:00Z");
    let mut bad_status = xero_envelope();
    bad_status["ContactGroups"] = json!([{
        "ContactGroupID": "d7a86b80-8dac-4d89-a334-9dcf5753676c",
        "Name": "Suppliers", "Status": "ARCHIVED", "Contacts": []
    }]);
    let mut bad_uuid = xero_envelope();
    bad_uuid["ContactGroups"] = json!([{
        "ContactGroupID": "not-a-uuid", "Name": "Suppliers", "Status": "ACTIVE", "Contacts": []
    }]);
    let mut envelope_not_ok = xero_envelope();
    envelope_not_ok["Status"] = json!("ERROR");
    vec![
        ("sinch/group.json", long_name, "/name", "maxLength"),
        ("sinch/group.json", no_size, "", "required"),
        ("sinch/group.json", negative_size, "/size", "minimum"),
        ("sinch/group.json", bad_time, "/created_at", "format"),
        ("sinch/group.json", null_name, "/name", "type"),
        (
            "sinch/group-list.json",
            json!({"page": 0, "page_size": 101, "count": 101, "groups": []}),
            "/page_size",
            "maximum",
        ),
        ("sinch/members.json", json!(["+4612345678"]), "/0", "pattern"),
        ("sinch/members.json", json!(["4612345678", "4612345678"]), "", "uniqueItems"),
        ("sinch/error.json", json!({"code": "x"}), "", "required"),
        ("sinch/error.json", json!({"code": 400, "text": "bad"}), "/code", "type"),
        ("xero/envelope.json", msdate_iso, "/DateTimeUTC", "pattern"),
        ("xero/envelope.json", envelope_not_ok, "/Status", "const"),
        ("xero/contact-groups.json", bad_status, "/ContactGroups/0/Status", "enum"),
        ("xero/contact-groups.json", bad_uuid, "/ContactGroups/0/ContactGroupID", "format"),
        (
            "xero/contact-groups.json",
            json!({"Id": "x", "Status": "OK", "ProviderName": "p", "DateTimeUTC": "/Date(1)/"}),
            "",
            "required",
        ),
        (
            "xero/validation-error.json",
            json!({"ErrorNumber": "10", "Type": "ValidationException", "Message": "m"}),
            "/ErrorNumber",
            "type",
        ),
        ("xero/problem.json", json!({"Type": null, "Title": "Forbidden", "Status": 403}), "", "required"),
    ]
}

#[test]
fn hand_made_invalid_bodies_are_rejected_for_the_right_reason() {
    let mut failures = Vec::new();
    for (schema, body, path, keyword) in invalid_bodies() {
        let violations = specs().validate(schema, &body);
        if !keywords_at(&violations).contains(&(path, keyword)) {
            failures.push(format!("{schema}: expected {keyword} at {path:?} for {body}, got {violations:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_variants_are_accepted() {
    // Unknown fields are allowed (the service adds fields over time), `name` may be absent, and the
    // offset form of the .NET date is accepted.
    let mut extra = sinch_group();
    extra["future_field"] = json!({"a": 1});
    extra.as_object_mut().unwrap().remove("name");
    assert_eq!(specs().validate("sinch/group.json", &extra), vec![]);
    // A list item with an extra `members` key is no contract violation (the cases check its absence at the
    // should level, BEHAVIOURS.md §1.C item 24), and neither is an auto_update echoed without `to`.
    let mut with_members = sinch_group();
    with_members["members"] = json!(["12345678"]);
    with_members["auto_update"] = json!({"add": {"second_word": "join"}});
    let list = json!({"page": 0, "page_size": 1, "count": 1, "groups": [with_members]});
    assert_eq!(specs().validate("sinch/group-list.json", &list), vec![]);
    let mut envelope = xero_envelope();
    envelope["DateTimeUTC"] = json!("/Date(1419937200000+0000)/");
    assert_eq!(specs().validate("xero/contact-groups.json", &envelope), vec![]);
    assert_eq!(specs().validate("sinch/members.json", &json!([])), vec![]);
}

#[test]
fn unknown_schema_name_is_a_violation() {
    let violations = specs().validate("sinch/nope.json", &json!({}));
    assert_eq!(violations.len(), 1);
    assert!(violations[0].message.contains("sinch/nope.json"));
}

// ── requirement catalogues ────────────────────────────────────────────────────────────────────

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    suite: String,
    title: String,
    requirements: Vec<Requirement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Requirement {
    id: String,
    summary: String,
    seed: Option<String>,
    source: Source,
    #[allow(dead_code)]
    reference: Option<String>,
    #[allow(dead_code)]
    note: Option<String>,
    level: Level,
    level_reason: String,
    check: Testability,
    checkable_part: Option<String>,
    #[serde(default)]
    tags: Vec<Tag>,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Source {
    Seed,
    Official,
    Conflict,
    Observed,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Level {
    Must,
    Should,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Testability {
    Full,
    Partial,
    None,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
enum Tag {
    Legacy,
    SeedVerbs,
}

fn catalogue(suite: &str) -> Catalogue {
    let path = crate_path(&format!("specs/requirements/{suite}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let catalogue: Catalogue = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(catalogue.suite, suite);
    assert!(!catalogue.title.is_empty());
    catalogue
}

#[test]
fn catalogues_are_well_formed() {
    let id_pattern = regex::Regex::new(r"^(sinch|xero)\.[a-z0-9-]+\.[a-z0-9-]+$").unwrap();
    let mut seen = BTreeSet::new();
    for suite in ["sinch", "xero"] {
        let catalogue = catalogue(suite);
        for r in &catalogue.requirements {
            assert!(id_pattern.is_match(&r.id), "bad id {}", r.id);
            assert!(r.id.starts_with(&format!("{suite}.")), "{} in {suite}.yaml", r.id);
            assert!(seen.insert(r.id.clone()), "duplicate id {}", r.id);
            assert!(!r.summary.trim().is_empty(), "{}: empty summary", r.id);
            if r.check != Testability::Full {
                assert!(
                    r.checkable_part.as_deref().is_some_and(|s| !s.trim().is_empty()),
                    "{}: check is not full but checkable_part is missing",
                    r.id
                );
            }
            if r.source == Source::Seed {
                assert!(r.seed.is_some(), "{}: source seed without a seed quote", r.id);
            }
            assert!(!r.level_reason.trim().is_empty(), "{}: empty level_reason", r.id);
            // Live behaviour quoted in issue threads is never more than fidelity (README "Levels").
            if r.source == Source::Observed {
                assert_eq!(r.level, Level::Should, "{}: source observed must be level should", r.id);
            }
            if r.tags.contains(&Tag::Legacy) {
                assert_eq!(r.level, Level::Should, "{}: a legacy requirement must be level should", r.id);
            }
        }
    }
}

#[test]
fn catalogue_sizes_and_operations() {
    let sinch = catalogue("sinch");
    let xero = catalogue("xero");
    let operations = |c: &Catalogue| -> BTreeSet<String> {
        c.requirements.iter().map(|r| r.id.split('.').nth(1).unwrap().to_string()).collect()
    };
    let expect = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        operations(&sinch),
        expect(&["common", "create", "list", "retrieve", "members", "update", "replace", "delete"])
    );
    assert_eq!(
        operations(&xero),
        expect(&["common", "list", "get", "create", "update", "delete", "contacts", "errors"])
    );
    assert!(sinch.requirements.iter().any(|r| r.tags.contains(&Tag::Legacy)));
    assert!(xero.requirements.iter().any(|r| r.tags.contains(&Tag::SeedVerbs)));
}

/// `seed:` quotes must be the seed's own words. The seeds live outside the crate, so this runs only where
/// the shared research folder is present.
#[test]
fn seed_quotes_are_verbatim_when_seeds_are_available() {
    let seeds =
        [("sinch", "../shared/seeds/003_bd3417cc68cb1ccc.txt"), ("xero", "../shared/seeds/000_9ded1a4ad7cd9eb9.txt")];
    for (suite, seed_path) in seeds {
        let Ok(seed) = std::fs::read_to_string(crate_path(seed_path)) else {
            eprintln!("skipping {suite}: {seed_path} not found");
            continue;
        };
        for r in catalogue(suite).requirements {
            if let Some(quote) = &r.seed {
                assert!(seed.contains(quote.as_str()), "{}: not verbatim: {quote}", r.id);
            }
        }
    }
}
