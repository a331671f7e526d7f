//! Redaction of volatile fields in a normalised response, with the selectors a suite gives its snapshots
//! (`snapshot.redact`, insta's syntax: `.body.id`, `.body.groups[].id`, `".body[]"`, `.body["x-y"]`, `.body.*`).
//! Snapshots hand these to insta; a differential run needs the same redaction on plain values.

use serde_json::Value;

/// What snapshots write in place of a redacted value.
pub const REDACTED: &str = "[redacted]";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
    /// `[]` or `[*]`: every element of an array (as insta: not the members of an object).
    Elements,
    /// `.*`: every member of an object.
    Members,
}

/// Parses one selector; `None` when it is not one this redactor understands (it is then ignored, as the
/// suite's snapshots would fail on it first).
fn parse(selector: &str) -> Option<Vec<Segment>> {
    let mut segments = Vec::new();
    let mut rest = selector.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            if let Some(after_star) = after.strip_prefix('*') {
                segments.push(Segment::Members);
                rest = after_star;
                continue;
            }
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            segments.push(Segment::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inner = after[..end].trim();
            segments.push(match inner {
                "" | "*" => Segment::Elements,
                quoted if quoted.starts_with('"') && quoted.ends_with('"') && quoted.len() >= 2 => {
                    Segment::Key(quoted[1..quoted.len() - 1].to_string())
                }
                number => Segment::Index(number.parse().ok()?),
            });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(segments)
}

/// Replaces every value a selector names by [`REDACTED`]; selectors naming nothing change nothing.
pub fn redact(value: &mut Value, selectors: &[String]) {
    for selector in selectors {
        if let Some(segments) = parse(selector) {
            apply(value, &segments, false);
        }
    }
}

/// Removes every member a selector names (`conform diff --ignore`): an extra field then is no difference.
/// A selector ending in an array element redacts it instead, so that positions stay.
pub fn remove(value: &mut Value, selectors: &[String]) {
    for selector in selectors {
        if let Some(segments) = parse(selector) {
            apply(value, &segments, true);
        }
    }
}

fn apply(value: &mut Value, segments: &[Segment], remove: bool) {
    let Some((first, rest)) = segments.split_first() else {
        *value = Value::String(REDACTED.into());
        return;
    };
    match (first, value) {
        (Segment::Key(key), Value::Object(map)) if remove && rest.is_empty() => {
            map.remove(key);
        }
        (Segment::Members, Value::Object(map)) if remove && rest.is_empty() => map.clear(),
        (Segment::Key(key), Value::Object(map)) => {
            if let Some(v) = map.get_mut(key) {
                apply(v, rest, remove);
            }
        }
        (Segment::Index(i), Value::Array(items)) => {
            if let Some(v) = items.get_mut(*i) {
                apply(v, rest, remove);
            }
        }
        (Segment::Elements, Value::Array(items)) => items.iter_mut().for_each(|v| apply(v, rest, remove)),
        (Segment::Members, Value::Object(map)) => map.values_mut().for_each(|v| apply(v, rest, remove)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_the_selector_forms_the_suites_use() {
        let mut doc = json!({"status": 200, "body": {"id": "a", "groups": [{"id": "1", "size": 2}, {"id": "2"}],
                             "x-y": 1, "list": [1, 2], "n": {"a": 1, "b": 2}}});
        let selectors: Vec<String> =
            [".body.id", ".body.groups[].id", ".body[\"x-y\"]", ".body.list[1]", ".body.n.*", ".body.missing.x"]
                .map(String::from)
                .into();
        redact(&mut doc, &selectors);
        assert_eq!(
            doc,
            json!({"status": 200, "body": {"id": REDACTED, "groups": [{"id": REDACTED, "size": 2}, {"id": REDACTED}],
                   "x-y": REDACTED, "list": [1, REDACTED], "n": {"a": REDACTED, "b": REDACTED}}})
        );
        let mut members = json!({"body": ["4612345", "4698765"]});
        redact(&mut members, &[".body[]".to_string()]);
        assert_eq!(members, json!({"body": [REDACTED, REDACTED]}), "the count stays visible");
        let mut object = json!({"body": {"id": "a"}});
        redact(&mut object, &[".body[]".to_string()]);
        assert_eq!(object, json!({"body": {"id": "a"}}), "`[]` selects array elements only, as in insta");
        let mut extra = json!({"body": {"x": {}, "groups": [{"x": 1, "y": 2}]}});
        remove(&mut extra, &[".body.x".to_string(), ".body.groups[].x".to_string()]);
        assert_eq!(extra, json!({"body": {"groups": [{"y": 2}]}}));
    }
}
