//! Serde structs mirroring the YAML of suite and case files, one per shape, with unknown keys refused.
//! They are also the source of `specs/case.schema.json` (schemars). Validation happens in `load.rs`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A value as written in YAML: may carry `{{templates}}` in strings and matcher tags (`!regex …`).
pub type RawValue = serde_yaml::Value;

/// `suite.yaml`: what every case in its folder shares.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSuite {
    /// The suite's name, the first part of every case id (`sinch::groups::create`). Defaults to the folder name.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Default variables; `--var NAME=VALUE` and `CONFORM_VAR_NAME` override them.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub vars: serde_yaml::Mapping,
    /// Variables whose values are replaced by `***` in every output. Names containing `token`, `secret` or
    /// `password` are secret anyway.
    #[serde(default)]
    pub secrets: Vec<String>,
    /// Headers every request carries (templated). A step can drop one by setting it to null.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Snapshot settings for every case of the suite.
    #[serde(default)]
    pub snapshot: RawSnapshotSettings,
    /// Path (relative to this file) of the requirement catalogue the cases' `requirements` refer to.
    pub requirements: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSnapshotSettings {
    /// Volatile body fields, as insta selectors (`.id`, `.groups[].created_at`), replaced by `[redacted]`.
    #[serde(default)]
    pub redact: Vec<String>,
    /// Response headers kept in snapshots (lowercase). Defaults to `content-type`.
    pub headers: Option<Vec<String>>,
}

/// A case file: a list of cases.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCaseFile {
    pub description: Option<String>,
    pub cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    /// Unique in its file; lowercase letters, digits, `-` and `_`.
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Ids of the documented behaviours the case checks (from the suite's requirement catalogue).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// Variables evaluated once, in order, when the case starts; they may use earlier ones and generators.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub vars: serde_yaml::Mapping,
    pub steps: Vec<RawStep>,
    /// Steps that always run after `steps`, even when one failed; a step whose variables were never captured
    /// is skipped.
    #[serde(default)]
    pub cleanup: Vec<RawStep>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub name: Option<String>,
    /// Milliseconds to wait before sending the request.
    pub pause_ms: Option<u64>,
    pub request: RawRequest,
    /// Repeat the request over pages until one has no items.
    pub paginate: Option<RawPaginate>,
    #[serde(default)]
    pub expect: RawExpect,
    /// Values to keep: `name: /json/pointer` or `name: {header: Location}`. Captures are taken before the
    /// step's expectations are checked, so the expectations can use them too.
    #[serde(default)]
    pub capture: BTreeMap<String, RawCapture>,
    /// Keep this step's normalised response as an insta snapshot. Defaults to false.
    #[serde(default)]
    pub snapshot: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    pub method: String,
    /// Path after the base URL, templated: `/xms/v1/{{service_plan_id}}/groups`.
    pub path: String,
    /// Query parameters (templated); a list value repeats the parameter.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub query: serde_yaml::Mapping,
    /// Headers (templated); null removes a header the suite adds.
    #[serde(default)]
    pub headers: BTreeMap<String, Option<String>>,
    /// A JSON body (templated); sent with `Content-Type: application/json` unless a header says otherwise.
    #[schemars(with = "Option<serde_json::Value>")]
    pub json: Option<RawValue>,
    /// A raw body sent as is (templated), e.g. invalid JSON.
    pub body: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPaginate {
    /// Query parameter holding the page number. Defaults to `page`.
    pub param: Option<String>,
    /// First page number. Defaults to 0.
    pub start: Option<i64>,
    /// JSON Pointer to the array of items on each page, e.g. `/groups`.
    pub items: String,
    /// Stop after this many pages even if items remain. Defaults to 20.
    pub max_pages: Option<u32>,
    /// Stop as soon as the items collected so far match this (e.g. the case's own items were all seen), so a
    /// walk over a large or busy account stays short.
    #[schemars(with = "Option<serde_json::Value>")]
    pub until: Option<RawValue>,
    /// JSON Pointer to a value that must be the same on every page of one walk (e.g. `/count`, the total).
    /// When it moves, the list changed under the walk — offset paging then skips or repeats items — and the
    /// walk starts again from the first page.
    pub stable: Option<String>,
    /// How many times a walk may restart because `stable` moved. Defaults to 5.
    pub restarts: Option<u32>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    /// One status code or a list of acceptable ones. Defaults to any 2xx.
    #[schemars(with = "Option<serde_json::Value>")]
    pub status: Option<RawValue>,
    /// Header name → exact value or a matcher (`!regex '^application/json'`, `!absent`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub headers: serde_yaml::Mapping,
    /// The body: a partial match by default (listed keys must match, others may exist).
    #[schemars(with = "Option<serde_json::Value>")]
    pub body: Option<RawValue>,
    /// `partial` (default) or `strict` (objects must have exactly the listed keys, at every depth).
    pub body_match: Option<RawBodyMatch>,
    /// A JSON Schema under `specs/`, e.g. `sinch/group.json`.
    pub schema: Option<String>,
    /// With `paginate`: a matcher for all pages' items joined in order.
    #[schemars(with = "Option<serde_json::Value>")]
    pub items: Option<RawValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawBodyMatch {
    Partial,
    Strict,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawCapture {
    /// A JSON Pointer into the response body (`/id`, `/groups/0/id`, `""` for the whole body).
    Pointer(String),
    Source(RawCaptureSource),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCaptureSource {
    /// A JSON Pointer into the response body.
    pub pointer: Option<String>,
    /// A response header.
    pub header: Option<String>,
    /// When the value is missing, leave the variable unset instead of failing (cleanup steps that use it are
    /// then skipped). For negative steps that must still clean up what a faulty server wrongly created.
    #[serde(default)]
    pub optional: bool,
}
