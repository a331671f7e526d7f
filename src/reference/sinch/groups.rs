//! HTTP handlers of `/groups` and `/groups/{group_id}`. Each checks, in the documented order, content type,
//! body, then the store; the store does the rest under one lock.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::error::SinchError;
use super::faults::SinchFault;
use super::render::{group_view, json, list_page};
use super::request::{Body, GroupPath, group_id, json_body, query_integer};
use super::state::SinchState;
use super::store::{Group, GroupStore};
use crate::reference::Variant;

const DEFAULT_PAGE_SIZE: u64 = 30;
const MAX_PAGE_SIZE: u64 = 100;

type Shared = State<Arc<SinchState>>;
pub(crate) type Reply = Result<Response, SinchError>;

pub(crate) async fn create(State(state): Shared, headers: HeaderMap, body: Body) -> Reply {
    let fields = state.validator().create(&json_body(&headers, body)?)?;
    let status = if state.config.has(SinchFault::CreateReturns200) { StatusCode::OK } else { StatusCode::CREATED };
    let mut store = state.store();
    let group = store.create(fields)?.clone();
    Ok(json(status, group_view(&store, &group)))
}

pub(crate) async fn list(
    State(state): Shared,
    uri: Uri,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Reply {
    let Query(params) = query.map_err(|e| SinchError::InvalidFormat {
        param: "query".into(),
        value: e.body_text(),
        expected: "query string",
    })?;
    let page = query_integer(&params, "page", 0)?;
    let page = if state.config.has(SinchFault::NegativePageServed) { page.max(0) } else { page };
    let page_size = query_integer(&params, "page_size", DEFAULT_PAGE_SIZE)?;
    // alt-choices: an out-of-range page or page_size gets the generic 400 body instead of {code,text}.
    // BEHAVIOURS.md §1.C item 21: the code is "presumably syntax_constraint_violation, or the generic 400 body
    // of item 7"; §1.A item 7 documents that body for query values.
    let out_of_range = page < 0 || page_size < 0 || page_size > i64::try_from(MAX_PAGE_SIZE).unwrap_or(i64::MAX);
    if state.config.is(Variant::AltChoices) && out_of_range && size_limit_checked(&state) {
        let message = format!("page {page}, page_size {page_size}");
        return Err(SinchError::GenericBadRequest { path: uri.path().to_string(), message });
    }
    let page = u64::try_from(page)
        .map_err(|_| SinchError::Constraint(format!("The parameter 'page' must be 0 or larger, was {page}")))?;
    let size_limit_checked = !state.config.has(SinchFault::PageSizeLimitUnchecked);
    let page_size =
        u64::try_from(page_size).ok().filter(|&s| s <= MAX_PAGE_SIZE || !size_limit_checked).ok_or_else(|| {
            SinchError::Constraint(format!(
                "The parameter 'page_size' must be between 0 and {MAX_PAGE_SIZE}, was {page_size}"
            ))
        })?;
    let store = state.store();
    Ok(json(StatusCode::OK, list_page(&store, page, page_size)))
}

pub(crate) async fn retrieve(State(state): Shared, path: GroupPath) -> Reply {
    let id = group_id(path)?;
    let store = state.store();
    let unknown = || match state.config.has(SinchFault::UnknownGroupBadRequest) {
        true => SinchError::Constraint(format!("unknown group {id}")),
        false => SinchError::NotFound,
    };
    let group = store.get(&id).ok_or_else(unknown)?;
    Ok(json(StatusCode::OK, group_view(&store, group)))
}

// The body is checked before the group is looked up: a malformed request is a 400 whichever group it names,
// as a framework that validates the body before calling the handler would answer.
pub(crate) async fn update(State(state): Shared, path: GroupPath, headers: HeaderMap, body: Body) -> Reply {
    let id = group_id(path)?;
    let fields = state.validator().update(&json_body(&headers, body)?)?;
    changed(&state, |store| store.update(&id, fields))
}

pub(crate) async fn replace(State(state): Shared, path: GroupPath, headers: HeaderMap, body: Body) -> Reply {
    let id = group_id(path)?;
    let fields = state.validator().replace(&json_body(&headers, body)?)?;
    changed(&state, |store| store.replace(&id, fields))
}

/// Applies a change to one group under the store's lock and answers 200 with the group as it now is.
fn changed(state: &SinchState, change: impl FnOnce(&mut GroupStore) -> Result<&Group, SinchError>) -> Reply {
    let mut store = state.store();
    let group = change(&mut store)?.clone();
    Ok(json(StatusCode::OK, group_view(&store, &group)))
}

pub(crate) async fn delete(State(state): Shared, path: GroupPath) -> Reply {
    let id = group_id(path)?;
    state.store().delete(&id)?;
    if state.config.has(SinchFault::DeleteReturns204) {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(StatusCode::OK.into_response())
}

fn size_limit_checked(state: &SinchState) -> bool {
    !state.config.has(SinchFault::PageSizeLimitUnchecked)
}
