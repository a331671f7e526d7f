//! JSON values whose strings may hold templates: request bodies, query values, variables, expected values.

use serde_json::Number;

use super::template::{Template, TemplateError};

#[derive(Debug, Clone, PartialEq)]
pub enum TValue {
    Null,
    Bool(bool),
    Number(Number),
    String(Template),
    Array(Vec<TValue>),
    Object(Vec<(String, TValue)>),
}

/// Why a YAML value is not a JSON value, with the YAML path of the culprit (`body.members[3]`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ValueError {
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("object keys must be strings")]
    NonStringKey,
    #[error("number {0} cannot be represented in JSON")]
    BadNumber(String),
    #[error("matcher tag `{0}` is only allowed in expectations")]
    TagNotAllowed(String),
    #[error("{0}")]
    Matcher(String),
}

impl TValue {
    /// Converts a YAML value; matcher tags are refused (see `matcher.rs` for expectations).
    pub(crate) fn from_yaml(value: &serde_yaml::Value, path: &str) -> Result<TValue, (String, ValueError)> {
        use serde_yaml::Value as Y;
        Ok(match value {
            Y::Null => TValue::Null,
            Y::Bool(b) => TValue::Bool(*b),
            Y::Number(n) => TValue::Number(yaml_number(n).map_err(|e| (path.to_string(), e))?),
            Y::String(s) => TValue::String(Template::parse(s).map_err(|e| (path.to_string(), e.into()))?),
            Y::Sequence(items) => TValue::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| TValue::from_yaml(v, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Y::Mapping(map) => TValue::Object(
                map.iter()
                    .map(|(k, v)| {
                        let key = yaml_key(k).ok_or_else(|| (path.to_string(), ValueError::NonStringKey))?;
                        let child = TValue::from_yaml(v, &join_path(path, &key))?;
                        Ok((key, child))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Y::Tagged(tagged) => {
                return Err((path.to_string(), ValueError::TagNotAllowed(tagged.tag.to_string())));
            }
        })
    }
}

/// `a.b`, `a.b[2]` style paths; the position index of the loader understands the same form.
pub(crate) fn join_path(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

pub(crate) fn yaml_key(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub(crate) fn yaml_number(n: &serde_yaml::Number) -> Result<Number, ValueError> {
    if let Some(i) = n.as_i64() {
        Ok(Number::from(i))
    } else if let Some(u) = n.as_u64() {
        Ok(Number::from(u))
    } else {
        n.as_f64().and_then(Number::from_f64).ok_or_else(|| ValueError::BadNumber(n.to_string()))
    }
}
