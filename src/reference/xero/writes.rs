//! Validated writes to contact groups and their members. Each validates every submitted entity first and then
//! applies all of them or none, and runs under the store's single lock.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::config::XeroConfig;
use super::error::XeroError;
use super::faults::XeroFault;
use super::request::Text;
use super::store::{ContactStatus, Data, Group, GroupStatus, MAX_ACTIVE_GROUPS, MAX_NAME_CHARS, same_name};

const NAME_REQUIRED: &str = "The Name field is required.";
const NAME_NOT_TEXT: &str = "The Name field must be a string.";
const NAME_TOO_LONG: &str = "The Name field must be 255 characters or fewer.";
const DUPLICATE_GROUP: &str = "A Contact Group already exists with this name";
const STATUS_INVALID: &str = "The Status field must be ACTIVE or DELETED.";
const GROUP_LIMIT: &str = "You\u{2019}ve reached the limit of 100 contact groups.";
const GROUP_DELETED: &str = "A deleted contact group cannot be changed.";
const GROUP_ID_INVALID: &str = "The ContactGroupID field is not a valid GUID.";
const ARCHIVED_CONTACT: &str = "Unable to assign an Archived contact.";
const CONTACT_ID_REQUIRED: &str = "The ContactID field is required.";
const CONTACT_ID_INVALID: &str = "The ContactID field is not a valid GUID.";

/// One submitted contact group.
struct GroupInput {
    id: Text,
    name: Text,
    status: Text,
}

impl GroupInput {
    fn of(entity: &Value) -> Self {
        Self {
            id: Text::of(entity, "ContactGroupID"),
            name: Text::of(entity, "Name"),
            status: Text::of(entity, "Status"),
        }
    }

    /// The group as Xero echoes it in a ValidationException: `id` is all zeros when nothing was created.
    fn echo(&self, id: Uuid, errors: &[&str]) -> Value {
        echo(("ContactGroupID", id), &self.name, ("Status", &self.status), &[("Contacts", json!([]))], errors)
    }
}

/// A submitted entity as Xero echoes it in a ValidationException, groups and contacts alike: the id under the
/// resource's key, `Name` and the status only as given, the resource's `extra` fields, then whether and why
/// it failed (`ValidationErrors` only when it did).
pub(crate) fn echo(
    (id_key, id): (&str, Uuid),
    name: &Text,
    (status_key, status): (&str, &Text),
    extra: &[(&str, Value)],
    errors: &[impl AsRef<str>],
) -> Value {
    let mut echo = Map::new();
    echo.insert(id_key.into(), id.to_string().into());
    if let Some(name) = name.given() {
        echo.insert("Name".into(), name.into());
    }
    if let Some(status) = status.given() {
        echo.insert(status_key.into(), status.into());
    }
    for (key, value) in extra {
        echo.insert((*key).into(), value.clone());
    }
    echo.insert("HasValidationErrors".into(), (!errors.is_empty()).into());
    if !errors.is_empty() {
        let messages: Vec<Value> = errors.iter().map(|m| json!({ "Message": m.as_ref() })).collect();
        echo.insert("ValidationErrors".into(), messages.into());
    }
    Value::Object(echo)
}

/// Creates or updates groups (an element naming an existing `ContactGroupID` updates it, as the seed's PUT
/// and Xero's legacy POST do). Returns the written groups, or every element echoed with its errors.
pub(crate) fn upsert_groups(
    data: &mut Data,
    entities: &[Value],
    config: &XeroConfig,
) -> Result<Vec<Value>, XeroError> {
    let mut groups = data.groups.clone();
    let mut written = Vec::new();
    let mut echoes = Vec::new();
    let mut failed = false;
    for entity in entities {
        let input = GroupInput::of(entity);
        let outcome = match &input.id {
            Text::Absent => create(&mut groups, &input, config).map_err(|errors| (Uuid::nil(), errors)),
            Text::Given(text) => match Uuid::parse_str(text.trim()) {
                Ok(id) if groups.iter().any(|g| g.id == id) => {
                    update(&mut groups, id, &input, config).map(|()| id).map_err(|errors| (id, errors))
                }
                Ok(_) => return Err(XeroError::NotFound),
                Err(_) => Err((Uuid::nil(), vec![GROUP_ID_INVALID])),
            },
            Text::Invalid => Err((Uuid::nil(), vec![GROUP_ID_INVALID])),
        };
        match outcome {
            Ok(id) => {
                written.push(id);
                echoes.push(input.echo(if input.id == Text::Absent { Uuid::nil() } else { id }, &[]));
            }
            Err((id, errors)) => {
                failed = true;
                echoes.push(input.echo(id, &errors));
            }
        }
    }
    if failed {
        return Err(XeroError::Validation(echoes));
    }
    data.groups = groups;
    Ok(written.iter().filter_map(|id| data.group(*id)).map(|g| data.group_json(g, false)).collect())
}

