//! Command-line definitions (clap) and their conversion into plain configuration. No logic beyond that.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use conform::select::{Selection, Shard};

/// The exit codes, as `--help` shows them (kept in step with `exit.rs` and the README by `tests/cli.rs`).
macro_rules! exit_codes {
    () => {
        "Exit codes:\n  0  every case passed\n  1  an implementation failed an expectation, or a case was flaky under --repeat (coverage: a requirement has no case)\n  2  wrong input: case files, schemas, flags, a selection that matches nothing\n  3  no case failed, but some could not run (connection refused, timeout, TLS, a body over --max-body-size, an unresponsive target, a variable without a value)\n  4  conform could not work: the embedded server or runtime did not start, a report could not be written"
    };
}

#[derive(Debug, Parser)]
#[command(
    name = "conform",
    version,
    about = "Contract-conformance tests for HTTP APIs: replays YAML cases against an implementation and shows where it breaks the contract.",
    after_help = concat!("Examples:\n  conform run                                   # the bundled suites against the embedded reference server\n  conform run cases/sinch --base-url https://eu.sms.api.sinch.com \\\n      --var service_plan_id=abc --var sinch_token=…\n  conform list cases\n  conform validate cases\n  conform coverage cases\n  conform serve --with-data\n\n", exit_codes!())
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run cases against an implementation (the embedded reference server when no --base-url is given).
    #[command(
        after_help = concat!("Examples:\n  conform run\n  conform run cases/sinch --filter update --report junit=out/junit.xml --report html=out/report.html\n  conform run --base-url http://127.0.0.1:9000 --baseline baseline.yaml --strict-baseline\n  conform run --base-url http://127.0.0.1:9000 --var sinch_token=secret --snapshots snapshots/my-impl\n  CONFORM_VAR_XERO_TOKEN=… conform run cases/xero --base-url https://api.xero.com --shard 1/3\n  CONFORM_VAR_XERO_CLIENT_SECRET=… conform run cases/xero --base-url https://api.xero.com --var xero_client_id=… \\\n      --var xero_token_url=https://identity.xero.com/connect/token --var xero_tenant_id=… --rate 30/min\n\n", exit_codes!())
    )]
    Run(RunArgs),
    /// List cases with their tags and requirements (no network).
    #[command(after_help = "Example:\n  conform list cases --tag legacy")]
    List(ListArgs),
    /// Load and validate every case file and schema (no network). Exit 0 when all is well, 2 otherwise.
    #[command(
        alias = "check",
        after_help = "Every problem prints as `file:line:col: message` with the line and a caret. Case, suite and \
                      catalogue files are limited to 1 MiB, 100 levels of nesting and 100,000 values repeated by \
                      aliases (docs/case-format.md, \"File limits\").\n\nExample:\n  conform validate cases"
    )]
    Validate(CaseArgs),
    /// Print the requirement → cases table; exit 1 when a checkable requirement has no case.
    #[command(after_help = "Example:\n  conform coverage cases")]
    Coverage(CaseArgs),
    /// Serve the reference implementation of both APIs until Ctrl-C.
    #[command(
        after_help = "Examples:\n  conform serve\n  conform serve --addr 127.0.0.1:9000 --with-data\n  conform serve --fault sinch-adds-after-removes\n  conform serve --rate-limit xero --token-lifetime 2s\n  conform serve --list-faults"
    )]
    Serve(ServeArgs),
    /// Baselines of known deviations: `conform baseline write --from REPORT.json`, then `run --baseline FILE`.
    #[command(
        subcommand,
        after_help = "Example:\n  conform baseline write --from out/report.json -o baseline.yaml\n  conform run --baseline baseline.yaml --strict-baseline"
    )]
    Baseline(crate::gate_cli::BaselineCommand),
    /// Run the cases against a reference and a candidate implementation and compare every step's normalised
    /// response (status, snapshot headers, body with the suite's volatile fields redacted). Exit 0 when they
    /// answer the same, 1 when they differ.
    #[command(
        after_help = "Examples:\n  conform diff --reference embedded --candidate http://127.0.0.1:9000 cases/sinch\n  conform diff --reference https://api.example.com --candidate http://127.0.0.1:9000 \\\n      --reference-var sinch_token=… --candidate-var sinch_token=… --ordered '$.groups' --report json=out/diff.json\n\nArrays are compared without order unless named with --ordered (or --ordered-all); each side's own verdict\nstill checks the orders the contract fixes.\n\nExit codes:\n  0  both answer the same\n  1  they differ\n  2  wrong input: case files, flags, a selection that matches nothing\n  3  nothing differs, but some cases could not run on a side\n  4  conform could not work (embedded server, runtime, a report)"
    )]
    Diff(crate::gate_cli::DiffArgs),
    /// Run one selection of cases against several named implementations (a targets file) and print the
    /// requirement × implementation table: pass / fail / non-strict / expected (baseline) / not run.
    #[command(
        after_help = "Example:\n  conform matrix --targets targets.yaml cases/sinch --html out/matrix.html --markdown out/matrix.md\n\ntargets.yaml:\n  targets:\n    - {name: reference, base_url: embedded}\n    - name: sandbox\n      base_url: https://sandbox.example.com\n      vars: {sinch_token: \"…\", service_plan_id: abc}\n      exclude_tags: [legacy]\n      baseline: sandbox-baseline.yaml\n\nExit codes:\n  0  no target fails a requirement its baseline does not expect\n  1  some target does\n  2  wrong input: case files, the targets file, a baseline, a selection that matches nothing\n  4  conform could not work (embedded server, runtime, a report)"
    )]
    Matrix(crate::gate_cli::MatrixArgs),
}

