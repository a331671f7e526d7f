//! The JSON the API answers with: the Group object (null fields omitted), list pages and timestamps.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::faults::SinchFault;
use super::store::{Group, GroupStore};
use super::validate::{AutoUpdate, Keywords};
use crate::reference::Variant;

/// `body` as JSON with `status`.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: T) -> Response {
    (status, Json(body)).into_response()
}

/// A Group as create, retrieve, update, replace and list return it.
#[derive(Debug, Serialize)]
pub(crate) struct GroupView {
    id: String,
    // `Value` rather than `Option<String>` so the `sinch-unnamed-null-name` fault can render an explicit null.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<Value>,
    size: usize,
    created_at: String,
    modified_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    child_groups: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auto_update: Option<AutoUpdateView>,
    /// Undeclared; only the alt-choices variant sends it (`{}`). BEHAVIOURS.md §0 and §1.B item 13: the
    /// service adds fields over time (child_groups, auto_update), so clients ignore unknown ones; the schema
    /// `specs/sinch/group.json` allows unknown properties for that reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    x_vendor: Option<Value>,
    /// Never part of the contract; only the `sinch-list-includes-members` fault fills it.
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct AutoUpdateView {
    to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    add: Option<KeywordsView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remove: Option<KeywordsView>,
}

#[derive(Debug, Serialize)]
struct KeywordsView {
    first_word: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    second_word: Option<String>,
}

impl From<&Keywords> for KeywordsView {
    fn from(k: &Keywords) -> Self {
        Self { first_word: k.first_word.clone(), second_word: k.second_word.clone() }
    }
}

impl From<&AutoUpdate> for AutoUpdateView {
    fn from(a: &AutoUpdate) -> Self {
        Self { to: a.to.clone(), add: a.add.as_ref().map(Into::into), remove: a.remove.as_ref().map(Into::into) }
    }
}

/// `2024-06-06T08:59:22.156Z`: UTC with milliseconds, as the formats page specifies.
pub(crate) fn timestamp(store: &GroupStore, at: DateTime<Utc>) -> String {
    // alt-choices: the same instant and precision with the offset written `+00:00` instead of `Z`. BEHAVIOURS.md
    // §1.A item 9 asks for ISO-8601 in UTC with milliseconds; SPEC types them `format: date-time` (RFC 3339),
    // where `+00:00` and `Z` both name UTC.
    if store.config().is(Variant::AltChoices) {
        return at.format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string();
    }
    if store.config().has(SinchFault::TimestampsWithoutMillis) {
        return at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) fn group_view(store: &GroupStore, group: &Group) -> GroupView {
    let name = match &group.name {
        Some(n) => Some(Value::String(n.clone())),
        None if store.config().has(SinchFault::UnnamedNullName) => Some(Value::Null),
        None => None,
    };
    // minimal: only the seed's response table (id, name, size, created_at, modified_at). BEHAVIOURS.md §1.B
    // item 13: child_groups and auto_update are echoed by the current [official] models only, and §1.G item 35
    // calls them optional extras not to be required.
    let minimal = store.config().is(Variant::Minimal);
    GroupView {
        id: group.id.clone(),
        name,
        size: store.size(group),
        created_at: timestamp(store, group.created_at),
        modified_at: timestamp(store, group.modified_at),
        child_groups: (!minimal && !group.child_groups.is_empty()).then(|| group.child_groups.clone()),
        auto_update: group.auto_update.as_ref().filter(|_| !minimal).map(Into::into),
        x_vendor: store.config().is(Variant::AltChoices).then(|| Value::Object(serde_json::Map::new())),
        members: None,
    }
}

/// One page of the list operation.
#[derive(Debug, Serialize)]
pub(crate) struct ListPage {
    pub(crate) page: u64,
    pub(crate) page_size: u64,
    pub(crate) count: u64,
    pub(crate) groups: Vec<GroupView>,
}

/// Page `page` of `page_size` groups, newest first. `page_size` in the answer is how many came back.
pub(crate) fn list_page(store: &GroupStore, page: u64, page_size: u64) -> ListPage {
    let all = store.newest_first();
    let config = store.config();
    let index = if config.has(SinchFault::PagesFromOne) { page.saturating_sub(1) } else { page };
    let skip = usize::try_from(index.saturating_mul(page_size)).unwrap_or(usize::MAX);
    let take = usize::try_from(page_size).unwrap_or(usize::MAX);
    let with_members = config.has(SinchFault::ListIncludesMembers);
    let groups: Vec<GroupView> = all
        .iter()
        .skip(skip)
        .take(take)
        .map(|g| {
            let mut view = group_view(store, g);
            if with_members {
                view.members = Some(store.effective_members(&g.id).into_iter().collect());
            }
            view
        })
        .collect();
    let returned = groups.len() as u64;
    ListPage {
        page,
        page_size: if config.has(SinchFault::PageSizeEchoesRequest) { page_size } else { returned },
        count: if config.has(SinchFault::CountIsPageLength) { returned } else { all.len() as u64 },
        groups,
    }
}
