//! Expected values: plain YAML compares by value (objects partially unless strict), tags add matchers
//! (`!regex`, `!type`, `!absent`, `!len`, `!contains`, …). This file builds the model; `check::body` applies it.

use serde_yaml::Value as Y;

use super::diagnostic::suggest;
use super::value::{TValue, ValueError, join_path, yaml_key};

/// JSON types a `!type` matcher names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "string" => Self::String,
            "number" => Self::Number,
            "integer" => Self::Integer,
            "boolean" | "bool" => Self::Boolean,
            "array" => Self::Array,
            "object" => Self::Object,
            "null" => Self::Null,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Integer => "integer",
            Self::Boolean => "boolean",
            Self::Array => "array",
            Self::Object => "object",
            Self::Null => "null",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Lt => "<",
            Self::Le => "<=",
        }
    }
}

/// A compiled regex that remembers its source.
#[derive(Debug, Clone)]
pub struct Pattern(pub(crate) regex::Regex);

/// `src` compiled, or the same pattern compiled earlier: a suite writes the same `!regex` (an id's format, a
/// timestamp's) in case after case, and compiling a pattern costs more than loading the case that holds it.
/// A compiled `Regex` is shared by cloning. At most [`COMPILED_KEPT`] patterns are kept, so a file of
/// distinct patterns cannot grow the cache past the model that holds them anyway.
fn compile(src: &str) -> Result<regex::Regex, regex::Error> {
    thread_local! {
        static COMPILED: std::cell::RefCell<fnv::FnvHashMap<String, regex::Regex>> = Default::default();
    }
    COMPILED.with_borrow_mut(|compiled| {
        if let Some(re) = compiled.get(src) {
            return Ok(re.clone());
        }
        let re = regex::Regex::new(src)?;
        if compiled.len() >= COMPILED_KEPT {
            compiled.clear();
        }
        compiled.insert(src.to_string(), re.clone());
        Ok(re)
    })
}

const COMPILED_KEPT: usize = 1024;

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// Equal to the (rendered) value; numbers compare by value (1 == 1.0).
    Equals(TValue),
    /// Every listed key matches; with `strict`, no other key exists.
    Object {
        fields: Vec<(String, Matcher)>,
        strict: bool,
    },
    /// Same length, element by element, in order.
    Array {
        items: Vec<Matcher>,
        strict: bool,
    },
    Type(JsonType),
    Regex(Pattern),
    OneOf(Vec<Matcher>),
    /// The key does not exist (only meaningful as an object field or a header).
    Absent,
    /// The key exists, whatever its value.
    Present,
    /// Length of a string (characters), array or object.
    Len {
        min: Option<usize>,
        max: Option<usize>,
    },
    /// Arrays: each matcher matches some element. Strings: each value is a substring.
    Contains(Vec<Matcher>),
    /// Arrays: no element matches any of them. Strings: none is a substring.
    NotContains(Vec<Matcher>),
    /// Arrays: the matchers match elements in this order, others may come between.
    ContainsInOrder(Vec<Matcher>),
    /// Arrays: the same elements in any order.
    Unordered(Vec<Matcher>),
    /// Numbers by value; two strings lexicographically (ISO-8601 timestamps compare correctly).
    Compare(CmpOp, TValue),
    Each(Box<Matcher>),
    Not(Box<Matcher>),
    /// Inside a collection matcher: the elements of an array-valued template (`!unordered "{{members}}"`).
    Splice(TValue),
    All(Vec<Matcher>),
}

/// The matcher tags, for messages and the documentation.
pub(crate) const TAGS: &[&str] = &[
    "type",
    "regex",
    "one_of",
    "absent",
    "present",
    "len",
    "contains",
    "not_contains",
    "contains_in_order",
    "unordered",
    "gt",
    "ge",
    "lt",
    "le",
    "each",
    "not",
    "strict",
    "partial",
    "match",
];

/// Builds matchers from YAML, remembering the YAML path of each error.
pub struct MatcherBuilder {
    pub(crate) errors: Vec<(String, ValueError)>,
}

type BuildResult = Result<Matcher, ()>;

impl MatcherBuilder {
    pub fn new() -> Self {
        Self { errors: Vec::new() }
    }

    fn fail(&mut self, path: &str, error: ValueError) -> BuildResult {
        self.errors.push((path.to_string(), error));
        Err(())
    }

    fn invalid(&mut self, path: &str, message: String) -> BuildResult {
        self.fail(path, ValueError::Matcher(message))
    }

