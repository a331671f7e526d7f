//! HTTP handlers for `/ContactGroups` and `/ContactGroups/{id}`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::error::XeroError;
use super::faults::XeroFault;
use super::request::{
    Body, IdPath, Order, Params, entities, id_in, params_of, path_id, query_param, select, where_clause,
};
use super::state::XeroState;
use super::store::{GROUP_FIELDS, GroupStatus};
use crate::reference::Variant;
use super::writes;

/// `GET /ContactGroups`: ACTIVE groups only, `Contacts` always empty, filtered by `where`, sorted by `order`.
pub(crate) async fn list(State(app): State<XeroState>, headers: HeaderMap, params: Params) -> Response {
    app.answer(&headers, |ctx| {
        let config = ctx.config;
        let params = params_of(params, config)?;
        let filter = if config.has(XeroFault::WhereIgnored) { None } else { where_clause(&params, GROUP_FIELDS)? };
        let requested = query_param(&params, "order").filter(|o| !o.trim().is_empty());
        let mut order = Order::parse(requested, GROUP_FIELDS)?;
        // alt-choices: without `order`, newest first. BEHAVIOURS.md §2.C item 18 documents `order` (`Name ASC`,
        // `Name DESC`) but no default order.
        let newest_first = requested.is_none() && config.is(Variant::AltChoices);
        if newest_first {
            order = Order::unsorted();
        }
        if config.has(XeroFault::OrderDescIgnored) {
            order = order.ascending();
        }
        let data = app.store.lock();
        let listed = config.has(XeroFault::DeletedGroupsListed);
        let mut groups = select(&data.groups, |g| g.status == GroupStatus::Active || listed, filter.as_ref(), &order);
        if newest_first {
            groups.reverse();
        }
        let with_members = config.has(XeroFault::ListContactsFilled);
        let items = groups.iter().map(|g| data.group_json(g, with_members)).collect();
        Ok(ctx.envelope("ContactGroups", items))
    })
}

/// `GET /ContactGroups/{id}`: exactly one group with its members. A DELETED group is still found by id, with
/// `Status: DELETED`, so a client can confirm a deletion.
pub(crate) async fn get_one(State(app): State<XeroState>, headers: HeaderMap, id: IdPath) -> Response {
    app.answer(&headers, |ctx| {
        let id = id_in(id)?;
        let data = app.store.lock();
        let group = data.group(id).ok_or(XeroError::NotFound)?;
        Ok(ctx.envelope("ContactGroups", vec![data.group_json(group, true)]))
    })
}

/// `PUT /ContactGroups` (official create; an element with a known `ContactGroupID` updates, as in the seed).
pub(crate) async fn put_collection(State(app): State<XeroState>, headers: HeaderMap, body: Body) -> Response {
    upsert(&app, &headers, "PUT", body)
}

/// `POST /ContactGroups` (the seed's and Xero's legacy create-or-update).
pub(crate) async fn post_collection(State(app): State<XeroState>, headers: HeaderMap, body: Body) -> Response {
    upsert(&app, &headers, "POST", body)
}

fn upsert(app: &XeroState, headers: &HeaderMap, method: &str, body: Body) -> Response {
    let entities = entities(body, "ContactGroups");
    app.idempotent(headers, &format!("{method} /ContactGroups"), |ctx, data| {
        let groups = writes::upsert_groups(data, &entities?, ctx.config)?;
        let mut rendered = ctx.envelope("ContactGroups", groups);
        if ctx.config.has(XeroFault::Create201) {
            rendered.status = StatusCode::CREATED;
        }
        Ok(rendered)
    })
}

/// `POST /ContactGroups/{id}`: rename, or delete with `Status: DELETED`.
pub(crate) async fn update(State(app): State<XeroState>, headers: HeaderMap, id: IdPath, body: Body) -> Response {
    // The raw segment keys the replay; whether it is a GUID is checked inside, like every other failure.
    let Ok(Path(id)) = id else { return app.answer(&headers, |_| Err(XeroError::NotFound)) };
    let entities = entities(body, "ContactGroups");
    app.idempotent(&headers, &format!("POST /ContactGroups/{id}"), |ctx, data| {
        let group = writes::update_group(data, path_id(&id)?, &entities?, ctx.config)?;
        Ok(ctx.envelope("ContactGroups", vec![group]))
    })
}

/// The seed's `DELETE /ContactGroups/{id}`: answers 200 with the group showing `Status: DELETED`, the same
/// answer as the official POST with `Status: DELETED`, so clients of either surface see one result.
pub(crate) async fn delete(State(app): State<XeroState>, headers: HeaderMap, id: IdPath) -> Response {
    app.answer(&headers, |ctx| {
        let group = writes::delete_group(&mut app.store.lock(), id_in(id)?)?;
        Ok(ctx.envelope("ContactGroups", vec![group]))
    })
}
