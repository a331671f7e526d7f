//! The catalogue of deliberate faults: each breaks exactly one documented behaviour, so the suites can prove
//! they catch broken implementations.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Sinch,
    Xero,
}

/// One fault: a stable name (`sinch-adds-after-removes`), the API it breaks and a one-line description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FaultInfo {
    pub name: &'static str,
    pub api: Api,
    pub description: &'static str,
}

/// Every fault, Sinch first.
pub fn all_faults() -> impl Iterator<Item = &'static FaultInfo> {
    super::sinch::FAULTS.iter().chain(super::xero::FAULTS.iter())
}

/// The fault called `name`, if there is one.
pub fn find_fault(name: &str) -> Option<&'static FaultInfo> {
    all_faults().find(|f| f.name == name)
}