/// Updates one group from the single entity of `POST /ContactGroups/{id}`.
pub(crate) fn update_group(
    data: &mut Data,
    id: Uuid,
    entities: &[Value],
    config: &XeroConfig,
) -> Result<Value, XeroError> {
    let [entity] = entities else {
        return Err(XeroError::BadRequest("Exactly one contact group can be updated at a time.".into()));
    };
    if data.group(id).is_none() {
        return Err(XeroError::NotFound);
    }
    let input = GroupInput::of(entity);
    update(&mut data.groups, id, &input, config)
        .map_err(|errors| XeroError::Validation(vec![input.echo(id, &errors)]))?;
    data.group(id).map(|g| data.group_json(g, false)).ok_or(XeroError::NotFound)
}

/// The seed's `DELETE /ContactGroups/{id}`: marks the group DELETED, as the official POST with Status does.
pub(crate) fn delete_group(data: &mut Data, id: Uuid) -> Result<Value, XeroError> {
    let group = data.group_mut(id).ok_or(XeroError::NotFound)?;
    group.status = GroupStatus::Deleted;
    data.group(id).map(|g| data.group_json(g, false)).ok_or(XeroError::NotFound)
}

/// Validates a new name (a group's or a contact's): required, text, not too long. Generic over the error list
/// because contact errors also carry messages built at run time.
pub(crate) fn check_name<'a, E: From<&'static str>>(name: &'a Text, errors: &mut Vec<E>) -> Option<&'a str> {
    match name {
        Text::Given(name) if name.trim().is_empty() => errors.push(NAME_REQUIRED.into()),
        Text::Given(name) if name.chars().count() > MAX_NAME_CHARS => errors.push(NAME_TOO_LONG.into()),
        Text::Given(name) => return Some(name),
        Text::Absent => errors.push(NAME_REQUIRED.into()),
        Text::Invalid => errors.push(NAME_NOT_TEXT.into()),
    }
    None
}

/// The submitted status, or `current` when none (or, under the fault, an invalid one) was given.
fn check_status(
    status: &Text,
    current: GroupStatus,
    config: &XeroConfig,
    errors: &mut Vec<&'static str>,
) -> GroupStatus {
    match status {
        Text::Absent => current,
        Text::Given(text) => GroupStatus::parse(text).unwrap_or_else(|| {
            if !config.has(XeroFault::StatusUnchecked) {
                errors.push(STATUS_INVALID);
            }
            current
        }),
        Text::Invalid => {
            errors.push(STATUS_INVALID);
            current
        }
    }
}

fn name_taken(groups: &[Group], name: &str, except: Option<Uuid>, config: &XeroConfig) -> bool {
    !config.has(XeroFault::DuplicateNamesAccepted)
        && groups.iter().any(|g| g.status == GroupStatus::Active && Some(g.id) != except && same_name(&g.name, name))
}

fn create(groups: &mut Vec<Group>, input: &GroupInput, config: &XeroConfig) -> Result<Uuid, Vec<&'static str>> {
    let mut errors = Vec::new();
    let name = check_name(&input.name, &mut errors);
    let status = check_status(&input.status, GroupStatus::Active, config, &mut errors);
    if status == GroupStatus::Active {
        if name.is_some_and(|name| name_taken(groups, name, None, config)) {
            errors.push(DUPLICATE_GROUP);
        }
        if groups.iter().filter(|g| g.status == GroupStatus::Active).count() >= MAX_ACTIVE_GROUPS {
            errors.push(GROUP_LIMIT);
        }
    }
    match name {
        Some(name) if errors.is_empty() => {
            let id = Uuid::new_v4();
            groups.push(Group { id, name: name.to_string(), status, members: Vec::new() });
            Ok(id)
        }
        _ => Err(errors),
    }
}