    /// Builds the matcher for `value` at `path`; errors are collected in `self.errors`.
    pub fn build(&mut self, value: &Y, strict: bool, path: &str) -> Option<Matcher> {
        self.node(value, strict, path).ok()
    }

    fn node(&mut self, value: &Y, strict: bool, path: &str) -> BuildResult {
        match value {
            Y::Mapping(map) => {
                let mut fields = Vec::new();
                let mut failed = false;
                for (k, v) in map {
                    let Some(key) = yaml_key(k) else {
                        let _ = self.fail(path, ValueError::NonStringKey);
                        failed = true;
                        continue;
                    };
                    match self.node(v, strict, &join_path(path, &key)) {
                        Ok(m) => fields.push((key, m)),
                        Err(()) => failed = true,
                    }
                }
                if failed { Err(()) } else { Ok(Matcher::Object { fields, strict }) }
            }
            Y::Sequence(items) => {
                let items = self.list(items, strict, path)?;
                Ok(Matcher::Array { items, strict })
            }
            Y::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                self.tagged(tag.trim_start_matches('!'), &tagged.value, strict, path)
            }
            scalar => match TValue::from_yaml(scalar, path) {
                Ok(v) => Ok(Matcher::Equals(v)),
                Err((p, e)) => self.fail(&p, e),
            },
        }
    }

    fn list(&mut self, items: &[Y], strict: bool, path: &str) -> Result<Vec<Matcher>, ()> {
        let built: Vec<BuildResult> =
            items.iter().enumerate().map(|(i, v)| self.node(v, strict, &format!("{path}[{i}]"))).collect();
        built.into_iter().collect()
    }

    /// The argument of a tag that takes a list (`!one_of [a, b]`), or a template of an array
    /// (`!unordered "{{members}}"`) whose elements are spliced in when the check runs.
    fn list_arg(&mut self, tag: &str, arg: &Y, strict: bool, path: &str) -> Result<Vec<Matcher>, ()> {
        match arg {
            Y::Sequence(items) => self.list(items, strict, path),
            Y::String(s) if s.contains("{{") => match TValue::from_yaml(arg, path) {
                Ok(v) => Ok(vec![Matcher::Splice(v)]),
                Err((p, e)) => self.fail(&p, e).map(|_| vec![]),
            },
            _ => self.invalid(path, format!("`!{tag}` takes a list, e.g. `!{tag} [a, b]`")).map(|_| vec![]),
        }
    }

    fn tagged(&mut self, tag: &str, arg: &Y, strict: bool, path: &str) -> BuildResult {
        match tag {
            "type" => match arg.as_str().and_then(JsonType::parse) {
                Some(t) => Ok(Matcher::Type(t)),
                None => self
                    .invalid(path, "`!type` takes one of string, number, integer, boolean, array, object, null".into()),
            },
            "regex" => match arg.as_str() {
                Some(src) => match compile(src) {
                    Ok(re) => Ok(Matcher::Regex(Pattern(re))),
                    Err(e) => self.invalid(path, format!("invalid regex `{src}`: {}", last_line(&e.to_string()))),
                },
                None => self.invalid(path, "`!regex` takes a string pattern".into()),
            },
            "one_of" => Ok(Matcher::OneOf(self.list_arg(tag, arg, strict, path)?)),
            "absent" | "present" => {
                if !arg.is_null() {
                    return self.invalid(path, format!("`!{tag}` takes no value"));
                }
                Ok(if tag == "absent" { Matcher::Absent } else { Matcher::Present })
            }
            "len" => self.len(arg, path),
            "contains" | "not_contains" => {
                let items = match arg {
                    Y::Sequence(_) => self.list_arg(tag, arg, strict, path)?,
                    Y::String(s) if s.contains("{{") => self.list_arg(tag, arg, strict, path)?,
                    other => vec![self.node(other, strict, path)?],
                };
                Ok(if tag == "contains" { Matcher::Contains(items) } else { Matcher::NotContains(items) })
            }
            "contains_in_order" => Ok(Matcher::ContainsInOrder(self.list_arg(tag, arg, strict, path)?)),
            "unordered" => Ok(Matcher::Unordered(self.list_arg(tag, arg, strict, path)?)),
            "gt" | "ge" | "lt" | "le" => {
                let op = match tag {
                    "gt" => CmpOp::Gt,
                    "ge" => CmpOp::Ge,
                    "lt" => CmpOp::Lt,
                    _ => CmpOp::Le,
                };
                match arg {
                    Y::Number(_) | Y::String(_) => match TValue::from_yaml(arg, path) {
                        Ok(v) => Ok(Matcher::Compare(op, v)),
                        Err((p, e)) => self.fail(&p, e),
                    },
                    _ => self.invalid(path, format!("`!{tag}` takes a number or a string")),
                }
            }
            "each" => Ok(Matcher::Each(Box::new(self.node(arg, strict, path)?))),
            "not" => Ok(Matcher::Not(Box::new(self.node(arg, strict, path)?))),
            "strict" | "partial" => {
                if !matches!(arg, Y::Mapping(_) | Y::Sequence(_)) {
                    return self.invalid(path, format!("`!{tag}` takes an object or a list"));
                }
                self.node(arg, tag == "strict", path)
            }
            "match" => self.combined(arg, strict, path),
            other => {
                let hint = suggest(other, TAGS).map(|s| format!("; did you mean `!{s}`?")).unwrap_or_default();
                self.invalid(path, format!("unknown matcher `!{other}`{hint}"))
            }
        }
    }

    fn len(&mut self, arg: &Y, path: &str) -> BuildResult {
        if let Some(n) = arg.as_u64() {
            let n = n as usize;
            return Ok(Matcher::Len { min: Some(n), max: Some(n) });
        }
        if let Y::Mapping(map) = arg {
            let mut min = None;
            let mut max = None;
            for (k, v) in map {
                match (k.as_str(), v.as_u64()) {
                    (Some("min"), Some(n)) => min = Some(n as usize),
                    (Some("max"), Some(n)) => max = Some(n as usize),
                    _ => return self.invalid(path, "`!len` takes a number or `{min: N, max: M}`".into()),
                }
            }
            return Ok(Matcher::Len { min, max });
        }
        self.invalid(path, "`!len` takes a number or `{min: N, max: M}`".into())
    }

    /// `!match {type: string, regex: '^\d+$', len: {max: 20}}`: every listed condition holds.
    fn combined(&mut self, arg: &Y, strict: bool, path: &str) -> BuildResult {
        let Y::Mapping(map) = arg else {
            return self.invalid(path, "`!match` takes a mapping of conditions, e.g. `{type: string, len: 3}`".into());
        };
        let mut all = Vec::new();
        for (k, v) in map {
            let Some(name) = k.as_str() else {
                return self.fail(path, ValueError::NonStringKey);
            };
            let sub_path = join_path(path, name);
            let m = match name {
                "equals" => self.node(v, strict, &sub_path)?,
                _ if TAGS.contains(&name) && name != "match" => self.tagged(name, v, strict, &sub_path)?,
                _ => {
                    let hint = suggest(name, TAGS).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    return self.invalid(&sub_path, format!("unknown condition `{name}` in `!match`{hint}"));
                }
            };
            all.push(m);
        }
        Ok(Matcher::All(all))
    }
}

