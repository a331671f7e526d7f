//! Serde structs mirroring the YAML of suite and case files, one per shape, with unknown keys refused.
//! They are also the source of `specs/case.schema.json` (schemars). Validation happens in `load.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A value as written in YAML: may carry `{{templates}}` in strings and matcher tags (`!regex …`).
pub(crate) type RawValue = serde_yaml::Value;

/// `suite.yaml`: what every case in its folder shares.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a suite file: a mapping of `vars`, `secrets`, `headers`, `snapshot`, `requirements`"
)]
pub(crate) struct RawSuite {
    /// The suite's name, the first part of every case id (`sinch::groups::create`). Defaults to the folder name.
    pub(crate) name: Option<String>,
    pub(crate) description: Option<String>,
    /// Default variables; `--var NAME=VALUE` and `CONFORM_VAR_NAME` override them.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub(crate) vars: serde_yaml::Mapping,
    /// Variables whose values are replaced by `***` in every output. Names containing `token`, `secret` or
    /// `password` are secret anyway.
    #[serde(default)]
    pub(crate) secrets: Vec<String>,
    /// Headers every request carries (templated). A step can drop one by setting it to null.
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, String>,
    /// Snapshot settings for every case of the suite.
    #[serde(default)]
    pub(crate) snapshot: RawSnapshotSettings,
    /// Path (relative to this file) of the requirement catalogue the cases' `requirements` refer to.
    pub(crate) requirements: Option<String>,
    /// Optional behaviours a target may or may not have (kebab-case name → what it means). A case lists the
    /// ones it relies on in `needs`; the embedded server has every one, another target only those given with
    /// `--capability NAME`.
    #[serde(default)]
    pub(crate) capabilities: BTreeMap<String, String>,
    /// The service's published request limits, kept by every run against a target other than the embedded
    /// reference server (which has none). `--rate` and `--max-in-flight` add limits of their own; both hold.
    pub(crate) rate_limit: Option<RawRateLimit>,
    /// How to obtain the bearer token with OAuth2, once per run. Unused when the token variable is given from
    /// outside (a static token) or `client_id` is empty.
    pub(crate) oauth2: Option<RawOAuth2>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRateLimit {
    /// Requests per second or minute, `N/s` or `N/min` (e.g. `60/min`).
    pub(crate) rate: Option<String>,
    /// Requests waiting for an answer at once, at most.
    pub(crate) max_in_flight: Option<u32>,
}

/// OAuth2 token request (RFC 6749): the client-credentials grant, or the refresh-token grant when
/// `refresh_token` has a value. The client authenticates with HTTP Basic. Every field is templated.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOAuth2 {
    /// The suite variable that receives the access token (the one the `Authorization` header uses). When it is
    /// given from outside (`--var`, `CONFORM_VAR_*`) that static token is used instead.
    pub(crate) token_var: String,
    /// The token endpoint, e.g. `https://identity.xero.com/connect/token`.
    pub(crate) token_url: String,
    /// OAuth2 is used only when this renders to a non-empty value.
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    /// Space-separated scopes to ask for; none asked when empty.
    pub(crate) scope: Option<String>,
    /// A refresh token: when it renders to a non-empty value, the refresh-token grant is used.
    pub(crate) refresh_token: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "snapshot settings: a mapping of `redact` and `headers`")]
pub(crate) struct RawSnapshotSettings {
    /// Volatile body fields, as insta selectors (`.id`, `.groups[].created_at`), replaced by `[redacted]`.
    #[serde(default)]
    pub(crate) redact: Vec<String>,
    /// Response headers kept in snapshots (lowercase). Defaults to `content-type`.
    pub(crate) headers: Option<Vec<String>>,
}

