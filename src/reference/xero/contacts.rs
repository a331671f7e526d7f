//! The minimum of `/Contacts` a contact-group suite needs: list, read, create, rename and archive.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::request::{Order, Text, entities, path_id, query_param, where_clause};
use super::response::XeroError;
use super::routes::AppState;
use super::store::{CONTACT_FIELDS, Contact, ContactStatus, Data, MAX_NAME_CHARS, same_name};
use super::writes::{NAME_NOT_TEXT, NAME_REQUIRED, NAME_TOO_LONG};

const STATUS_INVALID: &str = "The ContactStatus field must be ACTIVE or ARCHIVED.";

/// `GET /Contacts`: ACTIVE contacts (ARCHIVED too with `includeArchived=true`), `where` and `order` as for groups.
pub(crate) async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let Query(params) = params.map_err(|e| XeroError::BadRequest(e.body_text()))?;
        let filter = where_clause(&params, CONTACT_FIELDS)?;
        let order = Order::parse(query_param(&params, "order"), CONTACT_FIELDS)?;
        let archived = query_param(&params, "includeArchived").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let data = app.store.lock();
        let mut contacts: Vec<&Contact> = data
            .contacts
            .iter()
            .filter(|c| c.status == ContactStatus::Active || archived)
            .filter(|c| filter.as_ref().is_none_or(|f| f.matches(*c)))
            .collect();
        order.sort(&mut contacts);
        Ok(ctx.envelope("Contacts", contacts.iter().map(|c| data.contact_json(c, false)).collect()))
    })();
    ctx.finish(result).into_response()
}

/// `GET /Contacts/{id}`, archived or not, with the ACTIVE groups it belongs to.
pub(crate) async fn get_one(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let id = path_id(&id.map_err(|_| XeroError::NotFound)?.0)?;
        let data = app.store.lock();
        let contact = data.contact(id).ok_or(XeroError::NotFound)?;
        Ok(ctx.envelope("Contacts", vec![data.contact_json(contact, true)]))
    })();
    ctx.finish(result).into_response()
}

/// `PUT /Contacts`: creates every submitted contact, or none.
pub(crate) async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let entities = entities(body, "Contacts")?;
        let mut data = app.store.lock();
        let created = create_contacts(&mut data, &entities)?;
        Ok(ctx.envelope("Contacts", created))
    })();
    ctx.finish(result).into_response()
}

/// `POST /Contacts/{id}`: renames with `Name`, archives or restores with `ContactStatus`.
pub(crate) async fn update(
    State(app): State<AppState>,
    headers: HeaderMap,
    id: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let ctx = app.ctx(&headers);
    let result = (|| {
        let id = path_id(&id.map_err(|_| XeroError::NotFound)?.0)?;
        let entities = entities(body, "Contacts")?;
        let mut data = app.store.lock();
        let updated = update_contact(&mut data, id, &entities)?;
        Ok(ctx.envelope("Contacts", vec![updated]))
    })();
    ctx.finish(result).into_response()
}

fn duplicate_message(name: &str) -> String {
    format!(
        "The contact name {} is already assigned to another contact. The contact name must be unique across all \
         active contacts.",
        name.trim()
    )
}

fn name_taken(contacts: &[Contact], name: &str, except: Option<Uuid>) -> bool {
    contacts.iter().any(|c| c.status == ContactStatus::Active && Some(c.id) != except && same_name(&c.name, name))
}

fn echo(id: Uuid, name: &Text, status: &Text, errors: &[String]) -> Value {
    let mut echo = Map::new();
    echo.insert("ContactID".into(), id.to_string().into());
    if let Some(name) = name.given() {
        echo.insert("Name".into(), name.into());
    }
    if let Some(status) = status.given() {
        echo.insert("ContactStatus".into(), status.into());
    }
    echo.insert("HasValidationErrors".into(), (!errors.is_empty()).into());
    if !errors.is_empty() {
        let messages: Vec<Value> = errors.iter().map(|m| json!({ "Message": m })).collect();
        echo.insert("ValidationErrors".into(), messages.into());
    }
    Value::Object(echo)
}

fn check_name(name: &Text, errors: &mut Vec<String>) -> Option<String> {
    match name {
        Text::Given(name) if name.trim().is_empty() => errors.push(NAME_REQUIRED.into()),
        Text::Given(name) if name.chars().count() > MAX_NAME_CHARS => errors.push(NAME_TOO_LONG.into()),
        Text::Given(name) => return Some(name.clone()),
        Text::Absent => errors.push(NAME_REQUIRED.into()),
        Text::Invalid => errors.push(NAME_NOT_TEXT.into()),
    }
    None
}

fn check_status(status: &Text, current: ContactStatus, errors: &mut Vec<String>) -> ContactStatus {
    match status {
        Text::Absent => current,
        Text::Given(text) => ContactStatus::parse(text).unwrap_or_else(|| {
            errors.push(STATUS_INVALID.into());
            current
        }),
        Text::Invalid => {
            errors.push(STATUS_INVALID.into());
            current
        }
    }
}

fn create_contacts(data: &mut Data, entities: &[Value]) -> Result<Vec<Value>, XeroError> {
    let mut contacts = data.contacts.clone();
    let mut created = Vec::new();
    let mut echoes = Vec::new();
    for entity in entities {
        let (name, status) = (Text::of(entity, "Name"), Text::of(entity, "ContactStatus"));
        let mut errors = Vec::new();
        let checked = check_name(&name, &mut errors);
        let status_value = check_status(&status, ContactStatus::Active, &mut errors);
        if let Some(n) =
            checked.as_deref().filter(|n| status_value == ContactStatus::Active && name_taken(&contacts, n, None))
        {
            errors.push(duplicate_message(n));
        }
        echoes.push(echo(Uuid::nil(), &name, &status, &errors));
        if let (Some(name), true) = (checked, errors.is_empty()) {
            let id = Uuid::new_v4();
            contacts.push(Contact { id, name, status: status_value });
            created.push(id);
        }
    }
    if echoes.iter().any(|e| e["HasValidationErrors"] == Value::Bool(true)) {
        return Err(XeroError::Validation(echoes));
    }
    data.contacts = contacts;
    Ok(created.iter().filter_map(|id| data.contact(*id)).map(|c| data.contact_json(c, false)).collect())
}

fn update_contact(data: &mut Data, id: Uuid, entities: &[Value]) -> Result<Value, XeroError> {
    let [entity] = entities else {
        return Err(XeroError::BadRequest("Exactly one contact can be updated at a time.".into()));
    };
    let current = data.contact(id).cloned().ok_or(XeroError::NotFound)?;
    let (name, status) = (Text::of(entity, "Name"), Text::of(entity, "ContactStatus"));
    let mut errors = Vec::new();
    let new_name = if name == Text::Absent { None } else { check_name(&name, &mut errors) };
    let new_status = check_status(&status, current.status, &mut errors);
    let final_name = new_name.clone().unwrap_or_else(|| current.name.clone());
    // Restoring or renaming an active contact must not collide with another active one.
    if new_status == ContactStatus::Active
        && (new_name.is_some() || current.status != ContactStatus::Active)
        && name_taken(&data.contacts, &final_name, Some(id))
    {
        errors.push(duplicate_message(&final_name));
    }
    if !errors.is_empty() {
        return Err(XeroError::Validation(vec![echo(id, &name, &status, &errors)]));
    }
    let contact = data.contact_mut(id).ok_or(XeroError::NotFound)?;
    contact.name = final_name;
    contact.status = new_status;
    data.contact(id).map(|c| data.contact_json(c, false)).ok_or(XeroError::NotFound)
}
