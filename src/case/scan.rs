//! The first pass over a YAML file, before serde_yaml builds values from it: one walk of yaml-rust2's events
//! that records where every node starts (`position.rs`) and refuses what would make loading unbounded or its
//! errors unclear — nesting deeper than [`MAX_DEPTH`], aliases that expand past [`MAX_ALIAS_NODES`] values
//! (the "billion laughs"), a second document, a key written twice in one mapping.
//!
//! Why before serde_yaml: libyaml (under serde_yaml) spends time proportional to the nesting depth on every
//! token, so 100,000 open `[` take minutes, and serde_yaml's own alias limit counts jumps, not the values
//! they copy, so one alias of a large list repeated many times still expands to gigabytes. yaml-rust2 is
//! driven one event at a time here and stops at the first limit.

use fnv::FnvHashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::position::{Builder, PositionIndex};

/// Collections inside collections, counted from the document's root. The deepest bundled case is 12 levels.
pub(crate) const MAX_DEPTH: usize = 100;

/// Values that aliases (`*name`) may add to a file by repeating what their anchor (`&name`) holds.
pub(crate) const MAX_ALIAS_NODES: u64 = 100_000;

/// Something the scan refuses, at a 1-based (line, column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) at: (usize, usize),
    pub(crate) message: String,
}

pub(crate) struct Scan {
    pub(crate) positions: PositionIndex,
    /// Empty when the file is within every limit.
    pub(crate) problems: Vec<Problem>,
    /// The syntax error yaml-rust2 stopped at; serde_yaml then reports it in its own words, unless
    /// [`fallback_problem`] finds a reason not to let serde_yaml read the file.
    pub(crate) syntax_error: Option<Problem>,
}

/// Walks `source` once. Stops at the first limit exceeded; duplicate keys are all collected.
pub(crate) fn scan(source: &str) -> Scan {
    let mut builder = Builder::new(source);
    let mut guard = Guard::default();
    let mut parser = Parser::new_from_str(source);
    let mut syntax_error = None;
    loop {
        match parser.next_token() {
            Ok((Event::StreamEnd, _)) => break,
            Ok((event, mark)) => {
                let at = (mark.line(), mark.col() + 1);
                if guard.on_event(&event, at).is_err() {
                    break;
                }
                builder.on_event(event, mark);
            }
            Err(e) => {
                let at = (e.marker().line(), e.marker().col() + 1);
                syntax_error = Some(Problem { at, message: e.info().to_string() });
                break;
            }
        }
    }
    Scan { positions: builder.finish(), problems: guard.problems, syntax_error }
}

/// The bound for a file yaml-rust2 could not parse (it is stricter than libyaml in places, e.g. a tab after
/// `key:`), which serde_yaml then reads for its message. The scan stopped at the error, so the limits are kept
/// by a look at the text: the nesting of `[` and `{` outside quotes and comments must stay within
/// [`MAX_DEPTH`], and a file that uses aliases (`*name`) gets yaml-rust2's own message, since their expansion
/// was never measured. The count takes brackets in plain text for nesting, which only matters for a file that
/// is broken anyway.
pub(crate) fn fallback_problem(source: &str, syntax: &Problem) -> Option<Problem> {
    let mut depth = 0usize;
    let mut aliases = false;
    for (i, line) in source.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        let mut chars = line.chars().enumerate().peekable();
        while let Some((col, c)) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') if previous.is_whitespace() => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(depth_problem((i + 1, col + 1)));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                (None, '*') if previous.is_whitespace() || "[{,:".contains(previous) => {
                    aliases |= chars.peek().is_some_and(|(_, next)| !next.is_whitespace());
                }
                _ => {}
            }
            previous = c;
        }
    }
    aliases.then(|| syntax.clone())
}

pub(crate) fn depth_problem(at: (usize, usize)) -> Problem {
    Problem { at, message: format!("nesting deeper than {MAX_DEPTH} levels; is a bracket left open?") }
}

