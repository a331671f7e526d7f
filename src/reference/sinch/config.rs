//! The Sinch settings (the service plan and the token the server accepts) and `SinchConfig`, the typed
//! configuration the Sinch code reads: their values, the active Sinch fault and whether to seed data.

use std::time::Duration;

use super::faults::SinchFault;
use crate::reference::{RateLimit, ServerConfig, Setting, Variant};

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

/// The access key id for `POST /oauth2/token` (auth.sinch.com for the real service), sent with HTTP Basic.
pub(super) const KEY_ID: Setting = Setting {
    name: "sinch_key_id",
    default: "conform-sinch-key",
    value_name: "ID",
    help: "The access key id accepted by POST /oauth2/token (HTTP Basic user).",
    usage: "POST /oauth2/token, HTTP Basic",
};

pub(super) const KEY_SECRET: Setting = Setting {
    name: "sinch_key_secret",
    default: "conform-sinch-key-secret",
    value_name: "SECRET",
    help: "The access key secret accepted by POST /oauth2/token (HTTP Basic password).",
    usage: "",
};

pub(super) const SETTINGS: &[Setting] = &[SERVICE_PLAN_ID, TOKEN, KEY_ID, KEY_SECRET];

/// How long Sinch's OAuth2 access tokens live: one hour (developers.sinch.com, "OAuth2 authentication").
pub(super) const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub(crate) struct SinchConfig {
    pub(crate) service_plan_id: String,
    pub(crate) token: String,
    pub(crate) key_id: String,
    pub(crate) key_secret: String,
    pub(crate) token_lifetime: Duration,
    pub(crate) rate_limit: Option<RateLimit>,
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
            key_id: config.value(&KEY_ID).to_string(),
            key_secret: config.value(&KEY_SECRET).to_string(),
            token_lifetime: config.token_lifetime.unwrap_or(TOKEN_LIFETIME),
            rate_limit: config.rate_limits.of("sinch"),
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
