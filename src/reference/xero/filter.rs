//! The `where` query language of Xero's GET endpoints: a small recursive-descent parser and its evaluator.
//!
//! Grammar (keywords and field names are case-insensitive, as in Xero's Dynamic-LINQ filters):
//! ```text
//! or        := and (("OR" | "||") and)*
//! and       := unary (("AND" | "&&") unary)*
//! unary     := ("NOT" | "!") unary | primary
//! primary   := "(" or ")" | FIELD "." METHOD "(" STRING ")" | FIELD ("==" | "=" | "!=" | "<>") literal
//! literal   := STRING | ("GUID" | "Guid") "(" STRING ")" | "true" | "false" | "null"
//! METHOD    := "Contains" | "StartsWith" | "EndsWith"
//! ```
//! Text comparisons ignore case, because Xero's store compares with a case-insensitive collation.

use uuid::Uuid;

/// Why a `where` clause was rejected; rendered into the 400 body's `Message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FilterError {
    #[error("unexpected character '{found}' at position {at}")]
    UnexpectedChar { found: char, at: usize },
    #[error("unterminated string starting at position {0}")]
    UnterminatedString(usize),
    #[error("expected {expected} at position {at}, found {found}")]
    Expected { expected: &'static str, found: String, at: usize },
    #[error("no property or field '{0}' exists")]
    UnknownField(String),
    #[error("no applicable method '{0}' exists")]
    UnknownMethod(String),
    #[error("'{0}' is not a valid GUID")]
    InvalidGuid(String),
}

/// A parsed `where` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `field == value`, or `field != value` when `negated`. `None` is the `null` literal.
    Compare {
        field: &'static str,
        negated: bool,
        value: Option<String>,
    },
    Call {
        field: &'static str,
        method: Method,
        arg: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Contains,
    StartsWith,
    EndsWith,
}

/// Something a filter can be evaluated against: each field as text (GUIDs hyphenated), `None` when absent.
pub(crate) trait Record {
    fn field(&self, name: &str) -> Option<String>;
}

/// Parses `input`; field names must be among `fields` (canonical spelling, matched case-insensitively).
pub(crate) fn parse(input: &str, fields: &[&'static str]) -> Result<Expr, FilterError> {
    let tokens = tokenize(input)?;
    let mut parser = Parser { tokens, pos: 0, fields };
    let expr = parser.or()?;
    match parser.peek() {
        (Token::End, _) => Ok(expr),
        (token, at) => Err(FilterError::Expected { expected: "end of expression", found: token.describe(), at }),
    }
}

impl Expr {
    pub(crate) fn matches(&self, record: &dyn Record) -> bool {
        match self {
            Expr::And(a, b) => a.matches(record) && b.matches(record),
            Expr::Or(a, b) => a.matches(record) || b.matches(record),
            Expr::Not(inner) => !inner.matches(record),
            Expr::Compare { field, negated, value } => {
                let actual = record.field(field).map(|v| v.to_lowercase());
                let expected = value.as_ref().map(|v| v.to_lowercase());
                (actual == expected) != *negated
            }
            Expr::Call { field, method, arg } => {
                let Some(actual) = record.field(field) else { return false };
                let (actual, arg) = (actual.to_lowercase(), arg.to_lowercase());
                match method {
                    Method::Contains => actual.contains(&arg),
                    Method::StartsWith => actual.starts_with(&arg),
                    Method::EndsWith => actual.ends_with(&arg),
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    LParen,
    RParen,
    Dot,
    Eq,
    NotEq,
    And,
    Or,
    Not,
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::Ident(name) => format!("'{name}'"),
            Token::Str(text) => format!("string \"{text}\""),
            Token::LParen => "'('".into(),
            Token::RParen => "')'".into(),
            Token::Dot => "'.'".into(),
            Token::Eq => "'=='".into(),
            Token::NotEq => "'!='".into(),
            Token::And => "'AND'".into(),
            Token::Or => "'OR'".into(),
            Token::Not => "'NOT'".into(),
            Token::End => "end of expression".into(),
        }
    }
}

/// Splits `input` into tokens, each with its character position (for messages).
fn tokenize(input: &str) -> Result<Vec<(Token, usize)>, FilterError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let start = i;
        let token = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('(', _) => Token::LParen,
            (')', _) => Token::RParen,
            ('.', _) => Token::Dot,
            ('=', Some('=')) | ('!', Some('=')) | ('<', Some('>')) | ('&', Some('&')) | ('|', Some('|')) => {
                i += 1;
                match c {
                    '=' => Token::Eq,
                    '&' => Token::And,
                    '|' => Token::Or,
                    _ => Token::NotEq,
                }
            }
            ('=', _) => Token::Eq,
            ('!', _) => Token::Not,
            ('"', _) => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(FilterError::UnterminatedString(start)),
                        Some('"') => break,
                        Some('\\') if i + 1 < chars.len() => {
                            text.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&ch) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                Token::Str(text)
            }
            (c, _) if c.is_alphabetic() || c == '_' => {
                while chars.get(i + 1).is_some_and(|ch| ch.is_alphanumeric() || *ch == '_') {
                    i += 1;
                }
                let word: String = chars[start..=i].iter().collect();
                match word.to_ascii_uppercase().as_str() {
                    "AND" => Token::And,
                    "OR" => Token::Or,
                    "NOT" => Token::Not,
                    _ => Token::Ident(word),
                }
            }
            (found, _) => return Err(FilterError::UnexpectedChar { found, at: start }),
        };
        tokens.push((token, start));
        i += 1;
    }
    tokens.push((Token::End, chars.len()));
    Ok(tokens)
}

