//! Everything that decides how a reference server behaves: the values of the APIs' settings, the active
//! fault, the conforming variant and whether it starts with data. Each API reads its part into its own typed configuration.

use std::collections::BTreeMap;

use super::fault::Fault;
use super::registry::{Setting, settings};
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
}
