//! `{{ … }}` templates, parsed once at load time into literal text and expressions.
//!
//! An expression is a variable (`{{group_id}}`) or a generator call (`{{msisdns(3)}}`). A string that is exactly
//! one expression keeps the JSON type of its value (a number stays a number, `msisdns(3)` is an array); a string
//! with text around an expression renders to text.

use std::fmt;

/// A generator callable from a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Generator {
    /// `msisdn()`: a fresh MSISDN, distinct from every other one generated in this run.
    Msisdn,
    /// `msisdns(N)`: an array of N distinct fresh MSISDNs.
    Msisdns,
    /// `chars(N)`: a string of exactly N characters (`abc…`).
    Chars,
    /// `repeat(TEXT, N)`: TEXT repeated N times.
    Repeat,
    /// `uuid()`: a random UUID v4, e.g. for an id that exists nowhere.
    Uuid,
}

impl Generator {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "msisdn" => Self::Msisdn,
            "msisdns" => Self::Msisdns,
            "chars" => Self::Chars,
            "repeat" => Self::Repeat,
            "uuid" => Self::Uuid,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Msisdn => "msisdn",
            Self::Msisdns => "msisdns",
            Self::Chars => "chars",
            Self::Repeat => "repeat",
            Self::Uuid => "uuid",
        }
    }

    /// The argument kinds, in order.
    fn params(self) -> &'static [ArgKind] {
        match self {
            Self::Msisdn | Self::Uuid => &[],
            Self::Msisdns | Self::Chars => &[ArgKind::Count],
            Self::Repeat => &[ArgKind::Text, ArgKind::Count],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgKind {
    Count,
    Text,
}

/// A literal argument of a generator call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    Count(usize),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    Var(String),
    Call(Generator, Vec<Arg>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    Expr(Expr),
}

/// A parsed template string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Template {
    parts: Vec<Part>,
}

