//! How the terminal shows a run against a baseline of known deviations (`run --baseline`): expected
//! failures (XFAIL), unexpectedly passing cases (XPASS) and cases that got worse, each apart from the others.

use std::io::{self, Write};

use console::Style;

use super::console::style;
use super::tally::Tally;
use crate::results::{BaselineMark, CaseResult, RunResult};
use crate::secrets::Masked;

/// Whether a baseline expects this case's deviation.
pub(crate) fn is_expected(case: &CaseResult) -> bool {
    matches!(case.baseline, Some(BaselineMark::Expected { .. }))
}

/// `XFAIL` or `XPASS` for a case the baseline lists, in place of its outcome.
pub(crate) fn mark_label(case: &CaseResult, color: bool) -> Option<String> {
    let (text, s) = match case.baseline.as_ref()? {
        BaselineMark::Expected { .. } => ("XFAIL", Style::new().cyan()),
        BaselineMark::UnexpectedlyPassing { .. } => ("XPASS", Style::new().magenta().bold()),
        BaselineMark::Worse { .. } => return None,
    };
    Some(style(color, s).apply_to(format!("{text:<5}")).to_string())
}

/// `, 2 expected, 1 unexpectedly passing` for the summary lines; empty without a baseline.
pub(crate) fn counts_phrase(t: &Tally) -> String {
    let mut out = String::new();
    if t.expected > 0 {
        out.push_str(&format!(", {} expected (baseline)", t.expected));
    }
    if t.unexpectedly_passing > 0 {
        out.push_str(&format!(", {} unexpectedly passing", t.unexpectedly_passing));
    }
    out
}

/// One line per case with a baseline mark, grouped: expected, unexpectedly passing, worse.
pub fn write_baseline(run: &Masked<RunResult>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let with = |f: fn(&BaselineMark) -> bool| -> Vec<&CaseResult> {
        run.cases.iter().filter(|c| c.baseline.as_ref().is_some_and(f)).collect()
    };
    let expected = with(|m| matches!(m, BaselineMark::Expected { .. }));
    let passing = with(|m| matches!(m, BaselineMark::UnexpectedlyPassing { .. }));
    let worse = with(|m| matches!(m, BaselineMark::Worse { .. }));
    let bold = style(color, Style::new().bold());
    if !expected.is_empty() {
        writeln!(
            out,
            "\n{}\n",
            bold.apply_to("Expected failures (listed in the baseline; they do not fail the gate):")
        )?;
        for case in expected {
            let Some(BaselineMark::Expected { level, reason, link }) = &case.baseline else { continue };
            let label = mark_label(case, color).unwrap_or_default();
            let first = case.problems().next().map(|(_, p)| p.lines().next().unwrap_or("")).unwrap_or("");
            let first: String = first.chars().take(120).collect();
            writeln!(out, "{label} {} (at {}) — {first}", case.id, level.name())?;
            if let Some(reason) = reason {
                writeln!(out, "      reason: {reason}")?;
            }
            if let Some(link) = link {
                writeln!(out, "      link: {link}")?;
            }
        }
    }
    if !passing.is_empty() {
        writeln!(
            out,
            "\n{}\n",
            bold.apply_to(
                "Unexpectedly passing (listed in the baseline, better now: remove or update the entries; \
                 --strict-baseline fails these):"
            )
        )?;
        for case in passing {
            let Some(BaselineMark::UnexpectedlyPassing { listed }) = &case.baseline else { continue };
            let label = mark_label(case, color).unwrap_or_default();
            let now = match case.deviation() {
                Some(level) => format!("now only at {}", level.name()),
                None => "now passes".to_string(),
            };
            writeln!(out, "{label} {} (listed at {}, {now})", case.id, listed.name())?;
        }
    }
    if !worse.is_empty() {
        writeln!(out, "\n{}\n", bold.apply_to("Worse than the baseline (failing at must where listed at should, or failing an expectation the entry does not list; see Failures):"))?;
        for case in worse {
            writeln!(out, "{} {}", style(color, Style::new().red().bold()).apply_to("WORSE"), case.id)?;
        }
    }
    Ok(())
}

/// Whether a run has a case the baseline lists that passes now: the gate with `--strict-baseline` fails.
pub fn has_unexpected_passes(run: &RunResult) -> bool {
    run.cases.iter().any(|c| matches!(c.baseline, Some(BaselineMark::UnexpectedlyPassing { .. })))
}

/// The HTML header's extra counts (`count-expected`, `count-unexpectedly_passing`), only when a baseline
/// marked something, so that runs without one look as before.
pub(crate) fn html_counts(t: &Tally) -> Vec<(&'static str, usize)> {
    if t.expected + t.unexpectedly_passing == 0 {
        return Vec::new();
    }
    vec![("expected", t.expected), ("unexpectedly_passing", t.unexpectedly_passing)]
}

/// ` data-baseline="expected"` on a case's row and problem, or nothing.
pub(crate) fn html_data(case: &CaseResult) -> String {
    case.baseline.as_ref().map(|m| format!(" data-baseline=\"{}\"", mark_word(m))).unwrap_or_default()
}

/// A badge after the outcome's saying what the baseline makes of it, with its reason as a tooltip.
pub(crate) fn html_badge(case: &CaseResult) -> String {
    let Some(mark) = &case.baseline else { return String::new() };
    let (class, text, title) = match mark {
        BaselineMark::Expected { level, reason, .. } => {
            ("xfail", format!("expected ({})", level.name()), reason.clone().unwrap_or_default())
        }
        BaselineMark::UnexpectedlyPassing { listed } => {
            ("xpass", "unexpectedly passing".to_string(), format!("listed at {}", listed.name()))
        }
        BaselineMark::Worse { listed } => {
            ("worse", "worse than baseline".to_string(), format!("listed at {}", listed.name()))
        }
    };
    format!(" <span class=\"badge {class}\" title=\"{}\">{text}</span>", super::html::esc(&title))
}

fn mark_word(mark: &BaselineMark) -> &'static str {
    match mark {
        BaselineMark::Expected { .. } => "expected",
        BaselineMark::UnexpectedlyPassing { .. } => "unexpectedly-passing",
        BaselineMark::Worse { .. } => "worse",
    }
}
