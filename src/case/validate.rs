//! Validation of deserialised case files into the model: variables in scope, captures before use, matchers,
//! schemas, requirement ids. Every problem becomes a diagnostic at the culprit's `file:line:col`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::diagnostic::{Diagnostic, suggest};
use super::load::{LoadOptions, location};
use super::matcher::{Matcher, MatcherBuilder};
use super::model::*;
use super::raw::*;
use super::read::{Parsed, WellFormedCases};
use super::template::Template;
use super::value::{TValue, join_path, yaml_key};

pub(super) struct SuiteContext<'a> {
    pub(super) suite: &'a str,
    pub(super) file_id: &'a str,
    pub(super) known: &'a BTreeSet<String>,
    pub(super) capabilities: &'a BTreeMap<String, String>,
    pub(super) catalogue: Option<&'a Catalogue>,
    pub(super) options: &'a LoadOptions,
}

/// Validates one file's raw structs into the model, collecting diagnostics.
pub(super) struct FileValidator<'a, T> {
    pub(super) parsed: &'a Parsed<T>,
    pub(super) errors: Vec<Diagnostic>,
}

/// Variables known at a point of a case, and where each capture comes from (for "used before set").
struct Scope {
    known: BTreeSet<String>,
    /// Captures made by later steps: name → step index.
    later_captures: BTreeMap<String, usize>,
}

impl<T> FileValidator<'_, T> {
    pub(super) fn push(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    pub(super) fn template(&mut self, source: &str, path: &str, known: &BTreeSet<String>) -> Option<Template> {
        match Template::parse(source) {
            Ok(t) => {
                self.check_vars(&t, path, &Scope { known: known.clone(), later_captures: BTreeMap::new() });
                Some(t)
            }
            Err(e) => {
                self.push(self.parsed.at_value(path, e.to_string()));
                None
            }
        }
    }

    fn check_vars(&mut self, t: &Template, path: &str, scope: &Scope) {
        for var in t.vars() {
            if scope.known.contains(var) {
                continue;
            }
            let message = match scope.later_captures.get(var) {
                Some(step) => format!("`{var}` is used before it is captured (by steps[{step}])"),
                None => {
                    let names: Vec<&str> = scope.known.iter().map(String::as_str).collect();
                    let hint = suggest(var, &names).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    format!("undefined variable `{var}`{hint}")
                }
            };
            self.push(self.parsed.at_value(path, message));
        }
    }

    /// Checks every template string inside a YAML value against the scope.
    fn check_value_vars(&mut self, value: &serde_yaml::Value, path: &str, scope: &Scope) {
        // Paths are only needed for a message: the usual value, all in scope, is walked without building any.
        if all_vars_known(value, scope) {
            return;
        }
        match value {
            serde_yaml::Value::String(s) => {
                if let Ok(t) = Template::parse(s) {
                    self.check_vars(&t, path, scope);
                }
            }
            serde_yaml::Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value_vars(v, &format!("{path}[{i}]"), scope);
                }
            }
            serde_yaml::Value::Mapping(map) => {
                for (k, v) in map {
                    if let Some(k) = yaml_key(k) {
                        self.check_value_vars(v, &join_path(path, &k), scope);
                    }
                }
            }
            serde_yaml::Value::Tagged(t) => self.check_value_vars(&t.value, path, scope),
            _ => {}
        }
    }

    fn value(&mut self, value: &serde_yaml::Value, path: &str, scope: &Scope) -> Option<TValue> {
        match TValue::from_yaml(value, path) {
            Ok(v) => {
                self.check_value_vars(value, path, scope);
                Some(v)
            }
            Err((p, e)) => {
                self.push(self.parsed.at_value(&p, e.to_string()));
                None
            }
        }
    }

    fn matcher(&mut self, value: &serde_yaml::Value, strict: bool, path: &str, scope: &Scope) -> Option<Matcher> {
        let mut builder = MatcherBuilder::new();
        let m = builder.build(value, strict, path);
        for (p, e) in builder.errors {
            self.push(self.parsed.at_value(&p, e.to_string()));
        }
        self.check_value_vars(value, path, scope);
        m
    }

    /// Variables evaluated in order: each may use the ones before it.
    pub(super) fn vars(
        &mut self,
        map: &serde_yaml::Mapping,
        path: &str,
        known: &BTreeSet<String>,
    ) -> Vec<(String, TValue)> {
        let mut scope = Scope { known: known.clone(), later_captures: BTreeMap::new() };
        let mut out = Vec::new();
        for (k, v) in map {
            let Some(name) = yaml_key(k) else {
                self.push(self.parsed.at_value(path, "variable names must be strings"));
                continue;
            };
            if !is_var_name(&name) {
                self.push(self.parsed.at_key(
                    &join_path(path, &name),
                    format!("`{name}` is not a valid variable name (letters, digits, `_`)"),
                ));
            }
            if let Some(value) = self.value(v, &join_path(path, &name), &scope) {
                out.push((name.clone(), value));
            }
            scope.known.insert(name);
        }
        out
    }
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_case_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

