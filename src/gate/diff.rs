//! Differential runs: the same cases against a reference and a candidate implementation, each step's
//! normalised response compared path by path. Pure: it compares two finished runs.
//!
//! What is compared: the status, the suite's snapshot headers, and the body, after the suite's
//! `snapshot.redact` selectors (plus `--redact`) replaced volatile values on both sides. Arrays are compared
//! **without order** unless named with `--ordered $.path` (or `--ordered-all`): the contracts mostly leave
//! order free (ids, members, groups of other runs), and where a document fixes an order the cases' own
//! expectations check it, so each side's verdict still shows it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::redact::{redact, remove};
use super::volatile::IdNames;
use crate::case::{CaseId, Location, Suite};
use crate::results::{CaseResult, Outcome, Phase, RunResult, StepResult};
use crate::secrets::{Mask, Masker};

/// How responses are compared.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Extra selectors redacted on both sides, besides each suite's `snapshot.redact`.
    pub redact: Vec<String>,
    /// Selectors removed on both sides: fields one side may add (`.body.x_vendor`).
    pub ignore: Vec<String>,
    /// Body arrays compared in order, by their diff path (`$.groups`, `$.Contacts`).
    pub ordered: Vec<String>,
    /// Every array compared in order.
    pub ordered_all: bool,
}

/// One place where the two responses differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathDiff {
    /// `status`, `header content-type`, or a body path: `$.groups[3].size`.
    pub path: String,
    /// Compact JSON, `(absent)` when the side has no such value.
    pub reference: String,
    pub candidate: String,
}

/// One step's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct StepDiff {
    pub name: String,
    pub phase: Phase,
    /// The step in the case file.
    pub location: Location,
    pub reference_request: Option<String>,
    pub candidate_request: Option<String>,
    pub differences: Vec<PathDiff>,
}

/// How a case compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comparison {
    Same,
    Differs,
    /// Skipped or errored on a side before any response could be compared.
    NotCompared,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseDiff {
    #[serde(serialize_with = "as_text")]
    pub id: CaseId,
    pub location: Location,
    pub comparison: Comparison,
    /// Each side's own verdict.
    pub reference: Outcome,
    pub candidate: Outcome,
    /// Why the case was not compared, or that the verdicts differ.
    pub note: Option<String>,
    /// Only the steps that differ.
    pub steps: Vec<StepDiff>,
}