pub(crate) fn alias_problem(at: (usize, usize)) -> Problem {
    Problem {
        at,
        message: format!(
            "aliases expand this file by more than {MAX_ALIAS_NODES} values (a YAML alias bomb?); write the \
             values out or use fewer aliases"
        ),
    }
}

/// What aliases of an anchor repeat: its values and how deep it nests.
#[derive(Clone, Copy)]
struct Size {
    nodes: u64,
    height: usize,
}

struct Open {
    anchor: usize,
    /// `nodes` when it opened.
    nodes_before: u64,
    /// Deepest child, in levels below this collection.
    height: usize,
    /// For a mapping: the scalar keys seen, and whether the next node is a key.
    keys: Option<(SeenKeys, bool)>,
}

/// Key identity → where it was first written. FNV: the keys are short, and hashing them with the default
/// SipHash was a visible part of loading.
type SeenKeys = FnvHashMap<String, (usize, usize)>;

#[derive(Default)]
struct Guard {
    open: Vec<Open>,
    anchors: FnvHashMap<usize, Size>,
    /// Every value so far, aliases counted as what they repeat.
    nodes: u64,
    alias_nodes: u64,
    documents: usize,
    problems: Vec<Problem>,
}

/// The scan stops.
struct Stop;

impl Guard {
    fn stop(&mut self, problem: Problem) -> Result<(), Stop> {
        self.problems.push(problem);
        Err(Stop)
    }

    fn on_event(&mut self, event: &Event, at: (usize, usize)) -> Result<(), Stop> {
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return self.stop(Problem {
                        at,
                        message: "a second YAML document starts here; a file holds one document".into(),
                    });
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return self.stop(depth_problem(at));
                }
                self.nodes += 1;
                let keys = matches!(event, Event::MappingStart(..)).then(|| (SeenKeys::default(), true));
                self.open.push(Open { anchor: *anchor, nodes_before: self.nodes - 1, height: 0, keys });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(done) = self.open.pop() {
                    let size = Size { nodes: self.nodes - done.nodes_before, height: done.height + 1 };
                    if done.anchor != 0 {
                        self.anchors.insert(done.anchor, size);
                    }
                    self.child_done(size, None, at);
                }
            }
            Event::Scalar(value, style, anchor, _) => {
                self.nodes += 1;
                let size = Size { nodes: 1, height: 0 };
                if *anchor != 0 {
                    self.anchors.insert(*anchor, size);
                }
                self.child_done(size, Some((value, *style)), at);
            }
            Event::Alias(anchor) => {
                let size = self.anchors.get(anchor).copied().unwrap_or(Size { nodes: 1, height: 0 });
                if self.open.len() + size.height > MAX_DEPTH {
                    return self.stop(depth_problem(at));
                }
                self.nodes = self.nodes.saturating_add(size.nodes);
                self.alias_nodes = self.alias_nodes.saturating_add(size.nodes);
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return self.stop(alias_problem(at));
                }
                self.child_done(size, None, at);
            }
            _ => {}
        }
        Ok(())
    }

    /// A node inside the innermost open collection is complete; `scalar` is its text and style when it is a
    /// scalar.
    fn child_done(&mut self, size: Size, scalar: Option<(&str, TScalarStyle)>, at: (usize, usize)) {
        let Some(parent) = self.open.last_mut() else { return };
        parent.height = parent.height.max(size.height);
        let Some((keys, expecting_key)) = parent.keys.as_mut() else { return };
        let was_key = std::mem::replace(expecting_key, !*expecting_key);
        // Only keys are looked at: most scalars are values, and taking their identity costs an allocation.
        if let (true, Some((text, style))) = (was_key, scalar) {
            let key = Key::of(text, style);
            if let Some(first) = keys.get(&key.identity) {
                let message = format!("duplicate key `{}` (first at line {}, column {})", key.text, first.0, first.1);
                self.problems.push(Problem { at, message });
            } else {
                keys.insert(key.identity, at);
            }
        }
    }
}