/// A case file: a list of cases.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a case file: a mapping with a `cases` list")]
pub(crate) struct RawCaseFile {
    // Accepted so a case file can say what it covers (the schema documents it); nothing reports it yet.
    #[allow(dead_code)]
    pub(crate) description: Option<String>,
    // The loader reads each case on its own (`read.rs`), so one broken case leaves the others readable; the
    // field is here for the JSON Schema and for the file's shape.
    #[allow(dead_code)]
    pub(crate) cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a case: a mapping with `name` and `steps`")]
pub(crate) struct RawCase {
    /// Unique in its file; lowercase letters, digits, `-` and `_`.
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    /// Ids of the documented behaviours the case checks (from the suite's requirement catalogue).
    #[serde(default)]
    pub(crate) requirements: Vec<String>,
    /// Variables evaluated once, in order, when the case starts; they may use earlier ones and generators.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub(crate) vars: serde_yaml::Mapping,
    /// What the case needs from the user to run against an implementation other than the embedded server:
    /// variables to give (`--var`, `CONFORM_VAR_*`), e.g. an optional second token, and capabilities the suite
    /// declares that the target must be said to have (`--capability NAME`). Without them there, the case is
    /// skipped with the reason; the embedded server has every capability and the suite's defaults serve it.
    #[serde(default)]
    pub(crate) needs: Vec<String>,
    pub(crate) steps: Vec<RawStep>,
    /// Steps that always run after `steps`, even when one failed; a step whose variables were never captured
    /// is skipped.
    #[serde(default)]
    pub(crate) cleanup: Vec<RawStep>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a step: a mapping with `request` and `expect`")]
pub(crate) struct RawStep {
    pub(crate) name: Option<String>,
    /// Ids of the case's requirements this step's expectations check (a subset of the case's `requirements`).
    /// A failure of the step then counts against these only, so a report or the conformance matrix can tell
    /// which requirement broke. Defaults to every requirement of the case.
    pub(crate) requirements: Option<Vec<String>>,
    /// Milliseconds to wait before sending the request.
    pub(crate) pause_ms: Option<u64>,
    pub(crate) request: RawRequest,
    /// Repeat the request over pages until one has no items.
    pub(crate) paginate: Option<RawPaginate>,
    /// Send the step again until its `must` expectations hold, for an eventually consistent service (a list
    /// that shows a new group a moment later). Distinct from `--retries`, which resends after transport errors.
    pub(crate) retry: Option<RawRetry>,
    #[serde(default)]
    pub(crate) expect: RawExpect,
    /// Values to keep: `name: /json/pointer` or `name: {header: Location}`. Captures are taken before the
    /// step's expectations are checked, so the expectations can use them too.
    #[serde(default)]
    pub(crate) capture: BTreeMap<String, RawCapture>,
    /// Keep this step's normalised response as an insta snapshot. Defaults to false.
    #[serde(default)]
    pub(crate) snapshot: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a request: a mapping with `method` and `path`")]
pub(crate) struct RawRequest {
    pub(crate) method: String,
    /// Path after the base URL, templated: `/xms/v1/{{service_plan_id}}/groups`.
    pub(crate) path: String,
    /// Query parameters (templated); a list value repeats the parameter.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub(crate) query: serde_yaml::Mapping,
    /// Headers (templated); null removes a header the suite adds.
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, Option<String>>,
    /// A JSON body (templated); sent with `Content-Type: application/json` unless a header says otherwise.
    #[schemars(with = "Option<serde_json::Value>")]
    pub(crate) json: Option<RawValue>,
    /// A raw body sent as is (templated), e.g. invalid JSON.
    pub(crate) body: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "`paginate`: a mapping with `items` (a JSON Pointer such as `/groups`)")]
pub(crate) struct RawPaginate {
    /// Query parameter holding the page number. Defaults to `page`.
    pub(crate) param: Option<String>,
    /// First page number. Defaults to 0.
    pub(crate) start: Option<i64>,
    /// JSON Pointer to the array of items on each page, e.g. `/groups`.
    pub(crate) items: String,
    /// Stop after this many pages even if items remain. Defaults to 20.
    pub(crate) max_pages: Option<u32>,
    /// Stop as soon as the items collected so far match this (e.g. the case's own items were all seen), so a
    /// walk over a large or busy account stays short.
    #[schemars(with = "Option<serde_json::Value>")]
    pub(crate) until: Option<RawValue>,
    /// JSON Pointer to a value that must be the same on every page of one walk (e.g. `/count`, the total).
    /// When it moves, the list changed under the walk — offset paging then skips or repeats items — and the
    /// walk starts again from the first page.
    pub(crate) stable: Option<String>,
    /// How many times a walk may restart because `stable` moved. Defaults to 5.
    pub(crate) restarts: Option<u32>,
}

/// `retry: {attempts: 10, interval_ms: 200, backoff: 2, max_wait_ms: 10000}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetry {
    /// How many times the step is tried in all, the first included (2 to 100).
    pub(crate) attempts: u32,
    /// Milliseconds to wait before the second attempt. Defaults to 500.
    pub(crate) interval_ms: Option<u64>,
    /// Each further wait is the previous one times this (1 to 10; 1 keeps the interval constant). Defaults to 2.
    pub(crate) backoff: Option<f64>,
    /// Stop retrying when the waits so far plus the next one would pass this many milliseconds, even with
    /// attempts left. Defaults to 60000 (a minute).
    pub(crate) max_wait_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "expectations: a mapping of `status`, `headers`, `body`, `schema`, …")]
