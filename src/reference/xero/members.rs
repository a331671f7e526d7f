//! HTTP handlers for the members of a contact group: `/ContactGroups/{id}/Contacts[/{ContactID}]`.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::error::XeroError;
use super::faults::XeroFault;
use super::render::Rendered;
use super::request::{Body, IdPath, entities, id_in, path_id};
use super::state::XeroState;
use super::writes;

/// `PUT /ContactGroups/{id}/Contacts`: answers with the key `Contacts`.
pub(crate) async fn add(State(app): State<XeroState>, headers: HeaderMap, id: IdPath, body: Body) -> Response {
    // As in `update`: the raw segment keys the replay.
    let Ok(Path(id)) = id else { return app.answer(&headers, |_| Err(XeroError::NotFound)) };
    let entities = entities(body, "Contacts");
    app.idempotent(&headers, &format!("PUT /ContactGroups/{id}/Contacts"), |ctx, data| {
        let contacts = writes::add_members(data, path_id(&id)?, &entities?, ctx.config)?;
        Ok(ctx.envelope("Contacts", contacts))
    })
}

/// `DELETE /ContactGroups/{id}/Contacts/{ContactID}`: 204 with no body.
pub(crate) async fn remove(
    State(app): State<XeroState>,
    headers: HeaderMap,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    app.answer(&headers, |ctx| {
        let Path((group_id, contact_id)) = ids.map_err(|_| XeroError::NotFound)?;
        let (group_id, contact_id) = (path_id(&group_id)?, path_id(&contact_id)?);
        writes::remove_member(&mut app.store.lock(), group_id, contact_id)?;
        if ctx.config.has(XeroFault::RemoveContact200) {
            let removed = json!({ "ContactID": contact_id.to_string() });
            return Ok(ctx.envelope("Contacts", vec![removed]));
        }
        Ok(Rendered::no_content())
    })
}

/// `DELETE /ContactGroups/{id}/Contacts`: removes every member, 204 with no body.
pub(crate) async fn remove_all(State(app): State<XeroState>, headers: HeaderMap, id: IdPath) -> Response {
    app.answer(&headers, |ctx| {
        writes::clear_members(&mut app.store.lock(), id_in(id)?, ctx.config)?;
        Ok(Rendered::no_content())
    })
}
