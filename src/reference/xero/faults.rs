//! The Xero faults: each breaks exactly one documented behaviour, visible to a black-box client.

use super::super::{Api, FaultInfo};

const fn fault(name: &'static str, description: &'static str) -> FaultInfo {
    FaultInfo { name, api: Api::Xero, description }
}

pub const FAULTS: &[FaultInfo] = &[
    fault("xero-where-ignored", "GET /ContactGroups ignores the `where` filter and lists every group"),
    fault("xero-deleted-groups-listed", "GET /ContactGroups also lists groups whose Status is DELETED"),
    fault("xero-create-201", "creating contact groups answers 201 instead of 200"),
    fault("xero-duplicate-names-accepted", "a second ACTIVE contact group with an existing name is accepted"),
    fault("xero-404-json", "404 answers carry a JSON body instead of Xero's plain-text message"),
    fault("xero-tenant-not-required", "requests without a xero-tenant-id header are accepted instead of 403"),
    fault("xero-list-contacts-filled", "GET /ContactGroups fills each group's Contacts instead of leaving it empty"),
    fault("xero-remove-contact-200", "removing one contact from a group answers 200 with a body instead of 204"),
    fault("xero-remove-all-noop", "DELETE /ContactGroups/{id}/Contacts answers 204 but removes nobody"),
    fault("xero-order-desc-ignored", "order=Name DESC sorts ascending"),
    fault("xero-rename-ignored", "renaming a group answers 200 but keeps the old name"),
    fault("xero-validation-no-elements", "ValidationException bodies lack the Elements array"),
    fault("xero-datetime-iso", "DateTimeUTC is an ISO 8601 string instead of /Date(ms)/"),
    fault("xero-archived-contact-accepted", "an ARCHIVED contact can be added to a group instead of a 400"),
    fault("xero-any-token-accepted", "any bearer token is accepted instead of a 401 for a wrong one"),
    fault("xero-read-token-writes", "a token with only the read scope may write instead of getting a 401"),
    fault("xero-correlation-id-mismatch", "the Xero-Correlation-Id header differs from the envelope Id"),
    fault("xero-status-unchecked", "a Status other than ACTIVE or DELETED is ignored instead of a 400"),
];
