//! Applies matchers to JSON values. Pure: (matcher, actual value, variables) → mismatches, each naming the JSON
//! path that broke, plus an "expected view" of the document for a readable diff.

use serde_json::Value;

use crate::case::matcher::{CmpOp, JsonType, Matcher};
use crate::case::vars::{RenderError, Vars, to_text};

/// One place where the actual value broke the expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// `$.groups[0].name`
    pub(crate) path: String,
    pub(crate) expected: String,
    /// `None` when the value is missing.
    pub(crate) actual: Option<String>,
}

impl Mismatch {
    pub(crate) fn message(&self) -> String {
        match &self.actual {
            Some(actual) => format!("{}: expected {}, got {}", self.path, self.expected, actual),
            None => format!("{}: expected {}, but it is missing", self.path, self.expected),
        }
    }
}

/// Checks `actual` (None = absent) against `matcher`.
pub fn check(matcher: &Matcher, actual: Option<&Value>, vars: &Vars) -> Result<Vec<Mismatch>, RenderError> {
    let mut out = Vec::new();
    Checker { vars }.node(matcher, actual, "$", &mut out)?;
    Ok(out)
}

/// JSON path of a child: `$.a`, `$["odd key"]`, `$[3]`.
pub(crate) fn child_path(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{key:?}]")
    }
}

/// A short rendering of a value for messages: at most 120 bytes of it, then its size.
pub(crate) fn brief(value: &Value) -> String {
    crate::excerpt::json(value, 120)
}

struct Checker<'a> {
    vars: &'a Vars,
}

