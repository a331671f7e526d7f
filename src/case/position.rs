//! Where each node of a YAML file starts, by path (`cases[0].steps[2].expect.status`), so errors found after
//! deserialising (undefined variable, missing schema, bad regex) still point at `file:line:col`.

use yaml_rust2::parser::{Event, MarkedEventReceiver};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Line and column, 1-based.
type Position = (usize, usize);

/// The file's nodes as a tree, each with where it starts (and where its key starts, inside a mapping).
///
/// A tree rather than a map from path strings: the index is built for every file loaded and looked up only a
/// few times per step, so building it must cost no more than the parse. Formatting and hashing a path string
/// for every node of a 10,000-case suite took as long as parsing the YAML twice.
#[derive(Debug)]
pub(crate) struct PositionIndex {
    nodes: Vec<Node>,
    /// Plain scalars that YAML may read as null, a boolean or a number, as written (`null`, `~`, `0x10`,
    /// `1.50`), by node: where a string is expected they are read as this text, which the parsed value has
    /// lost. In node order (nodes are numbered as they come), for a binary search.
    plain_texts: Vec<(usize, Box<str>)>,
}

#[derive(Debug)]
struct Node {
    at: Position,
    /// Where the key naming this node starts, for a mapping's value.
    key_at: Option<Position>,
    children: Children,
}

#[derive(Debug)]
enum Children {
    None,
    /// Keys in file order, each with its value's node.
    Map(Vec<(Box<str>, usize)>),
    Seq(Vec<usize>),
}

impl Default for PositionIndex {
    fn default() -> Self {
        // Node 0 holds the document; an empty file has nothing else.
        PositionIndex {
            nodes: vec![Node { at: (1, 1), key_at: None, children: Children::None }],
            plain_texts: Vec::new(),
        }
    }
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
        let (node, _) = self.walk(path);
        self.nodes[node].at
    }

    /// The text of the plain scalar at `path` when YAML may read it as something other than a string.
    pub(crate) fn plain_text(&self, path: &str) -> Option<&str> {
        let (node, true) = self.walk(path) else { return None };
        let at = self.plain_texts.binary_search_by_key(&node, |(n, _)| *n).ok()?;
        Some(&self.plain_texts[at].1)
    }

    /// Line and column of the key naming `path` (falls back to its value).
    pub(crate) fn key(&self, path: &str) -> (usize, usize) {
        match self.walk(path) {
            (node, true) => self.nodes[node].key_at.unwrap_or(self.nodes[node].at),
            (node, false) => self.nodes[node].at,
        }
    }

    /// The node at `path` (`cases[0].steps[2].expect`), or its nearest ancestor in the file; and whether the
    /// whole path was found.
    fn walk(&self, path: &str) -> (usize, bool) {
        // The document node holds the root value (the top-level mapping) as its first child.
        let Children::Seq(root) = &self.nodes[0].children else { return (0, path.is_empty()) };
        let Some(&(mut node)) = root.first() else { return (0, path.is_empty()) };
        let mut rest = path;
        while !rest.is_empty() {
            let next = match (&self.nodes[node].children, rest.strip_prefix('[')) {
                (Children::Seq(items), Some(inner)) => {
                    let Some((number, after)) = inner.split_once(']') else { break };
                    let Some(&child) = number.parse::<usize>().ok().and_then(|i| items.get(i)) else { break };
                    rest = after;
                    child
                }
                (Children::Map(entries), None) => {
                    let tail = rest.strip_prefix('.').unwrap_or(rest);
                    // A key may itself hold `.` or `[` (a header or body field name): the longest key that
                    // ends where a path segment can end is the one meant.
                    let found = entries
                        .iter()
                        .filter(|(key, _)| {
                            tail.strip_prefix(&**key).is_some_and(|after| {
                                after.is_empty() || after.starts_with('.') || after.starts_with('[')
                            })
                        })
                        .max_by_key(|(key, _)| key.len());
                    let Some((key, child)) = found else { break };
                    rest = &tail[key.len()..];
                    *child
                }
                _ => break,
            };
            node = next;
        }
        (node, rest.is_empty())
    }
}

/// One open collection while the parser's events come in.
enum Frame {
    /// `pending_key`: the key (and where it starts) whose value comes next; `first_key`: no key seen yet.
    Map {
        node: usize,
        pending_key: Option<(Box<str>, Position)>,
        first_key: bool,
    },
    Seq {
        node: usize,
    },
}

/// Receives the parser's events in order and records where each node starts.
pub(crate) struct Builder<'a> {
    /// The source, to find where a node's tag starts (events mark the value after it).
    lines: Vec<&'a str>,
    index: PositionIndex,
    stack: Vec<Frame>,
}