fn update(groups: &mut [Group], id: Uuid, input: &GroupInput, config: &XeroConfig) -> Result<(), Vec<&'static str>> {
    let Some(index) = groups.iter().position(|g| g.id == id) else { return Err(vec![GROUP_ID_INVALID]) };
    let current = groups[index].clone();
    let mut errors = Vec::new();
    let name = match input.name {
        Text::Absent => None,
        _ => check_name(&input.name, &mut errors),
    };
    let status = check_status(&input.status, current.status, config, &mut errors);
    // Deletion is final here: Xero offers no documented way back, so a deleted group only accepts DELETED.
    let renamed = name.is_some_and(|n| n != current.name);
    if current.status == GroupStatus::Deleted && (status == GroupStatus::Active || renamed) {
        errors.push(GROUP_DELETED);
    }
    if status == GroupStatus::Active && name.is_some_and(|n| name_taken(groups, n, Some(id), config)) {
        errors.push(DUPLICATE_GROUP);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let group = &mut groups[index];
    if let Some(name) = name.filter(|_| !config.has(XeroFault::RenameIgnored)) {
        group.name = name.to_string();
    }
    group.status = status;
    Ok(())
}

/// `PUT /ContactGroups/{id}/Contacts`: adds every listed contact, or none. Returns the contacts as echoed.
pub(crate) fn add_members(
    data: &mut Data,
    group_id: Uuid,
    entities: &[Value],
    config: &XeroConfig,
) -> Result<Vec<Value>, XeroError> {
    active_group(data, group_id)?;
    let mut ids = Vec::new();
    let mut echoes = Vec::new();
    let mut failed = false;
    for entity in entities {
        let submitted = Text::of(entity, "ContactID");
        let mut errors = Vec::new();
        match &submitted {
            Text::Given(text) => match Uuid::parse_str(text.trim()) {
                Ok(id) => match data.contact(id) {
                    None => return Err(XeroError::NotFound),
                    Some(c)
                        if c.status == ContactStatus::Archived
                            && !config.has(XeroFault::ArchivedContactAccepted) =>
                    {
                        errors.push(ARCHIVED_CONTACT)
                    }
                    Some(_) => ids.push(id),
                },
                Err(_) => errors.push(CONTACT_ID_INVALID),
            },
            Text::Absent => errors.push(CONTACT_ID_REQUIRED),
            Text::Invalid => errors.push(CONTACT_ID_INVALID),
        }
        failed |= !errors.is_empty();
        let messages: Vec<Value> = errors.iter().map(|m| json!({ "Message": m })).collect();
        echoes.push(json!({
            "ContactID": submitted.given().map(str::trim).unwrap_or_default(),
            "Addresses": [],
            "Phones": [],
            "ContactGroups": [],
            "ContactPersons": [],
            "HasValidationErrors": !errors.is_empty(),
            "ValidationErrors": messages,
        }));
    }
    if failed {
        return Err(XeroError::Validation(echoes));
    }
    let group = active_group(data, group_id)?;
    for id in ids {
        if !group.members.contains(&id) {
            group.members.push(id);
        }
    }
    Ok(echoes)
}

/// `DELETE /ContactGroups/{id}/Contacts/{ContactID}`: a contact that is not a member is a 404.
pub(crate) fn remove_member(data: &mut Data, group_id: Uuid, contact_id: Uuid) -> Result<(), XeroError> {
    let group = active_group(data, group_id)?;
    let index = group.members.iter().position(|m| *m == contact_id).ok_or(XeroError::NotFound)?;
    group.members.remove(index);
    Ok(())
}

/// `DELETE /ContactGroups/{id}/Contacts`.
pub(crate) fn clear_members(data: &mut Data, group_id: Uuid, config: &XeroConfig) -> Result<(), XeroError> {
    let group = active_group(data, group_id)?;
    if !config.has(XeroFault::RemoveAllNoop) {
        group.members.clear();
    }
    Ok(())
}

/// Membership changes need an ACTIVE group: a deleted one is gone as far as they are concerned.
fn active_group(data: &mut Data, id: Uuid) -> Result<&mut Group, XeroError> {
    data.group_mut(id).filter(|g| g.status == GroupStatus::Active).ok_or(XeroError::NotFound)
}
