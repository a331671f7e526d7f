//! Keeping to a target's limits: the rate budgets a run keeps (the suite's published limits and the command
//! line's), and the waits a throttled answer asks for (429, or 503 with `Retry-After`).
//!
//! Every request passes its suite's gate and the run's gate: each may bound the rate (a token bucket from
//! `governor`, burst 1 so requests are spread evenly, never sent in a clump that a per-minute window would
//! refuse) and the requests in flight (a semaphore). Both must admit a request, so the stricter one wins.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::case::budget::RateBudget;
use crate::check::Response;
use crate::results::ThrottleWait;

/// Throttled resends of one request at most, whatever the server asks: a server answering 429 with
/// `Retry-After: 0` forever must not keep a case running.
pub(super) const MAX_THROTTLED_RESENDS: u32 = 20;
/// The longest backoff after a 429 without `Retry-After`.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// One budget: a rate, a bound on requests in flight, and the pause a throttled answer asked for.
struct Gate {
    limiter: Option<DefaultDirectRateLimiter>,
    in_flight: Option<Semaphore>,
    /// Until when the server asked this suite's requests to wait (the latest `Retry-After` seen): one 429 holds
    /// back every request of the suite, not only the one that got it.
    paused_until: Mutex<Option<Instant>>,
}

impl Gate {
    fn new(budget: &RateBudget) -> Self {
        let limiter = budget.rate.map(|rate| {
            let quota = Quota::with_period(rate.interval().max(Duration::from_nanos(1)))
                .expect("a positive period")
                .allow_burst(NonZeroU32::MIN);
            RateLimiter::direct(quota)
        });
        let in_flight = budget.max_in_flight.map(|n| Semaphore::new(n.get() as usize));
        Gate { limiter, in_flight, paused_until: Mutex::new(None) }
    }

    fn paused_until(&self) -> Option<Instant> {
        let until = *self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        until.filter(|&t| t > Instant::now())
    }

    fn pause(&self, until: Instant) {
        let mut paused = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if paused.is_none_or(|t| t < until) {
            *paused = Some(until);
        }
    }
}

/// The gates of a run: one from the command line for every request, one per suite.
pub(crate) struct Throttle {
    run: Gate,
    suites: BTreeMap<String, Gate>,
    /// Requests now waiting on a budget, and on a server's `Retry-After`; for the progress line.
    waiting_on_budget: AtomicUsize,
    waiting_on_server: AtomicUsize,
    /// The budgets in force, for messages (`xero: 60/min, 5 in flight`).
    describe: String,
}

/// A request admitted by every gate; in flight until dropped.
pub(crate) struct Admission<'a> {
    _permits: Vec<SemaphorePermit<'a>>,
    /// How long the request waited for the budgets and pauses.
    pub(crate) waited: Duration,
}

/// What the progress line shows while requests wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitStatus {
    pub on_budget: usize,
    pub on_server: usize,
}

impl Throttle {
    /// `run_budget` holds for every request; each suite's budget for its own requests.
    pub(crate) fn new<'a>(run_budget: RateBudget, suites: impl IntoIterator<Item = (&'a str, RateBudget)>) -> Self {
        let suites: BTreeMap<String, RateBudget> = suites.into_iter().map(|(n, b)| (n.to_string(), b)).collect();
        let mut described: Vec<String> =
            suites.iter().filter(|(_, b)| !b.is_unlimited()).map(|(n, b)| format!("{n}: {b}")).collect();
        if !run_budget.is_unlimited() {
            described.push(format!("every request: {run_budget}"));
        }
        Throttle {
            run: Gate::new(&run_budget),
            suites: suites.iter().map(|(n, b)| (n.clone(), Gate::new(b))).collect(),
            waiting_on_budget: AtomicUsize::new(0),
            waiting_on_server: AtomicUsize::new(0),
            describe: described.join("; "),
        }
    }

    /// The budgets in force, e.g. `xero: 60/min, 5 in flight`; empty when there are none.
    pub(crate) fn describe(&self) -> &str {
        &self.describe
    }

    pub(crate) fn status(&self) -> WaitStatus {
        WaitStatus {
            on_budget: self.waiting_on_budget.load(Ordering::Relaxed),
            on_server: self.waiting_on_server.load(Ordering::Relaxed),
        }
    }

    fn gates(&self, suite: &str) -> impl Iterator<Item = &Gate> {
        std::iter::once(&self.run).chain(self.suites.get(suite))
    }

    /// Waits until every gate of `suite` admits one more request: out of any pause a server asked for, a slot
    /// in flight, then the rate (in that order, so a request holding a slot is the next to go).
    pub(crate) async fn admit(&self, suite: &str) -> Admission<'_> {
        let started = Instant::now();
        let limited =
            self.gates(suite).any(|g| g.limiter.is_some() || g.in_flight.is_some() || g.paused_until().is_some());
        let _waiting = limited.then(|| Counted::new(&self.waiting_on_budget));
        loop {
            let until = self.gates(suite).filter_map(Gate::paused_until).max();
            match until {
                Some(until) => tokio::time::sleep_until(until.into()).await,
                None => break,
            }
        }
        let mut permits = Vec::new();
        for gate in self.gates(suite) {
            if let Some(semaphore) = &gate.in_flight {
                permits.push(semaphore.acquire().await.expect("the semaphore is never closed"));
            }
        }
        for gate in self.gates(suite) {
            if let Some(limiter) = &gate.limiter {
                limiter.until_ready().await;
            }
        }
        // Without any limit nothing was waited for: the few microseconds of bookkeeping are not a wait.
        let waited = if limited { started.elapsed() } else { Duration::ZERO };
        Admission { _permits: permits, waited }
    }

    /// Holds back every request of `suite` for `wait`, and waits it out here (counted for the progress line).
    pub(crate) async fn wait_as_told(&self, suite: &str, wait: Duration) {
        let until = Instant::now() + wait;
        if let Some(gate) = self.suites.get(suite) {
            gate.pause(until);
        }
        let _waiting = Counted::new(&self.waiting_on_server);
        tokio::time::sleep_until(until.into()).await;
    }
}

