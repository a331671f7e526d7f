//! Variable values during one case execution, and template rendering against them.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use crate::case::template::{Arg, Expr, Generator, Part, Template};
use crate::case::value::TValue;

/// Per-run source of unique generated values, shared by all cases of the run.
#[derive(Debug)]
pub struct Generators {
    /// Random per run, so parallel runs against one account do not collide.
    msisdn_base: u64,
    next_msisdn: AtomicU64,
}

/// Generated MSISDNs are `46` (a country code) + 11 digits: 13 digits, a valid international number.
const MSISDN_SPACE: u64 = 100_000_000_000;

impl Generators {
    pub fn new() -> Self {
        Self { msisdn_base: rand::random::<u64>() % MSISDN_SPACE, next_msisdn: AtomicU64::new(0) }
    }

    pub(crate) fn msisdn(&self) -> String {
        let n = self.next_msisdn.fetch_add(1, Ordering::Relaxed);
        // The first digit after the country code is never 0, which some validators refuse.
        let digits = (self.msisdn_base + n) % (MSISDN_SPACE - MSISDN_SPACE / 10) + MSISDN_SPACE / 10;
        format!("46{digits:011}")
    }

    /// A fresh id unique to one case execution: 10 lowercase letters and digits.
    pub(crate) fn run_id(&self) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..10).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
    }
}

impl Default for Generators {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a template could not be rendered at run time.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// A capture whose step failed before taking it.
    #[error("variable `{0}` has no value (the step that captures it did not succeed)")]
    Unset(String),
}

/// The variables of one case execution.
#[derive(Debug, Clone)]
pub struct Vars {
    values: BTreeMap<String, Value>,
    generators: Arc<Generators>,
}

impl Vars {
    pub fn new(generators: Arc<Generators>) -> Self {
        Self { values: BTreeMap::new(), generators }
    }

    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    pub(crate) fn render(&self, template: &Template) -> Result<Value, RenderError> {
        if let Some(expr) = template.sole_expr() {
            return self.eval(expr);
        }
        let mut out = String::new();
        for part in template.parts() {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Expr(e) => out.push_str(&to_text(&self.eval(e)?)),
            }
        }
        Ok(Value::String(out))
    }

    /// Renders as text (for paths, headers, query values).
    pub(crate) fn render_text(&self, template: &Template) -> Result<String, RenderError> {
        self.render(template).map(|v| to_text(&v))
    }

    pub(crate) fn render_value(&self, value: &TValue) -> Result<Value, RenderError> {
        Ok(match value {
            TValue::Null => Value::Null,
            TValue::Bool(b) => Value::Bool(*b),
            TValue::Number(n) => Value::Number(n.clone()),
            TValue::String(t) => self.render(t)?,
            TValue::Array(items) => Value::Array(items.iter().map(|v| self.render_value(v)).collect::<Result<_, _>>()?),
            TValue::Object(fields) => Value::Object(
                fields.iter().map(|(k, v)| Ok((k.clone(), self.render_value(v)?))).collect::<Result<_, _>>()?,
            ),
        })
    }

    fn eval(&self, expr: &Expr) -> Result<Value, RenderError> {
        match expr {
            Expr::Var(name) => self.values.get(name).cloned().ok_or_else(|| RenderError::Unset(name.clone())),
            Expr::Call(generator, args) => Ok(self.generate(*generator, args)),
        }
    }

    fn generate(&self, generator: Generator, args: &[Arg]) -> Value {
        let count = || args.iter().find_map(|a| if let Arg::Count(n) = a { Some(*n) } else { None }).unwrap_or(0);
        match generator {
            Generator::Msisdn => Value::String(self.generators.msisdn()),
            Generator::Msisdns => Value::Array((0..count()).map(|_| Value::String(self.generators.msisdn())).collect()),
            Generator::Chars => Value::String((0..count()).map(|i| (b'a' + (i % 26) as u8) as char).collect()),
            Generator::Repeat => {
                let text = args.iter().find_map(|a| if let Arg::Text(t) = a { Some(t.as_str()) } else { None });
                Value::String(text.unwrap_or_default().repeat(count()))
            }
            Generator::Uuid => Value::String(uuid::Uuid::new_v4().to_string()),
        }
    }
}

/// A value as text: strings as they are, everything else as JSON.
pub(crate) fn to_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn vars() -> Vars {
        let mut v = Vars::new(Arc::new(Generators::new()));
        v.set("n", Value::from(3));
        v.set("id", Value::from("abc"));
        v
    }

    #[test]
    fn a_sole_expression_keeps_its_type() {
        let v = vars();
        assert_eq!(v.render(&Template::parse("{{n}}").unwrap()).unwrap(), Value::from(3));
        assert_eq!(v.render(&Template::parse("/g/{{id}}?n={{n}}").unwrap()).unwrap(), Value::from("/g/abc?n=3"));
    }

    #[test]
    fn generators_make_distinct_valid_values() {
        let v = vars();
        let list = v.render(&Template::parse("{{msisdns(10001)}}").unwrap()).unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 10001);
        let distinct: BTreeSet<&str> = list.iter().map(|m| m.as_str().unwrap()).collect();
        assert_eq!(distinct.len(), 10001);
        assert!(distinct.iter().all(|m| m.len() == 13 && m.starts_with("46") && m.as_bytes()[2] != b'0'));
        assert_eq!(v.render_text(&Template::parse("{{chars(21)}}").unwrap()).unwrap().chars().count(), 21);
        assert_eq!(v.render_text(&Template::parse("{{repeat('ab', 2)}}").unwrap()).unwrap(), "abab");
        assert_ne!(v.generators.run_id(), v.generators.run_id());
    }

    #[test]
    fn unset_captures_are_reported() {
        let v = vars();
        assert_eq!(v.render(&Template::parse("{{gone}}").unwrap()), Err(RenderError::Unset("gone".into())));
    }
}