struct Parser<'f> {
    tokens: Vec<(Token, usize)>,
    pos: usize,
    fields: &'f [&'static str],
}

impl Parser<'_> {
    fn peek(&self) -> (Token, usize) {
        // The token list always ends with `End`, so clamping keeps us on it.
        let index = self.pos.min(self.tokens.len().saturating_sub(1));
        self.tokens.get(index).cloned().unwrap_or((Token::End, 0))
    }

    fn advance(&mut self) -> (Token, usize) {
        let token = self.peek();
        if token.0 != Token::End {
            self.pos += 1;
        }
        token
    }

    fn expect(&mut self, wanted: Token, expected: &'static str) -> Result<(), FilterError> {
        match self.advance() {
            (token, _) if token == wanted => Ok(()),
            (token, at) => Err(FilterError::Expected { expected, found: token.describe(), at }),
        }
    }

    fn or(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.and()?;
        while self.peek().0 == Token::Or {
            self.advance();
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.peek().0 == Token::And {
            self.advance();
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.peek().0 == Token::Not {
            self.advance();
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        match self.advance() {
            (Token::LParen, _) => {
                let inner = self.or()?;
                self.expect(Token::RParen, "')'")?;
                Ok(inner)
            }
            (Token::Ident(name), _) => {
                let field = self.field(&name)?;
                self.predicate(field)
            }
            (token, at) => Err(FilterError::Expected { expected: "a field name or '('", found: token.describe(), at }),
        }
    }

    fn field(&self, name: &str) -> Result<&'static str, FilterError> {
        self.fields
            .iter()
            .copied()
            .find(|f| f.eq_ignore_ascii_case(name))
            .ok_or_else(|| FilterError::UnknownField(name.to_string()))
    }

    fn predicate(&mut self, field: &'static str) -> Result<Expr, FilterError> {
        match self.advance() {
            (Token::Dot, _) => {
                let method = match self.advance() {
                    (Token::Ident(name), _) => match name.to_ascii_lowercase().as_str() {
                        "contains" => Method::Contains,
                        "startswith" => Method::StartsWith,
                        "endswith" => Method::EndsWith,
                        _ => return Err(FilterError::UnknownMethod(name)),
                    },
                    (token, at) => {
                        return Err(FilterError::Expected { expected: "a method name", found: token.describe(), at });
                    }
                };
                self.expect(Token::LParen, "'('")?;
                let arg = self.string()?;
                self.expect(Token::RParen, "')'")?;
                Ok(Expr::Call { field, method, arg })
            }
            (Token::Eq, _) => Ok(Expr::Compare { field, negated: false, value: self.literal()? }),
            (Token::NotEq, _) => Ok(Expr::Compare { field, negated: true, value: self.literal()? }),
            (token, at) => {
                Err(FilterError::Expected { expected: "'==', '!=' or a method call", found: token.describe(), at })
            }
        }
    }

    fn string(&mut self) -> Result<String, FilterError> {
        match self.advance() {
            (Token::Str(text), _) => Ok(text),
            (token, at) => Err(FilterError::Expected { expected: "a quoted string", found: token.describe(), at }),
        }
    }

    fn literal(&mut self) -> Result<Option<String>, FilterError> {
        match self.advance() {
            (Token::Str(text), _) => Ok(Some(text)),
            (Token::Ident(word), at) => match word.to_ascii_lowercase().as_str() {
                "guid" => {
                    self.expect(Token::LParen, "'('")?;
                    let text = self.string()?;
                    self.expect(Token::RParen, "')'")?;
                    let guid = Uuid::parse_str(text.trim()).map_err(|_| FilterError::InvalidGuid(text))?;
                    Ok(Some(guid.hyphenated().to_string()))
                }
                "true" | "false" => Ok(Some(word.to_ascii_lowercase())),
                "null" => Ok(None),
                _ => Err(FilterError::Expected { expected: "a value", found: format!("'{word}'"), at }),
            },
            (token, at) => Err(FilterError::Expected { expected: "a value", found: token.describe(), at }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const FIELDS: &[&str] = &["Name", "Status", "ContactGroupID"];

    struct Row(HashMap<&'static str, &'static str>);

    impl Record for Row {
        fn field(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|v| v.to_string())
        }
    }

    fn row(name: &'static str, status: &'static str, id: &'static str) -> Row {
        Row(HashMap::from([("Name", name), ("Status", status), ("ContactGroupID", id)]))
    }

    fn vips() -> Row {
        row("VIPs", "ACTIVE", "d7a86b80-8dac-4d89-a334-9dcf5753676c")
    }

    fn eval(clause: &str) -> bool {
        parse(clause, FIELDS).expect("parses").matches(&vips())
    }

    #[test]
    fn equality_and_inequality() {
        assert!(eval(r#"Name=="VIPs""#));
        assert!(eval(r#"  Name == "vips"  "#));
        assert!(!eval(r#"Name!="VIPs""#));
        assert!(eval(r#"Name<>"Other""#));
        assert!(eval(r#"Status="ACTIVE""#));
        assert!(!eval(r#"Name==null"#));
    }

    #[test]
    fn guid_literals_in_both_spellings() {
        assert!(eval(r#"ContactGroupID==GUID("d7a86b80-8dac-4d89-a334-9dcf5753676c")"#));
        assert!(eval(r#"ContactGroupID==Guid("D7A86B80-8DAC-4D89-A334-9DCF5753676C")"#));
        assert!(!eval(r#"ContactGroupID==Guid("00000000-0000-0000-0000-000000000000")"#));
        assert_eq!(parse(r#"ContactGroupID==GUID("nope")"#, FIELDS), Err(FilterError::InvalidGuid("nope".into())));
    }

    #[test]
    fn string_methods() {
        assert!(eval(r#"Name.Contains("IP")"#));
        assert!(eval(r#"Name.StartsWith("v")"#));
        assert!(eval(r#"Name.EndsWith("Ps")"#));
        assert!(!eval(r#"Name.StartsWith("X")"#));
    }

    #[test]
    fn boolean_operators_and_precedence() {
        assert!(eval(r#"Name=="x" OR Name=="VIPs""#));
        assert!(eval(r#"Name=="x" || Status=="ACTIVE" && Name.Contains("V")"#));
        assert!(!eval(r#"(Name=="x" || Status=="ACTIVE") && Name.Contains("Z")"#));
        assert!(eval(r#"Name=="VIPs" and status=="active""#));
        assert!(!eval(r#"NOT Name=="VIPs""#));
        assert!(eval(r#"!(Name=="x")"#));
    }

    #[test]
    fn escaped_quotes_inside_strings() {
        let expr = parse(r#"Name=="say \"hi\"""#, FIELDS).expect("parses");
        assert_eq!(expr, Expr::Compare { field: "Name", negated: false, value: Some("say \"hi\"".into()) });
    }

    #[test]
    fn rejects_malformed_clauses() {
        let cases = [
            r#"Name=="VIPs"#,
            r#"Name=="#,
            r#"Name"#,
            r#"(Name=="a""#,
            r#"Name=="a" Name=="b""#,
            r#"Name > "a""#,
            r#"Name.Foo("a")"#,
            r#"Colour=="red""#,
            r#"Name=="a" AND"#,
            r#"Name==VIPs"#,
            "",
        ];
        for clause in cases {
            assert!(parse(clause, FIELDS).is_err(), "{clause:?} should not parse");
        }
        assert_eq!(parse(r#"Colour=="red""#, FIELDS), Err(FilterError::UnknownField("Colour".into())));
        assert_eq!(
            parse(r#"Name=="a" )"#, FIELDS).map_err(|e| e.to_string()),
            Err("expected end of expression at position 10, found ')'".into())
        );
    }
}
