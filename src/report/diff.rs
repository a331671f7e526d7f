//! Reports of a differential run (`conform diff`): the terminal listing and the JSON document.

use std::io::{self, Write};

use console::Style;
use serde::Serialize;

use super::console::style;
use crate::gate::diff::{CaseDiff, Comparison, DiffResult};
use crate::secrets::Masked;

/// Differences the terminal shows per step.
const SHOWN_PER_STEP: usize = 8;

/// The `format` field of the JSON document.
pub const FORMAT: &str = "conform-diff";

/// Every differing case with its differing steps and paths; with `verbose`, the same and not compared ones
/// too. Ends with the counts and the verdict.
pub fn write_terminal(diff: &Masked<DiffResult>, verbose: bool, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let bold = style(color, Style::new().bold());
    let dim = style(color, Style::new().dim());
    for case in &diff.cases {
        let (label, s) = match case.comparison {
            Comparison::Same => ("SAME", Style::new().green()),
            Comparison::Differs => ("DIFFERS", Style::new().red().bold()),
            Comparison::NotCompared => ("NOT COMPARED", Style::new().yellow()),
        };
        if case.comparison != Comparison::Differs && !verbose {
            continue;
        }
        writeln!(
            out,
            "{} {}  {}",
            style(color, s).apply_to(format!("{label:<7}")),
            bold.apply_to(case.id.to_string()),
            dim.apply_to(verdicts(case))
        )?;
        writeln!(out, "  {} {}", dim.apply_to("-->"), case.location)?;
        if let Some(note) = &case.note {
            writeln!(out, "  {note}")?;
        }
        for step in &case.steps {
            writeln!(out, "  step `{}` at {}", step.name, step.location)?;
            if let Some(request) = step.reference_request.as_ref().or(step.candidate_request.as_ref()) {
                writeln!(out, "    {}", dim.apply_to(request))?;
            }
            // A long list of surplus elements says nothing the first few do not; the JSON report has them all.
            for d in step.differences.iter().take(SHOWN_PER_STEP) {
                writeln!(out, "    {}: reference {}, candidate {}", d.path, d.reference, d.candidate)?;
            }
            if step.differences.len() > SHOWN_PER_STEP {
                writeln!(out, "    … {} more (all in the JSON report)", step.differences.len() - SHOWN_PER_STEP)?;
            }
        }
    }
    let (same, differs, not) =
        (diff.count(Comparison::Same), diff.count(Comparison::Differs), diff.count(Comparison::NotCompared));
    writeln!(out, "{}", bold.apply_to("Summary"))?;
    writeln!(out, "  reference {}\n  candidate {}", diff.reference_url, diff.candidate_url)?;
    writeln!(out, "  {} case(s): {same} same, {differs} differ, {not} not compared", diff.cases.len())?;
    let verdict = if differs == 0 {
        style(color, Style::new().green()).apply_to("same: the candidate answers as the reference does".to_string())
    } else {
        style(color, Style::new().red()).apply_to(format!("DIFFERENT: {differs} case(s) answer differently"))
    };
    writeln!(out, "{}", bold.apply_to(verdict))
}

fn verdicts(case: &CaseDiff) -> String {
    let word = |o| serde_json::to_value(o).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
    format!("reference {}, candidate {}", word(case.reference), word(case.candidate))
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    format: &'static str,
    version: u32,
    reference_url: &'a str,
    candidate_url: &'a str,
    summary: JsonSummary,
    cases: &'a [CaseDiff],
}

#[derive(Serialize)]
struct JsonSummary {
    total: usize,
    same: usize,
    differs: usize,
    not_compared: usize,
}

/// The whole comparison as JSON: every case with its comparison, both verdicts and the differing paths.
pub fn write_json(diff: &Masked<DiffResult>, out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonDiff {
        format: FORMAT,
        version: 1,
        reference_url: &diff.reference_url,
        candidate_url: &diff.candidate_url,
        summary: JsonSummary {
            total: diff.cases.len(),
            same: diff.count(Comparison::Same),
            differs: diff.count(Comparison::Differs),
            not_compared: diff.count(Comparison::NotCompared),
        },
        cases: &diff.cases,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
