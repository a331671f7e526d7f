//! Loading: finds suites under the given paths, deserialises their YAML and validates it into the model.
//! No network. Every problem of every file is collected with its `file:line:col`.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use super::budget::{Rate, RateBudget};
use super::diagnostic::{Diagnostic, LoadErrors};
use super::model::*;
use super::raw::*;
use super::read::{Parsed, parse_case_file, parse_file};
use super::validate::{FileValidator, SuiteContext};
use super::value::yaml_key;

/// The file in each suite folder.
pub(crate) const SUITE_FILE: &str = "suite.yaml";

/// Variables every case has: `run_id` (unique for each execution of a case) and `base_url`.
pub(crate) const BUILTIN_VARS: &[&str] = &["run_id", "base_url"];

/// What loading needs to know about the world outside the case files.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadOptions {
    /// Schema names available under `specs/` (`sinch/group.json`).
    pub(crate) schema_names: BTreeSet<String>,
    /// Variables given on the command line or in the environment.
    pub(crate) extra_vars: BTreeSet<String>,
}

/// Loads every suite under `paths` (folders with a `suite.yaml`, folders holding such folders, or single case
/// files), in a stable order.
pub(crate) fn load(paths: &[PathBuf], options: &LoadOptions) -> Result<Vec<Suite>, LoadErrors> {
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

pub(super) fn location(file: &Path, (line, column): (usize, usize)) -> Location {
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

fn load_suite(
    dir: &Path,
    only: Option<&BTreeSet<PathBuf>>,
    options: &LoadOptions,
    errors: &mut Vec<Diagnostic>,
) -> Option<Suite> {
    let suite_file = dir.join(SUITE_FILE);
    let parsed: Parsed<RawSuite> = match parse_file(&suite_file) {
        Ok(p) => p,
        Err(mut d) => {
            errors.append(&mut d);
            return None;
        }
    };
    let raw = &parsed.value;
    // Whatever this suite's files get wrong is shown with its source line, which may be the line of a secret's
    // default value: masked like every other output.
    let masker = default_secrets(raw);
    let first_error = errors.len();
    let name = raw.name.clone().unwrap_or_else(|| dir.file_name().unwrap_or_default().to_string_lossy().into_owned());

    let mut known: BTreeSet<String> = BUILTIN_VARS.iter().map(|s| s.to_string()).collect();
    known.extend(options.extra_vars.iter().cloned());
    let declared: Vec<String> = raw.vars.keys().filter_map(yaml_key).collect();
    // Suite variables may use each other in any order, and what the command line adds.
    known.extend(declared.iter().cloned());
    let mut validator = FileValidator { parsed: &parsed, errors: Vec::new() };
    let vars = validator.vars(&raw.vars, "vars", &known);

    let secrets: BTreeSet<String> = raw.secrets.iter().cloned().collect();
    for (i, s) in raw.secrets.iter().enumerate() {
        if !known.contains(s) {
            validator.push(
                validator.parsed.at_value(&format!("secrets[{i}]"), format!("`{s}` is not a variable of this suite")),
            );
        }
    }

    let mut headers = Vec::new();
    for (h, value) in &raw.headers {
        if let Some(t) = validator.template(value, &format!("headers.{h}"), &known) {
            headers.push((h.clone(), t));
        }
    }
    let catalogue = raw.requirements.as_ref().and_then(|rel| {
        if !dir.join(rel).is_file() {
            let message = format!("no requirement catalogue at `{rel}` (relative to this suite.yaml)");
            validator.push(validator.parsed.at_value("requirements", message));
            return None;
        }
        match parse_file::<Catalogue>(&dir.join(rel)) {
            Ok(c) => Some(c.value),
            Err(d) => {
                validator.errors.extend(d);
                None
            }
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
    for name in raw.capabilities.keys() {
        let kebab = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-');
        if !kebab || known.contains(name) {
            let why = if kebab { "is also a variable name" } else { "must be kebab-case (a-z, 0-9, `-`)" };
            validator
                .push(validator.parsed.at_key(&format!("capabilities.{name}"), format!("capability `{name}` {why}")));
        }
    }
    let rate_limit = raw.rate_limit.as_ref().map(|r| rate_limit(r, &mut validator)).unwrap_or_default();
    let oauth2 = raw.oauth2.as_ref().and_then(|o| oauth2(o, &known, &mut validator));
    errors.append(&mut validator.errors);

    // A catalogue kept inside the suite folder is not a case file.
    let catalogue_file = raw.requirements.as_ref().map(|rel| dir.join(rel));
    let files: Vec<PathBuf> = case_files(dir)
        .into_iter()
        .filter(|file| {
            only.is_none_or(|set| set.iter().any(|f| same_file(f, file)))
                && !catalogue_file.as_ref().is_some_and(|c| same_file(c, file))
        })
        .collect();
    let ctx = SuiteContext {
        suite: &name,
        file_id: "",
        known: &known,
        capabilities: &raw.capabilities,
        catalogue: catalogue.as_ref(),
        options,
    };
    let mut cases = Vec::new();
    for (mut file_cases, mut file_errors) in each_file(&files, |file| load_case_file(dir, file, &ctx)) {
        cases.append(&mut file_cases);
        errors.append(&mut file_errors);
    }
    if !masker.is_empty() {
        for d in &mut errors[first_error..] {
            d.message = masker.mask(&d.message).into_owned();
            d.source_line = d.source_line.take().map(|line| masker.mask(&line).into_owned());
        }
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
        capabilities: raw.capabilities.clone(),
        rate_limit,
        oauth2,
        cases,
    })
}

/// The default values the suite file writes for its secret variables (declared in `secrets:`, or named like a
/// secret).
fn default_secrets(raw: &RawSuite) -> crate::secrets::Masker {
    let values = raw.vars.iter().filter_map(|(key, value)| {
        let name = yaml_key(key)?;
        let secret = raw.secrets.contains(&name) || crate::secrets::is_secret_name(&name);
        secret.then(|| value.as_str().map(str::to_string)).flatten()
    });
    crate::secrets::Masker::new(values)
}

/// The cases of one case file, and its problems (format and validation errors in the order of the file).
fn load_case_file(dir: &Path, file: &Path, suite: &SuiteContext<'_>) -> (Vec<Case>, Vec<Diagnostic>) {
    let rel = file.strip_prefix(dir).unwrap_or(file).with_extension("");
    let file_id = rel.to_string_lossy().replace('\\', "/");
    let (parsed, format_errors) = parse_case_file(file);
    let Some(parsed) = parsed else { return (Vec::new(), format_errors) };
    let mut validator = FileValidator { parsed: &parsed, errors: Vec::new() };
    let ctx = SuiteContext { file_id: &file_id, ..*suite };
    let mut cases = Vec::new();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, raw_case) in parsed.value.0.iter().map(|(i, case)| (*i, case)) {
        if let Some(first) = seen.insert(&raw_case.name, i) {
            validator.push(validator.parsed.at_value(
                &format!("cases[{i}].name"),
                format!("duplicate case name `{}` (first used by cases[{first}])", raw_case.name),
            ));
        }
        if let Some(case) = validator.case(raw_case, i, &ctx) {
            cases.push(case);
        }
    }
    let mut file_errors = format_errors;
    file_errors.append(&mut validator.errors);
    file_errors.sort_by_key(|d| (d.location.line, d.location.column));
    (cases, file_errors)
}

/// `load` applied to every file, on as many threads as there are cores (files are independent: a suite of
/// 10,000 cases in 100 files loads in half the time on 2 cores), the results in the order of `files`.
fn each_file<T: Send>(files: &[PathBuf], load: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len());
    if threads <= 1 {
        return files.iter().map(|f| load(f)).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break out };
                        out.push((i, load(file)));
                    }
                })
            })
            .collect();
        // A panic in a worker is a bug of the loader: let it surface as the panic it is.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

