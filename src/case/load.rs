//! Loading: finds suites under the given paths, deserialises their YAML and validates it into the model.
//! No network. Every problem of every file is collected with its `file:line:col`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::de::DeserializeOwned;

use super::diagnostic::{Diagnostic, LoadErrors};
use super::matcher::{Matcher, MatcherBuilder, suggest};
use super::model::*;
use super::position::PositionIndex;
use super::raw::*;
use super::template::{Template, TemplateError};
use super::value::{TValue, join_path, yaml_key};

/// The file in each suite folder.
pub const SUITE_FILE: &str = "suite.yaml";

/// Variables every case has: `run_id` (unique for each execution of a case) and `base_url`.
pub const BUILTIN_VARS: &[&str] = &["run_id", "base_url"];

/// What loading needs to know about the world outside the case files.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Schema names available under `specs/` (`sinch/group.json`).
    pub schema_names: BTreeSet<String>,
    /// Variables given on the command line or in the environment.
    pub extra_vars: BTreeSet<String>,
}

/// Loads every suite under `paths` (folders with a `suite.yaml`, folders holding such folders, or single case
/// files), in a stable order.
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Vec<Suite>, LoadErrors> {
    let mut errors = Vec::new();
    // Suite folder → the case files asked for (None = all of them).
    let mut wanted: BTreeMap<PathBuf, Option<BTreeSet<PathBuf>>> = BTreeMap::new();
    for path in paths {
        match discover(path) {
            Ok(found) => {
                for (dir, file) in found {
                    match (wanted.entry(dir).or_insert_with(|| Some(BTreeSet::new())), file) {
                        (slot @ Some(_), None) => *slot = None,
                        (Some(files), Some(file)) => {
                            files.insert(file);
                        }
                        (None, _) => {}
                    }
                }
            }
            Err(d) => errors.push(d),
        }
    }
    let mut suites: Vec<Suite> = Vec::new();
    for (dir, files) in wanted {
        if let Some(suite) = load_suite(&dir, files.as_ref(), options, &mut errors) {
            if let Some(other) = suites.iter().find(|s| s.name == suite.name) {
                errors.push(Diagnostic::new(
                    location(&dir.join(SUITE_FILE), (1, 1)),
                    format!("suite name `{}` is also used by {}", suite.name, other.dir.display()),
                ));
            }
            suites.push(suite);
        }
    }
    if errors.is_empty() { Ok(suites) } else { Err(LoadErrors(errors)) }
}

fn location(file: &Path, (line, column): (usize, usize)) -> Location {
    Location { file: file.to_path_buf(), line, column }
}

/// (suite folder, a single case file or None for the whole suite) for one command-line path.
fn discover(path: &Path) -> Result<Vec<(PathBuf, Option<PathBuf>)>, Diagnostic> {
    if path.is_file() {
        let dir = path.ancestors().skip(1).find(|d| d.join(SUITE_FILE).is_file()).ok_or_else(|| {
            Diagnostic::new(location(path, (1, 1)), format!("no {SUITE_FILE} beside or above this file"))
        })?;
        if path.file_name().is_some_and(|n| n == SUITE_FILE) {
            return Ok(vec![(dir.to_path_buf(), None)]);
        }
        return Ok(vec![(dir.to_path_buf(), Some(path.to_path_buf()))]);
    }
    if !path.is_dir() {
        return Err(Diagnostic::new(location(path, (1, 1)), "no such file or folder"));
    }
    let mut found = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        if dir.join(SUITE_FILE).is_file() {
            found.push((dir, None));
            continue;
        }
        for entry in sorted_entries(&dir) {
            if entry.is_dir() {
                pending.push(entry);
            }
        }
    }
    if found.is_empty() {
        return Err(Diagnostic::new(location(path, (1, 1)), format!("no {SUITE_FILE} in this folder or below")));
    }
    Ok(found)
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    entries.sort();
    entries
}

/// Case files of a suite folder, recursively, sorted.
fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in sorted_entries(dir) {
        if entry.is_dir() {
            if !entry.join(SUITE_FILE).is_file() {
                out.extend(case_files(&entry));
            }
        } else if entry.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && entry.file_name().is_some_and(|n| n != SUITE_FILE)
        {
            out.push(entry);
        }
    }
    out
}

/// A YAML file read and deserialised, with its source and position index kept for later diagnostics.
struct Parsed<T> {
    path: PathBuf,
    source: String,
    positions: PositionIndex,
    value: T,
}

