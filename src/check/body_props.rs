//! Property tests of the body checker: arbitrary JSON values against arbitrary matchers never panic, and the
//! checker never contradicts itself — a matcher that passes shows no difference in the expected view, `!not`
//! inverts, `!one_of` and `!match` agree with their parts, collection matchers agree with their element
//! matcher, and a value always matches itself. `PROPTEST_CASES` sets the number of cases (default 128 here).

use proptest::prelude::*;
use serde_json::Value;
use serde_yaml::Value as Y;
use serde_yaml::value::{Tag, TaggedValue};

use super::*;
use crate::case::matcher::MatcherBuilder;
use crate::case::vars::Generators;

fn config() -> ProptestConfig {
    // Short in `cargo test`; `PROPTEST_CASES=10000 cargo test` for a long run.
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(128);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..4).prop_map(Value::from),
        prop_oneof![Just(1.5f64), Just(-0.5), Just(2.0)].prop_map(Value::from),
        "[ab1]{0,3}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[abc]", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn tagged(tag: &str, value: Y) -> Y {
    Y::Tagged(Box::new(TaggedValue { tag: Tag::new(tag), value }))
}

fn yaml_of(value: &Value) -> Y {
    serde_yaml::to_value(value).expect("JSON is YAML")
}

/// Matchers as a case file writes them: plain values and every tag, nested.
fn matcher_yaml() -> impl Strategy<Value = Y> {
    let leaf = prop_oneof![
        json().prop_map(|v| yaml_of(&v)),
        prop_oneof![
            Just("string"),
            Just("number"),
            Just("integer"),
            Just("boolean"),
            Just("array"),
            Just("object"),
            Just("null")
        ]
        .prop_map(|t| tagged("type", Y::from(t))),
        prop_oneof![Just("^a"), Just("b$"), Just(".*"), Just("^\\d+$")].prop_map(|r| tagged("regex", Y::from(r))),
        Just(tagged("absent", Y::Null)),
        Just(tagged("present", Y::Null)),
        (0u64..4).prop_map(|n| tagged("len", Y::from(n))),
        (prop_oneof![Just("gt"), Just("ge"), Just("lt"), Just("le")], -3i64..4)
            .prop_map(|(op, n)| tagged(op, Y::from(n))),
    ];
    leaf.prop_recursive(3, 24, 3, |inner| {
        let list = prop::collection::vec(inner.clone(), 1..3).prop_map(Y::Sequence);
        prop_oneof![
            prop::collection::btree_map("[abc]", inner.clone(), 0..3)
                .prop_map(|m| Y::Mapping(m.into_iter().map(|(k, v)| (Y::from(k), v)).collect())),
            prop::collection::vec(inner.clone(), 0..3).prop_map(Y::Sequence),
            (
                prop_oneof![
                    Just("one_of"),
                    Just("contains"),
                    Just("not_contains"),
                    Just("contains_in_order"),
                    Just("unordered")
                ],
                list
            )
                .prop_map(|(tag, items)| tagged(tag, items)),
            (prop_oneof![Just("each"), Just("not")], inner).prop_map(|(tag, m)| tagged(tag, m)),
        ]
    })
}

fn build(yaml: &Y, strict: bool) -> Option<Matcher> {
    MatcherBuilder::new().build(yaml, strict, "body")
}

fn vars() -> Vars {
    Vars::new(std::sync::Arc::new(Generators::new()))
}

/// Whether `actual` passes, after checking that every reported mismatch says something.
fn passes(matcher: &Matcher, actual: Option<&Value>) -> Result<bool, TestCaseError> {
    let mismatches = check(matcher, actual, &vars()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for m in &mismatches {
        prop_assert!(!m.path.is_empty() && !m.expected.is_empty(), "{m:?}");
        prop_assert!(!m.message().is_empty());
    }
    Ok(mismatches.is_empty())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_passing_matcher_shows_no_difference(yaml in matcher_yaml(), actual in json(), strict: bool) {
        let Some(matcher) = build(&yaml, strict) else { return Ok(()) };
        for actual in [Some(&actual), None] {
            let passed = passes(&matcher, actual)?;
            let view = expected_view(&matcher, actual, &vars()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if passed {
                let same = match (&view, actual) {
                    (Some(v), Some(a)) => json_equal(v, a),
                    (None, None) => true,
                    _ => false,
                };
                prop_assert!(same, "passed, yet the expected view differs: {view:?} vs {actual:?} for {matcher:?}");
            }
        }
    }

    #[test]
    fn not_inverts_and_one_of_and_match_agree_with_their_parts(
        first in matcher_yaml(),
        second in matcher_yaml(),
        actual in json(),
    ) {
        let (Some(a), Some(b)) = (build(&first, false), build(&second, false)) else { return Ok(()) };
        let (pass_a, pass_b) = (passes(&a, Some(&actual))?, passes(&b, Some(&actual))?);
        prop_assert_eq!(passes(&Matcher::Not(Box::new(a.clone())), Some(&actual))?, !pass_a);
        prop_assert_eq!(passes(&Matcher::OneOf(vec![a.clone(), b.clone()]), Some(&actual))?, pass_a || pass_b);
        prop_assert_eq!(passes(&Matcher::All(vec![a, b]), Some(&actual))?, pass_a && pass_b);
    }

    #[test]
    fn collection_matchers_agree_with_their_element_matcher(
        element in matcher_yaml(),
        items in prop::collection::vec(json(), 0..5),
    ) {
        let Some(m) = build(&element, false) else { return Ok(()) };
        let array = Value::Array(items.clone());
        let mut each = Vec::new();
        for item in &items {
            each.push(passes(&m, Some(item))?);
        }
        let any = each.iter().any(|p| *p);
        prop_assert_eq!(passes(&Matcher::Contains(vec![m.clone()]), Some(&array))?, any, "contains {:?}", m);
        prop_assert_eq!(passes(&Matcher::NotContains(vec![m.clone()]), Some(&array))?, !any, "not_contains {:?}", m);
        prop_assert_eq!(passes(&Matcher::ContainsInOrder(vec![m.clone()]), Some(&array))?, any);
        prop_assert_eq!(passes(&Matcher::Each(Box::new(m)), Some(&array))?, each.iter().all(|p| *p));
    }

    #[test]
    fn a_value_matches_itself(actual in json(), strict: bool, rotate in 0usize..5) {
        let matcher = build(&yaml_of(&actual), strict).expect("a plain value is a matcher");
        prop_assert!(passes(&matcher, Some(&actual))?, "{actual} against itself");
        if let Value::Array(items) = &actual {
            let wanted = Matcher::Unordered(items.iter().map(|i| build(&yaml_of(i), strict).expect("plain")).collect());
            let mut rotated = items.clone();
            if !rotated.is_empty() {
                let by = rotate % rotated.len();
                rotated.rotate_left(by);
            }
            prop_assert!(passes(&wanted, Some(&Value::Array(rotated)))?, "{actual} in another order");
        }
    }
}
