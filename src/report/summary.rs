//! The closing summary of a terminal run: counts per suite and in total, wall time, the slowest cases and
//! each suite's coverage line.

use std::io::{self, Write};

use console::Style;

use super::coverage::SuiteCoverage;
use super::tally::{Tally, by_suite, human_duration, slowest};
use crate::results::{RunResult, ThrottleTotals};
use crate::secrets::Masked;

/// How many of the slowest cases the summary lists.
pub(crate) const SLOWEST: usize = 5;

/// Writes the summary; styles (green passed, red failed, …) only when `color`, whatever the terminal.
pub fn write_summary(
    run: &Masked<RunResult>,
    coverage: &[SuiteCoverage],
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    let style = |s: Style| s.force_styling(color);
    let (bold, dim) = (style(Style::new().bold()), style(Style::new().dim()));
    let (green, red, yellow, magenta) = (
        style(Style::new().green()),
        style(Style::new().red()),
        style(Style::new().yellow()),
        style(Style::new().magenta()),
    );
    // Non-zero counts of bad outcomes are coloured, zeros stay plain so the eye lands on what matters.
    let counts = |t: &Tally| {
        let paint = |n: usize, word: &str, s: &Style| {
            let text = format!("{n} {word}");
            if n > 0 { s.apply_to(text).to_string() } else { text }
        };
        // Non-strict cases are named only when there are some: most runs have none.
        let non_strict =
            if t.non_strict > 0 { format!(", {}", paint(t.non_strict, "non-strict", &yellow)) } else { String::new() };
        // Flaky cases (`--repeat`) likewise.
        let flaky = if t.flaky > 0 { format!(", {}", paint(t.flaky, "flaky", &red)) } else { String::new() };
        format!(
            "{}{non_strict}, {}{flaky}, {}, {}{}",
            paint(t.passed, "passed", &green),
            paint(t.failed, "failed", &red),
            paint(t.errored, "errored", &magenta),
            paint(t.skipped, "skipped", &yellow),
            super::baseline::counts_phrase(t)
        )
    };

    let suites = by_suite(&run.cases);
    let width = suites.iter().map(|s| s.name.chars().count()).chain([5]).max().unwrap_or(5);
    writeln!(out, "{}", bold.apply_to("Summary"))?;
    for suite in &suites {
        let time = dim.apply_to(format!("({})", human_duration(suite.duration())));
        writeln!(out, "  {:<width$}  {}  {time}", suite.name, counts(&suite.tally()))?;
    }
    let total = Tally::of(&run.cases);
    writeln!(
        out,
        "  {}  {} in {} wall time",
        bold.apply_to(format!("{:<width$}", "total")),
        counts(&total),
        human_duration(run.duration)
    )?;

    let slow = slowest(&run.cases, SLOWEST);
    if !slow.is_empty() {
        writeln!(out, "{}", bold.apply_to("Slowest cases"))?;
        for case in slow {
            writeln!(out, "  {:>9}  {}", human_duration(case.duration), case.id)?;
        }
    }
    let held: Vec<_> = suites.iter().map(|s| (s.name, ThrottleTotals::of_cases(s.cases.iter().copied()))).collect();
    if held.iter().any(|(_, t)| t.any()) {
        writeln!(out, "{}", bold.apply_to("Rate limits (waited, never failed)"))?;
        for (name, t) in held.iter().filter(|(_, t)| t.any()) {
            writeln!(out, "  {name:<width$}  {}", throttle_line(t))?;
        }
    }
    if !coverage.is_empty() {
        writeln!(out, "{}", bold.apply_to("Coverage"))?;
        for suite in coverage {
            let line = suite.summary_line();
            let line = if suite.failed > 0 { red.apply_to(line).to_string() } else { line };
            writeln!(out, "  {line}")?;
        }
    }
    let bad = total.failed + total.errored + total.flaky;
    let verdict = if bad == 0 && total.non_strict > 0 {
        let passed = total.passed + total.non_strict;
        let text = format!(
            "ok: {passed} of {} cases passed, {} of them non-strict (only `should` expectations differ; \
             --strict fails them)",
            total.total, total.non_strict
        );
        yellow.apply_to(text)
    } else if bad == 0 {
        green.apply_to(format!(
            "ok: {} of {} cases passed{}",
            total.passed,
            total.total,
            super::baseline::counts_phrase(&total)
        ))
    } else {
        let flaky = if total.flaky > 0 { format!(", {} flaky", total.flaky) } else { String::new() };
        red.apply_to(format!(
            "FAILED: {} failed{flaky}, {} errored of {} cases",
            total.failed, total.errored, total.total
        ))
    };
    writeln!(out, "{}", bold.apply_to(verdict))
}

/// `3 throttled answers waited out (12.0 s), 1m 3s on the rate budget`.
pub(crate) fn throttle_line(t: &ThrottleTotals) -> String {
    format!(
        "{} throttled answer(s) (429/503 Retry-After) waited out ({}), {} on the rate budget",
        t.waits,
        human_duration(t.wait),
        human_duration(t.budget_wait)
    )
}