impl<'a> Builder<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        let mut index = PositionIndex::default();
        index.nodes[0].children = Children::Seq(Vec::new());
        Builder { lines: source.lines().collect(), index, stack: vec![Frame::Seq { node: 0 }] }
    }

    pub(crate) fn finish(self) -> PositionIndex {
        self.index
    }
}

impl Builder<'_> {
    /// A node starts at `pos`: added under the open collection, and its id returned. A scalar that is a
    /// mapping key gets no node (it is remembered until its value comes): the id is then `None`. A collection
    /// used as a key gets a node outside the tree, so its own contents have somewhere to go.
    fn enter(&mut self, scalar: Option<&str>, pos: Position, children: Children) -> Option<usize> {
        let id = self.index.nodes.len();
        let mut node = Node { at: pos, key_at: None, children };
        match self.stack.last_mut() {
            None => {}
            Some(Frame::Seq { node: parent }) => {
                if let Children::Seq(items) = &mut self.index.nodes[*parent].children {
                    items.push(id);
                }
            }
            Some(Frame::Map { node: parent, pending_key, first_key }) => match pending_key.take() {
                Some((key, key_at)) => {
                    if let Children::Map(entries) = &mut self.index.nodes[*parent].children {
                        entries.push((key, id));
                    }
                    node.key_at = Some(key_at);
                }
                None => {
                    // yaml-rust2 marks a block mapping where it recognises it (at its first `:`), so a case or
                    // step would point mid-line; it starts at its first key.
                    if std::mem::take(first_key) {
                        let start = &mut self.index.nodes[*parent].at;
                        *start = (*start).min(pos);
                    }
                    *pending_key = Some((scalar.unwrap_or("?").into(), pos));
                    if matches!(node.children, Children::None) {
                        return None;
                    }
                }
            },
        }
        self.index.nodes.push(node);
        Some(id)
    }
}

impl Builder<'_> {
    /// A tagged node starts at its tag (`!regex '…'`), which the parser's mark (at the value) leaves out.
    fn tag_start(&self, (line, col): Position) -> Position {
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
                if let Some(node) = self.enter(Some(&value), mark, Children::None)
                    && style == TScalarStyle::Plain
                    && may_not_be_a_string(&value)
                {
                    self.index.plain_texts.push((node, value.into()));
                }
            }
            Event::Alias(_) => {
                self.enter(None, mark, Children::None);
            }
            Event::SequenceStart(..) => {
                let Some(node) = self.enter(None, mark, Children::Seq(Vec::new())) else { return };
                self.stack.push(Frame::Seq { node });
            }
            Event::MappingStart(..) => {
                let Some(node) = self.enter(None, mark, Children::Map(Vec::new())) else { return };
                self.stack.push(Frame::Map { node, pending_key: None, first_key: true });
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
        assert_eq!(index.value("cases[3]"), index.value("cases"));
        assert_eq!(index.key("cases[0].nope"), index.value("cases[0]"));
    }

    #[test]
    fn keys_may_hold_dots_and_brackets() {
        let src = "headers:\n  x.request.id: a\n  x: b\n  list[0]: c\nbody:\n  a.b: {c: 1}\n";
        let index = PositionIndex::build(src);
        assert_eq!(index.value("headers.x.request.id"), (2, 17));
        assert_eq!(index.key("headers.x.request.id"), (2, 3));
        assert_eq!(index.value("headers.x"), (3, 6));
        assert_eq!(index.value("headers.list[0]"), (4, 12));
        assert_eq!(index.value("body.a.b.c"), (6, 12));
    }

    #[test]
    fn collections_as_keys_and_empty_files_are_indexed_without_panic() {
        let index = PositionIndex::build("? [a, b]\n: {c: 1}\nd: 2\n");
        assert_eq!(index.value("d"), (3, 4));
        let empty = PositionIndex::build("");
        assert_eq!(empty.value("cases[0]"), (1, 1));
    }

    #[test]
    fn plain_scalars_that_may_not_be_strings_keep_their_text() {
        let index = PositionIndex::build("a: [null, ~, 1.50, 0x10, True, x, '1', -5]\nb:\n");
        let texts: Vec<Option<&str>> = (0..8).map(|i| index.plain_text(&format!("a[{i}]"))).collect();
        assert_eq!(texts, [Some("null"), Some("~"), Some("1.50"), Some("0x10"), Some("True"), None, None, Some("-5")]);
        assert_eq!(index.plain_text("b"), Some(""));
        assert_eq!(index.plain_text("a[9]"), None);
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
