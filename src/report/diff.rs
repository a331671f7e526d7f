//! Reports of a differential run (`conform diff`): the terminal listing, the JSON document (published as
//! `specs/diff.schema.json`), JUnit XML and a self-contained HTML page.

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

/// JUnit XML, as `conform run` writes it: one `<testsuite>` per suite, one `<testcase>` per case. A case that
/// answers differently is a `<failure>` with every differing step and path; one not compared is `<error>`
/// when a side errored (as the exit code counts it) and `<skipped>` when a side skipped it.
pub fn write_junit(diff: &Masked<DiffResult>, out: &mut dyn Write) -> io::Result<()> {
    use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

    use super::junit::{classname, serialize};
    use crate::results::Outcome;

    let mut report = Report::new("conform diff");
    let mut suites: Vec<TestSuite> = Vec::new();
    for case in &diff.cases {
        let status = match case.comparison {
            Comparison::Same => TestCaseStatus::success(),
            Comparison::Differs => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let paths: usize = case.steps.iter().map(|s| s.differences.len()).sum();
                let message = match (&case.note, paths) {
                    (Some(note), 0) => note.clone(),
                    _ => format!("answers differently at {paths} path(s) in {} step(s)", case.steps.len()),
                };
                status.set_message(message);
                status.set_description(case_text(case));
                status
            }
            Comparison::NotCompared => {
                let errored = case.reference == Outcome::Errored || case.candidate == Outcome::Errored;
                let mut status = if errored {
                    TestCaseStatus::non_success(NonSuccessKind::Error)
                } else {
                    TestCaseStatus::skipped()
                };
                status.set_message(case.note.clone().unwrap_or_else(|| "not compared".into()));
                status
            }
        };
        let mut test_case = TestCase::new(case.id.name.as_str(), status);
        test_case.set_classname(classname(&case.id));
        let suite = match suites.iter().position(|s| s.name.as_str() == case.id.suite) {
            Some(i) => &mut suites[i],
            None => {
                let mut suite = TestSuite::new(case.id.suite.as_str());
                suite.add_property(("reference_url", diff.reference_url.as_str()));
                suite.add_property(("candidate_url", diff.candidate_url.as_str()));
                suites.push(suite);
                suites.last_mut().expect("just pushed")
            }
        };
        suite.add_test_case(test_case);
    }
    report.add_test_suites(suites);
    serialize(&report, out)
}

/// A differing case in plain text: where, why, and every differing step with all its paths.
fn case_text(case: &CaseDiff) -> String {
    use std::fmt::Write as _;
    let mut text = format!("{} ({})\n{}\n", case.id, case.location, verdicts(case));
    if let Some(note) = &case.note {
        let _ = writeln!(text, "{note}");
    }
    for step in &case.steps {
        let _ = writeln!(text, "\nstep `{}` at {}", step.name, step.location);
        if let Some(request) = step.reference_request.as_ref().or(step.candidate_request.as_ref()) {
            let _ = writeln!(text, "  {request}");
        }
        for d in &step.differences {
            let _ = writeln!(text, "  {}: reference {}, candidate {}", d.path, d.reference, d.candidate);
        }
    }
    text
}

/// One self-contained page (inline CSS, no script): the counts, then each differing case with its steps and
/// paths. Cases carry `data-case` and `data-comparison`, paths `data-path`, for tests and scrapers.
pub fn write_html(diff: &Masked<DiffResult>, out: &mut dyn Write) -> io::Result<()> {
    use super::html::esc;
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(out, "<title>conform diff</title>\n<style>{CSS}</style>\n</head>\n<body>")?;
    let (same, differs, not) =
        (diff.count(Comparison::Same), diff.count(Comparison::Differs), diff.count(Comparison::NotCompared));
    writeln!(
        out,
        "<h1>conform diff <span id=\"verdict\">{}</span></h1>",
        if differs == 0 { "same" } else { "different" }
    )?;
    writeln!(
        out,
        "<p>reference <code>{}</code> · candidate <code>{}</code></p>",
        esc(&diff.reference_url),
        esc(&diff.candidate_url)
    )?;
    writeln!(
        out,
        "<p id=\"counts\" data-same=\"{same}\" data-differs=\"{differs}\" data-not-compared=\"{not}\">{} case(s): \
         {same} same, {differs} differ, {not} not compared</p>",
        diff.cases.len()
    )?;
    for case in diff.cases.iter().filter(|c| c.comparison != Comparison::Same) {
        let comparison = serde_json::to_value(case.comparison).ok().and_then(|v| v.as_str().map(String::from));
        let comparison = comparison.unwrap_or_default();
        let id = case.id.to_string();
        writeln!(
            out,
            "<section class=\"case {comparison}\" data-case=\"{}\" data-comparison=\"{comparison}\">",
            esc(&id)
        )?;
        writeln!(out, "<h2>{} <small>{}</small></h2>", esc(&id), esc(&verdicts(case)))?;
        writeln!(out, "<p><code>{}</code></p>", esc(&case.location.to_string()))?;
        if let Some(note) = &case.note {
            writeln!(out, "<p class=\"note\">{}</p>", esc(note))?;
        }
        for step in &case.steps {
            writeln!(
                out,
                "<h3>step <code>{}</code> at <code>{}</code></h3>",
                esc(&step.name),
                esc(&step.location.to_string())
            )?;
            writeln!(out, "<table><thead><tr><th>path</th><th>reference</th><th>candidate</th></tr></thead><tbody>")?;
            for d in &step.differences {
                writeln!(
                    out,
                    "<tr data-path=\"{0}\"><td><code>{0}</code></td><td><code>{1}</code></td><td><code>{2}</code></td></tr>",
                    esc(&d.path),
                    esc(&d.reference),
                    esc(&d.candidate)
                )?;
            }
            writeln!(out, "</tbody></table>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body>\n</html>")
}

const CSS: &str = "body{font:14px system-ui,sans-serif;margin:2rem;color:#1f2328}table{border-collapse:collapse}\
th,td{border:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left;vertical-align:top}\
section.differs h2{color:#cf222e}section.not-compared h2{color:#9a6700}.note{font-style:italic}";