#[derive(Debug, Args)]
pub struct CaseArgs {
    /// Case files or folders. Defaults to `cases`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Folder of JSON Schemas that cases name with `schema:`.
    #[arg(long, value_name = "DIR", default_value = "specs")]
    pub specs: PathBuf,
    /// A variable, `NAME=VALUE` (repeatable); overrides the suite's default. `CONFORM_VAR_NAME` overrides both.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

impl CaseArgs {
    pub fn paths(&self) -> Vec<PathBuf> {
        if self.paths.is_empty() { vec![PathBuf::from("cases")] } else { self.paths.clone() }
    }
}

#[derive(Debug, Args)]
pub struct SelectArgs {
    /// Run cases whose id (`suite::file::case`) contains this text (repeatable).
    #[arg(long, value_name = "TEXT")]
    pub filter: Vec<String>,
    /// Run cases with this tag (repeatable: any of them).
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Leave out cases with this tag (repeatable), e.g. `legacy` or `seed-verbs` against a real service.
    #[arg(long, value_name = "TAG")]
    pub exclude_tag: Vec<String>,
    /// Run cases checking this requirement id or id prefix (repeatable), e.g. `sinch.update`.
    #[arg(long, value_name = "ID")]
    pub requirement: Vec<String>,
    /// Run shard K of N: a stable partition of the cases for CI matrices (e.g. `2/3`).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

impl SelectArgs {
    pub fn selection(&self) -> Selection {
        Selection {
            filters: self.filter.clone(),
            tags: self.tag.clone(),
            exclude_tags: self.exclude_tag.clone(),
            requirements: self.requirement.clone(),
            shard: self.shard,
            ids: None,
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub cases: CaseArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// The implementation to test, e.g. `https://eu.sms.api.sinch.com`. Without it, conform starts its embedded
    /// reference server on a free loopback port and tests that.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
    /// Cases run at once. Defaults to the machine's parallelism.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Deadline of each request, in seconds (fractions allowed): connection, headers and the whole body, so a
    /// server that drips its answer cannot stretch it. When 3 requests in a row get no answer (refused
    /// connection, timeout), the target is unresponsive: no more cases start, the rest error with the reason,
    /// and the run exits 3 within about one timeout. Defaults to 10.
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Largest response body read, e.g. `16MiB`, `512KiB`, `1000000` (bytes). A larger body errs its step with
    /// "body exceeds N bytes" without being held in memory. Defaults to 16MiB.
    #[arg(long, value_name = "SIZE", default_value = "16MiB", value_parser = parse_size)]
    pub max_body_size: u64,
    /// Resend a request up to N times after a transport error (never after a failed expectation). A POST or
    /// PATCH is resent only when it provably never reached the server (a connect error): after a timeout it may
    /// already have been processed, and resending it would create a second group on a real account.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub retries: u32,
    /// With --retries: resend POST and PATCH after any transport error too (timeouts, broken responses), at
    /// the risk of doing the write twice.
    #[arg(long, requires = "retries")]
    pub retry_unsafe: bool,
    /// Run exactly the cases that failed, errored or were flaky in an earlier JSON report
    /// (`--report json=FILE`). A case id that no longer exists is an input error (exit 2); a report without
    /// such cases runs nothing and exits 0. Combines with the other selection options.
    #[arg(long, value_name = "REPORT.json")]
    pub rerun_failed: Option<PathBuf>,
    /// Run each selected case N times (at most 1000). Cases that passed in some runs and failed or errored in
    /// others are reported as flaky, and count as failed for the exit code (1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub repeat: u32,
    /// At most N requests per second or minute to the target, across all cases (`10/s`, `60/min`). A suite's
    /// own published limits (`rate_limit:` in suite.yaml, e.g. Xero's 60/min and 5 in flight) hold as well
    /// against any target but the embedded server: the stricter wins.
    #[arg(long, value_name = "N/s|N/min")]
    pub rate: Option<conform::case::budget::Rate>,
    /// Ignore the suites' published limits (`rate_limit:`), e.g. against your own implementation of Xero's API,
    /// which does not share Xero's 60 calls a minute. --rate and --max-in-flight still hold.
    #[arg(long)]
    pub no_suite_limits: bool,
    /// At most N requests waiting for an answer at once, across all cases.
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<std::num::NonZeroU32>,
    /// A throttled answer (429, or 503 with Retry-After) is waited out and the same request sent again, never
    /// counted as a failure; a case errors when its waits would add up to more than this. Seconds; defaults
    /// to 300.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub max_throttle_wait: Option<Duration>,
    /// Stop starting new cases after the first failure.
    #[arg(long)]
    pub fail_fast: bool,
    /// The target has this optional capability, declared by a suite (`capabilities:` in suite.yaml), e.g.
    /// `seed-verbs`. Against `--base-url`, a case that needs a capability not given is skipped with the reason;
    /// the embedded server has every one. Repeatable.
    #[arg(long, value_name = "NAME")]
    pub capability: Vec<String>,
    /// Fail the cases where only `should` expectations (fidelity to the real service, beyond the contract)
    /// differ; without it they are reported as non-strict and pass the gate.
    #[arg(long)]
    pub strict: bool,
    /// Accept every changed or new snapshot.
    #[arg(long, conflicts_with = "no_snapshots")]
    pub update_snapshots: bool,
    /// Snapshot folder for this target. Defaults to `snapshots` against the embedded server; against
    /// `--base-url`, snapshots are compared only when this is given.
    #[arg(long, value_name = "DIR", conflicts_with = "no_snapshots")]
    pub snapshots: Option<PathBuf>,
    /// Do not compare or write snapshots.
    #[arg(long)]
    pub no_snapshots: bool,
    /// Write a report, `FORMAT=PATH` with FORMAT junit, json or html (repeatable).
    #[arg(long = "report", value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub reports: Vec<(conform::report::ReportFormat, PathBuf)>,
    /// A baseline of known deviations (`conform baseline write`): a listed failure is expected (XFAIL) and does
    /// not fail the gate; a listed case that passes now is reported as unexpectedly passing. An entry naming
    /// no loaded case is an input error (exit 2).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: a listed case that passes now (the baseline is out of date) fails the gate.
    #[arg(long, requires = "baseline")]
    pub strict_baseline: bool,
    /// Print what would run (shard and filters applied) and exit.
    #[arg(long, alias = "dry-run")]
    pub list: bool,
    /// Only failures and the summary.
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// One line per step as well.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub cases: CaseArgs,
    #[command(flatten)]
    pub select: SelectArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Start with pre-existing data, like a real account.
    #[arg(long)]
    pub with_data: bool,
    /// Break one documented behaviour on purpose (see --list-faults).
    #[arg(long, value_name = "NAME")]
    pub fault: Option<String>,
    /// List the faults and exit.
    #[arg(long)]
    pub list_faults: bool,
    /// Serve a conforming variant that makes other documented choices (see --list-variants).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// List the conforming variants and exit.
    #[arg(long)]
    pub list_variants: bool,
    /// How long access tokens from the token endpoints (Xero `POST /connect/token`, Sinch `POST
    /// /oauth2/token`) live, e.g. `2s`, `5min`. Defaults to each service's own: 30min for Xero, 1h for Sinch.
    #[arg(long, value_name = "DURATION", value_parser = conform::reference::parse_token_lifetime)]
    pub token_lifetime: Option<Duration>,
    /// Enforce rate limits, answering 429 with Retry-After past them. `xero` is Xero's published limits
    /// (60/min,5000/day,5-concurrent); `xero=20/s,2-concurrent` gives the numbers for one API; numbers alone
    /// apply to every API. Parts: N/s, N/min, N/day, N/10s, … (periods up to 60s are the minute limit,
    /// longer the day limit) and N-concurrent. Repeatable.
    #[arg(long, value_name = "LIMIT")]
    pub rate_limit: Vec<String>,
    /// A value for each setting the reference APIs declare, one flag each (`--sinch-token`, …).
    #[command(flatten)]
    pub settings: ServeSettings,
}

/// The settings of every reference API as `conform serve` flags (`--service-plan-id`, `--sinch-token`, …),
/// built from the registry so that a new API's settings appear without an edit here. Holds `(setting name,
/// value)` for each flag given; settings not given keep their defaults.
#[derive(Debug, Clone, Default)]
pub struct ServeSettings(pub Vec<(&'static str, String)>);

impl clap::FromArgMatches for ServeSettings {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let given = conform::reference::settings()
            .filter_map(|setting| matches.get_one::<String>(setting.name).map(|v| (setting.name, v.clone())))
            .collect();
        Ok(Self(given))
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for ServeSettings {
    fn augment_args(command: clap::Command) -> clap::Command {
        conform::reference::settings().fold(command, |command, setting| {
            command.arg(
                clap::Arg::new(setting.name).long(setting.flag()).value_name(setting.value_name).help(setting.help),
            )
        })
    }

    fn augment_args_for_update(command: clap::Command) -> clap::Command {
        Self::augment_args(command)
    }
}

pub(crate) fn parse_var(s: &str) -> Result<(String, String), String> {
    let (name, value) = s.split_once('=').ok_or_else(|| format!("`{s}` is not NAME=VALUE"))?;
    if name.is_empty() {
        return Err(format!("`{s}` has no variable name"));
    }
    Ok((name.to_string(), value.to_string()))
}

pub(crate) fn parse_base_url(s: &str) -> Result<String, String> {
    let url =
        reqwest::Url::parse(s).map_err(|e| format!("`{s}` is not a URL ({e}); write e.g. http://127.0.0.1:8080"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("`{s}` must be an http:// or https:// URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{s}`: the base URL takes no query or fragment (cases add their own paths and queries)"));
    }
    Ok(s.trim_end_matches('/').to_string())
}

pub(crate) fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s.trim_end_matches('s').parse().map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs.is_finite()) {
        return Err(format!("`{s}`: the timeout must be positive"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A size in bytes: a number with an optional unit, `B`, `KB`/`MB`/`GB` (powers of 1000) or `KiB`/`MiB`/`GiB`
/// (powers of 1024), any case, a space allowed before it.
fn parse_size(s: &str) -> Result<u64, String> {
    let text = s.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 =
        number.parse().map_err(|_| format!("`{s}` is not a size (write e.g. 16MiB, 512KiB or 1000000)"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" | "k" => 1024,
        "mb" => 1000 * 1000,
        "mib" | "m" => 1024 * 1024,
        "gb" => 1000 * 1000 * 1000,
        "gib" | "g" => 1024 * 1024 * 1024,
        other => return Err(format!("`{s}`: unknown unit `{other}` (use B, KB, KiB, MB, MiB, GB or GiB)")),
    };
    match number.checked_mul(factor) {
        Some(0) => Err(format!("`{s}`: the size must be positive")),
        Some(size) => Ok(size),
        None => Err(format!("`{s}` is too large")),
    }
}

pub(crate) fn parse_report(s: &str) -> Result<(conform::report::ReportFormat, PathBuf), String> {
    let (format, path) =
        s.split_once('=').ok_or_else(|| format!("`{s}` is not FORMAT=PATH (e.g. junit=out/junit.xml)"))?;
    let format = format.parse().map_err(|e| format!("{e}"))?;
    Ok((format, PathBuf::from(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("1000000"), Ok(1_000_000));
        assert_eq!(parse_size("16MiB"), Ok(16 * 1024 * 1024));
        assert_eq!(parse_size("16 mib"), Ok(16 * 1024 * 1024));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("1G"), Ok(1024 * 1024 * 1024));
        assert_eq!(parse_size("10B"), Ok(10));
    }

    #[test]
    fn a_wrong_size_says_what_to_write() {
        assert_eq!(parse_size("lots"), Err("`lots` is not a size (write e.g. 16MiB, 512KiB or 1000000)".into()));
        assert_eq!(
            parse_size("16MiBs"),
            Err("`16MiBs`: unknown unit `mibs` (use B, KB, KiB, MB, MiB, GB or GiB)".into())
        );
        assert_eq!(parse_size("0"), Err("`0`: the size must be positive".into()));
        assert_eq!(parse_size("99999999999GiB"), Err("`99999999999GiB` is too large".into()));
    }
}
