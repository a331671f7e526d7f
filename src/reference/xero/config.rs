//! The Xero settings (the tenant and the tokens the server accepts) and `XeroConfig`, the typed configuration
//! the Xero code reads: their values, the active Xero fault and whether to start with the sample data.

use std::time::Duration;

use super::faults::XeroFault;
use crate::reference::{RateLimit, ServerConfig, Setting, Variant};

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

/// The client id of a custom connection, for `POST /connect/token` (client credentials, refresh token).
pub(super) const CLIENT_ID: Setting = Setting {
    name: "xero_client_id",
    default: "conform-xero-client",
    value_name: "ID",
    help: "The client id accepted by POST /connect/token (HTTP Basic or the client_id form field).",
    usage: "POST /connect/token",
};

pub(super) const CLIENT_SECRET: Setting = Setting {
    name: "xero_client_secret",
    default: "conform-xero-client-secret",
    value_name: "SECRET",
    help: "The client secret accepted by POST /connect/token.",
    usage: "",
};

/// A refresh token as a person obtains one through the authorization-code flow, which the server does not
/// serve: the refresh grant accepts it (and the refresh tokens it issues itself).
pub(super) const REFRESH_TOKEN: Setting = Setting {
    name: "xero_refresh_token",
    default: "conform-xero-refresh-token",
    value_name: "TOKEN",
    help: "A refresh token accepted by POST /connect/token with grant_type=refresh_token.",
    usage: "grant_type=refresh_token",
};

pub(super) const SETTINGS: &[Setting] = &[TENANT_ID, TOKEN, READ_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN];

/// How long Xero's access tokens live: "All Xero access tokens expire after 30 minutes" (developer.xero.com
/// FAQ, custom integration).
pub(super) const TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone)]
pub(crate) struct XeroConfig {
    pub(crate) tenant_id: String,
    pub(crate) token: String,
    pub(crate) read_token: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) refresh_token: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) rate_limit: Option<RateLimit>,
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
            client_id: config.value(&CLIENT_ID).to_string(),
            client_secret: config.value(&CLIENT_SECRET).to_string(),
            refresh_token: config.value(&REFRESH_TOKEN).to_string(),
            token_lifetime: config.token_lifetime.unwrap_or(TOKEN_LIFETIME),
            rate_limit: config.rate_limits.of("xero"),
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
