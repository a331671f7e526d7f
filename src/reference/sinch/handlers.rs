//! The HTTP handlers of the Groups endpoint and the authentication middleware. Each handler checks, in the
//! documented order, content type, body, then the store; the store does the rest under one lock.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::error::SinchError;
use super::render::{group_view, list_page};
use super::store::{Group, GroupStore};
use super::validate::{Validator, parse_object};
use crate::reference::ServerConfig;

const DEFAULT_PAGE_SIZE: u64 = 30;
const MAX_PAGE_SIZE: u64 = 100;

/// What every handler shares. The store sits behind a std mutex: handlers never await while holding it.
pub(crate) struct SinchState {
    pub config: ServerConfig,
    store: Mutex<GroupStore>,
}

impl SinchState {
    pub(crate) fn new(config: ServerConfig, store: GroupStore) -> Self {
        Self { config, store: Mutex::new(store) }
    }

    /// A poisoned lock only means another handler panicked mid-request; the map itself is still usable.
    fn store(&self) -> MutexGuard<'_, GroupStore> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn validator(&self) -> Validator<'_> {
        Validator { config: &self.config }
    }
}

type Shared = State<Arc<SinchState>>;
type Reply = Result<Response, SinchError>;

/// 401 unless the Bearer token and the service plan in the path are the configured ones. Runs before
/// routing decides 404 or 405, so an unauthenticated caller learns nothing about paths.
pub(crate) async fn authenticate(State(state): Shared, request: Request, next: Next) -> Response {
    if state.config.fault_is("sinch-auth-not-enforced") {
        return next.run(request).await;
    }
    let credentials = &state.config.credentials;
    let token_ok = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("bearer") && token.trim() == credentials.sinch_token
        });
    // Paths too short to name a plan (`/xms`, `/xms/v1`) are judged by the token alone, then 404.
    let plan_ok = match request.uri().path().split('/').nth(3) {
        Some(plan) if request.uri().path().starts_with("/xms/v1/") => plan == credentials.service_plan_id,
        _ => true,
    };
    if token_ok && plan_ok { next.run(request).await } else { SinchError::Unauthorized.into_response() }
}

/// Anything under `/xms` that is not a Groups route.
pub(crate) async fn not_found() -> Response {
    SinchError::NotFound.into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The request body as a JSON object: 415 for a wrong content type, 413 over the size limit, else 400s.
fn json_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, SinchError> {
    if !is_json(headers) {
        return Err(SinchError::UnsupportedMediaType);
    }
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            SinchError::PayloadTooLarge
        } else {
            SinchError::InvalidJson(format!("The request body could not be read: {}", rejection.body_text()))
        }
    })?;
    parse_object(&bytes)
}

/// The `{group_id}` segment. An undecodable one names no group.
fn group_id(path: Result<Path<(String, String)>, PathRejection>) -> Result<String, SinchError> {
    path.map(|Path((_, id))| id).map_err(|_| SinchError::NotFound)
}

fn json<T: serde::Serialize>(status: StatusCode, body: T) -> Response {
    (status, Json(body)).into_response()
}

pub(crate) async fn create(State(state): Shared, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Reply {
    let fields = state.validator().create(&json_body(&headers, body)?)?;
    let status = if state.config.fault_is("sinch-create-returns-200") { StatusCode::OK } else { StatusCode::CREATED };
    let mut store = state.store();
    let group = store.create(fields)?.clone();
    Ok(json(status, group_view(&store, &group)))
}

/// A `page` or `page_size` query value: an integer, else `syntax_invalid_parameter_format`.
fn query_integer(params: &[(String, String)], name: &str, default: u64) -> Result<i64, SinchError> {
    let Some((_, raw)) = params.iter().find(|(k, _)| k == name) else {
        return Ok(i64::try_from(default).unwrap_or(i64::MAX));
    };
    raw.trim().parse::<i64>().map_err(|_| SinchError::InvalidFormat {
        param: name.into(),
        value: raw.clone(),
        expected: "integer",
    })
}

pub(crate) async fn list(State(state): Shared, query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Reply {
    let Query(params) = query.map_err(|e| SinchError::InvalidFormat {
        param: "query".into(),
        value: e.body_text(),
        expected: "query string",
    })?;
    let page = query_integer(&params, "page", 0)?;
    let page_size = query_integer(&params, "page_size", DEFAULT_PAGE_SIZE)?;
    let page = u64::try_from(page)
        .map_err(|_| SinchError::Constraint(format!("The parameter 'page' must be 0 or larger, was {page}")))?;
    let size_limit_checked = !state.config.fault_is("sinch-page-size-limit-unchecked");
    let page_size =
        u64::try_from(page_size).ok().filter(|&s| s <= MAX_PAGE_SIZE || !size_limit_checked).ok_or_else(|| {
            SinchError::Constraint(format!(
                "The parameter 'page_size' must be between 0 and {MAX_PAGE_SIZE}, was {page_size}"
            ))
        })?;
    let store = state.store();
    Ok(json(StatusCode::OK, list_page(&store, page, page_size)))
}

pub(crate) async fn retrieve(State(state): Shared, path: Result<Path<(String, String)>, PathRejection>) -> Reply {
    let id = group_id(path)?;
    let store = state.store();
    let group = store.get(&id).ok_or(SinchError::NotFound)?;
    Ok(json(StatusCode::OK, group_view(&store, group)))
}

pub(crate) async fn members(State(state): Shared, path: Result<Path<(String, String)>, PathRejection>) -> Reply {
    let id = group_id(path)?;
    let store = state.store();
    store.get(&id).ok_or(SinchError::NotFound)?;
    let members: Vec<String> = store.effective_members(&id).into_iter().collect();
    Ok(json(StatusCode::OK, members))
}

// The body is checked before the group is looked up: a malformed request is a 400 whichever group it names,
// as a framework that validates the body before calling the handler would answer.
pub(crate) async fn update(
    State(state): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
    let id = group_id(path)?;
    let fields = state.validator().update(&json_body(&headers, body)?)?;
    changed(&state, |store| store.update(&id, fields))
}

pub(crate) async fn replace(
    State(state): Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Reply {
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

pub(crate) async fn delete(State(state): Shared, path: Result<Path<(String, String)>, PathRejection>) -> Reply {
    let id = group_id(path)?;
    state.store().delete(&id)?;
    if state.config.fault_is("sinch-delete-returns-204") {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(StatusCode::OK.into_response())
}
