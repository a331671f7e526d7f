//! The Xero settings (the tenant and the tokens the server accepts) and `XeroConfig`, the typed configuration
//! the Xero code reads: their values, the active Xero fault and whether to start with the sample data.

use super::faults::XeroFault;
use crate::reference::{ServerConfig, Setting, Variant};

pub(super) const TENANT_ID: Setting = Setting {
    name: "xero_tenant_id",
    default: "00000000-0000-4000-8000-00000000c0f0",
    value_name: "ID",
    help: "The Xero tenant id accepted in `xero-tenant-id`.",
    usage: "xero-tenant-id header",
};

pub(super) const TOKEN: Setting = Setting {
    name: "xero_token",
    default: "conform-xero-token",
    value_name: "TOKEN",
    help: "The Xero bearer token accepted.",
    usage: "Authorization: Bearer …",
};

/// A token with only the `accounting.contacts.read` scope: GETs succeed, writes get 401.
pub(super) const READ_TOKEN: Setting = Setting {
    name: "xero_read_token",
    default: "conform-xero-read-token",
    value_name: "TOKEN",
    help: "A Xero bearer token with the read scope only: GETs succeed, writes get 401.",
    usage: "read scope only: GETs",
};

pub(super) const SETTINGS: &[Setting] = &[TENANT_ID, TOKEN, READ_TOKEN];

#[derive(Debug, Clone)]
pub(crate) struct XeroConfig {
    pub(crate) tenant_id: String,
    pub(crate) token: String,
    pub(crate) read_token: String,
    pub(crate) fault: Option<XeroFault>,
    /// The conforming variant served, if any (see `crate::reference::Variant`).
    pub(crate) variant: Option<Variant>,
    pub(crate) with_data: bool,
}

impl XeroConfig {
    pub(crate) fn new(config: &ServerConfig) -> Self {
        Self {
            tenant_id: config.value(&TENANT_ID).to_string(),
            token: config.value(&TOKEN).to_string(),
            read_token: config.value(&READ_TOKEN).to_string(),
            fault: XeroFault::from_fault(config.fault),
            variant: config.variant,
            // alt-choices: an organisation already in use. BEHAVIOURS.md §2.A item 2: every call names a tenant,
            // a real organisation with its own contacts and groups; nothing promises an empty one.
            with_data: config.with_data || config.variant == Some(Variant::AltChoices),
        }
    }

    /// Whether `fault` is the active one.
    pub(crate) fn has(&self, fault: XeroFault) -> bool {
        self.fault == Some(fault)
    }

    /// Whether `variant` is the one served.
    pub(crate) fn is(&self, variant: Variant) -> bool {
        self.variant == Some(variant)
    }
}
