//! Rate limits the reference server enforces when asked (`conform serve --rate-limit …`): their syntax, and a
//! `RateLimiter` that admits a call or says which limit it broke and when to come back. Each API renders the
//! 429 and the remaining-calls headers its own way.
//!
//! Syntax: comma-separated parts, each `N/PERIOD` (at most N calls in any PERIOD, a sliding window) or
//! `N-concurrent` (at most N calls in progress). PERIOD is `s`, `min`, `h`, `day` or a number with one of
//! those units or `ms` (`10s`, `2min`). A period up to a minute is the *minute* limit, a longer one the *day*
//! limit (the names Xero's `X-Rate-Limit-Problem` uses), so `20/s,500/min,2-concurrent` is Xero's shape
//! scaled down for a test. At most one of each.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Largest N of a window: the limiter remembers one instant per call in the window.
const MAX_CALLS_PER_WINDOW: u32 = 1_000_000;
/// What `Retry-After` says after a concurrent-limit refusal: one of the calls in progress should be done by then.
const CONCURRENT_RETRY_AFTER_SECS: u64 = 1;

/// Which limit a call broke; the value of Xero's `X-Rate-Limit-Problem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Problem {
    Minute,
    Day,
    Concurrent,
}

impl Problem {
    pub fn as_str(self) -> &'static str {
        match self {
            Problem::Minute => "minute",
            Problem::Day => "day",
            Problem::Concurrent => "concurrent",
        }
    }
}

/// At most `calls` calls in any `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub calls: u32,
    pub period: Duration,
}

impl Window {
    /// The minute limit for periods up to 60 s, else the day limit.
    pub fn problem(&self) -> Problem {
        if self.period <= Duration::from_secs(60) { Problem::Minute } else { Problem::Day }
    }
}

/// A set of limits, e.g. Xero's published `60/min,5000/day,5-concurrent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateLimit {
    pub minute: Option<Window>,
    pub day: Option<Window>,
    pub concurrent: Option<u32>,
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut limit = RateLimit::default();
        for part in text.split(',').map(str::trim) {
            if let Some(count) = part.strip_suffix("-concurrent") {
                let count = positive(count, part)?;
                if limit.concurrent.replace(count).is_some() {
                    return Err(format!("`{text}` has two concurrent limits"));
                }
                continue;
            }
            let (calls, period) = part
                .split_once('/')
                .ok_or_else(|| format!("`{part}` is neither N/PERIOD (e.g. 60/min) nor N-concurrent"))?;
            let calls = positive(calls, part)?;
            if calls > MAX_CALLS_PER_WINDOW {
                return Err(format!("`{part}`: at most {MAX_CALLS_PER_WINDOW} calls per period"));
            }
            let bare_unit = ["s", "min", "h", "day"].contains(&period.trim());
            let period = parse_duration(&if bare_unit { format!("1{}", period.trim()) } else { period.to_string() })
                .map_err(|_| {
                    format!("`{part}`: the period `{}` is not s, min, h, day or a duration like 10s", period.trim())
                })?;
            if period.is_zero() {
                return Err(format!("`{part}`: the period must be longer than zero"));
            }
            let window = Window { calls, period };
            let slot = match window.problem() {
                Problem::Minute => &mut limit.minute,
                _ => &mut limit.day,
            };
            if slot.replace(window).is_some() {
                return Err(format!(
                    "`{text}` has two {} limits (periods up to 60s are the minute limit, longer ones the day limit)",
                    window.problem().as_str()
                ));
            }
        }
        Ok(limit)
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let windows =
            [self.minute, self.day].into_iter().flatten().map(|w| format!("{}/{}", w.calls, period(w.period)));
        let parts: Vec<String> = windows.chain(self.concurrent.map(|n| format!("{n}-concurrent"))).collect();
        f.write_str(&parts.join(","))
    }
}

/// A period as the syntax writes it: `s`, `min`, `h`, `day` for one unit, else `10s`, `500ms`, ….
fn period(period: Duration) -> String {
    let millis = period.as_millis();
    let units = [(86_400_000, "day"), (3_600_000, "h"), (60_000, "min"), (1000, "s")];
    match units.iter().find(|(size, _)| millis.is_multiple_of(*size)) {
        Some((size, unit)) if millis == *size => unit.to_string(),
        Some((size, unit)) => format!("{}{unit}", millis / size),
        None => format!("{millis}ms"),
    }
}

fn positive(text: &str, part: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{part}`: `{}` is not a positive whole number", text.trim())),
    }
}

/// A duration written as a number and a unit: `500ms`, `2s`, `1.5s`, `30min`, `1h`, `1day`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("`{text}` is not a duration like 2s, 500ms or 30min"))?;
    let seconds = match unit.trim() {
        "ms" => number / 1000.0,
        "s" => number,
        "min" => number * 60.0,
        "h" => number * 3600.0,
        "day" | "d" => number * 86_400.0,
        other => return Err(format!("`{text}`: unknown unit `{other}` (use ms, s, min, h or day)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` is not a usable duration"))
}

/// Calls left in each window after an admitted (or refused) call, for the remaining-calls headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Remaining {
    pub minute: Option<u32>,
    pub day: Option<u32>,
}

/// A call let through. Dropping it ends the call for the concurrent limit.
#[derive(Debug)]
pub struct Admission {
    pub remaining: Remaining,
    _in_flight: Option<InFlight>,
}

/// A call refused: which limit, and after how many whole seconds a call would be admitted again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    pub problem: Problem,
    pub retry_after_secs: u64,
    pub remaining: Remaining,
}

