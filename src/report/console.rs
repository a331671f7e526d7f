//! The terminal: a progress bar on a TTY (plain lines otherwise), then each failure in full with a coloured
//! unified diff.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use console::Style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::case::Level;
use crate::results::{CaseResult, Outcome, Phase, RunEvent, RunResult, StepResult};
use crate::secrets::Masked;

/// How much the terminal shows while running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Failures and the summary only.
    Quiet,
    /// A progress bar (TTY) or one line per case.
    Normal,
    /// Also one line per step.
    Verbose,
}

/// Whether to colour output written to stdout: a TTY and no `NO_COLOR`.
pub fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Receives run events and keeps the terminal informed.
pub struct ConsoleProgress {
    bar: Option<ProgressBar>,
    verbosity: Verbosity,
    color: bool,
    failed: Mutex<usize>,
    /// The case the bar names when nothing waits.
    last_started: Mutex<String>,
    /// Requests waiting on the server's `Retry-After`, as last told.
    on_server: Mutex<usize>,
}

impl ConsoleProgress {
    pub fn new(total: usize, verbosity: Verbosity, color: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let bar = (tty && verbosity == Verbosity::Normal).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} cases, {prefix} — {wide_msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix("0 failed");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self { bar, verbosity, color, failed: Mutex::new(0), last_started: Mutex::default(), on_server: Mutex::new(0) }
    }

