//! Where each node of a YAML file starts, by path (`cases[0].steps[2].expect.status`), so errors found after
//! deserialising (undefined variable, missing schema, bad regex) still point at `file:line:col`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver};
use yaml_rust2::scanner::{Marker, TScalarStyle};

#[derive(Debug, Default)]
pub(crate) struct PositionIndex {
    values: HashMap<String, (usize, usize)>,
    keys: HashMap<String, (usize, usize)>,
    /// Plain scalars that YAML may read as null, a boolean or a number, as written (`null`, `~`, `0x10`,
    /// `1.50`): where a string is expected they are read as this text, which the parsed value has lost.
    plain_texts: HashMap<String, String>,
}

impl PositionIndex {
    /// Indexes `source` on its own; the loader builds the index in its one pass over the file (`scan.rs`).
    #[cfg(test)]
    pub(crate) fn build(source: &str) -> Self {
        let mut builder = Builder::new(source);
        let _ = yaml_rust2::parser::Parser::new_from_str(source).load(&mut builder, false);
        builder.finish()
    }

    /// Line and column (1-based) of the value at `path`, or of the nearest ancestor known.
    pub(crate) fn value(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(pos) = self.values.get(p) {
                return *pos;
            }
            match parent(p) {
                Some(up) => p = up,
                None => return (1, 1),
            }
        }
    }

    /// The text of the plain scalar at `path` when YAML may read it as something other than a string.
    pub(crate) fn plain_text(&self, path: &str) -> Option<&str> {
        self.plain_texts.get(path).map(String::as_str)
    }

    /// Line and column of the key naming `path` (falls back to its value).
    pub(crate) fn key(&self, path: &str) -> (usize, usize) {
        self.keys.get(path).copied().unwrap_or_else(|| self.value(path))
    }
}

fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

enum Frame {
    /// `first_key`: no key seen yet.
    Map {
        path: String,
        pending_key: Option<String>,
        first_key: bool,
    },
    Seq {
        path: String,
        next: usize,
    },
}

/// Receives the parser's events in order and records where each node starts.
#[derive(Default)]
pub(crate) struct Builder<'a> {
    /// The source, to find where a node's tag starts (events mark the value after it).
    lines: Vec<&'a str>,
    index: PositionIndex,
    stack: Vec<Frame>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Builder { lines: source.lines().collect(), ..Builder::default() }
    }

    pub(crate) fn finish(self) -> PositionIndex {
        self.index
    }
}

impl Builder<'_> {
    /// The path of the node that starts now, or `None` when it is a mapping key.
    fn enter(&mut self, scalar: Option<&str>, pos: (usize, usize)) -> Option<String> {
        let path = match self.stack.last_mut() {
            None => String::new(),
            Some(Frame::Seq { path, next }) => {
                let p = format!("{path}[{next}]");
                *next += 1;
                p
            }
            Some(Frame::Map { path, pending_key, first_key }) => match pending_key.take() {
                Some(key) => {
                    if path.is_empty() {
                        key
                    } else {
                        format!("{path}.{key}")
                    }
                }
                None => {
                    let key = scalar.unwrap_or("?").to_string();
                    let full = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    self.index.keys.insert(full, pos);
                    // yaml-rust2 marks a block mapping where it recognises it (at its first `:`), so a case or
                    // step would point mid-line; it starts at its first key.
                    if std::mem::take(first_key)
                        && let Some(start) = self.index.values.get_mut(path.as_str())
                    {
                        *start = (*start).min(pos);
                    }
                    *pending_key = Some(key);
                    return None;
                }
            },
        };
        self.index.values.entry(path.clone()).or_insert(pos);
        Some(path)
    }
}

impl Builder<'_> {
    /// A tagged node starts at its tag (`!regex '…'`), which the parser's mark (at the value) leaves out.
    fn tag_start(&self, (line, col): (usize, usize)) -> (usize, usize) {
        let Some(text) = line.checked_sub(1).and_then(|i| self.lines.get(i)) else { return (line, col) };
        let before: String = text.chars().take(col.saturating_sub(1)).collect();
        match before.rfind('!') {
            Some(bang) if before[bang..].split_whitespace().count() <= 1 => (line, before[..bang].chars().count() + 1),
            _ => (line, col),
        }
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let tagged = matches!(
            &ev,
            Event::Scalar(_, _, _, Some(_)) | Event::SequenceStart(_, Some(_)) | Event::MappingStart(_, Some(_))
        );
        let pos = (mark.line(), mark.col() + 1);
        let mark = if tagged { self.tag_start(pos) } else { pos };
        match ev {
            Event::Scalar(value, style, ..) => {
                if let Some(path) = self.enter(Some(&value), mark)
                    && style == TScalarStyle::Plain
                    && may_not_be_a_string(&value)
                {
                    self.index.plain_texts.insert(path, value);
                }
            }
            Event::Alias(_) => {
                self.enter(None, mark);
            }
            Event::SequenceStart(..) => {
                let path = self.enter(None, mark).unwrap_or_default();
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingStart(..) => {
                let path = self.enter(None, mark).unwrap_or_default();
                self.stack.push(Frame::Map { path, pending_key: None, first_key: true });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// Whether YAML may read a plain scalar as null, a boolean or a number; a few strings are let in too (`-x`,
/// `.git`), which costs only their room in the index.
fn may_not_be_a_string(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        || text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_point_at_values_and_keys() {
        let src = "cases:\n  - name: a\n    steps:\n      - request: {method: GET, path: /x}\n        expect:\n          status: 200\n";
        let index = PositionIndex::build(src);
        assert_eq!(index.value("cases[0].name"), (2, 11));
        assert_eq!(index.key("cases[0].steps[0].expect.status"), (6, 11));
        assert_eq!(index.value("cases[0].steps[0].expect.status"), (6, 19));
        assert_eq!(index.value("cases[0].steps[0].request.path"), (4, 38));
        // Block mappings start at their first key, flow mappings at their `{`.
        assert_eq!(index.value("cases[0]"), (2, 5));
        assert_eq!(index.value("cases[0].steps[0]"), (4, 9));
        assert_eq!(index.value("cases[0].steps[0].expect"), (6, 11));
        assert_eq!(index.value("cases[0].steps[0].request"), (4, 18));
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(index.value("cases[0].steps[0].expect.body.x"), index.value("cases[0].steps[0].expect"));
    }

    #[test]
    fn plain_scalars_that_may_not_be_strings_keep_their_text() {
        let index = PositionIndex::build("a: [null, ~, 1.50, 0x10, True, x, '1', -5]\nb:\n");
        let texts: Vec<Option<&str>> = (0..8).map(|i| index.plain_text(&format!("a[{i}]"))).collect();
        assert_eq!(texts, [Some("null"), Some("~"), Some("1.50"), Some("0x10"), Some("True"), None, None, Some("-5")]);
        assert_eq!(index.plain_text("b"), Some(""));
    }
}

#[cfg(test)]
mod tag_tests {
    use super::*;

    #[test]
    fn a_tagged_node_starts_at_its_tag() {
        let src = "body:\n  name: !regx '^a'\n  list: [1, !absent ]\n  plain: 'x'\n";
        let index = PositionIndex::build(src);
        assert_eq!(index.value("body.name"), (2, 9));
        assert_eq!(index.value("body.list[1]"), (3, 13));
        assert_eq!(index.value("body.plain"), (4, 10));
    }
}