impl<T> Parsed<T> {
    fn at_value(&self, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(location(&self.path, self.positions.value(yaml_path)), message).with_source(&self.source)
    }

    fn at_key(&self, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(location(&self.path, self.positions.key(yaml_path)), message).with_source(&self.source)
    }
}

/// serde_yaml is read only here, so a maintained fork can replace it in one place.
fn parse_file<T: DeserializeOwned>(path: &Path) -> Result<Parsed<T>, Diagnostic> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(location(path, (1, 1)), format!("cannot read file: {e}")))?;
    match serde_yaml::from_str::<T>(&source) {
        Ok(value) => Ok(Parsed { path: path.to_path_buf(), positions: PositionIndex::build(&source), source, value }),
        Err(e) => {
            let pos = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
            // serde_yaml puts " at line L column C" (the error's own position) in the message; it is printed in
            // front instead. Only that one goes: a syntax error's context ("while parsing a flow mapping at
            // line 4 column 18") keeps its position, which is where the unclosed `{` is.
            let message = e.to_string().replacen(&format!(" at line {} column {}", pos.0, pos.1), "", 1);
            Err(Diagnostic::new(location(path, pos), message).with_source(&source))
        }
    }
}

fn load_suite(
    dir: &Path,
    only: Option<&BTreeSet<PathBuf>>,
    options: &LoadOptions,
    errors: &mut Vec<Diagnostic>,
) -> Option<Suite> {
    let suite_file = dir.join(SUITE_FILE);
    let parsed: Parsed<RawSuite> = match parse_file(&suite_file) {
        Ok(p) => p,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let raw = &parsed.value;
    let name = raw.name.clone().unwrap_or_else(|| dir.file_name().unwrap_or_default().to_string_lossy().into_owned());

    let mut known: BTreeSet<String> = BUILTIN_VARS.iter().map(|s| s.to_string()).collect();
    known.extend(options.extra_vars.iter().cloned());
    let declared: Vec<String> = raw.vars.keys().filter_map(yaml_key).collect();
    // Suite variables may use each other in any order, and what the command line adds.
    known.extend(declared.iter().cloned());
    let mut checker = FileChecker { parsed: &parsed, errors: Vec::new() };
    let vars = checker.vars(&raw.vars, "vars", &known);

    let mut secrets: BTreeSet<String> = raw.secrets.iter().cloned().collect();
    for (i, s) in raw.secrets.iter().enumerate() {
        if !known.contains(s) {
            checker.push(
                checker.parsed.at_value(&format!("secrets[{i}]"), format!("`{s}` is not a variable of this suite")),
            );
        }
    }
    secrets.extend(known.iter().filter(|v| looks_secret(v)).cloned());

    let mut headers = Vec::new();
    for (h, value) in &raw.headers {
        if let Some(t) = checker.template(value, &format!("headers.{h}"), &known) {
            headers.push((h.clone(), t));
        }
    }
    let catalogue = raw.requirements.as_ref().and_then(|rel| match parse_file::<Catalogue>(&dir.join(rel)) {
        Ok(c) => Some(c.value),
        Err(d) => {
            checker.push(d);
            None
        }
    });
    let snapshot = SnapshotSettings {
        redact: raw.snapshot.redact.clone(),
        headers: raw
            .snapshot
            .headers
            .clone()
            .unwrap_or_else(|| vec!["content-type".into()])
            .into_iter()
            .map(|h| h.to_ascii_lowercase())
            .collect(),
    };
    errors.append(&mut checker.errors);

    // A catalogue kept inside the suite folder is not a case file.
    let catalogue_file = raw.requirements.as_ref().map(|rel| dir.join(rel));
    let mut cases = Vec::new();
    for file in case_files(dir) {
        if only.is_some_and(|set| !set.iter().any(|f| same_file(f, &file)))
            || catalogue_file.as_ref().is_some_and(|c| same_file(c, &file))
        {
            continue;
        }
        let rel = file.strip_prefix(dir).unwrap_or(&file).with_extension("");
        let file_id = rel.to_string_lossy().replace('\\', "/");
        let parsed: Parsed<RawCaseFile> = match parse_file(&file) {
            Ok(p) => p,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let mut checker = FileChecker { parsed: &parsed, errors: Vec::new() };
        let ctx =
            SuiteContext { suite: &name, file_id: &file_id, known: &known, catalogue: catalogue.as_ref(), options };
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, raw_case) in parsed.value.cases.iter().enumerate() {
            if let Some(first) = seen.insert(&raw_case.name, i) {
                checker.push(checker.parsed.at_value(
                    &format!("cases[{i}].name"),
                    format!("duplicate case name `{}` (first used by cases[{first}])", raw_case.name),
                ));
            }
            if let Some(case) = checker.case(raw_case, i, &ctx) {
                cases.push(case);
            }
        }
        errors.append(&mut checker.errors);
    }
    Some(Suite {
        name,
        dir: dir.to_path_buf(),
        description: raw.description.clone(),
        vars,
        secrets,
        headers,
        snapshot,
        catalogue,
        cases,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// Names that hold credentials whatever the suite says.
pub fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["token", "secret", "password"].iter().any(|w| lower.contains(w))
}

struct SuiteContext<'a> {
    suite: &'a str,
    file_id: &'a str,
    known: &'a BTreeSet<String>,
    catalogue: Option<&'a Catalogue>,
    options: &'a LoadOptions,
}

/// Validates one file's raw structs into the model, collecting diagnostics.
struct FileChecker<'a, T> {
    parsed: &'a Parsed<T>,
    errors: Vec<Diagnostic>,
}

/// Variables known at a point of a case, and where each capture comes from (for "used before set").
struct Scope {
    known: BTreeSet<String>,
    /// Captures made by later steps: name → step index.
    later_captures: BTreeMap<String, usize>,
}

impl<T> FileChecker<'_, T> {
    fn push(&mut self, d: Diagnostic) {
        self.errors.push(d);
    }

    fn template(&mut self, source: &str, path: &str, known: &BTreeSet<String>) -> Option<Template> {
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
    fn vars(&mut self, map: &serde_yaml::Mapping, path: &str, known: &BTreeSet<String>) -> Vec<(String, TValue)> {
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

impl FileChecker<'_, RawCaseFile> {
    fn case(&mut self, raw: &RawCase, index: usize, ctx: &SuiteContext<'_>) -> Option<Case> {
        let path = format!("cases[{index}]");
        let errors_before = self.errors.len();
        if !is_case_name(&raw.name) {
            self.push(self.parsed.at_value(
                &format!("{path}.name"),
                format!("case name `{}` must use lowercase letters, digits, `-` and `_`", raw.name),
            ));
        }
        if let Some(catalogue) = ctx.catalogue {
            let ids: Vec<&str> = catalogue.requirements.iter().map(|r| r.id.as_str()).collect();
            for (i, req) in raw.requirements.iter().enumerate() {
                if !ids.contains(&req.as_str()) {
                    let hint = suggest(req, &ids).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                    self.push(self.parsed.at_value(
                        &format!("{path}.requirements[{i}]"),
                        format!("unknown requirement `{req}` (not in {}){hint}", catalogue.suite),
                    ));
                }
            }
        }
        if raw.steps.is_empty() {
            self.push(self.parsed.at_key(&format!("{path}.steps"), "a case needs at least one step"));
        }
        let vars = self.vars(&raw.vars, &format!("{path}.vars"), ctx.known);
        let mut scope = Scope { known: ctx.known.clone(), later_captures: BTreeMap::new() };
        scope.known.extend(vars.iter().map(|(n, _)| n.clone()));
        for (i, step) in raw.steps.iter().enumerate() {
            for name in step.capture.keys() {
                scope.later_captures.entry(name.clone()).or_insert(i);
            }
        }
        let steps: Vec<Step> = raw
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| self.step(s, &format!("{path}.steps[{i}]"), &mut scope, ctx.options))
            .collect();
        let cleanup: Vec<Step> = raw
            .cleanup
            .iter()
            .enumerate()
            .filter_map(|(i, s)| self.step(s, &format!("{path}.cleanup[{i}]"), &mut scope, ctx.options))
            .collect();
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Case {
            id: CaseId { suite: ctx.suite.to_string(), file: ctx.file_id.to_string(), name: raw.name.clone() },
            location: location(&self.parsed.path, self.parsed.positions.value(&path)),
            description: raw.description.clone(),
            tags: raw.tags.clone(),
            requirements: raw.requirements.clone(),
            vars,
            steps,
            cleanup,
        })
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
            pause: raw.pause_ms.map(Duration::from_millis),
            request: Request { method, path: path_t, query, headers, body },
            paginate,
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
        expect
    }
}

fn is_pointer(p: &str) -> bool {
    p.is_empty() || p.starts_with('/')
}

impl From<TemplateError> for Diagnostic {
    fn from(e: TemplateError) -> Self {
        Diagnostic::new(Location::default(), e.to_string())
    }
}