fn as_text<S: serde::Serializer>(id: &CaseId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

/// The whole comparison, in case order.
#[derive(Debug, Clone, Serialize)]
pub struct DiffResult {
    pub reference_url: String,
    pub candidate_url: String,
    pub cases: Vec<CaseDiff>,
}

impl DiffResult {
    pub fn count(&self, comparison: Comparison) -> usize {
        self.cases.iter().filter(|c| c.comparison == comparison).count()
    }

    /// A case that could not run on a side (an environment problem, exit 3 when nothing differs).
    pub fn errored(&self) -> bool {
        self.cases.iter().any(|c| c.reference == Outcome::Errored || c.candidate == Outcome::Errored)
    }
}

/// Masks both sides' values: a candidate's response may echo what the reference's secrets match, and
/// the other way round.
impl Mask for DiffResult {
    fn mask(&mut self, masker: &Masker) {
        self.reference_url.mask(masker);
        self.candidate_url.mask(masker);
        for case in &mut self.cases {
            case.note.mask(masker);
            for step in &mut case.steps {
                step.name.mask(masker);
                step.reference_request.mask(masker);
                step.candidate_request.mask(masker);
                for d in &mut step.differences {
                    // A body's keys can echo a value too.
                    d.path.mask(masker);
                    d.reference.mask(masker);
                    d.candidate.mask(masker);
                }
            }
        }
    }
}

/// Compares two runs of the same plan case by case and step by step.
pub fn compare_runs(
    suites: &[Suite],
    reference: &RunResult,
    candidate: &RunResult,
    options: &DiffOptions,
) -> DiffResult {
    let by_id: BTreeMap<String, &CaseResult> = candidate.cases.iter().map(|c| (c.id.to_string(), c)).collect();
    let cases = reference
        .cases
        .iter()
        .filter_map(|r| by_id.get(&r.id.to_string()).map(|c| (r, *c)))
        .map(|(r, c)| {
            let redactions: Vec<String> = suites
                .iter()
                .find(|s| s.name == r.id.suite)
                .map(|s| s.snapshot.redact.clone())
                .unwrap_or_default()
                .into_iter()
                .chain(options.redact.iter().cloned())
                .collect();
            compare_case(r, c, &redactions, options)
        })
        .collect();
    DiffResult { reference_url: reference.base_url.clone(), candidate_url: candidate.base_url.clone(), cases }
}

/// Each step's response of one side, redacted, with ids renamed and timestamps hidden over the whole case.
fn normalised(case: &CaseResult, redactions: &[String], ignore: &[String]) -> Vec<Option<Value>> {
    let mut names = IdNames::default();
    case.steps
        .iter()
        .map(|s| {
            s.response.clone().map(|mut doc| {
                remove(&mut doc, ignore);
                redact(&mut doc, redactions);
                names.normalise(&mut doc);
                doc
            })
        })
        .collect()
}

fn compare_case(r: &CaseResult, c: &CaseResult, redactions: &[String], options: &DiffOptions) -> CaseDiff {
    let mut diff = CaseDiff {
        id: r.id.clone(),
        location: r.location.clone(),
        comparison: Comparison::Same,
        reference: r.outcome,
        candidate: c.outcome,
        note: None,
        steps: Vec::new(),
    };
    if let Some(reason) = [("reference", r), ("candidate", c)]
        .iter()
        .find_map(|(side, case)| case.skip_reason.as_ref().map(|why| format!("skipped on the {side}: {why}")))
    {
        diff.comparison = Comparison::NotCompared;
        diff.note = Some(reason);
        return diff;
    }
    let mut compared_any = false;
    let (r_docs, c_docs) = (normalised(r, redactions, &options.ignore), normalised(c, redactions, &options.ignore));
    for phase in [Phase::Steps, Phase::Cleanup] {
        let (rs, cs) = (in_phase(r, &r_docs, phase), in_phase(c, &c_docs, phase));
        for i in 0..rs.len().max(cs.len()) {
            let (rstep, cstep) = (rs.get(i).copied(), cs.get(i).copied());
            let any = rstep.or(cstep).expect("one side has the step").0;
            let differences = match (rstep, cstep) {
                (Some(a), Some(b)) => {
                    compared_any |= a.1.is_some() && b.1.is_some();
                    compare_steps(a, b, options)
                }
                // One side stopped earlier (a step did not pass there): say so once, for the first step.
                (Some(_), None) if i == cs.len() => vec![ran_on_one_side("reference", rs.len() - i)],
                (None, Some(_)) if i == rs.len() => vec![ran_on_one_side("candidate", cs.len() - i)],
                (Some(_), None) | (None, Some(_)) => vec![],
                (None, None) => vec![],
            };
            if !differences.is_empty() {
                diff.steps.push(StepDiff {
                    name: any.name.clone(),
                    phase,
                    location: any.location.clone(),
                    reference_request: rstep.and_then(|s| s.0.request.clone()),
                    candidate_request: cstep.and_then(|s| s.0.request.clone()),
                    differences,
                });
            }
        }
    }
    let verdicts_differ = r.outcome != c.outcome;
    if !diff.steps.is_empty() || verdicts_differ {
        diff.comparison = Comparison::Differs;
        if verdicts_differ {
            diff.note =
                Some(format!("verdicts differ: reference {}, candidate {}", r.outcome.name(), c.outcome.name()));
        }
    } else if !compared_any && (r.outcome == Outcome::Errored || c.outcome == Outcome::Errored) {
        diff.comparison = Comparison::NotCompared;
        diff.note = Some("errored before a response could be compared".into());
    }
    diff
}

/// The steps of one phase with their normalised responses.
fn in_phase<'a>(
    case: &'a CaseResult,
    docs: &'a [Option<Value>],
    phase: Phase,
) -> Vec<(&'a StepResult, Option<&'a Value>)> {
    case.steps.iter().zip(docs).filter(|(s, _)| s.phase == phase).map(|(s, d)| (s, d.as_ref())).collect()
}

fn ran_on_one_side(side: &str, steps: usize) -> PathDiff {
    let ran = format!("ran this and {} later step(s)", steps - 1);
    let stopped = "stopped before this step".to_string();
    let (reference, candidate) = if side == "reference" { (ran, stopped) } else { (stopped, ran) };
    PathDiff { path: "steps".into(), reference, candidate }
}

fn compare_steps(
    (r, r_doc): (&StepResult, Option<&Value>),
    (c, c_doc): (&StepResult, Option<&Value>),
    options: &DiffOptions,
) -> Vec<PathDiff> {
    match (r_doc, c_doc) {
        (Some(a), Some(b)) => compare_documents(a, b, options),
        (None, None) => {
            if r.error.is_some() != c.error.is_some() {
                vec![PathDiff { path: "error".into(), reference: show_error(r), candidate: show_error(c) }]
            } else {
                vec![]
            }
        }
        _ => vec![PathDiff { path: "response".into(), reference: show_response(r), candidate: show_response(c) }],
    }
}

fn show_error(s: &StepResult) -> String {
    s.error.clone().unwrap_or_else(|| "(none)".into())
}

fn show_response(s: &StepResult) -> String {
    match (&s.response, &s.error) {
        (Some(_), _) => format!("status {}", s.status.map(|s| s.to_string()).unwrap_or_default()),
        (None, Some(e)) => format!("error: {e}"),
        (None, None) => "(none)".into(),
    }
}

