//! HTTP handlers for `/ContactGroups` and its membership sub-resources.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::request::{Order, entities, idempotency_key, path_id, query_param, where_clause};
use super::response::{Ctx, Rendered, XeroError};
use super::routes::AppState;
use super::store::{Data, GROUP_FIELDS, Group, GroupStatus};
use super::writes;

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;
type Body = Result<Bytes, BytesRejection>;

/// `GET /ContactGroups`: ACTIVE groups only, `Contacts` always empty, filtered by `where`, sorted by `order`.
pub(crate) async fn list(State(app): State<AppState>, headers: HeaderMap, params: Params) -> Response {
    let ctx = app.ctx(&headers);
    let config = ctx.config;
    let result = (|| {
        let Query(params) = params.map_err(|e| XeroError::BadRequest(e.body_text()))?;
        let filter = if config.fault_is("xero-where-ignored") { None } else { where_clause(&params, GROUP_FIELDS)? };
        let mut order = Order::parse(query_param(&params, "order"), GROUP_FIELDS)?;
        if config.fault_is("xero-order-desc-ignored") {
            order = order.ascending();
        }
        let data = app.store.lock();
        let listed = config.fault_is("xero-deleted-groups-listed");
        let mut groups: Vec<&Group> = data
            .groups
            .iter()
            .filter(|g| g.status == GroupStatus::Active || listed)
            .filter(|g| filter.as_ref().is_none_or(|f| f.matches(*g)))
            .collect();
        order.sort(&mut groups);
        let with_members = config.fault_is("xero-list-contacts-filled");
        let items = groups.iter().map(|g| data.group_json(g, with_members)).collect();
        Ok(ctx.envelope("ContactGroups", items))
    })();
    ctx.finish(result).into_response()
}

/// `GET /ContactGroups/{id}`: exactly one group with its members. A DELETED group is still found by id, with
/// `Status: DELETED`, so a client can confirm a deletion.
pub(crate) async fn get_one(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let id = path_id(&id.map_err(|_| XeroError::NotFound)?.0)?;
        let data = app.store.lock();
        let group = data.group(id).ok_or(XeroError::NotFound)?;
        Ok(ctx.envelope("ContactGroups", vec![data.group_json(group, true)]))
    })();
    ctx.finish(result).into_response()
}

/// `PUT /ContactGroups` (official create; an element with a known `ContactGroupID` updates, as in the seed).
pub(crate) async fn put_collection(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    upsert(&app, &headers, "PUT", body)
}

/// `POST /ContactGroups` (the seed's and Xero's legacy create-or-update).
pub(crate) async fn post_collection(State(app): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    upsert(&app, &headers, "POST", body)
}

fn upsert(app: &AppState, headers: &HeaderMap, method: &str, body: Body) -> Response {
    let ctx = app.ctx(headers);
    let entities = entities(body, "ContactGroups");
    idempotent(app, ctx, headers, &format!("{method} /ContactGroups"), |data| {
        let groups = writes::upsert_groups(data, &entities?, ctx.config)?;
        let mut rendered = ctx.envelope("ContactGroups", groups);
        if ctx.config.fault_is("xero-create-201") {
            rendered.status = StatusCode::CREATED;
        }
        Ok(rendered)
    })
    .into_response()
}

/// `POST /ContactGroups/{id}`: rename, or delete with `Status: DELETED`.
pub(crate) async fn update(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Response {
    let ctx = app.ctx(&headers);
    let Ok(Path(id)) = id else { return ctx.error(&XeroError::NotFound).into_response() };
    let entities = entities(body, "ContactGroups");
    idempotent(&app, ctx, &headers, &format!("POST /ContactGroups/{id}"), |data| {
        let id = path_id(&id)?;
        let group = writes::update_group(data, id, &entities?, ctx.config)?;
        Ok(ctx.envelope("ContactGroups", vec![group]))
    })
    .into_response()
}

/// The seed's `DELETE /ContactGroups/{id}`: answers 200 with the group showing `Status: DELETED`, the same
/// answer as the official POST with `Status: DELETED`, so clients of either surface see one result.
pub(crate) async fn delete(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let id = path_id(&id.map_err(|_| XeroError::NotFound)?.0)?;
        let group = writes::delete_group(&mut app.store.lock(), id)?;
        Ok(ctx.envelope("ContactGroups", vec![group]))
    })();
    ctx.finish(result).into_response()
}

/// `PUT /ContactGroups/{id}/Contacts`: answers with the key `Contacts`.
pub(crate) async fn add_contacts(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Body,
) -> Response {
    let ctx = app.ctx(&headers);
    let Ok(Path(id)) = id else { return ctx.error(&XeroError::NotFound).into_response() };
    let entities = entities(body, "Contacts");
    idempotent(&app, ctx, &headers, &format!("PUT /ContactGroups/{id}/Contacts"), |data| {
        let id = path_id(&id)?;
        let contacts = writes::add_members(data, id, &entities?, ctx.config)?;
        Ok(ctx.envelope("Contacts", contacts))
    })
    .into_response()
}

/// `DELETE /ContactGroups/{id}/Contacts/{ContactID}`: 204 with no body.
pub(crate) async fn remove_contact(
    State(app): State<AppState>,
    headers: HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let Path((group_id, contact_id)) = ids.map_err(|_| XeroError::NotFound)?;
        let (group_id, contact_id) = (path_id(&group_id)?, path_id(&contact_id)?);
        writes::remove_member(&mut app.store.lock(), group_id, contact_id)?;
        if ctx.config.fault_is("xero-remove-contact-200") {
            let removed = json!({ "ContactID": contact_id.to_string() });
            return Ok(ctx.envelope("Contacts", vec![removed]));
        }
        Ok(Rendered::no_content())
    })();
    ctx.finish(result).into_response()
}

/// `DELETE /ContactGroups/{id}/Contacts`: removes every member, 204 with no body.
pub(crate) async fn remove_all_contacts(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let id = path_id(&id.map_err(|_| XeroError::NotFound)?.0)?;
        writes::clear_members(&mut app.store.lock(), id, ctx.config)?;
        Ok(Rendered::no_content())
    })();
    ctx.finish(result).into_response()
}

/// Runs `write` under the lock; with an `Idempotency-Key`, the first answer for that key on `route` is kept
/// and given again instead of writing twice. Lookup, write and remembering share one lock, so even concurrent
/// retries write once.
pub(crate) fn idempotent(
    app: &AppState,
    ctx: Ctx<'_>,
    headers: &HeaderMap,
    route: &str,
    write: impl FnOnce(&mut Data) -> Result<Rendered, XeroError>,
) -> Rendered {
    let key = match idempotency_key(headers) {
        Ok(key) => key.map(|key| format!("{route} {key}")),
        Err(error) => return ctx.error(&error),
    };
    let mut data = app.store.lock();
    if let Some(replay) = key.as_deref().and_then(|key| data.replay(key)) {
        return replay;
    }
    let rendered = ctx.finish(write(&mut data));
    if let Some(key) = key {
        data.remember(key, rendered.clone());
    }
    rendered
}

/// Unknown paths under `/api.xro`: Xero's plain-text 404.
pub(crate) async fn unknown_route(State(app): State<AppState>, headers: HeaderMap) -> Response {
    app.ctx(&headers).error(&XeroError::NotFound).into_response()
}
