//! How a run behaves, independent of what it runs: where requests go, how many at once, how long each may take.

use std::collections::BTreeSet;
use std::time::Duration;

use crate::case::budget::RateBudget;
use crate::check::snapshot::SnapshotMode;

/// 16 MiB: far above the largest body of the bundled suites (a group of 10,000 members is about 200 KB), and
/// small enough that a run stays within a small multiple of it however large the bodies a server sends.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 16 * 1024 * 1024;
/// `--max-throttle-wait` when not given: longer than any per-minute limit asks, far shorter than a daily one.
pub const DEFAULT_MAX_THROTTLE_WAIT: Duration = Duration::from_secs(300);

/// Everything a run needs besides the project. Built by the CLI and the `cargo test` harness alike.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where requests go, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Cases in flight at once. Defaults to the machine's parallelism.
    pub jobs: usize,
    /// The deadline of one whole exchange: connection, headers and body. Defaults to 10 s.
    pub timeout: Duration,
    /// The largest response body read; a larger one errs the step without being held in memory. Defaults to
    /// [`DEFAULT_MAX_BODY_SIZE`].
    pub max_body_size: u64,
    /// Extra attempts after a transport error (never after a failed expectation). Defaults to 0.
    pub retries: u32,
    /// Resend non-idempotent requests (POST, PATCH) after a transport error that may have reached the server
    /// (a timeout, a broken response), at the risk of doing the write twice (`--retry-unsafe`). Without it they
    /// are resent only after a connect error, which proves the server never saw them. Defaults to false.
    pub retry_unsafe: bool,
    /// Skip the cases not yet started after the first failure.
    pub fail_fast: bool,
    /// Defaults to off.
    pub snapshots: SnapshotMode,
    /// Cases where only `should` expectations failed fail too (`--strict`). Defaults to false.
    pub strict: bool,
    /// The target is the embedded reference server, which the suites' default variables serve; elsewhere a
    /// case whose `needs` the user did not give is skipped. Defaults to false.
    pub embedded_target: bool,
    /// Capabilities the user says the target has (`--capability`), from those the suites declare. A case that
    /// needs another one is skipped against a non-embedded target; the embedded server has them all.
    pub capabilities: BTreeSet<String>,
    /// Limits every request of the run keeps (`--rate`, `--max-in-flight`), besides each suite's own against
    /// a target other than the embedded server. Defaults to none.
    pub rate_budget: RateBudget,
    /// The most a case may wait in total for throttled answers (429, 503 with `Retry-After`) before it errors.
    /// Defaults to 5 minutes.
    pub max_throttle_wait: Duration,
    /// Keep each suite's `rate_limit` against a target other than the embedded server. Off with
    /// `--no-suite-limits`, for an implementation of the API that is not the service whose limits the suite
    /// publishes. Defaults to true.
    pub suite_limits: bool,
}

impl RunConfig {
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            jobs: default_jobs(),
            timeout: Duration::from_secs(10),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            retries: 0,
            retry_unsafe: false,
            fail_fast: false,
            snapshots: SnapshotMode::Off,
            strict: false,
            embedded_target: false,
            capabilities: BTreeSet::new(),
            rate_budget: RateBudget::default(),
            max_throttle_wait: DEFAULT_MAX_THROTTLE_WAIT,
            suite_limits: true,
        }
    }
}

/// The machine's parallelism.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}