impl Checker<'_> {
    fn matches(&self, matcher: &Matcher, actual: Option<&Value>) -> Result<bool, RenderError> {
        let mut scratch = Vec::new();
        self.node(matcher, actual, "$", &mut scratch)?;
        Ok(scratch.is_empty())
    }

    fn push(out: &mut Vec<Mismatch>, path: &str, expected: String, actual: Option<&Value>) {
        out.push(Mismatch { path: path.to_string(), expected, actual: actual.map(brief) });
    }

    fn node(
        &self,
        matcher: &Matcher,
        actual: Option<&Value>,
        path: &str,
        out: &mut Vec<Mismatch>,
    ) -> Result<(), RenderError> {
        match matcher {
            Matcher::Absent => {
                if let Some(v) = actual {
                    out.push(Mismatch { path: path.into(), expected: "no such key".into(), actual: Some(brief(v)) });
                }
                return Ok(());
            }
            Matcher::Present => {
                if actual.is_none() {
                    Self::push(out, path, "the key to be present".into(), None);
                }
                return Ok(());
            }
            Matcher::Not(inner) => {
                if self.matches(inner, actual)? {
                    Self::push(out, path, format!("not {}", self.describe(inner)?), actual);
                }
                return Ok(());
            }
            Matcher::OneOf(options) => {
                for option in options {
                    if self.matches(option, actual)? {
                        return Ok(());
                    }
                }
                {
                    Self::push(out, path, self.describe(matcher)?, actual);
                    return Ok(());
                }
            }
            _ => {}
        }
        let Some(actual) = actual else {
            Self::push(out, path, self.describe(matcher)?, None);
            return Ok(());
        };
        match matcher {
            // A splice only appears inside collection matchers; alone it means its value.
            Matcher::Equals(expected) | Matcher::Splice(expected) => {
                let expected = self.vars.render_value(expected)?;
                if !json_equal(&expected, actual) {
                    Self::push(out, path, brief(&expected), Some(actual));
                }
            }
            Matcher::Object { fields, strict } => {
                let Some(map) = actual.as_object() else {
                    {
                        Self::push(out, path, "an object".into(), Some(actual));
                        return Ok(());
                    }
                };
                for (key, m) in fields {
                    self.node(m, map.get(key), &child_path(path, key), out)?;
                }
                if *strict {
                    for key in map.keys().filter(|k| !fields.iter().any(|(f, _)| f == *k)) {
                        Self::push(out, &child_path(path, key), "no such key (strict match)".into(), map.get(key));
                    }
                }
            }
            Matcher::Array { items, .. } => {
                let Some(array) = actual.as_array() else {
                    {
                        Self::push(out, path, "an array".into(), Some(actual));
                        return Ok(());
                    }
                };
                if array.len() != items.len() {
                    out.push(Mismatch {
                        path: path.into(),
                        expected: format!("an array of {} element(s)", items.len()),
                        actual: Some(format!("{} element(s): {}", array.len(), brief(actual))),
                    });
                }
                for (i, (m, v)) in items.iter().zip(array).enumerate() {
                    self.node(m, Some(v), &format!("{path}[{i}]"), out)?;
                }
            }
            Matcher::Type(t) => {
                if !has_type(actual, *t) {
                    Self::push(out, path, format!("a value of type {}", t.name()), Some(actual));
                }
            }
            Matcher::Regex(re) => match actual.as_str() {
                Some(s) if re.0.is_match(s) => {}
                _ => Self::push(out, path, self.describe(matcher)?, Some(actual)),
            },
            Matcher::Len { min, max } => {
                let len = match actual {
                    Value::String(s) => Some(s.chars().count()),
                    Value::Array(a) => Some(a.len()),
                    Value::Object(o) => Some(o.len()),
                    _ => None,
                };
                let ok = len.is_some_and(|n| min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m));
                if !ok {
                    let got = match len {
                        Some(n) => format!("length {n}: {}", brief(actual)),
                        None => brief(actual),
                    };
                    out.push(Mismatch { path: path.into(), expected: self.describe(matcher)?, actual: Some(got) });
                }
            }
            Matcher::Contains(wanted) | Matcher::NotContains(wanted) => {
                let negate = matches!(matcher, Matcher::NotContains(_));
                let wanted = self.expand(wanted)?;
                match actual {
                    Value::Array(items) => {
                        let index = SimpleIndex::of(items);
                        for w in &wanted {
                            let found = match (w, &index) {
                                (Wanted::Value(v), Some(index)) if simple_key(v).is_some() => {
                                    simple_key(v).is_some_and(|k| index.contains_key(&k))
                                }
                                _ => {
                                    let mut any = false;
                                    for item in items {
                                        if self.wanted_matches(w, item)? {
                                            any = true;
                                            break;
                                        }
                                    }
                                    any
                                }
                            };
                            if found == negate {
                                let verb = if negate { "no element matching" } else { "an element matching" };
                                Self::push(out, path, format!("{verb} {}", self.describe_wanted(w)?), Some(actual));
                            }
                        }
                    }
                    Value::String(s) => {
                        for w in &wanted {
                            let Wanted::Value(v) = w else {
                                Self::push(out, path, "an array (matchers apply to elements)".into(), Some(actual));
                                continue;
                            };
                            let text = to_text(v);
                            if s.contains(&text) == negate {
                                let verb = if negate { "a text without" } else { "a text containing" };
                                Self::push(out, path, format!("{verb} {text:?}"), Some(actual));
                            }
                        }
                    }
                    _ => Self::push(out, path, "an array (or a string)".into(), Some(actual)),
                }
            }
            Matcher::ContainsInOrder(wanted) => {
                let Some(array) = actual.as_array() else {
                    {
                        Self::push(out, path, "an array".into(), Some(actual));
                        return Ok(());
                    }
                };
                let wanted = self.expand(wanted)?;
                let mut next = 0;
                for (i, w) in wanted.iter().enumerate() {
                    let mut found = None;
                    for (j, item) in array.iter().enumerate().skip(next) {
                        if self.wanted_matches(w, item)? {
                            found = Some(j);
                            break;
                        }
                    }
                    match found {
                        Some(j) => next = j + 1,
                        None => {
                            let where_ =
                                if i == 0 { String::new() } else { format!(" after the match for item {}", i - 1) };
                            let what = self.describe_wanted(w)?;
                            Self::push(
                                out,
                                path,
                                format!("an element matching {what}{where_} (in order)"),
                                Some(actual),
                            );
                            break;
                        }
                    }
                }
            }
            Matcher::Unordered(wanted) => {
                let Some(array) = actual.as_array() else {
                    {
                        Self::push(out, path, "an array".into(), Some(actual));
                        return Ok(());
                    }
                };
                let wanted = self.expand(wanted)?;
                if !self.unordered_match(&wanted, array)? {
                    let expected = if wanted.len() == array.len() {
                        format!("the same {} element(s) in any order", wanted.len())
                    } else {
                        format!("{} element(s) in any order", wanted.len())
                    };
                    out.push(Mismatch {
                        path: path.into(),
                        expected,
                        actual: Some(format!("{} element(s): {}", array.len(), brief(actual))),
                    });
                }
            }
            Matcher::Compare(op, bound) => {
                let bound = self.vars.render_value(bound)?;
                let ordering = match (actual, &bound) {
                    (Value::Number(a), Value::Number(b)) => {
                        a.as_f64().zip(b.as_f64()).and_then(|(a, b)| a.partial_cmp(&b))
                    }
                    (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
                    _ => None,
                };
                let ok = ordering.is_some_and(|o| match op {
                    CmpOp::Gt => o.is_gt(),
                    CmpOp::Ge => o.is_ge(),
                    CmpOp::Lt => o.is_lt(),
                    CmpOp::Le => o.is_le(),
                });
                if !ok {
                    Self::push(out, path, format!("a value {} {}", op.symbol(), brief(&bound)), Some(actual));
                }
            }
            Matcher::Each(inner) => {
                let Some(array) = actual.as_array() else {
                    {
                        Self::push(out, path, "an array".into(), Some(actual));
                        return Ok(());
                    }
                };
                for (i, item) in array.iter().enumerate() {
                    self.node(inner, Some(item), &format!("{path}[{i}]"), out)?;
                }
            }
            Matcher::All(all) => {
                for m in all {
                    self.node(m, Some(actual), path, out)?;
                }
            }
            Matcher::Absent | Matcher::Present | Matcher::Not(_) | Matcher::OneOf(_) => unreachable!("handled above"),
        }
        Ok(())
    }

    /// Matchers of a collection matcher with spliced arrays expanded and plain values rendered.
    fn expand<'m>(&self, wanted: &'m [Matcher]) -> Result<Vec<Wanted<'m>>, RenderError> {
        let mut out = Vec::with_capacity(wanted.len());
        for w in wanted {
            match w {
                Matcher::Equals(v) => out.push(Wanted::Value(self.vars.render_value(v)?)),
                Matcher::Splice(v) => match self.vars.render_value(v)? {
                    Value::Array(items) => out.extend(items.into_iter().map(Wanted::Value)),
                    other => out.push(Wanted::Value(other)),
                },
                other => out.push(Wanted::Matcher(other)),
            }
        }
        Ok(out)
    }

    fn wanted_matches(&self, wanted: &Wanted<'_>, actual: &Value) -> Result<bool, RenderError> {
        match wanted {
            Wanted::Value(v) => Ok(json_equal(v, actual)),
            Wanted::Matcher(m) => self.matches(m, Some(actual)),
        }
    }

    fn describe_wanted(&self, wanted: &Wanted<'_>) -> Result<String, RenderError> {
        match wanted {
            Wanted::Value(v) => Ok(brief(v)),
            Wanted::Matcher(m) => self.describe(m),
        }
    }

    /// Whether each wanted item can be paired with a distinct element. Plain scalars (MSISDN lists of 10,000)
    /// compare as multisets in linear time; anything else by bipartite matching with augmenting paths.
    fn unordered_match(&self, wanted: &[Wanted<'_>], array: &[Value]) -> Result<bool, RenderError> {
        if wanted.len() != array.len() {
            return Ok(false);
        }
        let simple: Option<Vec<String>> =
            wanted.iter().map(|w| if let Wanted::Value(v) = w { simple_key(v) } else { None }).collect();
        if let (Some(keys), Some(mut index)) = (simple, SimpleIndex::of(array)) {
            for key in keys {
                match index.get_mut(&key) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => return Ok(false),
                }
            }
            return Ok(true);
        }
        let mut fits = vec![vec![false; array.len()]; wanted.len()];
        for (i, w) in wanted.iter().enumerate() {
            for (j, v) in array.iter().enumerate() {
                fits[i][j] = self.wanted_matches(w, v)?;
            }
        }
        fn augment(i: usize, fits: &[Vec<bool>], seen: &mut [bool], owner: &mut [Option<usize>]) -> bool {
            for j in 0..fits[i].len() {
                if fits[i][j] && !seen[j] {
                    seen[j] = true;
                    if owner[j].is_none_or(|k| augment(k, fits, seen, owner)) {
                        owner[j] = Some(i);
                        return true;
                    }
                }
            }
            false
        }
        let mut owner = vec![None; array.len()];
        for i in 0..wanted.len() {
            let mut seen = vec![false; array.len()];
            if !augment(i, &fits, &mut seen, &mut owner) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// What a matcher expects, in words.
    fn describe(&self, matcher: &Matcher) -> Result<String, RenderError> {
        Ok(match matcher {
            Matcher::Equals(v) => brief(&self.vars.render_value(v)?),
            Matcher::Object { strict: true, .. } => "an object with exactly the listed keys".into(),
            Matcher::Object { .. } => "an object".into(),
            Matcher::Array { items, .. } => format!("an array of {} element(s)", items.len()),
            Matcher::Type(t) => format!("a value of type {}", t.name()),
            Matcher::Regex(re) => format!("a string matching /{}/", re.0.as_str()),
            Matcher::OneOf(options) => {
                let parts: Result<Vec<String>, _> = options.iter().map(|o| self.describe(o)).collect();
                format!("one of [{}]", parts?.join(", "))
            }
            Matcher::Absent => "no such key".into(),
            Matcher::Present => "any value".into(),
            Matcher::Len { min, max } => match (min, max) {
                (Some(a), Some(b)) if a == b => format!("length {a}"),
                (Some(a), Some(b)) => format!("length {a}..={b}"),
                (Some(a), None) => format!("length >= {a}"),
                (None, Some(b)) => format!("length <= {b}"),
                (None, None) => "any length".into(),
            },
            Matcher::Contains(items) => format!("containing {} item(s)", items.len()),
            Matcher::NotContains(items) => format!("containing none of {} item(s)", items.len()),
            Matcher::ContainsInOrder(items) => format!("containing {} item(s) in order", items.len()),
            Matcher::Unordered(items) => {
                let parts: Result<Vec<String>, _> = items.iter().map(|o| self.describe(o)).collect();
                format!("the elements [{}] in any order", parts?.join(", "))
            }
            Matcher::Compare(op, v) => format!("a value {} {}", op.symbol(), brief(&self.vars.render_value(v)?)),
            Matcher::Splice(v) => format!("the elements of {}", brief(&self.vars.render_value(v)?)),
            Matcher::Each(inner) => format!("every element {}", self.describe(inner)?),
            Matcher::Not(inner) => format!("not {}", self.describe(inner)?),
            Matcher::All(all) => {
                let parts: Result<Vec<String>, _> = all.iter().map(|o| self.describe(o)).collect();
                parts?.join(" and ")
            }
        })
    }

    /// The actual document rewritten as the expectation would have it: equal where it matched, expected values
    /// where it did not, so a line diff of (view, actual) shows exactly the mismatches.
    fn view(&self, matcher: &Matcher, actual: Option<&Value>) -> Result<Option<Value>, RenderError> {
        Ok(match matcher {
            Matcher::Absent => None,
            Matcher::Equals(v) => Some(self.vars.render_value(v)?),
            Matcher::Object { fields, strict } => {
                let mut map = match actual {
                    Some(Value::Object(m)) if !*strict => m.clone(),
                    _ => serde_json::Map::new(),
                };
                let actual_map = actual.and_then(Value::as_object);
                for (key, m) in fields {
                    match self.view(m, actual_map.and_then(|a| a.get(key)))? {
                        Some(v) => {
                            map.insert(key.clone(), v);
                        }
                        None => {
                            map.remove(key);
                        }
                    }
                }
                // Keep the actual key order so the diff lines up.
                if let Some(actual_map) = actual_map {
                    let mut ordered = serde_json::Map::new();
                    for key in actual_map.keys() {
                        if let Some(v) = map.remove(key) {
                            ordered.insert(key.clone(), v);
                        }
                    }
                    ordered.extend(map);
                    map = ordered;
                }
                Some(Value::Object(map))
            }
            Matcher::Array { items, .. } => {
                let actual_items = actual.and_then(Value::as_array);
                let mut out = Vec::new();
                for (i, m) in items.iter().enumerate() {
                    if let Some(v) = self.view(m, actual_items.and_then(|a| a.get(i)))? {
                        out.push(v);
                    }
                }
                Some(Value::Array(out))
            }
            Matcher::Each(inner) => match actual.and_then(Value::as_array) {
                Some(items) => Some(Value::Array(
                    items
                        .iter()
                        .map(|v| Ok(self.view(inner, Some(v))?.unwrap_or(Value::Null)))
                        .collect::<Result<_, _>>()?,
                )),
                None => Some(Value::String(format!("<{}>", self.describe(matcher)?))),
            },
            other => {
                if self.matches(other, actual)? {
                    actual.cloned()
                } else {
                    Some(Value::String(format!("<{}>", self.describe(other)?)))
                }
            }
        })
    }
}

/// The expected document as a view over the actual one (see `Checker::view`); `None` when it should be absent.
pub(crate) fn expected_view(
    matcher: &Matcher,
    actual: Option<&Value>,
    vars: &Vars,
) -> Result<Option<Value>, RenderError> {
    Checker { vars }.view(matcher, actual)
}

/// An item of a collection matcher: a rendered value, or a matcher proper.
enum Wanted<'m> {
    Value(Value),
    Matcher(&'m Matcher),
}

/// Counts of the scalar elements of an array, when all are scalars whose text identifies them.
struct SimpleIndex;

impl SimpleIndex {
    fn of(items: &[Value]) -> Option<std::collections::HashMap<String, usize>> {
        let mut counts = std::collections::HashMap::with_capacity(items.len());
        for item in items {
            *counts.entry(simple_key(item)?).or_insert(0) += 1;
        }
        Some(counts)
    }
}

/// A key equal for equal scalars: strings, booleans, null and integers (floats compare by value elsewhere).
fn simple_key(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(format!("s{s}")),
        Value::Bool(b) => Some(format!("b{b}")),
        Value::Null => Some("n".into()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(format!("i{n}")),
        _ => None,
    }
}

fn has_type(value: &Value, t: JsonType) -> bool {
    match t {
        JsonType::String => value.is_string(),
        JsonType::Number => value.is_number(),
        JsonType::Integer => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        JsonType::Boolean => value.is_boolean(),
        JsonType::Array => value.is_array(),
        JsonType::Object => value.is_object(),
        JsonType::Null => value.is_null(),
    }
}

/// Equality where numbers compare by value (1 == 1.0) and objects ignore key order.
pub(crate) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "body_props.rs"]
mod props;
