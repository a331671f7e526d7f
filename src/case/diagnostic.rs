//! A problem found in a case or suite file, and its one rendering: `path:line:col: message`, the line, a caret.

use std::fmt;

use super::model::Location;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnostic {
    pub(crate) location: Location,
    pub(crate) message: String,
    /// The source line, for the caret display.
    pub(crate) source_line: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, message: message.into(), source_line: None }
    }

    pub(crate) fn with_source(mut self, source: &str) -> Self {
        self.source_line = source.lines().nth(self.location.line.saturating_sub(1)).map(str::to_string);
        self
    }
}

/// Characters of a source line shown under a diagnostic; a longer line is cut around the caret, so a
/// 10,000-bracket line prints as one screen line.
const SHOWN_CHARS: usize = 100;

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(line) = &self.source_line {
            let number = self.location.line.to_string();
            let pad = " ".repeat(number.len());
            let (shown, caret_column) = window(line, self.location.column);
            let caret_pad: String = shown
                .chars()
                .take(caret_column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{number} | {shown}\n{pad} | {caret_pad}^")?;
        }
        Ok(())
    }
}

/// The part of `line` to show and the caret's column in it: the whole line when short, otherwise
/// [`SHOWN_CHARS`] characters around `column` with `…` where it was cut.
fn window(line: &str, column: usize) -> (String, usize) {
    let count = line.chars().count();
    if count <= SHOWN_CHARS {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(SHOWN_CHARS / 2).min(count - SHOWN_CHARS);
    let mut shown: String = line.chars().skip(start).take(SHOWN_CHARS).collect();
    if start + SHOWN_CHARS < count {
        shown.push('…');
    }
    if start > 0 { (format!("…{shown}"), column - start + 1) } else { (shown, column) }
}

/// Every problem found while loading, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", render_all(.0))]
pub struct LoadErrors(pub(crate) Vec<Diagnostic>);

fn render_all(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.to_string());
        out.push_str("\n\n");
    }
    let n = diagnostics.len();
    out.push_str(&format!("{n} error{} found", if n == 1 { "" } else { "s" }));
    out
}

/// The closest known word, for "did you mean" hints.
pub(crate) fn suggest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, caret) = window(&line, 5001);
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 2);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert_eq!(shown.chars().nth(caret - 1), Some('X'));
        let (shown, caret) = window(&line, 3);
        assert_eq!((shown.chars().nth(caret - 1), shown.starts_with('a')), (Some('a'), true));
        let (shown, caret) = window(&line, 10_001);
        assert_eq!(shown.chars().nth(caret - 1), Some('b'));
        assert!(!shown.ends_with('…'));
        assert_eq!(window("short", 2), ("short".to_string(), 2));
    }
}
