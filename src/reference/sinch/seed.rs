//! The pre-existing data of `SinchConfig.with_data`: an account that has been in use for a while.

use chrono::Duration;

use super::store::{Group, GroupStore, new_id, now_ms};
use crate::reference::Variant;
use super::validate::{AutoUpdate, Keywords};

const SEEDED_GROUPS: u32 = 40;

/// Adds 40 groups, oldest first, created hours to days ago so that anything created later lists before
/// them. The oldest is named `My group`, the name the seed's first example creates. Every fifth is unnamed,
/// a few have child groups, and one has an auto update.
pub(crate) fn seed(store: &mut GroupStore) {
    let now = now_ms();
    let mut ids: Vec<String> = Vec::new();
    for i in 0..SEEDED_GROUPS {
        let created_at = now - Duration::hours(i64::from(SEEDED_GROUPS - i) * 7);
        let name = match i {
            0 => Some("My group".to_string()),
            i if i % 5 == 4 => None,
            i => Some(format!("Seeded group {i:02}")),
        };
        let members = (0..i % 6).map(|j| format!("4670{i:03}{j:04}")).collect();
        let child_groups = if i % 10 == 9 { ids.iter().rev().take(2).cloned().collect() } else { Vec::new() };
        let auto_update = (i == 12).then(|| AutoUpdate {
            to: "54321".into(),
            add: Some(Keywords { first_word: "Seeded".into(), second_word: Some("Join".into()) }),
            remove: Some(Keywords { first_word: "Seeded".into(), second_word: Some("Leave".into()) }),
        });
        let group = Group {
            id: if store.config().is(Variant::AltChoices) {
                new_id(store.config())
            } else {
                ulid::Ulid::from_datetime(created_at.into()).to_string()
            },
            seq: 0,
            name,
            members,
            duplicates_counted: 0,
            child_groups,
            auto_update,
            created_at,
            modified_at: created_at + Duration::minutes(i64::from(i % 7) * 11),
        };
        ids.push(store.insert(group).id.clone());
    }
}
