//! HTTP handler of `/groups/{group_id}/members`: the group's effective members, child groups' included.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::error::SinchError;
use super::groups::Reply;
use super::render::json;
use super::request::{GroupPath, group_id};
use super::state::SinchState;
use crate::reference::Variant;

pub(crate) async fn list(State(state): State<Arc<SinchState>>, path: GroupPath) -> Reply {
    let id = group_id(path)?;
    let store = state.store();
    store.get(&id).ok_or(SinchError::NotFound)?;
    let mut members: Vec<String> = store.effective_members(&id).into_iter().collect();
    // alt-choices: descending order. BEHAVIOURS.md §1.E item 26 documents a bare array of MSISDNs and no order.
    if state.config.is(Variant::AltChoices) {
        members.reverse();
    }
    Ok(json(StatusCode::OK, members))
}
