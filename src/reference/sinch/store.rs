//! The in-memory group store: the groups of the one configured service plan, and every rule that needs
//! more than one group at a time (child groups, name conflicts, copying members between groups).

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::config::SinchConfig;
use super::error::SinchError;
use super::faults::SinchFault;
use super::validate::{AutoUpdate, Change, GroupFields, UpdateFields};
use crate::reference::Variant;

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: String,
    /// Creation order. Timestamps can tie within a millisecond; this never does, so list order is total.
    pub(crate) seq: u64,
    pub(crate) name: Option<String>,
    /// Own members, normalised. Sorted so `/members` is stable from one call to the next.
    pub(crate) members: BTreeSet<String>,
    /// Only grows under the `sinch-duplicate-adds-counted` fault: duplicates it wrongly counts.
    pub(crate) duplicates_counted: usize,
    pub(crate) child_groups: Vec<String>,
    pub(crate) auto_update: Option<AutoUpdate>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) modified_at: DateTime<Utc>,
}

/// All groups; callers hold it behind one mutex so check-then-write sequences (name conflicts) are atomic.
#[derive(Debug)]
pub(crate) struct GroupStore {
    config: SinchConfig,
    groups: HashMap<String, Group>,
    next_seq: u64,
}

/// Now, truncated to the millisecond precision the API renders, so a stored time round-trips exactly.
pub(crate) fn now_ms() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(Duration::milliseconds(1)).unwrap_or(now)
}

/// A `modified_at` strictly after `previous`: clients order changes by it, and two updates can land in the
/// same millisecond.
fn next_modified(previous: DateTime<Utc>) -> DateTime<Utc> {
    now_ms().max(previous + Duration::milliseconds(1))
}

/// A new group id: 26-char ULID-like by default (BEHAVIOURS.md §1.A item 12, what today's API issues). The
/// alt-choices variant issues the seed's 12-char base62 form (`dxCJTlfb1UsF`): §1.A item 12 says ids are
/// opaque strings, and the seed's own examples have that format.
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(crate) fn new_id(config: &SinchConfig) -> String {
    if !config.is(Variant::AltChoices) {
        return ulid::Ulid::generate().to_string();
    }
    let mut n = uuid::Uuid::new_v4().as_u128();
    (0..12)
        .map(|_| {
            let digit = char::from(BASE62[usize::try_from(n % 62).unwrap_or(0)]);
            n /= 62;
            digit
        })
        .collect()
}

impl GroupStore {
    pub(crate) fn new(config: SinchConfig) -> Self {
        Self { config, groups: HashMap::new(), next_seq: 0 }
    }

