//! Deliberate faults: each breaks exactly one documented behaviour of one API, so the suites can prove they
//! catch broken implementations. Each API declares its faults as a typed enum with [`fault_catalogue!`];
//! the rest of the crate sees them as [`Fault`] values, found by their stable names.

use std::fmt;

use super::registry::apis;
use crate::case::Level;
use crate::case::diagnostic::suggest;

/// One fault of one API, as `--fault`, `--list-faults` and the tests see it. Its name (`sinch-plus-kept`)
/// is a stable public identifier; the API's code sees the same fault as a variant of its own enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fault {
    api: &'static str,
    name: &'static str,
    description: &'static str,
    level: Level,
}

impl Fault {
    /// Only `fault_catalogue!` makes faults, so every fault is one of an API's enum.
    pub(crate) const fn new(api: &'static str, name: &'static str, description: &'static str, level: Level) -> Self {
        Self { api, name, description, level }
    }

    /// The level of the behaviour it breaks: a `must` fault fails the default gate; a `should` fault (fidelity
    /// to the real service only) makes cases non-strict, and fails under `--strict`.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The stable name, e.g. `sinch-adds-after-removes`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// One line: what the server does wrong.
    pub fn description(&self) -> &'static str {
        self.description
    }

    /// The API the fault breaks, e.g. `sinch`; also the name of that API's suite under `cases/`.
    pub fn api(&self) -> &'static str {
        self.api
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Every fault, API by API in registry order.
pub fn all_faults() -> impl Iterator<Item = Fault> {
    apis().iter().flat_map(|api| api.faults.iter().copied())
}

/// The fault called `name`, if there is one.
pub fn find_fault(name: &str) -> Option<Fault> {
    all_faults().find(|f| f.name == name)
}

/// The fault whose name is closest to a misspelt `name`, for a "did you mean" hint.
pub fn closest_fault(name: &str) -> Option<Fault> {
    let names: Vec<&str> = all_faults().map(|f| f.name).collect();
    suggest(name, &names).and_then(find_fault)
}

/// Declares an API's faults as a `Copy` enum: each variant with its stable name and its description.
/// Generates `ALL`, `CATALOGUE` (the same faults as [`Fault`] values, for the registry), `name()`,
/// `description()`, `from_fault()` (the active [`Fault`] as this enum, if it is one of this API's) and a
/// unit test that every name is unique, prefixed with the API's name and round-trips.
///
/// A fault breaks a `must` behaviour unless marked `should` after its name: then it only breaks fidelity.
///
/// ```ignore
/// fault_catalogue! {
///     /// The Sinch faults.
///     pub(crate) enum SinchFault for "sinch" {
///         CreateReturns200 = "sinch-create-returns-200": "create answers 200 OK instead of 201 Created",
///         TimestampsWithoutMillis = "sinch-timestamps-without-millis", should: "timestamps lack milliseconds",
///     }
/// }
/// ```
macro_rules! fault_catalogue {
    (
        $(#[$meta:meta])*
        $vis:vis enum $enum:ident for $api:literal {
            $($variant:ident = $name:literal $(, $level:ident)? : $description:literal,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $enum {
            $(#[doc = $description] $variant,)+
        }

        #[allow(dead_code)] // not every API reads every item; the tests and the registry do
        impl $enum {
            pub(crate) const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub(crate) const CATALOGUE: &'static [$crate::reference::Fault] =
                &[$($crate::reference::Fault::new($api, $name, $description, $crate::reference::fault_level!($($level)?))),+];

            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            pub(crate) const fn description(self) -> &'static str {
                match self {
                    $(Self::$variant => $description,)+
                }
            }

            /// `fault` as this API's enum: `None` when no fault is active or it belongs to another API.
            pub(crate) fn from_fault(fault: Option<$crate::reference::Fault>) -> Option<Self> {
                let fault = fault.filter(|f| f.api() == $api)?;
                Self::ALL.iter().copied().find(|f| f.name() == fault.name())
            }
        }

        #[cfg(test)]
        mod catalogue_tests {
            use super::$enum;

            #[test]
            fn names_are_unique_prefixed_and_round_trip() {
                let prefix = concat!($api, "-");
                for (i, fault) in $enum::ALL.iter().enumerate() {
                    assert!(fault.name().starts_with(prefix), "{} lacks the prefix {prefix}", fault.name());
                    assert!(!fault.description().is_empty() && !fault.description().contains('\n'));
                    let found = $crate::reference::find_fault(fault.name()).expect("registered");
                    assert_eq!($enum::from_fault(Some(found)), Some(*fault));
                    assert_eq!(found.name(), fault.name());
                    assert_eq!(found.description(), fault.description());
                    assert_eq!($enum::CATALOGUE[i], found);
                }
            }
        }
    };
}

pub(crate) use fault_catalogue;

/// `should` → [`Level::Should`]; nothing → [`Level::Must`].
macro_rules! fault_level {
    () => {
        $crate::case::Level::Must
    };
    (should) => {
        $crate::case::Level::Should
    };
}

pub(crate) use fault_level;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_names_are_unique_across_apis() {
        let mut names: Vec<&str> = all_faults().map(|f| f.name()).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a fault name is used twice");
    }

    #[test]
    fn each_fault_belongs_to_a_registered_api() {
        for fault in all_faults() {
            assert!(apis().iter().any(|api| api.name == fault.api()), "{}", fault.name());
            assert_eq!(find_fault(fault.name()), Some(fault));
        }
    }

    #[test]
    fn a_misspelt_fault_is_suggested() {
        assert_eq!(find_fault("sinch-plus-keep"), None);
        assert_eq!(closest_fault("sinch-plus-keep").map(|f| f.name()), Some("sinch-plus-kept"));
        assert_eq!(closest_fault("something-else-entirely"), None);
    }
}
