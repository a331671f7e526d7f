//! The minimum of `/Contacts` a contact-group suite needs: list, read, create, rename and archive.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

use super::error::XeroError;
use super::config::XeroConfig;
use super::faults::XeroFault;
use super::request::{
    Body, IdPath, Order, Params, Text, entities, id_in, params_of, query_param, select, where_clause,
};
use super::state::XeroState;
use super::store::{CONTACT_FIELDS, Contact, ContactStatus, Data, same_name};
use super::writes::{check_name, echo};

const STATUS_INVALID: &str = "The ContactStatus field must be ACTIVE or ARCHIVED.";

/// `GET /Contacts`: ACTIVE contacts (ARCHIVED too with `includeArchived=true`), only those named by `IDs` when
/// given, `where` and `order` as for groups.
pub(crate) async fn list(State(app): State<XeroState>, headers: HeaderMap, params: Params) -> Response {
    app.answer(&headers, |ctx| {
        let params = params_of(params, ctx.config)?;
        let filter = where_clause(&params, CONTACT_FIELDS)?;
        let order = Order::parse(query_param(&params, "order"), CONTACT_FIELDS)?;
        let archived = query_param(&params, "includeArchived").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let ids = id_list(query_param(&params, "IDs"))?.filter(|_| !ctx.config.has(XeroFault::ContactIdsIgnored));
        let data = app.store.lock();
        let shown = |c: &Contact| {
            (c.status == ContactStatus::Active || archived) && ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
        };
        let contacts = select(&data.contacts, shown, filter.as_ref(), &order);
        Ok(ctx.envelope("Contacts", faulty(ctx.config, contacts.iter().map(|c| data.contact_json(c, false)).collect())))
    })
}

/// `GET /Contacts/{id}`, archived or not, with the ACTIVE groups it belongs to.
pub(crate) async fn get_one(State(app): State<XeroState>, headers: HeaderMap, id: IdPath) -> Response {
    app.answer(&headers, |ctx| {
        let id = id_in(id)?;
        let data = app.store.lock();
        let contact = data.contact(id).ok_or(XeroError::NotFound)?;
        Ok(ctx.envelope("Contacts", faulty(ctx.config, vec![data.contact_json(contact, true)])))
    })
}

/// `PUT /Contacts`: creates every submitted contact, or none.
pub(crate) async fn create(State(app): State<XeroState>, headers: HeaderMap, body: Body) -> Response {
    app.answer(&headers, |ctx| {
        let entities = entities(body, "Contacts")?;
        let created = create_contacts(&mut app.store.lock(), &entities)?;
        Ok(ctx.envelope("Contacts", faulty(ctx.config, created)))
    })
}

/// `POST /Contacts/{id}`: renames with `Name`, archives or restores with `ContactStatus`.
pub(crate) async fn update(State(app): State<XeroState>, headers: HeaderMap, id: IdPath, body: Body) -> Response {
    app.answer(&headers, |ctx| {
        let id = id_in(id)?;
        let entities = entities(body, "Contacts")?;
        let updated = update_contact(&mut app.store.lock(), id, &entities)?;
        Ok(ctx.envelope("Contacts", faulty(ctx.config, vec![updated])))
    })
}

/// The contacts as the active fault, if any, breaks them.
fn faulty(config: &XeroConfig, mut contacts: Vec<Value>) -> Vec<Value> {
    if config.has(XeroFault::ContactUpdatedDateMissing) {
        contacts.iter_mut().filter_map(Value::as_object_mut).for_each(|c| drop(c.remove("UpdatedDateUTC")));
    }
    contacts
}

/// `IDs=a,b,…`: the contacts to return (SPEC `getContacts` parameter `IDs`, "a comma separated list of
/// ContactIDs"); an id that is not a GUID is a 400, never silently dropped.
fn id_list(raw: Option<&str>) -> Result<Option<Vec<Uuid>>, XeroError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    raw.split(',')
        .map(|id| {
            Uuid::parse_str(id.trim())
                .map_err(|_| XeroError::BadRequest(format!("IDs: '{}' is not a valid ContactID (a GUID).", id.trim())))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
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

/// A contact as Xero echoes it in a ValidationException (no `Contacts`, unlike a group's echo).
fn contact_echo(id: Uuid, name: &Text, status: &Text, errors: &[String]) -> Value {
    echo(("ContactID", id), name, ("ContactStatus", status), &[], errors)
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
        let checked = check_name(&name, &mut errors).map(str::to_string);
        let status_value = check_status(&status, ContactStatus::Active, &mut errors);
        if let Some(n) =
            checked.as_deref().filter(|n| status_value == ContactStatus::Active && name_taken(&contacts, n, None))
        {
            errors.push(duplicate_message(n));
        }
        echoes.push(contact_echo(Uuid::nil(), &name, &status, &errors));
        if let (Some(name), true) = (checked, errors.is_empty()) {
            let id = Uuid::new_v4();
            contacts.push(Contact { id, name, status: status_value, updated: Utc::now() });
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
    let new_name = if name == Text::Absent { None } else { check_name(&name, &mut errors).map(str::to_string) };
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
        return Err(XeroError::Validation(vec![contact_echo(id, &name, &status, &errors)]));
    }
    let contact = data.contact_mut(id).ok_or(XeroError::NotFound)?;
    contact.name = final_name;
    contact.status = new_status;
    contact.updated = Utc::now();
    data.contact(id).map(|c| data.contact_json(c, false)).ok_or(XeroError::NotFound)
}