    pub(crate) fn config(&self) -> &SinchConfig {
        &self.config
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Group> {
        self.groups.get(id)
    }

    /// Groups newest first, as the list operation documents.
    pub(crate) fn newest_first(&self) -> Vec<&Group> {
        let mut all: Vec<&Group> = self.groups.values().collect();
        all.sort_by_key(|g| std::cmp::Reverse(g.seq));
        if self.config.has(SinchFault::ListOldestFirst) {
            all.reverse();
        }
        all
    }

    /// Own members plus those of child groups, recursively. A deleted child counts as empty; `seen` stops
    /// cycles, which replace could otherwise build.
    pub(crate) fn effective_members(&self, id: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut seen = HashSet::new();
        self.collect_members(id, &mut seen, &mut out);
        out
    }

    fn collect_members(&self, id: &str, seen: &mut HashSet<String>, out: &mut BTreeSet<String>) {
        if !seen.insert(id.to_string()) {
            return;
        }
        let Some(group) = self.groups.get(id) else { return };
        out.extend(group.members.iter().cloned());
        if self.config.has(SinchFault::ChildMembersIgnored) {
            return;
        }
        for child in &group.child_groups {
            self.collect_members(child, seen, out);
        }
    }

    pub(crate) fn size(&self, group: &Group) -> usize {
        self.effective_members(&group.id).len() + group.duplicates_counted
    }

    fn require_known(&self, id: &str) -> Result<(), SinchError> {
        if self.groups.contains_key(id) { Ok(()) } else { Err(SinchError::UnknownGroup(id.to_string())) }
    }

    fn require_children(&self, children: &[String]) -> Result<(), SinchError> {
        if self.config.has(SinchFault::UnknownChildAccepted) {
            return Ok(());
        }
        children.iter().try_for_each(|id| self.require_known(id))
    }

    /// Names are unique among live groups; `except` is the group being renamed, which may keep its own name.
    fn require_free_name(&self, name: Option<&str>, except: Option<&str>) -> Result<(), SinchError> {
        let Some(name) = name else { return Ok(()) };
        let taken = self.groups.values().any(|g| g.name.as_deref() == Some(name) && Some(g.id.as_str()) != except);
        if taken && !self.config.has(SinchFault::DuplicateNameAccepted) {
            return Err(SinchError::NameConflict(name.to_string()));
        }
        Ok(())
    }

    /// Distinct members of `list`, and how many entries a faulty server would count twice.
    fn dedupe(&self, list: Vec<String>, existing: &BTreeSet<String>) -> (BTreeSet<String>, usize) {
        let mut set = existing.clone();
        let mut duplicates = 0;
        for m in list {
            if !set.insert(m) {
                duplicates += 1;
            }
        }
        let counted = if self.config.has(SinchFault::DuplicateAddsCounted) { duplicates } else { 0 };
        (set, counted)
    }

    pub(crate) fn create(&mut self, fields: GroupFields) -> Result<&Group, SinchError> {
        self.require_children(&fields.child_groups)?;
        self.require_free_name(fields.name.as_deref(), None)?;
        let now = now_ms();
        let (members, duplicates_counted) = self.dedupe(fields.members, &BTreeSet::new());
        let group = Group {
            id: new_id(&self.config),
            seq: 0,
            name: fields.name,
            members,
            duplicates_counted,
            child_groups: fields.child_groups,
            auto_update: fields.auto_update,
            created_at: now,
            modified_at: now,
        };
        Ok(self.insert(group))
    }

    /// Stores `group` as the newest one.
    pub(crate) fn insert(&mut self, mut group: Group) -> &Group {
        group.seq = self.next_seq;
        self.next_seq += 1;
        let id = group.id.clone();
        self.groups.entry(id).insert_entry(group).into_mut()
    }

    pub(crate) fn update(&mut self, id: &str, fields: UpdateFields) -> Result<&Group, SinchError> {
        let Some(current) = self.groups.get(id) else { return Err(SinchError::NotFound) };
        // Referenced groups are resolved before anything changes, so a 403 leaves the group untouched.
        let copied_in = match &fields.add_from_group {
            Some(from) => {
                self.require_known(from)?;
                self.effective_members(from)
            }
            None => BTreeSet::new(),
        };
        let taken_out = match &fields.remove_from_group {
            Some(from) => {
                self.require_known(from)?;
                self.effective_members(from)
            }
            None => BTreeSet::new(),
        };
        if let Change::Set(name) = &fields.name {
            self.require_free_name(Some(name), Some(id))?;
        }
        if self.config.has(SinchFault::UnknownRemoveRejected)
            && let Some(stranger) = fields.remove.iter().find(|m| !current.members.contains(*m))
        {
            return Err(SinchError::Constraint(format!("'{stranger}' is not a member of the group")));
        }

        let mut adds = fields.add;
        adds.extend(copied_in);
        let (added, newly_counted) = self.dedupe(adds, &current.members);
        let removes: HashSet<String> = fields.remove.into_iter().chain(taken_out).collect();
        let members = if self.config.has(SinchFault::AddsAfterRemoves) {
            let kept: BTreeSet<String> = current.members.difference(&BTreeSet::from_iter(removes)).cloned().collect();
            kept.union(&added).cloned().collect()
        } else {
            added.into_iter().filter(|m| !removes.contains(m)).collect()
        };

        let null_name_ignored = self.config.has(SinchFault::NullNameIgnored);
        let frozen = self.config.has(SinchFault::ModifiedAtFrozen);
        let Some(group) = self.groups.get_mut(id) else { return Err(SinchError::NotFound) };
        group.members = members;
        group.duplicates_counted += newly_counted;
        match fields.name {
            Change::Keep => {}
            Change::Clear if null_name_ignored => {}
            Change::Clear => group.name = None,
            Change::Set(name) => group.name = Some(name),
        }
        match fields.auto_update {
            Change::Keep => {}
            Change::Clear => group.auto_update = None,
            Change::Set(auto) => group.auto_update = Some(auto),
        }
        if !frozen {
            group.modified_at = next_modified(group.modified_at);
        }
        Ok(group)
    }

    pub(crate) fn replace(&mut self, id: &str, fields: GroupFields) -> Result<&Group, SinchError> {
        let Some(current) = self.groups.get(id) else { return Err(SinchError::NotFound) };
        let name = match fields.name {
            None if self.config.has(SinchFault::ReplaceKeepsName) => current.name.clone(),
            name => name,
        };
        self.require_children(&fields.child_groups)?;
        self.require_free_name(name.as_deref(), Some(id))?;
        let (members, duplicates_counted) = self.dedupe(fields.members, &BTreeSet::new());
        let frozen = self.config.has(SinchFault::ModifiedAtFrozen);
        let Some(group) = self.groups.get_mut(id) else { return Err(SinchError::NotFound) };
        group.name = name;
        group.members = members;
        group.duplicates_counted = duplicates_counted;
        group.child_groups = fields.child_groups;
        group.auto_update = fields.auto_update;
        if !frozen {
            group.modified_at = next_modified(group.modified_at);
        }
        Ok(group)
    }

    pub(crate) fn delete(&mut self, id: &str) -> Result<(), SinchError> {
        if self.config.has(SinchFault::DeleteKeepsGroup) {
            return self.groups.get(id).map(|_| ()).ok_or(SinchError::NotFound);
        }
        self.groups.remove(id).map(|_| ()).ok_or(SinchError::NotFound)
    }
}
