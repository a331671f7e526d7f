//! Reading one YAML file of a suite: its bytes into text within the limits, the scan (positions, bounds), one
//! parse by serde_yaml into a tree, then the raw structs out of the tree (`tree.rs`) with every format error
//! at its own `file:line:col`. A case file is read case by case, so one broken case leaves the others to
//! validation. The loader parses and deserialises with serde_yaml only here and in `tree.rs` (elsewhere it uses
//! only its `Value` type), so a maintained fork can replace it in one place.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml::Value;

use super::diagnostic::Diagnostic;
use super::load::location;
use super::model::Catalogue;
use super::position::PositionIndex;
use super::raw::{RawCase, RawCaseFile, RawSuite};
use super::scan;
use super::tree::{FormatErrors, Skipped, address, read_all};
use super::value::join_path;

/// A YAML file read and deserialised, with its source and position index kept for later diagnostics.
pub(super) struct Parsed<T> {
    pub(super) path: PathBuf,
    pub(super) source: String,
    pub(super) positions: PositionIndex,
    pub(super) value: T,
}

impl<T> Parsed<T> {
    pub(super) fn at_value(&self, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(location(&self.path, self.positions.value(yaml_path)), message).with_source(&self.source)
    }

    pub(super) fn at_key(&self, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(location(&self.path, self.positions.key(yaml_path)), message).with_source(&self.source)
    }
}

/// Case files, suite files and requirement catalogues larger than this are refused unread: the largest bundled
/// file is 41 KB, and a file of this size already takes about a second to load. A suite folder takes any
/// number of files.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// What a kind of YAML file must hold, for the message about an empty one.
pub(super) trait YamlFile: DeserializeOwned {
    /// `a \`cases:\` list`
    const NEEDS: &'static str;
}

impl YamlFile for RawSuite {
    const NEEDS: &'static str = "";
}

impl YamlFile for RawCaseFile {
    const NEEDS: &'static str = "a `cases:` list";
}

impl YamlFile for Catalogue {
    const NEEDS: &'static str = "`suite:`, `title:` and a `requirements:` list";
}

/// Format errors listed for one file at most: a file that is wrong throughout (a generated file in the wrong
/// shape) says so in a screenful, and each error costs at most one more reading of the part it is in.
pub(crate) const MAX_FORMAT_ERRORS: usize = 100;

/// A file's text and its parsed tree, with the positions of its nodes.
struct ParsedTree {
    path: PathBuf,
    source: String,
    positions: PositionIndex,
    root: Value,
}

impl ParsedTree {
    fn parsed<T>(self, value: T) -> Parsed<T> {
        Parsed { path: self.path, source: self.source, positions: self.positions, value }
    }

    /// One diagnostic for each format error, at the key or value it is about.
    fn diagnostics(&self, found: FormatErrors, out: &mut Vec<Diagnostic>) {
        for error in &found.errors {
            let at = match error.key() {
                Some(key) => self.positions.key(&join_path(error.path(), key)),
                None => self.positions.value(error.path()),
            };
            out.push(Diagnostic::new(location(&self.path, at), error.to_string()).with_source(&self.source));
        }
        if found.stopped {
            let at = out.last().map_or((1, 1), |d| (d.location.line, d.location.column));
            let message = format!("more than {MAX_FORMAT_ERRORS} errors in this file; the rest are not listed");
            out.push(Diagnostic::new(location(&self.path, at), message));
        }
    }
}

/// Reads a suite file or a requirement catalogue whole, with all of its format errors.
pub(super) fn parse_file<T: YamlFile>(path: &Path) -> Result<Parsed<T>, Vec<Diagnostic>> {
    let tree = parse_tree::<T>(path)?;
    let mut budget = MAX_FORMAT_ERRORS;
    match read_all::<T>(&tree.root, "", &tree.positions, Skipped::new(), &mut budget) {
        Ok(value) => Ok(tree.parsed(value)),
        Err(found) => {
            let mut diagnostics = Vec::new();
            tree.diagnostics(found, &mut diagnostics);
            Err(diagnostics)
        }
    }
}

/// The cases of a case file that have no format error, each with its index in the file (`cases[i]`), which
/// validation names them by.
pub(super) struct WellFormedCases(pub(super) Vec<(usize, RawCase)>);

/// Reads a case file case by case: the format errors of every case and of the file's own keys, and the cases
/// without one, to be validated. `None` when the file has no tree (unreadable, a syntax error, a limit).
pub(super) fn parse_case_file(path: &Path) -> (Option<Parsed<WellFormedCases>>, Vec<Diagnostic>) {
    let tree = match parse_tree::<RawCaseFile>(path) {
        Ok(tree) => tree,
        Err(diagnostics) => return (None, diagnostics),
    };
    let mut diagnostics = Vec::new();
    let mut budget = MAX_FORMAT_ERRORS;
    let case_nodes: &[Value] = tree.root.get("cases").and_then(Value::as_sequence).map_or(&[], Vec::as_slice);
    // The file's own keys first, with the cases left out: each case is read on its own below.
    let cases_left_out: Skipped = case_nodes.iter().map(address).collect();
    let mut stopped = false;
    if let Err(found) = read_all::<RawCaseFile>(&tree.root, "", &tree.positions, cases_left_out, &mut budget) {
        stopped = found.stopped;
        tree.diagnostics(found, &mut diagnostics);
    }
    let mut cases = Vec::new();
    for (index, node) in case_nodes.iter().enumerate() {
        if stopped {
            break;
        }
        match read_all::<RawCase>(node, &format!("cases[{index}]"), &tree.positions, Skipped::new(), &mut budget) {
            Ok(case) => cases.push((index, case)),
            Err(found) => {
                stopped = found.stopped;
                tree.diagnostics(found, &mut diagnostics);
            }
        }
    }
    (Some(tree.parsed(WellFormedCases(cases))), diagnostics)
}

