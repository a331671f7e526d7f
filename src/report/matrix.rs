//! Writers of the conformance matrix (`conform matrix`): terminal, JSON, Markdown and a self-contained HTML page.

use std::io::{self, Write};

use serde::Serialize;

use super::html::esc;
use crate::gate::matrix::{Cell, Matrix};
use crate::secrets::Masked;

/// The `format` field of the JSON document.
pub const FORMAT: &str = "conform-matrix";

/// A fixed-width table: one row per requirement, one column per target, then each target's counts.
pub fn write_terminal(matrix: &Masked<Matrix>, out: &mut dyn Write) -> io::Result<()> {
    let req_width = matrix.rows.iter().map(|r| r.requirement.len()).chain([11]).max().unwrap_or(11);
    let widths: Vec<usize> = matrix.columns.iter().map(|c| c.name.chars().count().max(10)).collect();
    write!(out, "{:<req_width$}  {:<6}", "requirement", "level")?;
    for (c, w) in matrix.columns.iter().zip(&widths) {
        write!(out, "  {:<w$}", c.name)?;
    }
    writeln!(out)?;
    for row in &matrix.rows {
        write!(out, "{:<req_width$}  {:<6}", row.requirement, row.level.name())?;
        for (cell, w) in row.cells.iter().zip(&widths) {
            write!(out, "  {:<w$}", cell.word())?;
        }
        writeln!(out)?;
    }
    writeln!(out)?;
    for c in &matrix.columns {
        let n = &c.counts;
        writeln!(
            out,
            "{}: {} pass, {} non-strict, {} fail, {} expected (baseline), {} not run — {}",
            c.name, n.pass, n.non_strict, n.fail, n.expected, n.not_run, c.base_url
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonMatrix<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    matrix: &'a Matrix,
}

pub fn write_json(matrix: &Masked<Matrix>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &JsonMatrix { format: FORMAT, version: 1, matrix })?;
    writeln!(out)
}

/// A GitHub-flavoured Markdown table, for a README or a pull request comment.
pub fn write_markdown(matrix: &Masked<Matrix>, out: &mut dyn Write) -> io::Result<()> {
    write!(out, "| requirement | level |")?;
    for c in &matrix.columns {
        write!(out, " {} |", c.name.replace('|', "\\|"))?;
    }
    write!(out, "\n|---|---|")?;
    for _ in &matrix.columns {
        write!(out, "---|")?;
    }
    writeln!(out)?;
    for row in &matrix.rows {
        write!(out, "| `{}` | {} |", row.requirement, row.level.name())?;
        for cell in &row.cells {
            write!(out, " {} |", symbol(*cell))?;
        }
        writeln!(out)?;
    }
    write!(out, "| **pass / fail** | |")?;
    for c in &matrix.columns {
        write!(out, " {} / {} |", c.counts.pass, c.counts.fail)?;
    }
    writeln!(out)
}

fn symbol(cell: Cell) -> &'static str {
    match cell {
        Cell::Pass => "✅ pass",
        Cell::NonStrict => "🟡 non-strict",
        Cell::Fail => "❌ fail",
        Cell::Expected => "⚪ expected",
        Cell::NotRun => "– not run",
    }
}

/// One self-contained page (inline CSS, no script) with the table; every cell carries `data-target`,
/// `data-requirement` and `data-cell` so that tests and scrapers can read it.
pub fn write_html(matrix: &Masked<Matrix>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    )?;
    writeln!(out, "<title>conform matrix</title>\n<style>{CSS}</style>\n</head>\n<body>")?;
    writeln!(out, "<h1>Conformance matrix</h1>\n<table id=\"matrix\">\n<thead><tr><th>Requirement</th><th>Level</th>")?;
    for c in &matrix.columns {
        writeln!(out, "<th data-target=\"{0}\" title=\"{1}\">{0}</th>", esc(&c.name), esc(&c.base_url))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for row in &matrix.rows {
        write!(out, "<tr><th><code>{}</code></th><td>{}</td>", esc(&row.requirement), row.level.name())?;
        for (cell, c) in row.cells.iter().zip(&matrix.columns) {
            let word = cell.word();
            write!(
                out,
                "<td class=\"cell {}\" data-target=\"{}\" data-requirement=\"{}\" data-cell=\"{word}\">{word}</td>",
                word.replace(' ', "-"),
                esc(&c.name),
                esc(&row.requirement)
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody>\n<tfoot><tr><th>Counts</th><td></td>")?;
    for c in &matrix.columns {
        let n = &c.counts;
        writeln!(
            out,
            "<td class=\"counts\" data-target=\"{}\" data-pass=\"{}\" data-fail=\"{}\" data-non-strict=\"{}\" \
             data-expected=\"{}\" data-not-run=\"{}\">{} pass · {} fail · {} non-strict · {} expected · {} not run</td>",
            esc(&c.name),
            n.pass,
            n.fail,
            n.non_strict,
            n.expected,
            n.not_run,
            n.pass,
            n.fail,
            n.non_strict,
            n.expected,
            n.not_run
        )?;
    }
    writeln!(out, "</tr></tfoot>\n</table>\n</body>\n</html>")
}

const CSS: &str = "body{font:14px system-ui,sans-serif;margin:2rem;color:#1f2328}table{border-collapse:collapse}\
th,td{border:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left}thead th{position:sticky;top:0;background:#f6f8fa}\
.cell.pass{background:#dafbe1;color:#1a7f37}.cell.fail{background:#ffebe9;color:#cf222e;font-weight:600}\
.cell.non-strict{background:#fff8c5;color:#9a6700}.cell.expected{background:#eaeef2;color:#59636e}\
.cell.not-run{color:#818b98}";
