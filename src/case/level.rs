//! RFC 2119 levels. `must`: the seed's words or a normative statement of the official contract; every
//! conforming implementation does it. `should`: what official examples, SDK models, observed live behaviour
//! or fidelity to the real service add; another conforming implementation may differ.

/// The level of a requirement or of one expectation. Defaults to `must`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Must,
    Should,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
        }
    }
}