fn rate_limit(raw: &RawRateLimit, validator: &mut FileValidator<'_, RawSuite>) -> RateBudget {
    let rate = raw.rate.as_ref().and_then(|text| match text.parse::<Rate>() {
        Ok(rate) => Some(rate),
        Err(e) => {
            validator.push(validator.parsed.at_value("rate_limit.rate", e.to_string()));
            None
        }
    });
    let max_in_flight = raw.max_in_flight.and_then(|n| {
        let n = NonZeroU32::new(n);
        if n.is_none() {
            validator.push(validator.parsed.at_value("rate_limit.max_in_flight", "must be at least 1"));
        }
        n
    });
    RateBudget { rate, max_in_flight }
}

fn oauth2(raw: &RawOAuth2, known: &BTreeSet<String>, validator: &mut FileValidator<'_, RawSuite>) -> Option<OAuth2> {
    if !known.contains(&raw.token_var) {
        let message = format!("`{}` is not a variable of this suite (the variable the token fills)", raw.token_var);
        validator.push(validator.parsed.at_value("oauth2.token_var", message));
    }
    let token_url = validator.template(&raw.token_url, "oauth2.token_url", known);
    let client_id = validator.template(&raw.client_id, "oauth2.client_id", known);
    let client_secret = validator.template(&raw.client_secret, "oauth2.client_secret", known);
    let scope = raw.scope.as_ref().map(|s| validator.template(s, "oauth2.scope", known));
    let refresh_token = raw.refresh_token.as_ref().map(|s| validator.template(s, "oauth2.refresh_token", known));
    Some(OAuth2 {
        token_var: raw.token_var.clone(),
        token_url: token_url?,
        client_id: client_id?,
        client_secret: client_secret?,
        scope: scope.flatten(),
        refresh_token: refresh_token.flatten(),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_loaded_on_several_threads_come_back_in_their_order() {
        let files: Vec<PathBuf> = (0..200).map(|i| PathBuf::from(format!("f{i:03}.yaml"))).collect();
        let loaded = each_file(&files, |f| {
            // Uneven work, so the threads finish out of order.
            let number: u64 = f.to_string_lossy()[1..4].parse().unwrap();
            std::thread::sleep(std::time::Duration::from_micros(number % 7 * 50));
            f.display().to_string()
        });
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        assert_eq!(loaded, names);
    }
}
