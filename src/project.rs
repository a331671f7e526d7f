//! The composition root: what every entry point (the CLI, the `cargo test` harness, the tests' helpers, the
//! benchmarks) loads before a run, built one way, so they cannot drift apart.
//!
//! A [`Project`] is the suites and schemas on disk plus the variables given from outside the case files:
//! explicit values (`--var`) and the environment (`CONFORM_VAR_*`), the environment winning. Suite defaults
//! are resolved per suite when a case runs (they may use generators and refer to each other).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::case::diagnostic::suggest;
use crate::case::{Case, LoadErrors, LoadOptions, Suite, load};
use crate::check::schema::{SchemaLoadError, SchemaSet};
use crate::select::{CaseRef, Selection};

/// The prefix of environment variables that set case variables: `CONFORM_VAR_SINCH_TOKEN=…`.
pub(crate) const ENV_VAR_PREFIX: &str = "CONFORM_VAR_";

/// Where a project comes from.
#[derive(Debug, Clone)]
pub struct ProjectSource {
    /// Case files or folders.
    pub(crate) paths: Vec<PathBuf>,
    /// The folder of JSON Schemas that cases name with `schema:`; a missing folder means no schemas.
    pub(crate) specs: PathBuf,
    /// Explicit values (`--var NAME=VALUE`), later ones winning.
    pub(crate) vars: Vec<(String, String)>,
    /// `CONFORM_VAR_*` values with the prefix removed; they override explicit values.
    pub(crate) env_vars: Vec<(String, String)>,
}

impl ProjectSource {
    /// `paths` and `specs`, with no variables yet.
    pub fn new(paths: Vec<PathBuf>, specs: impl Into<PathBuf>) -> Self {
        Self { paths, specs: specs.into(), vars: Vec::new(), env_vars: Vec::new() }
    }

    /// The bundled suites (`cases/`) and schemas (`specs/`) of the current directory.
    pub fn bundled() -> Self {
        Self::new(vec![PathBuf::from("cases")], "specs")
    }

    pub fn with_vars(mut self, vars: impl IntoIterator<Item = (String, String)>) -> Self {
        self.vars.extend(vars);
        self
    }

    /// Reads `CONFORM_VAR_*` from this process's environment.
    pub fn with_env(self) -> Self {
        self.with_env_from(std::env::vars())
    }

    /// Reads variables from this process's environment under another prefix (`CONFORM_CANDIDATE_VAR_*` for one
    /// side of `conform diff`); they override `CONFORM_VAR_*` read before.
    pub fn with_env_prefixed(mut self, prefix: &str) -> Self {
        self.env_vars.extend(std::env::vars().filter_map(|(k, v)| k.strip_prefix(prefix).map(|n| (n.to_string(), v))));
        self
    }

    /// Takes the `CONFORM_VAR_*` entries of an environment given as (name, value) pairs.
    pub(crate) fn with_env_from(mut self, env: impl IntoIterator<Item = (String, String)>) -> Self {
        self.env_vars
            .extend(env.into_iter().filter_map(|(k, v)| k.strip_prefix(ENV_VAR_PREFIX).map(|n| (n.to_string(), v))));
        self
    }
}

/// Why a project could not be loaded: both are mistakes in the input.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// Every schema error names its file (and position), so `specs` is not repeated.
    #[error("{source}")]
    Schemas {
        specs: PathBuf,
        #[source]
        source: SchemaLoadError,
    },
    #[error("{0}")]
    Cases(#[from] LoadErrors),
}

/// A `--capability` no suite declares.
#[derive(Debug, thiserror::Error)]
#[error("unknown capability `{name}` (the suites declare: {declared}){hint}")]
pub struct UnknownCapability {
    name: String,
    declared: String,
    hint: String,
}

/// Suites, schemas and the variables given from outside: everything a run needs from disk and environment.
#[derive(Debug)]
pub struct Project {
    pub suites: Vec<Suite>,
    pub schemas: SchemaSet,
    /// Explicit values, then the environment's, later winning. Environment names match a suite's variable in
    /// its exact spelling when one is declared (`CONFORM_VAR_XERO_TOKEN` → `XERO_TOKEN` if declared so),
    /// otherwise in lowercase (`xero_token`).
    pub(crate) vars: BTreeMap<String, String>,
}

impl Project {
    pub fn load(source: &ProjectSource) -> Result<Project, ProjectError> {
        let schemas = load_schemas(&source.specs)?;
        let given: BTreeSet<&str> = source.vars.iter().chain(&source.env_vars).map(|(n, _)| n.as_str()).collect();
        let options = LoadOptions {
            schema_names: schemas.names().map(String::from).collect(),
            extra_vars: given.iter().flat_map(|n| [n.to_string(), n.to_ascii_lowercase()]).collect(),
        };
        let suites = load(&source.paths, &options)?;
        let declared: BTreeSet<&str> = suites.iter().flat_map(|s| s.vars.iter().map(|(n, _)| n.as_str())).collect();
        let mut vars: BTreeMap<String, String> = source.vars.iter().cloned().collect();
        for (name, value) in &source.env_vars {
            let name = if declared.contains(name.as_str()) { name.clone() } else { name.to_ascii_lowercase() };
            vars.insert(name, value.clone());
        }
        Ok(Project { suites, schemas, vars })
    }

    /// Every capability the suites declare (name → what it means), for `--capability` to choose from.
    pub fn capabilities(&self) -> BTreeMap<&str, &str> {
        self.suites.iter().flat_map(|s| s.capabilities.iter().map(|(n, m)| (n.as_str(), m.as_str()))).collect()
    }

    /// Whether every capability in `given` is one the suites declare: a misspelt `--capability` would
    /// otherwise skip the cases it was meant to run.
    pub fn check_capabilities(&self, given: &[String]) -> Result<(), UnknownCapability> {
        let declared = self.capabilities();
        let Some(name) = given.iter().find(|c| !declared.contains_key(c.as_str())) else { return Ok(()) };
        let names: Vec<&str> = declared.keys().copied().collect();
        Err(UnknownCapability {
            name: name.clone(),
            declared: if names.is_empty() { "none".into() } else { names.join(", ") },
            hint: suggest(name, &names).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default(),
        })
    }

    /// Every case, in suite and file order.
    pub fn all_cases(&self) -> Vec<CaseRef> {
        Selection::default().plan(&self.suites)
    }

    pub fn plan(&self, selection: &Selection) -> Vec<CaseRef> {
        selection.plan(&self.suites)
    }

    pub fn case(&self, at: CaseRef) -> (&Suite, &Case) {
        let suite = &self.suites[at.suite];
        (suite, &suite.cases[at.case])
    }

    pub fn case_count(&self) -> usize {
        self.suites.iter().map(|s| s.cases.len()).sum()
    }
}

fn load_schemas(specs: &Path) -> Result<SchemaSet, ProjectError> {
    if !specs.is_dir() {
        return Ok(SchemaSet::empty());
    }
    SchemaSet::load(specs).map_err(|source| ProjectError::Schemas { specs: specs.to_path_buf(), source })
}
