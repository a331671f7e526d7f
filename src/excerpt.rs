//! Bounded text about bodies: the one place that cuts what conform prints or writes about a response body
//! (failure messages, diffs, reports), so nothing it shows grows with the body a server sends.

use std::borrow::Cow;
use std::io;

/// How much of a body diff (a failure's or a snapshot's) is kept: about 400 lines of pretty-printed JSON. A
/// diff of one wrong member in a 10,000-member group is a few hundred bytes; this keeps readable diffs whole
/// and cuts runaway ones.
pub const DIFF_MAX_BYTES: usize = 16 * 1024;

/// How much of one diff line is kept: a long string in a body (an HTML page served as the body) is one line.
pub const DIFF_LINE_MAX_BYTES: usize = 240;

/// How much of a message that quotes a body (a schema violation names the value) is kept.
pub const MESSAGE_MAX_BYTES: usize = 400;

/// `text` when it is at most `max_bytes` long; otherwise its start (at a character boundary) followed by
/// what was cut: `… [cut: 104,857,600 bytes in all, first 200 shown]`.
pub fn cut(text: &str, max_bytes: usize) -> Cow<'_, str> {
    if text.len() <= max_bytes {
        return Cow::Borrowed(text);
    }
    let end = floor_char_boundary(text, max_bytes);
    Cow::Owned(format!("{}{}", &text[..end], cut_note(text.len(), end)))
}

/// A unified diff, bounded line-wise: each line at most [`DIFF_LINE_MAX_BYTES`], the whole at most about
/// [`DIFF_MAX_BYTES`], cut at a line end with what was left out stated.
pub fn diff(text: &str) -> String {
    let mut out = String::new();
    for (shown_bytes, line) in text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line))
    }) {
        if out.len() >= DIFF_MAX_BYTES {
            out.push_str(&cut_note(text.len(), shown_bytes));
            out.push('\n');
            break;
        }
        let content = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(&cut(content, DIFF_LINE_MAX_BYTES));
        out.push('\n');
    }
    out
}

/// Whatever `value` displays, at most `max_bytes` of it (then cut as [`cut`] does), written through a counting
/// sink so that a message quoting a huge value is never held whole.
pub fn display(value: &dyn std::fmt::Display, max_bytes: usize) -> String {
    let mut sink = Head { kept: Vec::new(), max: max_bytes, total: 0 };
    let _ = io::Write::write_fmt(&mut sink, format_args!("{value}"));
    sink.finish()
}

fn floor_char_boundary(text: &str, max: usize) -> usize {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// A JSON value as compact text, at most `max_bytes` of it (then cut as [`cut`] does). The value is written
/// through a counting sink, never held whole as text, so a huge body costs no memory here.
pub fn json(value: &serde_json::Value, max_bytes: usize) -> String {
    let mut sink = Head { kept: Vec::new(), max: max_bytes, total: 0 };
    // Writing to memory cannot fail.
    let _ = serde_json::to_writer(&mut sink, value);
    sink.finish()
}

/// `12,345,678` — sizes are read by people.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cut_note(total: usize, shown: usize) -> String {
    format!("… [cut: {} bytes in all, first {} shown]", thousands(total as u64), thousands(shown as u64))
}

/// Keeps the first `max` bytes written and counts the rest.
struct Head {
    kept: Vec<u8>,
    max: usize,
    total: usize,
}

impl Head {
    /// What was kept, cut at a character boundary, with the note when more was written.
    fn finish(self) -> String {
        if self.total <= self.max {
            return String::from_utf8_lossy(&self.kept).into_owned();
        }
        let mut end = self.kept.len();
        while end > 0 && std::str::from_utf8(&self.kept[..end]).is_err() {
            end -= 1;
        }
        format!("{}{}", String::from_utf8_lossy(&self.kept[..end]), cut_note(self.total, end))
    }
}

impl io::Write for Head {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = self.max.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&buf[..buf.len().min(room)]);
        self.total += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(cut("hello", 5), "hello");
        assert!(matches!(cut("hello", 5), Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_with_its_size_stated() {
        let text = "x".repeat(1000);
        assert_eq!(cut(&text, 10), format!("{}… [cut: 1,000 bytes in all, first 10 shown]", "x".repeat(10)));
    }

    #[test]
    fn cuts_at_a_character_boundary() {
        let text = "é".repeat(10);
        assert_eq!(cut(&text, 5), "éé… [cut: 20 bytes in all, first 4 shown]");
    }

    #[test]
    fn a_diff_is_cut_line_wise() {
        let short = "--- expected\n+++ actual\n-1\n+2\n";
        assert_eq!(diff(short), short);
        let long_line = format!("+\"{}\"\n", "x".repeat(10_000));
        let shown = diff(&long_line);
        assert!(shown.len() < DIFF_LINE_MAX_BYTES + 100, "{shown}");
        assert!(shown.ends_with("… [cut: 10,003 bytes in all, first 240 shown]\n"), "{shown}");
        let many = "-a line of the expected body\n".repeat(10_000);
        let shown = diff(&many);
        assert!(shown.len() < DIFF_MAX_BYTES + 200, "{}", shown.len());
        let (kept, note) = shown.rsplit_once('…').expect("a cut note");
        assert!(kept.lines().all(|l| l == "-a line of the expected body"), "cut at a line end");
        assert_eq!(note, format!(" [cut: 290,000 bytes in all, first {} shown]\n", thousands(kept.len() as u64)));
    }

    #[test]
    fn display_is_cut_without_being_written_whole() {
        let message = format!("{:?} is not of type \"object\"", "y".repeat(1_000_000));
        assert_eq!(
            display(&message, 10),
            format!("\"yyyyyyyyy… [cut: {} bytes in all, first 10 shown]", thousands(message.len() as u64))
        );
    }

    #[test]
    fn json_is_cut_without_being_written_whole() {
        let value = serde_json::json!({"members": vec!["+46701234567"; 10_000]});
        let full = value.to_string();
        let shown = json(&value, 50);
        assert!(shown.starts_with(&full[..50]), "{shown}");
        assert!(shown.ends_with(&format!("[cut: {} bytes in all, first 50 shown]", thousands(full.len() as u64))));
        assert_eq!(json(&serde_json::json!([1, 2]), 50), "[1,2]");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(104_857_600), "104,857,600");
    }
}