impl Default for MatcherBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// The last non-blank line, trimmed: a regex error draws the pattern and a caret first and names the reason last.
fn last_line(s: &str) -> String {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or(s).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(yaml: &str) -> Result<Matcher, Vec<(String, ValueError)>> {
        let value: Y = serde_yaml::from_str(yaml).unwrap();
        let mut b = MatcherBuilder::new();
        b.build(&value, false, "body").ok_or(b.errors)
    }

    #[test]
    fn plain_mappings_are_partial_objects() {
        let m = build("{name: x, size: 2}").unwrap();
        assert!(matches!(m, Matcher::Object { strict: false, ref fields } if fields.len() == 2));
    }

    #[test]
    fn tags_become_matchers() {
        assert!(matches!(build("!regex '^\\d+$'").unwrap(), Matcher::Regex(_)));
        assert_eq!(build("!len {min: 1, max: 20}").unwrap(), Matcher::Len { min: Some(1), max: Some(20) });
        assert_eq!(
            build("{name: !absent }").unwrap(),
            Matcher::Object { fields: vec![("name".into(), Matcher::Absent)], strict: false }
        );
        assert!(matches!(build("!strict {a: {b: 1}}").unwrap(), Matcher::Object { strict: true, .. }));
        assert!(matches!(build("!match {type: array, each: !regex '^1'}").unwrap(), Matcher::All(v) if v.len() == 2));
    }

    #[test]
    fn bad_matchers_name_the_path() {
        let errors = build("{a: [1, !regx x]}").unwrap_err();
        assert_eq!(errors[0].0, "body.a[1]");
        assert!(errors[0].1.to_string().contains("did you mean `!regex`"), "{}", errors[0].1);
        let errors = build("{a: !regex '('}").unwrap_err();
        assert!(errors[0].1.to_string().starts_with("invalid regex `(`"), "{}", errors[0].1);
        assert!(build("!type text").is_err());
    }
}
