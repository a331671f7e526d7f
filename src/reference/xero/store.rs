//! The in-memory data of one Xero organisation: contact groups, contacts and replayable idempotent responses.
//!
//! One mutex guards everything, and every write validates and applies under a single lock, so two
//! concurrent creates of the same name cannot both pass the uniqueness check.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::filter::Record;
use super::render::Rendered;

/// Xero's documented cap on ACTIVE contact groups per organisation.
pub(crate) const MAX_ACTIVE_GROUPS: usize = 100;
/// Longest accepted name, in characters. Xero documents none for groups; 255 matches its contact names.
pub(crate) const MAX_NAME_CHARS: usize = 255;
/// Idempotency keys remembered before the oldest are forgotten, so a long run cannot grow without bound.
const MAX_REPLAYS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupStatus {
    Active,
    Deleted,
}

impl GroupStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Active => "ACTIVE",
            GroupStatus::Deleted => "DELETED",
        }
    }

    /// The wire spelling only: Xero's enums are upper case.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(GroupStatus::Active),
            "DELETED" => Some(GroupStatus::Deleted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContactStatus {
    Active,
    Archived,
}

impl ContactStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ContactStatus::Active => "ACTIVE",
            ContactStatus::Archived => "ARCHIVED",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "ACTIVE" => Some(ContactStatus::Active),
            "ARCHIVED" => Some(ContactStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) status: GroupStatus,
    /// Member contact ids, in the order they were added, without repeats.
    pub(crate) members: Vec<Uuid>,
}

#[derive(Debug, Clone)]
pub(crate) struct Contact {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) status: ContactStatus,
    /// When it was created or last renamed, archived or restored: Xero returns it on every contact.
    pub(crate) updated: DateTime<Utc>,
}

/// Everything behind the lock.
#[derive(Debug, Default)]
pub(crate) struct Data {
    /// In creation order.
    pub(crate) groups: Vec<Group>,
    /// In creation order.
    pub(crate) contacts: Vec<Contact>,
    replays: HashMap<String, Rendered>,
    replay_order: Vec<String>,
}

pub(crate) struct Store {
    data: Mutex<Data>,
}

impl Store {
    pub(crate) fn new(data: Data) -> Self {
        Self { data: Mutex::new(data) }
    }

    /// The data, even if a previous holder panicked: every write leaves it consistent before unlocking.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Names compare without case and surrounding spaces, as Xero's uniqueness rule does.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Data {
    pub(crate) fn new(groups: Vec<Group>, contacts: Vec<Contact>) -> Self {
        Self { groups, contacts, ..Self::default() }
    }

    pub(crate) fn group(&self, id: Uuid) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub(crate) fn group_mut(&mut self, id: Uuid) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.id == id)
    }

    pub(crate) fn contact(&self, id: Uuid) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    pub(crate) fn contact_mut(&mut self, id: Uuid) -> Option<&mut Contact> {
        self.contacts.iter_mut().find(|c| c.id == id)
    }

    /// The response first given for idempotency key `key`, if any.
    pub(crate) fn replay(&self, key: &str) -> Option<Rendered> {
        self.replays.get(key).cloned()
    }

    pub(crate) fn remember(&mut self, key: String, rendered: Rendered) {
        if self.replay_order.len() >= MAX_REPLAYS {
            let oldest = self.replay_order.remove(0);
            self.replays.remove(&oldest);
        }
        self.replay_order.push(key.clone());
        self.replays.insert(key, rendered);
    }

    /// A member as GET /ContactGroups/{id} lists it.
    pub(crate) fn member_json(&self, id: Uuid) -> Value {
        let name = self.contact(id).map(|c| c.name.clone()).unwrap_or_default();
        json!({
            "ContactID": id.to_string(),
            "Name": name,
            "Addresses": [],
            "Phones": [],
            "ContactGroups": [],
            "ContactPersons": [],
            "HasValidationErrors": false,
        })
    }

    /// A group with its members, or with `Contacts: []` when `with_members` is false (lists and writes).
    pub(crate) fn group_json(&self, group: &Group, with_members: bool) -> Value {
        let contacts: Vec<Value> =
            if with_members { group.members.iter().map(|id| self.member_json(*id)).collect() } else { Vec::new() };
        json!({
            "ContactGroupID": group.id.to_string(),
            "Name": group.name,
            "Status": group.status.as_str(),
            "Contacts": contacts,
            "HasValidationErrors": false,
        })
    }

    /// A contact; `with_groups` lists the ACTIVE groups it belongs to (Xero fills them on GET by id only).
    pub(crate) fn contact_json(&self, contact: &Contact, with_groups: bool) -> Value {
        let groups: Vec<Value> = if with_groups {
            self.groups
                .iter()
                .filter(|g| g.status == GroupStatus::Active && g.members.contains(&contact.id))
                .map(|g| self.group_json(g, false))
                .collect()
        } else {
            Vec::new()
        };
        json!({
            "ContactID": contact.id.to_string(),
            "ContactStatus": contact.status.as_str(),
            "Name": contact.name,
            "Addresses": [],
            "Phones": [],
            "ContactGroups": groups,
            "ContactPersons": [],
            "UpdatedDateUTC": ms_date(contact.updated),
            "HasValidationErrors": false,
        })
    }
}

/// A date as Xero's JSON writes the dates of its records: `/Date(1551399321121+0000)/` (milliseconds since the
/// epoch and the UTC offset, as the real API returns `UpdatedDateUTC`; BEHAVIOURS.md §2.A item 6).
pub(crate) fn ms_date(at: DateTime<Utc>) -> String {
    format!("/Date({}+0000)/", at.timestamp_millis())
}

/// Fields a `where` clause may name on a contact group.
pub(crate) const GROUP_FIELDS: &[&str] = &["ContactGroupID", "Name", "Status"];
/// Fields a `where` clause may name on a contact.
pub(crate) const CONTACT_FIELDS: &[&str] = &["ContactID", "Name", "ContactStatus"];

impl Record for Group {
    fn field(&self, name: &str) -> Option<String> {
        match name {
            "ContactGroupID" => Some(self.id.to_string()),
            "Name" => Some(self.name.clone()),
            "Status" => Some(self.status.as_str().to_string()),
            _ => None,
        }
    }
}

impl Record for Contact {
    fn field(&self, name: &str) -> Option<String> {
        match name {
            "ContactID" => Some(self.id.to_string()),
            "Name" => Some(self.name.clone()),
            "ContactStatus" => Some(self.status.as_str().to_string()),
            _ => None,
        }
    }
}
