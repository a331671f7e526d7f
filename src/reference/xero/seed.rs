//! The sample organisation served with `with_data`: a few groups and contacts, some grouped, one archived.
//!
//! Ids are fixed (several taken from Xero's own examples) so suites can name them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::{Contact, ContactStatus, Data, Group, GroupStatus};

const NOEL: Uuid = Uuid::from_u128(0x4e1753b9_018a_4775_b6aa_1bc7871cfee3);
const LIAM: Uuid = Uuid::from_u128(0x430fa14a_f945_44d3_9f97_5df5e28441b8);
const ABC: Uuid = Uuid::from_u128(0xa3675fc4_f8dd_4f03_ba5b_f1870566bcd7);
const BOOM: Uuid = Uuid::from_u128(0x5b96e86b_418e_48e8_8949_308c14aec278);
const CITY: Uuid = Uuid::from_u128(0x7e9b8f5c_2b8a_4a4f_9d63_5c7b2f6b8e01);
const HAMILTON: Uuid = Uuid::from_u128(0x9e8f7a6b_5c4d_4e3f_8a1b_2c3d4e5f6a02);
const MARINE: Uuid = Uuid::from_u128(0x1a2b3c4d_5e6f_4a7b_8c9d_0e1f2a3b4c03);
const PETRIE: Uuid = Uuid::from_u128(0x2b3c4d5e_6f7a_4b8c_9d0e_1f2a3b4c5d04);
const RIDGEWAY: Uuid = Uuid::from_u128(0x3c4d5e6f_7a8b_4c9d_8e1f_2a3b4c5d6e05);
/// The archived one, for the "Unable to assign an Archived contact." rule.
const YOUNG: Uuid = Uuid::from_u128(0x4d5e6f7a_8b9c_4d0e_9f2a_3b4c5d6e7f06);

pub(crate) fn sample_data() -> Data {
    // A fixed time, so the sample organisation reads the same on every start.
    let updated = DateTime::<Utc>::from_timestamp_millis(1_551_399_321_121).unwrap_or_default();
    let contact = |id, name: &str, status| Contact { id, name: name.into(), status, updated };
    let group = |id: u128, name: &str, status, members: &[Uuid]| Group {
        id: Uuid::from_u128(id),
        name: name.into(),
        status,
        members: members.to_vec(),
    };
    let active = ContactStatus::Active;
    let contacts = vec![
        contact(NOEL, "Noel Gallagher", active),
        contact(LIAM, "Liam Gallagher", active),
        contact(ABC, "ABC Furniture", active),
        contact(BOOM, "Boom FM", active),
        contact(CITY, "City Agency", active),
        contact(HAMILTON, "Hamilton Smith Ltd", active),
        contact(MARINE, "Marine Systems", active),
        contact(PETRIE, "Petrie McLoud Watson & Associates", active),
        contact(RIDGEWAY, "Ridgeway University", active),
        contact(YOUNG, "Young Bros Transport", ContactStatus::Archived),
    ];
    let groups = vec![
        group(0xd7a86b80_8dac_4d89_a334_9dcf5753676c, "Suppliers", GroupStatus::Active, &[ABC, MARINE]),
        group(0x17b44ed7_4389_4162_91cb_3dd5766e4e22, "Oasis", GroupStatus::Active, &[NOEL, LIAM]),
        group(0xab089fd4_012f_4043_a6e4_e7be01e87e50, "Old Group84262", GroupStatus::Active, &[]),
        group(0x13f47537_7c1d_4e62_966e_617d76558fc5, "VIPs", GroupStatus::Active, &[BOOM, CITY, PETRIE]),
        group(0x6c1e0f4e_3f1b_4b52_9a55_0d2c4e8b7a10, "Wholesale", GroupStatus::Active, &[HAMILTON]),
        group(0x8f2d6a7c_1e3b_4c5d_9e0f_a1b2c3d4e511, "Universities", GroupStatus::Active, &[RIDGEWAY]),
        group(0x9a3e7b8d_2f4c_4d6e_8f1a_b2c3d4e5f612, "Former Partners", GroupStatus::Deleted, &[YOUNG]),
    ];
    Data::new(groups, contacts)
}
