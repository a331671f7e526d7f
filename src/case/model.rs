//! The validated, I/O-free model of suites and cases that the runner executes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use super::matcher::Matcher;
use super::template::Template;
use super::value::TValue;

/// Where something was written: a file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A folder of case files sharing one `suite.yaml`.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub dir: PathBuf,
    pub description: Option<String>,
    /// Default variables, in file order.
    pub vars: Vec<(String, TValue)>,
    /// Names of the variables the suite declares secret; `secrets::is_secret_name` adds those named like one.
    pub secrets: BTreeSet<String>,
    pub headers: Vec<(String, Template)>,
    pub snapshot: SnapshotSettings,
    pub catalogue: Option<Catalogue>,
    /// Optional capabilities of a target (name → what it means), in name order.
    pub capabilities: BTreeMap<String, String>,
    /// The service's published limits (`rate_limit:`); unlimited when the suite declares none.
    pub rate_limit: super::budget::RateBudget,
    /// How to obtain the bearer token, when the suite declares it.
    pub oauth2: Option<OAuth2>,
    pub cases: Vec<Case>,
}

/// A suite's OAuth2 token request (`oauth2:` in `suite.yaml`); see `raw::RawOAuth2`.
#[derive(Debug, Clone)]
pub struct OAuth2 {
    /// The variable the access token fills.
    pub token_var: String,
    pub(crate) token_url: Template,
    pub(crate) client_id: Template,
    pub(crate) client_secret: Template,
    pub(crate) scope: Option<Template>,
    pub(crate) refresh_token: Option<Template>,
}

impl Suite {
    /// Whether variable `name` holds a secret: the suite declares it so, or its name says so.
    pub(crate) fn is_secret(&self, name: &str) -> bool {
        self.secrets.contains(name) || crate::secrets::is_secret_name(name)
    }
}

#[derive(Debug, Clone, Default)]
pub struct SnapshotSettings {
    /// insta selectors of volatile body fields.
    pub(crate) redact: Vec<String>,
    /// Lowercase header names kept in snapshots.
    pub(crate) headers: Vec<String>,
}

/// The documented behaviours a suite checks.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub suite: String,
    pub title: String,
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub summary: String,
    pub seed: Option<String>,
    pub source: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    /// `must`: the documents require it of every implementation; `should`: fidelity to the real service.
    pub level: Level,
    /// Why this level, naming the source (e.g. "seed: the create table lists `name` as optional").
    pub level_reason: String,
    pub check: Testability,
    pub checkable_part: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

pub use super::level::Level;

/// How much of a documented requirement the suite can check: the catalogue's `check: full | partial | none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Testability {
    Full,
    Partial,
    None,
}

impl Testability {
    pub(crate) fn is_checkable(self) -> bool {
        self != Testability::None
    }

    /// The catalogue's spelling: `full`, `partial` or `none`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Testability::Full => "full",
            Testability::Partial => "partial",
            Testability::None => "none",
        }
    }
}

/// `suite::file::case`, the name of a case everywhere (test names, reports, snapshots).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct CaseId {
    pub suite: String,
    /// The case file's stem (`groups` for `groups.yaml`), with `/` for nested folders.
    pub file: String,
    pub name: String,
}

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}::{}::{}", self.suite, self.file.replace('/', "::"), self.name)
    }
}

#[derive(Debug, Clone)]
pub struct Case {
    pub id: CaseId,
    pub location: Location,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub requirements: Vec<String>,
    pub vars: Vec<(String, TValue)>,
    /// What the user must give for the case to run against another implementation than the embedded one.
    pub needs: Vec<Need>,
    pub steps: Vec<Step>,
    pub cleanup: Vec<Step>,
}

/// One thing a case needs from the user against a target other than the embedded server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// A variable to give with `--var NAME=…` or `CONFORM_VAR_NAME`.
    Var(String),
    /// A capability of the target, declared by the suite, to give with `--capability NAME`.
    Capability(String),
}

#[derive(Debug, Clone)]
pub struct Step {
    /// Given, or `METHOD path` when the file gives none.
    pub(crate) name: String,
    pub(crate) location: Location,
    /// The requirement ids its expectations check: its own `requirements`, else the case's.
    pub(crate) requirements: Vec<String>,
    pub(crate) pause: Option<Duration>,
    pub(crate) request: Request,
    /// Boxed: few steps paginate, and every step of a loaded suite is kept in memory for the run.
    pub(crate) paginate: Option<Box<Paginate>>,
    /// Try the step again until its `must` expectations hold.
    pub(crate) retry: Option<Retry>,
    pub(crate) expect: Expect,
    pub(crate) captures: Vec<Capture>,
    pub(crate) snapshot: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) method: reqwest::Method,
    pub(crate) path: Template,
    pub(crate) query: Vec<(String, TValue)>,
    /// `None` removes a suite header.
    pub(crate) headers: Vec<(String, Option<Template>)>,
    pub(crate) body: Option<RequestBody>,
}

#[derive(Debug, Clone)]
pub(crate) enum RequestBody {
    Json(TValue),
    Raw(Template),
}

#[derive(Debug, Clone)]
pub(crate) struct Paginate {
    pub(crate) param: String,
    pub(crate) start: i64,
    /// JSON Pointer to each page's items.
    pub(crate) items: String,
    pub(crate) max_pages: u32,
    /// Stop early once the items collected so far match this.
    pub(crate) until: Option<Matcher>,
    /// JSON Pointer to a value that must not move during a walk (e.g. `/count`); when it does, the walk restarts.
    pub(crate) stable: Option<String>,
    /// Walks restarted at most this many times when `stable` moves. Defaults to 5.
    pub(crate) restarts: u32,
}

/// How a step is tried again until its expectations hold (`retry:`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Retry {
    /// Tries in all, the first included.
    pub(crate) attempts: u32,
    /// The wait before the second try.
    pub(crate) interval: Duration,
    /// Each further wait is the previous one times this.
    pub(crate) backoff: f64,
    /// The waits of one step add up to at most this.
    pub(crate) max_wait: Duration,
}

impl Retry {
    /// The wait before try number `next` (2 for the second try): `interval × backoff^(next-2)`.
    pub(crate) fn wait_before(&self, next: u32) -> Duration {
        let factor = self.backoff.powi(next.saturating_sub(2).min(64) as i32);
        self.interval.mul_f64(factor.min(1e6))
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Expect {
    /// Acceptable statuses; empty means any 2xx.
    pub(crate) status: Vec<u16>,
    pub(crate) status_location: Option<Location>,
    /// Lowercase header name → matcher on its value.
    pub(crate) headers: Vec<(String, Matcher)>,
    pub(crate) body: Option<Matcher>,
    pub(crate) schema: Option<String>,
    pub(crate) items: Option<Matcher>,
    /// Expectations at the `should` level; its empty `status` means no status check.
    pub(crate) should: Option<Box<Expect>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Capture {
    pub(crate) name: String,
    pub(crate) source: CaptureSource,
    /// A missing value leaves the variable unset instead of failing the step.
    pub(crate) optional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CaptureSource {
    /// A JSON Pointer into the body.
    Body(String),
    /// A header, lowercase.
    Header(String),
}