pub(crate) struct RawExpect {
    /// One status code or a list of acceptable ones. Defaults to any 2xx.
    #[schemars(with = "Option<serde_json::Value>")]
    pub(crate) status: Option<RawValue>,
    /// Header name → exact value or a matcher (`!regex '^application/json'`, `!absent`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub(crate) headers: serde_yaml::Mapping,
    /// The body: a partial match by default (listed keys must match, others may exist).
    #[schemars(with = "Option<serde_json::Value>")]
    pub(crate) body: Option<RawValue>,
    /// `partial` (default) or `strict` (objects must have exactly the listed keys, at every depth).
    pub(crate) body_match: Option<RawBodyMatch>,
    /// A JSON Schema under `specs/`, e.g. `sinch/group.json`.
    pub(crate) schema: Option<String>,
    /// With `paginate`: a matcher for all pages' items joined in order.
    #[schemars(with = "Option<serde_json::Value>")]
    pub(crate) items: Option<RawValue>,
    /// Expectations at the `should` level, in the same shape (no `status` here means no status check): what
    /// fidelity to the real service adds beyond the contract. When only these fail the case is non-strict,
    /// which passes the gate unless `--strict`.
    pub(crate) should: Option<Box<RawExpect>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RawBodyMatch {
    Partial,
    Strict,
}

// A JSON Pointer string or a mapping. Deserialised by hand rather than `untagged`, whose only error is "data
// did not match any variant". (`untagged` stays for the JSON Schema.)
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawCapture {
    /// A JSON Pointer into the response body (`/id`, `/groups/0/id`, `""` for the whole body).
    Pointer(String),
    Source(RawCaptureSource),
}

impl<'de> Deserialize<'de> for RawCapture {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CaptureVisitor;

        impl<'de> serde::de::Visitor<'de> for CaptureVisitor {
            type Value = RawCapture;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON Pointer such as `/id`, or a mapping such as `{header: Location}`")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawCapture, E> {
                Ok(RawCapture::Pointer(v.to_string()))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawCapture, A::Error> {
                RawCaptureSource::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawCapture::Source)
            }
        }

        deserializer.deserialize_any(CaptureVisitor)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a capture: `{pointer: /id}` or `{header: Location}`")]
pub(crate) struct RawCaptureSource {
    /// A JSON Pointer into the response body.
    pub(crate) pointer: Option<String>,
    /// A response header.
    pub(crate) header: Option<String>,
    /// When the value is missing, leave the variable unset instead of failing (cleanup steps that use it are
    /// then skipped). For negative steps that must still clean up what a faulty server wrongly created.
    #[serde(default)]
    pub(crate) optional: bool,
}
