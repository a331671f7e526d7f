//! The Sinch settings (the service plan and the token the server accepts) and `SinchConfig`, the typed
//! configuration the Sinch code reads: their values, the active Sinch fault and whether to seed data.

use super::faults::SinchFault;
use crate::reference::{ServerConfig, Setting, Variant};

pub(super) const SERVICE_PLAN_ID: Setting = Setting {
    name: "service_plan_id",
    default: "conform-plan",
    value_name: "ID",
    help: "The Sinch service plan id accepted in paths.",
    usage: "",
};

pub(super) const TOKEN: Setting = Setting {
    name: "sinch_token",
    default: "conform-sinch-token",
    value_name: "TOKEN",
    help: "The Sinch bearer token accepted.",
    usage: "Authorization: Bearer …",
};

pub(super) const SETTINGS: &[Setting] = &[SERVICE_PLAN_ID, TOKEN];

#[derive(Debug, Clone)]
pub(crate) struct SinchConfig {
    pub(crate) service_plan_id: String,
    pub(crate) token: String,
    pub(crate) fault: Option<SinchFault>,
    /// The conforming variant served, if any (see `crate::reference::Variant`).
    pub(crate) variant: Option<Variant>,
    pub(crate) with_data: bool,
}

impl SinchConfig {
    pub(crate) fn new(config: &ServerConfig) -> Self {
        Self {
            service_plan_id: config.value(&SERVICE_PLAN_ID).to_string(),
            token: config.value(&TOKEN).to_string(),
            fault: SinchFault::from_fault(config.fault),
            variant: config.variant,
            // alt-choices: an account that is already in use. BEHAVIOURS.md §1.A item 1: a service plan sees its
            // own groups, which a real one has before any suite runs; nothing promises an empty plan.
            with_data: config.with_data || config.variant == Some(Variant::AltChoices),
        }
    }

    /// Whether `fault` is the active one.
    pub(crate) fn has(&self, fault: SinchFault) -> bool {
        self.fault == Some(fault)
    }

    /// Whether `variant` is the one served.
    pub(crate) fn is(&self, variant: Variant) -> bool {
        self.variant == Some(variant)
    }
}