/// A scalar mapping key: `a`, `'a'` and `"a"` are the same string, while `1` (a number) and `'1'` (a string)
/// are different keys.
struct Key<'a> {
    text: &'a str,
    identity: String,
}

impl<'a> Key<'a> {
    fn of(text: &'a str, style: TScalarStyle) -> Self {
        let typed = style == TScalarStyle::Plain
            && (text.parse::<f64>().is_ok() || matches!(text, "" | "~" | "null" | "true" | "false"));
        Key { text, identity: format!("{}{text}", if typed { 't' } else { 's' }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(source: &str) -> Vec<(usize, usize, String)> {
        scan(source).problems.into_iter().map(|p| (p.at.0, p.at.1, p.message)).collect()
    }

    #[test]
    fn a_plain_file_is_within_every_limit() {
        let s = scan("cases:\n  - name: a\n    vars: &v {x: 1}\n    other: *v\n");
        assert!(s.problems.is_empty() && s.syntax_error.is_none());
        assert_eq!(s.positions.value("cases[0].name"), (2, 11));
    }

    #[test]
    fn nesting_stops_at_the_limit() {
        let deep = format!("a: {}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(problems(&deep), [(1, 3 + MAX_DEPTH, depth_problem((0, 0)).message)]);
        let within = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(problems(&within).is_empty());
    }

    #[test]
    fn an_alias_counts_as_deep_as_its_anchor() {
        let half = MAX_DEPTH / 2 + 1;
        let source =
            format!("a: &d {}{}\nb: {}*d{}\n", "[".repeat(half), "]".repeat(half), "[".repeat(half), "]".repeat(half));
        let found = problems(&source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1), (2, 4 + half));
    }

    #[test]
    fn aliases_of_a_large_list_are_bounded() {
        let list = vec!["1"; 1000].join(",");
        let aliases = vec!["*a"; 101].join(",");
        let found = problems(&format!("a: &a [{list}]\nb: [{aliases}]\n"));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(found[0].2.contains("alias bomb"), "{found:?}");
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        let found = problems("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n");
        assert_eq!(
            found,
            [
                (4, 3, "duplicate key `c` (first at line 3, column 3)".to_string()),
                (5, 1, "duplicate key `a` (first at line 1, column 1)".to_string())
            ]
        );
    }

    #[test]
    fn a_second_document_is_refused() {
        let found = problems("a: 1\n---\nb: 2\n");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0, found[0].1), (2, 1));
    }

    #[test]
    fn the_fallback_ignores_brackets_in_quotes_and_comments() {
        let syntax = Problem { at: (1, 3), message: "syntax".into() };
        let quoted = format!("a: '{}'\nb: \"{}\" # {}\n", "[".repeat(200), "{".repeat(200), "[".repeat(200));
        assert_eq!(fallback_problem(&quoted, &syntax), None);
        let open = format!("a: {}", "[".repeat(MAX_DEPTH + 1));
        assert_eq!(fallback_problem(&open, &syntax).map(|p| p.at), Some((1, 4 + MAX_DEPTH)));
    }

    #[test]
    fn the_fallback_keeps_aliases_from_serde_yaml() {
        // yaml-rust2 refuses the tab after `a:`, so the scan never measured what `*big` expands to.
        let source = "a:\tb\nbig: &big [1, 2]\nc: [*big, *big]\n";
        let syntax = scan(source).syntax_error.expect("yaml-rust2 refuses the tab");
        assert_eq!(fallback_problem(source, &syntax), Some(syntax.clone()));
        // An asterisk inside text is no alias.
        assert_eq!(fallback_problem("a:\tb\nc: 2*3 and 'x *y'\n", &syntax), None);
    }
}