#[derive(Debug)]
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Enforces one `RateLimit`. A refused call does not count against any window: it was not processed.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    in_flight: Arc<AtomicUsize>,
    /// Start instants of the calls admitted within each window, oldest first: `[minute, day]`.
    calls: Mutex<[VecDeque<Instant>; 2]>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self { limit, in_flight: Arc::default(), calls: Mutex::default() }
    }

    /// Admits a call now, or says why not.
    pub fn admit(&self) -> Result<Admission, Throttled> {
        self.admit_at(Instant::now())
    }

    fn admit_at(&self, now: Instant) -> Result<Admission, Throttled> {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let windows = [self.limit.minute, self.limit.day];
        for (log, window) in calls.iter_mut().zip(windows) {
            if let Some(window) = window {
                while log.front().is_some_and(|&start| now.duration_since(start) >= window.period) {
                    log.pop_front();
                }
            }
        }
        let remaining_after = |calls: &[VecDeque<Instant>; 2]| {
            let left = |i: usize, window: Option<Window>| window.map(|w| w.calls.saturating_sub(calls[i].len() as u32));
            Remaining { minute: left(0, self.limit.minute), day: left(1, self.limit.day) }
        };
        let in_flight = match self.limit.concurrent {
            Some(max) => {
                if self.in_flight.fetch_add(1, Ordering::SeqCst) >= max as usize {
                    self.in_flight.fetch_sub(1, Ordering::SeqCst);
                    return Err(Throttled {
                        problem: Problem::Concurrent,
                        retry_after_secs: CONCURRENT_RETRY_AFTER_SECS,
                        remaining: remaining_after(&calls),
                    });
                }
                Some(InFlight(self.in_flight.clone()))
            }
            None => None,
        };
        for (log, window) in calls.iter().zip(windows) {
            let Some(window) = window else { continue };
            if log.len() >= window.calls as usize {
                let oldest = *log.front().expect("a full window has calls");
                let wait = window.period.saturating_sub(now.duration_since(oldest));
                return Err(Throttled {
                    problem: window.problem(),
                    // Whole seconds, rounded up, so a client that waits exactly this long is admitted.
                    retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
                    remaining: remaining_after(&calls),
                });
            }
        }
        for (log, window) in calls.iter_mut().zip(windows) {
            if window.is_some() {
                log.push_back(now);
            }
        }
        Ok(Admission { remaining: remaining_after(&calls), _in_flight: in_flight })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_syntax_reads_each_part() {
        let xero: RateLimit = "60/min,5000/day,5-concurrent".parse().expect("valid");
        assert_eq!(xero.minute, Some(Window { calls: 60, period: Duration::from_secs(60) }));
        assert_eq!(xero.day, Some(Window { calls: 5000, period: Duration::from_secs(86_400) }));
        assert_eq!(xero.concurrent, Some(5));
        let scaled: RateLimit = " 20/s , 2-concurrent".parse().expect("valid");
        assert_eq!(scaled.minute, Some(Window { calls: 20, period: Duration::from_secs(1) }));
        assert_eq!(scaled.day, None);
        assert_eq!(xero.to_string(), "60/min,5000/day,5-concurrent");
        assert_eq!(scaled.to_string(), "20/s,2-concurrent");
        assert_eq!("3/500ms,10/90s".parse::<RateLimit>().unwrap().to_string(), "3/500ms,10/90s");
        assert!("20/s,100/10s".parse::<RateLimit>().unwrap_err().contains("two minute limits"));
        let day_class: RateLimit = "5/500ms,30/2min".parse().expect("valid");
        assert_eq!(day_class.day.map(|w| w.period), Some(Duration::from_secs(120)));
        for bad in ["", "60", "0/min", "x/min", "60/fortnight", "2-concurrent,3-concurrent", "5/0s"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_full_window_refuses_until_its_oldest_call_leaves() {
        let limiter = RateLimiter::new("2/10s".parse().unwrap());
        let start = Instant::now();
        assert_eq!(limiter.admit_at(start).unwrap().remaining.minute, Some(1));
        assert_eq!(limiter.admit_at(start + Duration::from_secs(3)).unwrap().remaining.minute, Some(0));
        let refused = limiter.admit_at(start + Duration::from_millis(4500)).unwrap_err();
        assert_eq!((refused.problem, refused.retry_after_secs), (Problem::Minute, 6));
        let admitted = limiter.admit_at(start + Duration::from_secs(10)).expect("the first call has left");
        assert_eq!(admitted.remaining.minute, Some(0));
    }

    #[test]
    fn the_day_limit_counts_across_minutes_and_refused_calls_do_not_count() {
        let limiter = RateLimiter::new("2/s,3/2min".parse().unwrap());
        let start = Instant::now();
        for second in 0..3 {
            limiter.admit_at(start + Duration::from_secs(second)).expect("under both limits");
        }
        let refused = limiter.admit_at(start + Duration::from_secs(5)).unwrap_err();
        assert_eq!((refused.problem, refused.retry_after_secs), (Problem::Day, 115));
        assert_eq!(refused.remaining, Remaining { minute: Some(2), day: Some(0) });
        limiter.admit_at(start + Duration::from_secs(120)).expect("the first call has left the day window");
    }

    #[test]
    fn concurrent_calls_are_counted_until_dropped() {
        let limiter = RateLimiter::new("2-concurrent".parse().unwrap());
        let first = limiter.admit().expect("first");
        let _second = limiter.admit().expect("second");
        assert_eq!(limiter.admit().unwrap_err().problem, Problem::Concurrent);
        drop(first);
        limiter.admit().expect("a slot is free again");
    }
}