    pub fn on_event(&self, event: RunEvent<'_>) {
        match event {
            RunEvent::CaseStarted(case) => {
                *self.last_started.lock().unwrap_or_else(|e| e.into_inner()) = case.id.to_string();
                // While requests wait, the bar keeps saying so.
                if let Some(bar) = &self.bar
                    && !bar.message().starts_with(WAITING)
                {
                    bar.set_message(case.id.to_string());
                }
            }
            RunEvent::Waiting(status) => {
                let message = waiting_message(status);
                let mut on_server = self.on_server.lock().unwrap_or_else(|e| e.into_inner());
                match (&self.bar, message) {
                    (Some(bar), Some(message)) => bar.set_message(message),
                    (Some(bar), None) => {
                        bar.set_message(self.last_started.lock().unwrap_or_else(|e| e.into_inner()).clone())
                    }
                    // Without a bar (a CI log), say when the server starts holding the run back.
                    (None, Some(message))
                        if *on_server == 0 && status.on_server > 0 && self.verbosity >= Verbosity::Normal =>
                    {
                        println!("{message}");
                    }
                    (None, _) => {}
                }
                *on_server = status.on_server;
            }
            RunEvent::CaseFinished(result) => {
                if !result.passes_gate() {
                    let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
                    *failed += 1;
                    if let Some(bar) = &self.bar {
                        bar.set_prefix(format!("{failed} failed"));
                    }
                }
                match &self.bar {
                    Some(bar) => bar.inc(1),
                    None if self.verbosity >= Verbosity::Normal
                        || matches!(result.outcome, Outcome::Failed | Outcome::Errored | Outcome::Flaky) =>
                    {
                        let mut out = case_line(result, self.color);
                        if self.verbosity == Verbosity::Verbose {
                            for step in &result.steps {
                                out.push('\n');
                                out.push_str(&step_line(step, self.color));
                            }
                        }
                        println!("{out}");
                    }
                    None => {}
                }
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

const WAITING: &str = "waiting: ";

/// `waiting: 3 request(s) on the rate budget, 1 on the server's Retry-After`; `None` when nothing waits.
fn waiting_message(status: crate::run::WaitStatus) -> Option<String> {
    let mut parts = Vec::new();
    if status.on_budget > 0 {
        parts.push(format!("{} request(s) on the rate budget", status.on_budget));
    }
    if status.on_server > 0 {
        parts.push(format!("{} throttled, on the server's Retry-After", status.on_server));
    }
    (!parts.is_empty()).then(|| format!("{WAITING}{}", parts.join(", ")))
}

pub(crate) fn style(color: bool, s: Style) -> Style {
    if color { s.force_styling(true) } else { s.force_styling(false) }
}

fn outcome_label(outcome: Outcome, color: bool) -> String {
    let (text, s) = match outcome {
        Outcome::Passed => ("PASS", Style::new().green()),
        Outcome::NonStrict => ("NON-STRICT", Style::new().yellow()),
        Outcome::Failed => ("FAIL", Style::new().red().bold()),
        Outcome::Errored => ("ERROR", Style::new().red().bold()),
        Outcome::Skipped => ("SKIP", Style::new().yellow()),
        Outcome::Flaky => ("FLAKY", Style::new().red().bold()),
    };
    style(color, s).apply_to(format!("{text:<5}")).to_string()
}

/// `PASS  sinch::groups::create (123 ms)`
fn case_line(result: &CaseResult, color: bool) -> String {
    let reason = result.skip_reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default();
    let label = super::baseline::mark_label(result, color).unwrap_or_else(|| outcome_label(result.outcome, color));
    format!("{label} {} ({} ms){reason}", result.id, result.duration.as_millis())
}

fn step_line(step: &StepResult, color: bool) -> String {
    let phase = if step.phase == Phase::Cleanup { " [cleanup]" } else { "" };
    let status = step.status.map(|s| format!(" → {s}")).unwrap_or_default();
    format!(
        "      {} {}{phase}: {}{status} ({} ms)",
        outcome_label(step.outcome, color),
        step.name,
        step.request.as_deref().unwrap_or("-"),
        step.duration.as_millis()
    )
}

/// Everything a person needs to see about one failed case: where, which step, the request, what was
/// expected, what came, and the body diff.
pub(crate) fn failure_report(result: &Masked<CaseResult>, color: bool) -> String {
    case_report(result, color)
}

fn case_report(result: &CaseResult, color: bool) -> String {
    let bold = style(color, Style::new().bold());
    let dim = style(color, Style::new().dim());
    let mut out = String::new();
    out.push_str(&format!("{} {}\n", outcome_label(result.outcome, color), bold.apply_to(result.id.to_string())));
    out.push_str(&format!("  {} {}\n", dim.apply_to("-->"), result.location));
    if let Some(runs) = super::tally::runs_summary(result) {
        let shown = if result.outcome == Outcome::Flaky { "; the first that did not pass:" } else { "" };
        out.push_str(&format!("  {runs}{shown}\n"));
    }
    for step in
        result.steps.iter().filter(|s| matches!(s.outcome, Outcome::Failed | Outcome::Errored | Outcome::NonStrict))
    {
        let phase = if step.phase == Phase::Cleanup { " (cleanup)" } else { "" };
        out.push_str(&format!("  step `{}`{phase} at {}\n", step.name, step.location));
        if let Some(request) = &step.request {
            let status = step.status.map(|s| format!(" → {s}")).unwrap_or_default();
            out.push_str(&format!("    {}{status}\n", bold.apply_to(request)));
        }
        if let Some(curl) = &step.curl {
            out.push_str(&format!("    {} {curl}\n", dim.apply_to("reproduce:")));
        }
        if step.attempts > 1 {
            out.push_str(&format!("    {} attempts (transport errors retried)\n", step.attempts));
        }
        if let Some(retry) = &step.retry {
            out.push_str(&indent(&super::tally::retry_summary(retry), "    "));
        }
        if let Some(error) = &step.error {
            out.push_str(&format!("    {} {error}\n", style(color, Style::new().red()).apply_to("error:")));
        }
        for failure in &step.failures {
            let mark = match failure.level {
                Level::Must => style(color, Style::new().red()).apply_to("✗ "),
                Level::Should => style(color, Style::new().yellow()).apply_to("✗ (should) "),
            };
            out.push_str(&format!("    {mark}{}\n", failure.message));
            if let Some(diff) = &failure.diff {
                out.push_str(&indent(&colour_diff(diff, color), "      "));
            }
        }
    }
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

/// Colours a unified diff: removed (expected) lines red, added (actual) lines green.
pub(crate) fn colour_diff(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_string();
    }
    diff.lines()
        .map(|line| {
            let s = if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold()
            } else if line.starts_with('+') {
                Style::new().green()
            } else if line.starts_with('-') {
                Style::new().red()
            } else if line.starts_with("@@") {
                Style::new().cyan()
            } else {
                Style::new()
            };
            format!("{}\n", s.force_styling(true).apply_to(line))
        })
        .collect()
}

/// Writes every failed case's report.
pub fn write_failures(run: &Masked<RunResult>, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    // A failure a baseline expects is listed with the baseline's results instead.
    let failed: Vec<&CaseResult> = run
        .cases
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Errored | Outcome::Flaky) && !r.passes_gate())
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nFailures:\n")?;
    for result in failed {
        writeln!(out, "{}", case_report(result, color))?;
    }
    Ok(())
}

/// Writes every non-strict case's report: the contract held, these `should` expectations did not.
pub fn write_non_strict(run: &Masked<RunResult>, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let cases: Vec<&CaseResult> =
        run.cases.iter().filter(|r| r.outcome == Outcome::NonStrict && !super::baseline::is_expected(r)).collect();
    if cases.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nNon-strict (the contract holds; only `should` expectations differ; --strict fails these):\n")?;
    for result in cases {
        writeln!(out, "{}", case_report(result, color))?;
    }
    Ok(())
}