/// Counts a waiting request while it lives.
struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    fn new(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Counted(counter)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The wait a throttled answer asks for: a 429, or a 503 with `Retry-After`, on a step that expects neither.
/// `resend` is the number of throttled resends of this request so far (for the backoff without a header).
pub(crate) fn asked_wait(response: &Response, expects: &[u16], resend: u32) -> Option<ThrottleWait> {
    let retry_after = response.header("retry-after");
    let retry_after = retry_after.as_deref();
    let throttled = match response.status {
        429 => true,
        503 => retry_after.is_some(),
        _ => false,
    };
    if !throttled || expects.contains(&response.status) {
        return None;
    }
    let told = retry_after.and_then(|value| retry_after_delay(value, chrono::Utc::now()));
    let (wait, reason) = match (told, retry_after) {
        (Some(wait), Some(value)) => (wait, format!("Retry-After: {value}")),
        (None, value) | (Some(_), value @ None) => {
            // No usable header: back off 1 s, 2 s, 4 s … up to MAX_BACKOFF.
            let backoff = Duration::from_secs(1 << resend.min(5)).min(MAX_BACKOFF);
            let why = match value {
                Some(v) => format!("unreadable Retry-After `{v}`, backoff"),
                None => "no Retry-After, backoff".to_string(),
            };
            (backoff, why)
        }
    };
    Some(ThrottleWait { status: response.status, wait, reason, problem: response.header("x-rate-limit-problem") })
}

/// `Retry-After` as seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`), from `now`; a date
/// in the past means no wait.
pub(crate) fn retry_after_delay(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Some(Duration::from_secs_f64(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((date.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::budget::Rate;

    fn response(status: u16, headers: &[(&str, &str)]) -> Response {
        let headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        Response::new(status, headers, String::new())
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:30Z").unwrap().to_utc();
        assert_eq!(retry_after_delay("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after_delay("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after_delay("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after_delay("soon", now), None);
    }

    #[test]
    fn a_throttled_answer_asks_for_a_wait_unless_the_step_expects_it() {
        let r = response(429, &[("retry-after", "3"), ("x-rate-limit-problem", "minute")]);
        let wait = asked_wait(&r, &[200], 0).expect("a 429 is throttling");
        assert_eq!(
            (wait.wait, wait.reason.as_str(), wait.problem.as_deref()),
            (Duration::from_secs(3), "Retry-After: 3", Some("minute"))
        );
        assert!(asked_wait(&r, &[429], 0).is_none(), "a step expecting 429 gets it");
        // 503 only with Retry-After; a 429 without it backs off, bounded.
        assert!(asked_wait(&response(503, &[]), &[], 0).is_none());
        assert_eq!(asked_wait(&response(503, &[("retry-after", "1")]), &[], 0).unwrap().wait, Duration::from_secs(1));
        assert_eq!(asked_wait(&response(429, &[]), &[], 0).unwrap().wait, Duration::from_secs(1));
        assert_eq!(asked_wait(&response(429, &[]), &[], 12).unwrap().wait, MAX_BACKOFF);
    }

    #[tokio::test]
    async fn the_stricter_budget_spaces_requests_and_bounds_those_in_flight() {
        let suite = RateBudget { rate: Some("2/s".parse::<Rate>().unwrap()), max_in_flight: NonZeroU32::new(1) };
        let run = RateBudget { rate: Some("60/min".parse::<Rate>().unwrap()), max_in_flight: None };
        let throttle = Throttle::new(run, [("xero", suite)]);
        assert_eq!(throttle.describe(), "xero: 2/s, 1 in flight; every request: 60/min");
        let first = throttle.admit("xero").await;
        assert!(first.waited < Duration::from_millis(10));
        drop(first);
        // The run's 60/min (one a second) is stricter than the suite's 2/s.
        let second = throttle.admit("xero").await;
        assert!(second.waited >= Duration::from_millis(900), "waited {:?}", second.waited);
    }
}
