//! The APIs the reference server serves, and what each declares about itself: its settings, its faults, its
//! router and the line of the `conform serve` banner that says where it lives.

use axum::Router;

use super::config::ServerConfig;
use super::fault::Fault;

/// One reference API. Each API folder exports one of these as `API`; [`super::reference_apis!`] lists them.
pub(crate) struct ApiModule {
    /// Short lowercase name: the prefix of its faults' names and the name of its suite under `cases/`.
    // Only the uniqueness test reads it today; it is the API's identity in docs/adding-an-api.md.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) name: &'static str,
    /// How the `conform serve` banner names it, e.g. `Sinch`.
    pub(crate) title: &'static str,
    /// What it can be configured with; `conform serve` has one `--flag` per setting.
    pub(crate) settings: &'static [Setting],
    /// Its faults (see [`super::fault::fault_catalogue!`]).
    pub(crate) faults: &'static [Fault],
    /// Its routes, with state built from `config`. Routes must stay under the API's own path prefix, since
    /// every API is merged into one router.
    pub(crate) router: fn(&ServerConfig) -> Router,
    /// The limits the real service publishes, in `--rate-limit` syntax, enforced by `--rate-limit NAME`.
    pub(crate) published_rate_limit: Option<&'static str>,
    /// The path of its main resource with `config`'s settings filled in, shown in the banner.
    pub(crate) entry_path: fn(&ServerConfig) -> String,
}

/// One value an API is configured with: a credential it accepts, an id it serves. Settings are named like
/// the suite variables that carry the same value (`sinch_token`), and all names are unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// `snake_case`; the `conform serve` flag is the same name in kebab case (`--sinch-token`).
    pub name: &'static str,
    /// The value when none is given, also the default of the suite variable of the same name.
    pub(crate) default: &'static str,
    /// The placeholder in `--help`, e.g. `TOKEN`.
    pub value_name: &'static str,
    /// One sentence for `--help`.
    pub help: &'static str,
    /// How a client presents it, for the banner (`Authorization: Bearer …`); empty for nothing to add.
    pub(crate) usage: &'static str,
}

impl Setting {
    /// The `conform serve` flag, without its dashes: `sinch-token`.
    pub fn flag(&self) -> String {
        self.name.replace('_', "-")
    }
}

/// Every registered API, in registry order.
pub(crate) fn apis() -> &'static [&'static ApiModule] {
    super::APIS
}

/// Every setting of every API.
pub fn settings() -> impl Iterator<Item = &'static Setting> {
    apis().iter().flat_map(|api| api.settings.iter())
}

/// What `conform serve` prints under its first line: per API, where it is and the settings it accepts.
///
/// ```text
///   Sinch: http://127.0.0.1:8080/xms/v1/conform-plan/groups
///          service_plan_id = conform-plan
///          sinch_token     = conform-sinch-token  (Authorization: Bearer …)
/// ```
pub fn banner(config: &ServerConfig, base_url: &str) -> String {
    let title_width = apis().iter().map(|api| api.title.len() + 1).max().unwrap_or(0);
    let name_width = settings().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for api in apis() {
        let title = format!("{}:", api.title);
        out.push_str(&format!("  {title:<title_width$} {base_url}{}\n", (api.entry_path)(config)));
        for setting in api.settings {
            let value = config.value(setting);
            let line = format!("{:title_width$}   {:<name_width$} = {value}", "", setting.name);
            match setting.usage {
                "" => out.push_str(&format!("{line}\n")),
                usage => out.push_str(&format!("{line}  ({usage})\n")),
            }
        }
    }
    out
}

/// The rate limits `config` enforces, by API title, for the `conform serve` banner.
pub fn rate_limit_summary(config: &ServerConfig) -> Vec<(&'static str, String)> {
    apis()
        .iter()
        .filter_map(|api| config.rate_limits.of(api.name).map(|limit| (api.title, limit.to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut apis: Vec<&str> = apis().iter().map(|api| api.name).collect();
        let mut settings: Vec<&str> = settings().map(|s| s.name).collect();
        for names in [&mut apis, &mut settings] {
            let count = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), count, "a name is used twice: {names:?}");
        }
    }

    #[test]
    fn setting_names_make_flags() {
        for setting in settings() {
            assert!(setting.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            assert!(!setting.help.is_empty() && !setting.value_name.is_empty(), "{}", setting.name);
        }
    }
}