/// The file read, checked against the limits and parsed into a tree. Every file first passes the checks of
/// `read_text` and `scan.rs`, so serde_yaml only ever sees text within the loader's limits.
fn parse_tree<T: YamlFile>(path: &Path) -> Result<ParsedTree, Vec<Diagnostic>> {
    let source = read_text(path).map_err(|d| vec![d])?;
    let at = |(line, column), message: String| Diagnostic::new(location(path, (line, column)), message);
    if !T::NEEDS.is_empty()
        && let Some(what) = blank(&source)
    {
        return Err(vec![at((1, 1), format!("the file {what}; it needs {}", T::NEEDS))]);
    }
    let scan = scan::scan(&source);
    let mut problems = scan.problems;
    if let Some(syntax) = &scan.syntax_error
        && let Some(p) = scan::fallback_problem(&source, syntax)
    {
        problems.push(p);
    }
    if !problems.is_empty() {
        return Err(problems.into_iter().map(|p| at(p.at, p.message).with_source(&source)).collect());
    }
    match serde_yaml::from_str::<Value>(&source) {
        Ok(root) => Ok(ParsedTree { path: path.to_path_buf(), positions: scan.positions, source, root }),
        Err(e) => {
            let pos = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
            Err(vec![at(pos, serde_message(&e, pos, &source)).with_source(&source)])
        }
    }
}

/// The first problem of a YAML document that is not a case file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A YAML document of another kind than the suite's own files (a baseline, a targets file) read into `T`: the
/// same limits (depth, aliases, one document) and the same parser as case files, so serde_yaml is called in
/// this module only and a hostile file is refused in bounded time and memory. Only the first problem is
/// given: these files are short and written by the tool or by hand once.
pub fn read_document<T: DeserializeOwned>(text: &str) -> Result<T, DocumentError> {
    let problem = |(line, column): (usize, usize), message: String| DocumentError { line, column, message };
    let scan = scan::scan(text);
    if let Some(p) = scan.problems.into_iter().next() {
        return Err(problem(p.at, p.message));
    }
    if let Some(syntax) = &scan.syntax_error
        && let Some(p) = scan::fallback_problem(text, syntax)
    {
        return Err(problem(p.at, p.message));
    }
    serde_yaml::from_str(text).map_err(|e| {
        let pos = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        problem(pos, serde_message(&e, pos, text))
    })
}

/// serde_yaml's message in the loader's words where its own is unclear.
fn serde_message(e: &serde_yaml::Error, pos: (usize, usize), source: &str) -> String {
    let message = e.to_string();
    // What `scan.rs` refuses first; serde_yaml's own limits stay as a second line of defence.
    if message.starts_with("recursion limit exceeded") {
        return scan::depth_problem(pos).message;
    }
    if message.starts_with("repetition limit exceeded") {
        return scan::alias_problem(pos).message;
    }
    let culprit = source.lines().nth(pos.0.saturating_sub(1)).and_then(|l| l.chars().nth(pos.1.saturating_sub(1)));
    if culprit == Some('\t') && message.starts_with("found character that cannot start any token") {
        return "a tab character here; YAML indents with spaces only".into();
    }
    // serde_yaml puts " at line L column C" (the error's own position) in the message; it is printed in front
    // instead. Only that one goes: a syntax error's context ("while parsing a flow mapping at line 4 column
    // 18") keeps its position, which is where the unclosed `{` is.
    message.replacen(&format!(" at line {} column {}", pos.0, pos.1), "", 1)
}

/// `is empty` or `holds only comments` when the file has no YAML node at all.
fn blank(source: &str) -> Option<&'static str> {
    let mut comments = false;
    for line in source.lines().map(str::trim) {
        match line {
            "" | "---" | "..." => {}
            l if l.starts_with('#') => comments = true,
            _ => return None,
        }
    }
    Some(if comments { "holds only comments" } else { "is empty" })
}

/// The file's text: at most [`MAX_FILE_BYTES`], UTF-8 (a UTF-8 byte order mark is dropped, as editors do).
fn read_text(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let cannot_read = |e: std::io::Error| Diagnostic::new(location(path, (1, 1)), format!("cannot read file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let too_large = |size: u64| {
        Diagnostic::new(
            location(path, (1, 1)),
            format!(
                "the file is {}, larger than the {} a case, suite or catalogue file may be; split it into several files",
                human_size(size),
                human_size(MAX_FILE_BYTES)
            ),
        )
    };
    if let Ok(meta) = file.metadata()
        && meta.len() > MAX_FILE_BYTES
    {
        return Err(too_large(meta.len()));
    }
    // The size can change between the look and the read (a file being written): never read past the limit.
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Diagnostic::new(
            location(path, (1, 1)),
            "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        Diagnostic::new(
            location(path, (line, column)),
            format!("byte 0x{:02X} is not UTF-8; case files are UTF-8 text", bytes[valid]),
        )
        .with_source(&String::from_utf8_lossy(bytes))
    })
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}
