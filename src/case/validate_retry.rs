//! Validation of a step's `retry:` (tried again until its expectations hold): bounds that keep a run finite.

use std::time::Duration;

use super::model::Retry;
use super::raw::RawRetry;
use super::validate::FileValidator;

/// At most this many tries: each one's failures are kept for the report.
const MAX_ATTEMPTS: u32 = 100;
/// A step waits at most this long in all unless `max_wait_ms` says otherwise.
const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(60);
/// No single wait and no `max_wait_ms` beyond this: a case is not a scheduler.
const MAX_WAIT_MS: u64 = 10 * 60 * 1000;

impl<T> FileValidator<'_, T> {
    pub(super) fn retry(&mut self, raw: &RawRetry, path: &str) -> Option<Retry> {
        let errors_before = self.errors.len();
        if !(2..=MAX_ATTEMPTS).contains(&raw.attempts) {
            self.push(self.parsed.at_value(
                &format!("{path}.attempts"),
                format!("`attempts` counts every try, the first included: 2 to {MAX_ATTEMPTS}, not {}", raw.attempts),
            ));
        }
        let backoff = raw.backoff.unwrap_or(2.0);
        if !(1.0..=10.0).contains(&backoff) {
            self.push(self.parsed.at_value(
                &format!("{path}.backoff"),
                format!("`backoff` multiplies each wait: 1 (constant) to 10, not {backoff}"),
            ));
        }
        for (key, value) in [("interval_ms", raw.interval_ms), ("max_wait_ms", raw.max_wait_ms)] {
            if value.is_some_and(|ms| ms > MAX_WAIT_MS) {
                self.push(
                    self.parsed
                        .at_value(&format!("{path}.{key}"), format!("`{key}` is at most {MAX_WAIT_MS} (10 minutes)")),
                );
            }
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Retry {
            attempts: raw.attempts,
            interval: Duration::from_millis(raw.interval_ms.unwrap_or(500)),
            backoff,
            max_wait: raw.max_wait_ms.map_or(DEFAULT_MAX_WAIT, Duration::from_millis),
        })
    }
}