/// Compares two normalised documents (`{status, headers, body}`).
pub fn compare_documents(a: &Value, b: &Value, options: &DiffOptions) -> Vec<PathDiff> {
    let mut out = Vec::new();
    if a.get("status") != b.get("status") {
        out.push(PathDiff {
            path: "status".into(),
            reference: show(a.get("status")),
            candidate: show(b.get("status")),
        });
    }
    let empty = serde_json::Map::new();
    let headers = |d: &Value| d.get("headers").and_then(Value::as_object).cloned().unwrap_or_else(|| empty.clone());
    let (ha, hb) = (headers(a), headers(b));
    let names: std::collections::BTreeSet<&String> = ha.keys().chain(hb.keys()).collect();
    for name in names {
        if ha.get(name) != hb.get(name) {
            out.push(PathDiff {
                path: format!("header {name}"),
                reference: show(ha.get(name)),
                candidate: show(hb.get(name)),
            });
        }
    }
    compare_values("$", a.get("body"), b.get("body"), options, &mut out);
    out
}

fn compare_values(path: &str, a: Option<&Value>, b: Option<&Value>, options: &DiffOptions, out: &mut Vec<PathDiff>) {
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                compare_values(&child(path, key), x.get(key), y.get(key), options, out);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            if options.ordered_all || options.ordered.iter().any(|p| p == path) {
                compare_ordered(path, x, y, options, out);
            } else {
                compare_unordered(path, x, y, options, out);
            }
        }
        (a, b) if a != b => out.push(PathDiff { path: path.to_string(), reference: show(a), candidate: show(b) }),
        _ => {}
    }
}

fn compare_ordered(path: &str, x: &[Value], y: &[Value], options: &DiffOptions, out: &mut Vec<PathDiff>) {
    if x.len() != y.len() {
        out.push(PathDiff {
            path: format!("{path}.length"),
            reference: x.len().to_string(),
            candidate: y.len().to_string(),
        });
    }
    for i in 0..x.len().max(y.len()) {
        compare_values(&format!("{path}[{i}]"), x.get(i), y.get(i), options, out);
    }
}

/// Equal elements pair off whatever their positions; what remains is compared in order of position (the
/// reference's index names the path), and a surplus on one side is shown element by element.
fn compare_unordered(path: &str, x: &[Value], y: &[Value], options: &DiffOptions, out: &mut Vec<PathDiff>) {
    let mut unmatched_y: Vec<usize> = (0..y.len()).collect();
    let mut unmatched_x = Vec::new();
    for (i, item) in x.iter().enumerate() {
        match unmatched_y.iter().position(|&j| &y[j] == item) {
            Some(k) => {
                unmatched_y.remove(k);
            }
            None => unmatched_x.push(i),
        }
    }
    if unmatched_x.is_empty() && unmatched_y.is_empty() {
        return;
    }
    if x.len() != y.len() {
        out.push(PathDiff {
            path: format!("{path}.length"),
            reference: x.len().to_string(),
            candidate: y.len().to_string(),
        });
    }
    for k in 0..unmatched_x.len().max(unmatched_y.len()) {
        let (i, j) = (unmatched_x.get(k), unmatched_y.get(k));
        let at = format!("{path}[{}]", i.or(j).expect("one side has an element"));
        compare_values(&at, i.map(|&i| &x[i]), j.map(|&j| &y[j]), options, out);
    }
}

fn child(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", serde_json::to_string(key).unwrap_or_default())
    }
}

/// Compact JSON, cut at 120 characters; `(absent)` for no value.
fn show(v: Option<&Value>) -> String {
    let Some(v) = v else { return "(absent)".into() };
    let text = v.to_string();
    if text.chars().count() > 120 { format!("{}…", text.chars().take(120).collect::<String>()) } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(body: Value) -> Value {
        json!({"status": 200, "headers": {"content-type": "application/json"}, "body": body})
    }

    #[test]
    fn reports_each_differing_path_with_both_values() {
        let a = doc(json!({"groups": [{"name": "a", "size": 2}], "count": 1}));
        let b = json!({"status": 201, "headers": {}, "body": {"groups": [{"name": "a", "size": 3}], "extra": true, "count": 1}});
        let d = compare_documents(&a, &b, &DiffOptions::default());
        let lines: Vec<String> = d.iter().map(|d| format!("{}: {} / {}", d.path, d.reference, d.candidate)).collect();
        assert_eq!(
            lines,
            [
                "status: 200 / 201",
                "header content-type: \"application/json\" / (absent)",
                "$.extra: (absent) / true",
                "$.groups[0].size: 2 / 3",
            ]
        );
    }

    #[test]
    fn arrays_are_compared_without_order_unless_asked() {
        let a = doc(json!({"m": [1, 2, 3], "k": {"a-b": [1]}}));
        let b = doc(json!({"m": [3, 1, 2], "k": {"a-b": [1]}}));
        assert!(compare_documents(&a, &b, &DiffOptions::default()).is_empty());
        let ordered = DiffOptions { ordered: vec!["$.m".into()], ..DiffOptions::default() };
        let d = compare_documents(&a, &b, &ordered);
        assert_eq!(d[0].path, "$.m[0]");
        let c = doc(json!({"m": [3, 1], "k": {"a-b": [2]}}));
        let d = compare_documents(&a, &c, &DiffOptions::default());
        let paths: Vec<&str> = d.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["$.k[\"a-b\"][0]", "$.m.length", "$.m[1]"]);
        assert_eq!((d[2].reference.as_str(), d[2].candidate.as_str()), ("2", "(absent)"));
    }
}
