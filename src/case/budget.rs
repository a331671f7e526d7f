//! Rate budgets: how fast and how many requests at once a target may be sent, as a suite declares it
//! (`rate_limit:` in `suite.yaml`) or the command line gives it (`--rate`, `--max-in-flight`). No I/O.

use std::num::NonZeroU32;
use std::time::Duration;

/// `N/s` or `N/min`: at most `count` requests per `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: NonZeroU32,
    pub per: Duration,
}

impl Rate {
    /// The steady gap between two requests at this rate.
    pub fn interval(&self) -> Duration {
        self.per / self.count.get()
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = if self.per == Duration::from_secs(60) { "min" } else { "s" };
        write!(f, "{}/{unit}", self.count)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a rate: write N/s or N/min with N a whole number above 0, e.g. 60/min")]
pub struct RateError(String);

impl std::str::FromStr for Rate {
    type Err = RateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || RateError(s.to_string());
        let (count, unit) = s.trim().split_once('/').ok_or_else(error)?;
        let count: NonZeroU32 = count.trim().parse().map_err(|_| error())?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "min" | "minute" => Duration::from_secs(60),
            _ => return Err(error()),
        };
        Ok(Rate { count, per })
    }
}

/// A request rate and a bound on requests in flight; either may be absent (no limit).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateBudget {
    pub rate: Option<Rate>,
    pub max_in_flight: Option<NonZeroU32>,
}

impl RateBudget {
    pub fn is_unlimited(&self) -> bool {
        self.rate.is_none() && self.max_in_flight.is_none()
    }
}

impl std::fmt::Display for RateBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.rate, self.max_in_flight) {
            (Some(r), Some(n)) => write!(f, "{r}, {n} in flight"),
            (Some(r), None) => write!(f, "{r}"),
            (None, Some(n)) => write!(f, "{n} in flight"),
            (None, None) => f.write_str("unlimited"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_per_second_and_per_minute() {
        let r: Rate = "60/min".parse().unwrap();
        assert_eq!((r.count.get(), r.per, r.interval()), (60, Duration::from_secs(60), Duration::from_secs(1)));
        let r: Rate = "4/s".parse().unwrap();
        assert_eq!(r.interval(), Duration::from_millis(250));
        assert_eq!(r.to_string(), "4/s");
        for bad in ["60", "0/s", "-1/s", "5/hour", "x/min", ""] {
            assert!(bad.parse::<Rate>().is_err(), "{bad} parsed");
        }
    }
}