impl FileValidator<'_, WellFormedCases> {
    pub(super) fn case(&mut self, raw: &RawCase, index: usize, ctx: &SuiteContext<'_>) -> Option<Case> {
        let path = format!("cases[{index}]");
        let errors_before = self.errors.len();
        if !is_case_name(&raw.name) {
            self.push(self.parsed.at_value(
                &format!("{path}.name"),
                format!("case name `{}` must use lowercase letters, digits, `-` and `_`", raw.name),
            ));
        }
        self.known_requirements(&raw.requirements, &format!("{path}.requirements"), ctx.catalogue);
        self.step_requirements(raw, &path, ctx.catalogue);
        if raw.steps.is_empty() {
            self.push(self.parsed.at_key(&format!("{path}.steps"), "a case needs at least one step"));
        }
        let vars = self.vars(&raw.vars, &format!("{path}.vars"), ctx.known);
        let mut needs = Vec::new();
        for (i, need) in raw.needs.iter().enumerate() {
            if ctx.capabilities.contains_key(need) {
                needs.push(Need::Capability(need.clone()));
            } else if ctx.known.contains(need) {
                needs.push(Need::Var(need.clone()));
            } else {
                let known: Vec<&str> = ctx.known.iter().chain(ctx.capabilities.keys()).map(String::as_str).collect();
                let hint = suggest(need, &known).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                self.push(self.parsed.at_value(
                    &format!("{path}.needs[{i}]"),
                    format!("`{need}` is neither a variable nor a capability of this suite{hint}"),
                ));
            }
        }
        let mut scope = Scope { known: ctx.known.clone(), later_captures: BTreeMap::new() };
        scope.known.extend(vars.iter().map(|(n, _)| n.clone()));
        for (i, step) in raw.steps.iter().enumerate() {
            for name in step.capture.keys() {
                scope.later_captures.entry(name.clone()).or_insert(i);
            }
        }
        // Exact capacities: every step of every case is kept for the run.
        let mut steps: Vec<Step> = Vec::with_capacity(raw.steps.len());
        for (i, s) in raw.steps.iter().enumerate() {
            steps.extend(self.step(s, &format!("{path}.steps[{i}]"), &mut scope, ctx.options));
        }
        let mut cleanup: Vec<Step> = Vec::with_capacity(raw.cleanup.len());
        for (i, s) in raw.cleanup.iter().enumerate() {
            cleanup.extend(self.step(s, &format!("{path}.cleanup[{i}]"), &mut scope, ctx.options));
        }
        if self.errors.len() > errors_before {
            return None;
        }
        for (step, raw_step) in steps.iter_mut().zip(&raw.steps).chain(cleanup.iter_mut().zip(&raw.cleanup)) {
            step.requirements = raw_step.requirements.clone().unwrap_or_else(|| raw.requirements.clone());
        }
        Some(Case {
            id: CaseId { suite: ctx.suite.to_string(), file: ctx.file_id.to_string(), name: raw.name.clone() },
            location: location(&self.parsed.path, self.parsed.positions.value(&path)),
            description: raw.description.clone(),
            tags: raw.tags.clone(),
            requirements: raw.requirements.clone(),
            vars,
            needs,
            steps,
            cleanup,
        })
    }

    /// Each id in `ids` (at `path`) names a requirement of the suite's catalogue, when it has one.
    fn known_requirements(&mut self, ids: &[String], path: &str, catalogue: Option<&Catalogue>) {
        let Some(catalogue) = catalogue else { return };
        let known: Vec<&str> = catalogue.requirements.iter().map(|r| r.id.as_str()).collect();
        for (i, req) in ids.iter().enumerate() {
            if !known.contains(&req.as_str()) {
                let hint = suggest(req, &known).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                self.push(self.parsed.at_value(
                    &format!("{path}[{i}]"),
                    format!("unknown requirement `{req}` (not in {}){hint}", catalogue.suite),
                ));
            }
        }
    }

    /// A step's `requirements` narrow the case's: known ids, each one the case names (so the case's list stays
    /// the one that coverage and `--requirement` read), at least one; and every requirement of the case is
    /// checked by some step, else the case claims a requirement it never checks.
    fn step_requirements(&mut self, raw: &RawCase, path: &str, catalogue: Option<&Catalogue>) {
        let errors_at_start = self.errors.len();
        let phases = [("steps", &raw.steps), ("cleanup", &raw.cleanup)];
        for (phase, steps) in phases {
            for (i, step) in steps.iter().enumerate() {
                let Some(ids) = &step.requirements else { continue };
                let spath = format!("{path}.{phase}[{i}].requirements");
                if ids.is_empty() {
                    self.push(self.parsed.at_value(
                        &spath,
                        "a step's `requirements` lists at least one id; leave it out to check all of the case's",
                    ));
                }
                let errors_before = self.errors.len();
                self.known_requirements(ids, &spath, catalogue);
                if self.errors.len() > errors_before {
                    continue;
                }
                for (j, req) in ids.iter().enumerate() {
                    // A known id, so no "did you mean": another requirement would be a different claim.
                    if !raw.requirements.contains(req) {
                        self.push(self.parsed.at_value(
                            &format!("{spath}[{j}]"),
                            format!("`{req}` is not among the case's `requirements`; list it there too"),
                        ));
                    }
                }
            }
        }
        // A step without its own list checks them all; after a wrong id, "no step checks" would only echo it.
        if raw.steps.iter().any(|s| s.requirements.is_none()) || self.errors.len() > errors_at_start {
            return;
        }
        for (i, req) in raw.requirements.iter().enumerate() {
            let checked = raw.steps.iter().any(|s| s.requirements.as_ref().is_some_and(|ids| ids.contains(req)));
            if !checked {
                self.push(self.parsed.at_value(
                    &format!("{path}.requirements[{i}]"),
                    format!("no step checks `{req}`: name it in a step's `requirements`, or drop it from the case's"),
                ));
            }
        }
    }

    fn step(&mut self, raw: &RawStep, path: &str, scope: &mut Scope, options: &LoadOptions) -> Option<Step> {
        let errors_before = self.errors.len();
        let req = &raw.request;
        let method_ok = !req.method.is_empty() && req.method.chars().all(|c| c.is_ascii_uppercase());
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).ok().filter(|_| method_ok);
        if method.is_none() {
            self.push(self.parsed.at_value(
                &format!("{path}.request.method"),
                format!("`{}` is not an HTTP method (write it in capitals: GET, POST, PUT, DELETE, …)", req.method),
            ));
        }
        let path_t = self.scoped_template(&req.path, &format!("{path}.request.path"), scope);
        if !req.path.starts_with('/') && !req.path.starts_with("{{") {
            self.push(self.parsed.at_value(&format!("{path}.request.path"), "the path must start with `/`"));
        }
        let mut query = Vec::new();
        for (k, v) in &req.query {
            let Some(name) = yaml_key(k) else { continue };
            if let Some(value) = self.value(v, &format!("{path}.request.query.{name}"), scope) {
                query.push((name, value));
            }
        }
        let mut headers = Vec::new();
        for (name, value) in &req.headers {
            let t =
                value.as_ref().and_then(|v| self.scoped_template(v, &format!("{path}.request.headers.{name}"), scope));
            if value.is_none() || t.is_some() {
                headers.push((name.clone(), t));
            }
        }
        let body = match (&req.json, &req.body) {
            (Some(_), Some(_)) => {
                self.push(self.parsed.at_key(&format!("{path}.request.body"), "give `json` or `body`, not both"));
                None
            }
            (Some(json), None) => self.value(json, &format!("{path}.request.json"), scope).map(RequestBody::Json),
            (None, Some(text)) => {
                self.scoped_template(text, &format!("{path}.request.body"), scope).map(RequestBody::Raw)
            }
            (None, None) => None,
        };

        let mut paginate =
            raw.paginate.as_ref().map(|p| {
                if p.stable.as_deref().is_some_and(|s| !is_pointer(s)) {
                    self.push(self.parsed.at_value(
                        &format!("{path}.paginate.stable"),
                        "`stable` must be a JSON Pointer such as `/count`",
                    ));
                }
                if !is_pointer(&p.items) {
                    self.push(self.parsed.at_value(
                        &format!("{path}.paginate.items"),
                        "`items` must be a JSON Pointer such as `/groups`",
                    ));
                }
                Paginate {
                    param: p.param.clone().unwrap_or_else(|| "page".into()),
                    start: p.start.unwrap_or(0),
                    items: p.items.clone(),
                    max_pages: p.max_pages.unwrap_or(20),
                    until: None,
                    stable: p.stable.clone(),
                    restarts: p.restarts.unwrap_or(5),
                }
            });
        let retry = raw.retry.as_ref().and_then(|r| self.retry(r, &format!("{path}.retry")));
        let mut captures = Vec::new();
        for (name, source) in &raw.capture {
            let cpath = format!("{path}.capture.{name}");
            if !is_var_name(name) {
                self.push(self.parsed.at_key(&cpath, format!("`{name}` is not a valid variable name")));
            }
            let optional = matches!(source, RawCapture::Source(RawCaptureSource { optional: true, .. }));
            let source = match source {
                RawCapture::Pointer(p) => Some(CaptureSource::Body(p.clone())),
                RawCapture::Source(RawCaptureSource { pointer: Some(p), header: None, .. }) => {
                    Some(CaptureSource::Body(p.clone()))
                }
                RawCapture::Source(RawCaptureSource { pointer: None, header: Some(h), .. }) => {
                    Some(CaptureSource::Header(h.to_ascii_lowercase()))
                }
                RawCapture::Source(_) => {
                    self.push(self.parsed.at_value(&cpath, "a capture takes exactly one of `pointer` or `header`"));
                    None
                }
            };
            if let Some(CaptureSource::Body(p)) = &source
                && !is_pointer(p)
            {
                self.push(
                    self.parsed.at_value(
                        &cpath,
                        format!("`{p}` is not a JSON Pointer (write `/id`, `/groups/0/id`, or \"\")"),
                    ),
                );
            }
            if let Some(source) = source {
                captures.push(Capture { name: name.clone(), source, optional });
            }
            scope.known.insert(name.clone());
            scope.later_captures.remove(name);
        }
        // The step's own captures are taken before its checks, so its expectations may use them.
        let mut expect_scope = Scope { known: scope.known.clone(), later_captures: scope.later_captures.clone() };
        if let Some(p) = &paginate {
            expect_scope.known.insert(p.param.clone());
        }
        let expect = self.expect(&raw.expect, &format!("{path}.expect"), &expect_scope, paginate.is_some(), options);
        if let (Some(p), Some(until)) = (paginate.as_mut(), raw.paginate.as_ref().and_then(|r| r.until.as_ref())) {
            p.until = self.matcher(until, false, &format!("{path}.paginate.until"), &expect_scope);
        }

        if self.errors.len() > errors_before {
            return None;
        }
        let method = method?;
        let path_t = path_t?;
        let name = raw.name.clone().unwrap_or_else(|| format!("{method} {}", path_t));
        Some(Step {
            name,
            location: location(&self.parsed.path, self.parsed.positions.value(path)),
            // Resolved by the case, which knows its own list.
            requirements: Vec::new(),
            pause: raw.pause_ms.map(Duration::from_millis),
            request: Request { method, path: path_t, query, headers, body },
            paginate: paginate.map(Box::new),
            retry,
            expect,
            captures,
            snapshot: raw.snapshot,
        })
    }

    fn scoped_template(&mut self, source: &str, path: &str, scope: &Scope) -> Option<Template> {
        match Template::parse(source) {
            Ok(t) => {
                self.check_vars(&t, path, scope);
                Some(t)
            }
            Err(e) => {
                self.push(self.parsed.at_value(path, e.to_string()));
                None
            }
        }
    }

    fn expect(&mut self, raw: &RawExpect, path: &str, scope: &Scope, paginated: bool, options: &LoadOptions) -> Expect {
        let mut expect = Expect::default();
        if let Some(status) = &raw.status {
            let spath = format!("{path}.status");
            expect.status_location = Some(location(&self.parsed.path, self.parsed.positions.value(&spath)));
            let codes: Option<Vec<u16>> = match status {
                serde_yaml::Value::Number(n) => n.as_u64().map(|c| vec![c as u16]),
                serde_yaml::Value::Sequence(items) => items.iter().map(|i| i.as_u64().map(|c| c as u16)).collect(),
                _ => None,
            };
            match codes {
                Some(codes) if !codes.is_empty() && codes.iter().all(|c| (100..=599).contains(c)) => {
                    expect.status = codes
                }
                _ => self
                    .push(self.parsed.at_value(&spath, "`status` must be a status code (100–599) or a list of them")),
            }
        }
        for (k, v) in &raw.headers {
            let Some(name) = yaml_key(k) else { continue };
            let hpath = format!("{path}.headers.{name}");
            if let Some(m) = self.matcher(v, false, &hpath, scope) {
                expect.headers.push((name.to_ascii_lowercase(), m));
            }
        }
        let strict = raw.body_match == Some(RawBodyMatch::Strict);
        expect.body = raw.body.as_ref().and_then(|b| self.matcher(b, strict, &format!("{path}.body"), scope));
        if let Some(items) = &raw.items {
            if !paginated {
                self.push(self.parsed.at_key(&format!("{path}.items"), "`items` needs `paginate` on the step"));
            }
            expect.items = self.matcher(items, strict, &format!("{path}.items"), scope);
        }
        if let Some(schema) = &raw.schema {
            if !options.schema_names.contains(schema) {
                let names: Vec<&str> = options.schema_names.iter().map(String::as_str).collect();
                let hint = suggest(schema, &names).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                self.push(self.parsed.at_value(
                    &format!("{path}.schema"),
                    format!("missing schema `{schema}` (not under specs/){hint}"),
                ));
            }
            expect.schema = Some(schema.clone());
        }
        if let Some(should) = &raw.should {
            let spath = format!("{path}.should");
            if should.should.is_some() {
                self.push(
                    self.parsed.at_key(&format!("{spath}.should"), "`should` holds expectations, not another `should`"),
                );
            }
            expect.should = Some(Box::new(self.expect(should, &spath, scope, paginated, options)));
        }
        expect
    }
}

fn is_pointer(p: &str) -> bool {
    p.is_empty() || p.starts_with('/')
}

/// Whether every variable used by a template string inside `value` is known in `scope`.
fn all_vars_known(value: &serde_yaml::Value, scope: &Scope) -> bool {
    match value {
        serde_yaml::Value::String(s) => {
            Template::parse(s).map_or(true, |t| t.vars().all(|var| scope.known.contains(var)))
        }
        serde_yaml::Value::Sequence(items) => items.iter().all(|v| all_vars_known(v, scope)),
        serde_yaml::Value::Mapping(map) => map.values().all(|v| all_vars_known(v, scope)),
        serde_yaml::Value::Tagged(t) => all_vars_known(&t.value, scope),
        _ => true,
    }
}
