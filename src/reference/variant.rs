//! Conforming variants: whole alternative implementations that make *other documented choices* than the
//! default reference server (another id format, other texts, other orders where order is free, only what the
//! contract requires…). Unlike a fault, a variant breaks nothing: the bundled suites must pass every variant
//! at the default level (`tests/variants.rs`). Each API reads the active variant from its typed
//! configuration and applies the choices that concern it; every choice cites, where it is made, the section
//! of BEHAVIOURS.md that leaves it free.

use std::fmt;

use crate::case::diagnostic::suggest;

/// One conforming variant of the reference server, as `--variant` and `--list-variants` see it. Names are
/// stable public identifiers: suites, CI and `conform serve --variant` refer to them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variant {
    /// Other documented choices wherever the documents leave one open, and pre-existing data.
    AltChoices,
    /// Only what the seed and the official contract require: no optional fields, headers or extra routes.
    Minimal,
}

impl Variant {
    /// Every variant, in `--list-variants` order.
    pub const ALL: &'static [Variant] = &[Variant::AltChoices, Variant::Minimal];

    /// The stable kebab-case name, e.g. `alt-choices`.
    pub fn name(self) -> &'static str {
        match self {
            Variant::AltChoices => "alt-choices",
            Variant::Minimal => "minimal",
        }
    }

    /// One line: what the variant does differently.
    pub fn description(self) -> &'static str {
        match self {
            Variant::AltChoices => {
                "other documented choices: other id formats, +00:00 timestamps, extra fields, reworded texts, \
                 other codes and orders where free, pre-existing data"
            }
            Variant::Minimal => {
                "only what the contract requires: no optional fields, Xero envelope, correlation header, 401 body or legacy routes"
            }
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every variant.
pub fn all_variants() -> impl Iterator<Item = Variant> {
    Variant::ALL.iter().copied()
}

/// The variant called `name`, if there is one.
pub fn find_variant(name: &str) -> Option<Variant> {
    all_variants().find(|v| v.name() == name)
}

/// The variant whose name is closest to a misspelt `name`, for a "did you mean" hint.
pub fn closest_variant(name: &str) -> Option<Variant> {
    let names: Vec<&str> = all_variants().map(Variant::name).collect();
    suggest(name, &names).and_then(find_variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut names: Vec<&str> = all_variants().map(Variant::name).collect();
        for variant in all_variants() {
            assert!(variant.name().bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{variant}");
            assert!(!variant.description().is_empty() && !variant.description().contains('\n'));
            assert_eq!(find_variant(variant.name()), Some(variant));
        }
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(closest_variant("minimall"), Some(Variant::Minimal));
        assert_eq!(closest_variant("something-else-entirely"), None);
    }
}
