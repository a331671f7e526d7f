//! Whether the target still answers: consecutive requests that got no answer (connect errors, timeouts)
//! across all cases. Past [`UNRESPONSIVE_AFTER`] in a row the run stops starting cases, and steps in flight
//! give up at once instead of each waiting out its own timeout.

use std::sync::Mutex;

use tokio::sync::watch;

/// Requests in a row without an answer (refused or failed connections, timeouts) that stop a run. Small, so a
/// dead or hung target ends a run in about one timeout at the usual parallelism; more than one, so a single
/// slow endpoint among answering ones does not. Any answer, whatever its status, resets the count.
pub const UNRESPONSIVE_AFTER: u32 = 3;

/// Shared by every case of a run.
#[derive(Debug)]
pub(crate) struct TargetHealth {
    unanswered: Mutex<u32>,
    /// Why the run stopped, once it has.
    stopped: watch::Sender<Option<String>>,
}

impl TargetHealth {
    pub(crate) fn new() -> Self {
        Self { unanswered: Mutex::new(0), stopped: watch::Sender::new(None) }
    }

    /// A response came (any status): the target answers.
    pub(crate) fn answered(&self) {
        *self.unanswered.lock().unwrap_or_else(|e| e.into_inner()) = 0;
    }

    /// A request got no answer because of `cause`; the one that makes [`UNRESPONSIVE_AFTER`] in a row stops
    /// the run.
    pub(crate) fn unanswered(&self, cause: &dyn std::fmt::Display) {
        let mut count = self.unanswered.lock().unwrap_or_else(|e| e.into_inner());
        *count += 1;
        if *count >= UNRESPONSIVE_AFTER {
            let reason = format!("{cause} ({} requests in a row got no answer)", *count);
            self.stopped.send_if_modified(|stopped| {
                if stopped.is_some() {
                    return false;
                }
                *stopped = Some(reason);
                true
            });
        }
    }

    /// Why the run stopped, if it has.
    pub(crate) fn stopped(&self) -> Option<String> {
        self.stopped.borrow().clone()
    }

    /// Waits until the run stops, and says why.
    pub(crate) async fn wait_stopped(&self) -> String {
        let mut receiver = self.stopped.subscribe();
        let reason = receiver.wait_for(Option::is_some).await.map(|reason| reason.clone().unwrap_or_default());
        match reason {
            Ok(reason) => reason,
            // The sender lives in `self`, so it cannot be dropped while this borrows it.
            Err(_) => std::future::pending().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_unanswered_requests_in_a_row_only() {
        let health = TargetHealth::new();
        for _ in 0..UNRESPONSIVE_AFTER - 1 {
            health.unanswered(&"timeout");
        }
        health.answered();
        for _ in 0..UNRESPONSIVE_AFTER - 1 {
            health.unanswered(&"timeout");
        }
        assert_eq!(health.stopped(), None);
        health.unanswered(&"no response within 5s (timeout)");
        assert_eq!(
            health.stopped().as_deref(),
            Some("no response within 5s (timeout) (3 requests in a row got no answer)")
        );
        // The first cause is the one reported.
        health.unanswered(&"cannot connect");
        assert!(health.stopped().unwrap().starts_with("no response"));
    }

    #[tokio::test]
    async fn waiters_learn_of_the_stop() {
        let health = std::sync::Arc::new(TargetHealth::new());
        let waiter = tokio::spawn({
            let health = health.clone();
            async move { health.wait_stopped().await }
        });
        for _ in 0..UNRESPONSIVE_AFTER {
            health.unanswered(&"cannot connect");
        }
        let reason = tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await.unwrap().unwrap();
        assert!(reason.starts_with("cannot connect"), "{reason}");
    }
}
