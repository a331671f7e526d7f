//! Tests of the body matchers.

use super::*;
use crate::case::matcher::MatcherBuilder;
use crate::case::vars::Generators;
use serde_json::json;
use std::sync::Arc;

fn matcher(yaml: &str, strict: bool) -> Matcher {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let mut b = MatcherBuilder::new();
    b.build(&value, strict, "body").unwrap_or_else(|| panic!("{:?}", b.errors))
}

fn vars() -> Vars {
    let mut v = Vars::new(Arc::new(Generators::new()));
    v.set("group_id", json!("01ABC"));
    v.set("t0", json!("2024-06-06T08:59:22.156Z"));
    v
}

fn mismatches(yaml: &str, actual: Value) -> Vec<String> {
    check(&matcher(yaml, false), Some(&actual), &vars()).unwrap().iter().map(Mismatch::message).collect()
}

#[test]
fn partial_objects_ignore_other_keys_and_name_the_path() {
    assert!(mismatches("{id: '{{group_id}}', size: 2}", json!({"id": "01ABC", "size": 2.0, "x": 1})).is_empty());
    assert_eq!(
        mismatches("{groups: [{size: 2}]}", json!({"groups": [{"size": 3}]})),
        ["$.groups[0].size: expected 2, got 3"]
    );
}

#[test]
fn strict_refuses_unlisted_keys() {
    let m = matcher("{id: x}", true);
    let out = check(&m, Some(&json!({"id": "x", "name": "n"})), &vars()).unwrap();
    assert_eq!(out[0].message(), "$.name: expected no such key (strict match), got \"n\"");
}

#[test]
fn absent_and_present() {
    assert!(mismatches("{name: !absent }", json!({"id": 1})).is_empty());
    assert_eq!(mismatches("{name: !absent }", json!({"name": "x"})), ["$.name: expected no such key, got \"x\""]);
    assert_eq!(
        mismatches("{name: !present }", json!({})),
        ["$.name: expected the key to be present, but it is missing"]
    );
}

#[test]
fn value_matchers() {
    assert!(mismatches("!regex '^\\d+$'", json!("123")).is_empty());
    assert_eq!(mismatches("!regex '^\\d+$'", json!("+123")), ["$: expected a string matching /^\\d+$/, got \"+123\""]);
    assert_eq!(mismatches("!type integer", json!("1")), ["$: expected a value of type integer, got \"1\""]);
    assert!(mismatches("!one_of [1, 2]", json!(2)).is_empty());
    assert_eq!(mismatches("!len {max: 2}", json!([1, 2, 3])), ["$: expected length <= 2, got length 3: [1,2,3]"]);
    assert!(mismatches("!gt '{{t0}}'", json!("2024-06-06T09:19:58.147Z")).is_empty());
    assert_eq!(mismatches("!le 100", json!(101)), ["$: expected a value <= 100, got 101"]);
    assert!(mismatches("!match {type: array, each: !regex '^4'}", json!(["46", "47"])).is_empty());
    assert_eq!(
        mismatches("!match {each: !type string}", json!(["a", 1])),
        ["$[1]: expected a value of type string, got 1"]
    );
    assert!(mismatches("!not {size: 0}", json!({"size": 1})).is_empty());
}

#[test]
fn array_matchers() {
    assert!(mismatches("!contains ['46']", json!(["47", "46"])).is_empty());
    assert_eq!(mismatches("!not_contains ['46']", json!(["47", "46"])).len(), 1);
    assert!(mismatches("!unordered [a, b, b]", json!(["b", "a", "b"])).is_empty());
    assert_eq!(mismatches("!unordered [a, b]", json!(["a", "a"])).len(), 1);
    assert!(mismatches("!contains_in_order [{id: 3}, {id: 1}]", json!([{"id": 3}, {"id": 2}, {"id": 1}])).is_empty());
    assert_eq!(mismatches("!contains_in_order [{id: 1}, {id: 3}]", json!([{"id": 3}, {"id": 1}])).len(), 1);
    assert_eq!(mismatches("[1, 2]", json!([1])), ["$: expected an array of 2 element(s), got 1 element(s): [1]"]);
    assert!(mismatches("!contains 'ound'", json!("not found")).is_empty());
}

#[test]
fn the_expected_view_differs_only_where_the_match_failed() {
    let m = matcher("{name: !absent, size: 2, id: !type string}", false);
    let actual = json!({"id": "x", "name": "n", "size": 3, "created_at": "t"});
    let view = expected_view(&m, Some(&actual), &vars()).unwrap().unwrap();
    assert_eq!(view, json!({"id": "x", "size": 2, "created_at": "t"}));
}

mod collection {
    use super::*;
    use crate::case::matcher::MatcherBuilder;
    use crate::case::vars::Generators;
    use serde_json::json;
    use std::sync::Arc;

    #[test]
    fn spliced_templates_compare_large_lists_in_any_order() {
        let mut vars = Vars::new(Arc::new(Generators::new()));
        let members: Vec<Value> = (0..10_001).map(|i| Value::String(format!("46{i:011}"))).collect();
        vars.set("members", Value::Array(members.clone()));
        let value: serde_yaml::Value = serde_yaml::from_str("!unordered '{{members}}'").unwrap();
        let matcher = MatcherBuilder::new().build(&value, false, "body").unwrap();
        let mut reversed = members.clone();
        reversed.reverse();
        assert!(check(&matcher, Some(&Value::Array(reversed.clone())), &vars).unwrap().is_empty());
        reversed[0] = json!("46999999999999");
        assert_eq!(check(&matcher, Some(&Value::Array(reversed)), &vars).unwrap().len(), 1);

        let value: serde_yaml::Value = serde_yaml::from_str("!contains '{{members}}'").unwrap();
        let matcher = MatcherBuilder::new().build(&value, false, "body").unwrap();
        assert!(check(&matcher, Some(&Value::Array(members)), &vars).unwrap().is_empty());
    }
}