/// Largest count a generator accepts: enough for 10,001 members, small enough to stay cheap.
pub(crate) const MAX_GENERATED: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TemplateError {
    #[error("unclosed `{{{{` in template")]
    Unclosed,
    #[error("empty expression `{{{{}}}}`")]
    Empty,
    #[error("`{0}` is not a variable name or a generator call")]
    BadExpr(String),
    #[error("unknown generator `{name}()`; known: msisdn(), msisdns(N), chars(N), repeat(TEXT, N), uuid()")]
    UnknownGenerator { name: String },
    #[error("{name}() takes {expected} argument(s), got {got}")]
    Arity { name: &'static str, expected: usize, got: usize },
    #[error("argument {index} of {name}() must be {what}")]
    BadArg { name: &'static str, index: usize, what: &'static str },
}

impl Template {
    pub(crate) fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let end = after.find("}}").ok_or(TemplateError::Unclosed)?;
            parts.push(Part::Expr(parse_expr(after[..end].trim())?));
            rest = &after[end + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Self { parts })
    }

    pub(crate) fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The single expression when the template is nothing else (so the value keeps its JSON type).
    pub(crate) fn sole_expr(&self) -> Option<&Expr> {
        match self.parts.as_slice() {
            [Part::Expr(e)] => Some(e),
            _ => None,
        }
    }

    /// Variables the template reads, in order.
    pub(crate) fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Expr(Expr::Var(v)) => Some(v.as_str()),
            _ => None,
        })
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Text(t) => f.write_str(t)?,
                Part::Expr(Expr::Var(v)) => write!(f, "{{{{{v}}}}}")?,
                Part::Expr(Expr::Call(g, args)) => {
                    let args: Vec<String> = args
                        .iter()
                        .map(|a| match a {
                            Arg::Count(n) => n.to_string(),
                            Arg::Text(t) => format!("{t:?}"),
                        })
                        .collect();
                    write!(f, "{{{{{}({})}}}}", g.name(), args.join(", "))?
                }
            }
        }
        Ok(())
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_expr(src: &str) -> Result<Expr, TemplateError> {
    if src.is_empty() {
        return Err(TemplateError::Empty);
    }
    if is_ident(src) {
        return Ok(Expr::Var(src.to_string()));
    }
    let (name, args) =
        src.strip_suffix(')').and_then(|s| s.split_once('(')).ok_or_else(|| TemplateError::BadExpr(src.to_string()))?;
    let name = name.trim();
    if !is_ident(name) {
        return Err(TemplateError::BadExpr(src.to_string()));
    }
    let generator = Generator::parse(name).ok_or_else(|| TemplateError::UnknownGenerator { name: name.to_string() })?;
    let raw_args = split_args(args).ok_or_else(|| TemplateError::BadExpr(src.to_string()))?;
    let params = generator.params();
    if raw_args.len() != params.len() {
        return Err(TemplateError::Arity { name: generator.name(), expected: params.len(), got: raw_args.len() });
    }
    let args = raw_args
        .into_iter()
        .zip(params)
        .enumerate()
        .map(|(i, (raw, kind))| match (kind, raw) {
            (ArgKind::Count, RawArg::Number(n)) if n <= MAX_GENERATED => Ok(Arg::Count(n)),
            (ArgKind::Count, _) => Err(TemplateError::BadArg {
                name: generator.name(),
                index: i + 1,
                what: "a whole number up to 1000000",
            }),
            (ArgKind::Text, RawArg::Text(t)) => Ok(Arg::Text(t)),
            (ArgKind::Text, _) => {
                Err(TemplateError::BadArg { name: generator.name(), index: i + 1, what: "a quoted string" })
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Expr::Call(generator, args))
}

enum RawArg {
    Number(usize),
    Text(String),
}

/// Splits `"a,b", 3` into arguments; strings are quoted with `"` or `'`.
fn split_args(src: &str) -> Option<Vec<RawArg>> {
    let mut args = Vec::new();
    let mut rest = src.trim();
    if rest.is_empty() {
        return Some(args);
    }
    loop {
        let (arg, after) = if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let end = rest[1..].find(q)? + 1;
            (RawArg::Text(rest[1..end].to_string()), rest[end + 1..].trim_start())
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            (RawArg::Number(rest[..end].trim().parse().ok()?), &rest[end..])
        };
        args.push(arg);
        match after.strip_prefix(',') {
            Some(next) => rest = next.trim_start(),
            None if after.trim().is_empty() => return Some(args),
            None => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_has_no_expressions() {
        let t = Template::parse("/groups").unwrap();
        assert!(matches!(t.parts.as_slice(), [Part::Text(text)] if text == "/groups"));
        assert!(t.sole_expr().is_none());
    }

    #[test]
    fn variables_and_text_mix() {
        let t = Template::parse("/xms/v1/{{ service_plan_id }}/groups/{{group_id}}").unwrap();
        assert_eq!(t.vars().collect::<Vec<_>>(), ["service_plan_id", "group_id"]);
        assert_eq!(t.to_string(), "/xms/v1/{{service_plan_id}}/groups/{{group_id}}");
    }

    #[test]
    fn a_sole_call_keeps_its_type() {
        let t = Template::parse("{{msisdns(10001)}}").unwrap();
        assert_eq!(t.sole_expr(), Some(&Expr::Call(Generator::Msisdns, vec![Arg::Count(10001)])));
        let t = Template::parse("{{ repeat('ab', 3) }}").unwrap();
        assert_eq!(t.sole_expr(), Some(&Expr::Call(Generator::Repeat, vec![Arg::Text("ab".into()), Arg::Count(3)])));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(Template::parse("a {{b").unwrap_err(), TemplateError::Unclosed);
        assert_eq!(Template::parse("{{ }}").unwrap_err(), TemplateError::Empty);
        assert!(matches!(Template::parse("{{nope(1)}}"), Err(TemplateError::UnknownGenerator { .. })));
        assert!(matches!(Template::parse("{{chars()}}"), Err(TemplateError::Arity { expected: 1, got: 0, .. })));
        assert!(matches!(Template::parse("{{chars('x')}}"), Err(TemplateError::BadArg { .. })));
        assert!(matches!(Template::parse("{{a b}}"), Err(TemplateError::BadExpr(_))));
    }
}
