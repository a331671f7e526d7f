//! Everything that decides how a reference server behaves: the values of the APIs' settings, the active
//! fault, the conforming variant and whether it starts with data. Each API reads its part into its own typed configuration.

use std::collections::BTreeMap;
use std::time::Duration;

use super::fault::Fault;
use super::rate_limit::RateLimit;
use super::registry::{Setting, apis, settings};
use super::variant::Variant;

/// How a server behaves. `ServerConfig::default()` serves every API's contract with its default settings.
#[derive(Debug, Clone, Default)]
pub struct ServerConfig {
    /// Values for the APIs' settings; a setting without one has its declared default.
    pub settings: Settings,
    /// One documented behaviour broken on purpose (see `all_faults`). `None` serves the contract.
    pub fault: Option<Fault>,
    /// A conforming alternative implementation (see `all_variants`). `None` is the default reference server.
    pub variant: Option<Variant>,
    /// Start with pre-existing data, like a real account.
    pub with_data: bool,
    /// How long the access tokens of the token endpoints live. `None` is each API's real lifetime (Xero
    /// 30 min, Sinch 1 h).
    pub token_lifetime: Option<Duration>,
    /// Limits enforced on the APIs' routes. None by default.
    pub rate_limits: RateLimits,
}

impl ServerConfig {
    /// The value of `setting`: the one set, else its default.
    pub(crate) fn value(&self, setting: &Setting) -> &str {
        self.settings.values.get(setting.name).map_or(setting.default, String::as_str)
    }

    /// The value of the setting called `name` (e.g. `xero_read_token`), if some API declares one.
    pub fn setting(&self, name: &str) -> Option<&str> {
        settings().find(|s| s.name == name).map(|s| self.value(s))
    }
}

/// The rate limits to enforce, per API, as `conform serve --rate-limit` gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimits {
    every_api: Option<RateLimit>,
    per_api: BTreeMap<&'static str, RateLimit>,
}

impl RateLimits {
    /// Adds one `--rate-limit` value: `API` (that API's published limits, e.g. `xero`), `API=SPEC` (those
    /// numbers on that API) or `SPEC` (on every API); SPEC as in [`RateLimit`]'s syntax. A later value for
    /// the same API replaces an earlier one.
    pub fn add(&mut self, flag: &str) -> Result<(), String> {
        let flag = flag.trim();
        let api_named = |name: &str| apis().iter().find(|api| api.name == name.trim());
        if let Some(api) = api_named(flag) {
            let published = api.published_rate_limit.ok_or_else(|| {
                format!(
                    "{} publishes no rate limits; give the numbers, e.g. `{}=10/s,2-concurrent`",
                    api.title, api.name
                )
            })?;
            self.per_api.insert(api.name, published.parse()?);
        } else if let Some((name, spec)) = flag.split_once('=') {
            let api = api_named(name).ok_or_else(|| {
                let names: Vec<&str> = apis().iter().map(|api| api.name).collect();
                format!("`{name}` is not an API (one of: {})", names.join(", "))
            })?;
            self.per_api.insert(api.name, spec.parse()?);
        } else {
            self.every_api = Some(flag.parse()?);
        }
        Ok(())
    }

    /// The limits of the API called `api`: its own, else those given for every API.
    pub(crate) fn of(&self, api: &str) -> Option<RateLimit> {
        self.per_api.get(api).copied().or(self.every_api)
    }
}

/// Setting values given instead of the defaults, by setting name. Only declared names are accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: BTreeMap<&'static str, String>,
}

/// A setting name that no API declares.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown setting `{0}`")]
pub struct UnknownSetting(pub String);

impl Settings {
    /// Sets the setting called `name`, e.g. `sinch_token`.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> Result<(), UnknownSetting> {
        let setting = settings().find(|s| s.name == name).ok_or_else(|| UnknownSetting(name.to_string()))?;
        self.values.insert(setting.name, value.into());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_until_set_and_only_declared_names() {
        let mut config = ServerConfig::default();
        assert_eq!(config.setting("sinch_token"), Some("conform-sinch-token"));
        config.settings.set("sinch_token", "other").expect("declared");
        assert_eq!(config.setting("sinch_token"), Some("other"));
        assert_eq!(config.setting("xero_token"), Some("conform-xero-token"));
        assert_eq!(config.settings.set("sinch_tokn", "x"), Err(UnknownSetting("sinch_tokn".into())));
        assert_eq!(config.setting("sinch_tokn"), None);
    }

    #[test]
    fn rate_limits_by_api_or_for_all() {
        let mut limits = RateLimits::default();
        limits.add("xero").expect("xero publishes its limits");
        assert_eq!(limits.of("xero"), Some("60/min,5000/day,5-concurrent".parse().unwrap()));
        assert_eq!(limits.of("sinch"), None);
        limits.add("3/s").expect("numbers for all");
        assert_eq!(limits.of("sinch"), Some("3/s".parse().unwrap()));
        assert_eq!(limits.of("xero"), Some("60/min,5000/day,5-concurrent".parse().unwrap()));
        limits.add("xero=20/s,2-concurrent").expect("numbers for one");
        assert_eq!(limits.of("xero"), Some("20/s,2-concurrent".parse().unwrap()));
        assert!(limits.add("sinch").unwrap_err().contains("publishes no rate limits"));
        assert!(limits.add("billing=1/s").unwrap_err().contains("not an API"));
        assert!(limits.add("1/fortnight").is_err());
    }
}
