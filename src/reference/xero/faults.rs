//! The Xero faults: each breaks exactly one documented behaviour, visible to a black-box client. The code that
//! honours one is found by searching for its variant, e.g. `XeroFault::WhereIgnored`.

use crate::reference::fault_catalogue;

fault_catalogue! {
    /// A Xero fault. Names are stable: suites, CI and `conform serve --fault` refer to them.
    pub(crate) enum XeroFault for "xero" {
        WhereIgnored = "xero-where-ignored": "GET /ContactGroups ignores the `where` filter and lists every group",
        DeletedGroupsListed = "xero-deleted-groups-listed":
            "GET /ContactGroups also lists groups whose Status is DELETED",
        Create201 = "xero-create-201": "creating contact groups answers 201 instead of 200",
        DuplicateNamesAccepted = "xero-duplicate-names-accepted", should:
            "a second ACTIVE contact group with an existing name is accepted",
        NotFoundJson = "xero-404-json", should: "404 answers carry a JSON body instead of Xero's plain-text message",
        TenantNotRequired = "xero-tenant-not-required":
            "requests without a xero-tenant-id header are accepted instead of 403",
        ListContactsFilled = "xero-list-contacts-filled":
            "GET /ContactGroups fills each group's Contacts instead of leaving it empty",
        RemoveContact200 = "xero-remove-contact-200":
            "removing one contact from a group answers 200 with a body instead of 204",
        RemoveAllNoop = "xero-remove-all-noop": "DELETE /ContactGroups/{id}/Contacts answers 204 but removes nobody",
        OrderDescIgnored = "xero-order-desc-ignored": "order=Name DESC sorts ascending",
        RenameIgnored = "xero-rename-ignored": "renaming a group answers 200 but keeps the old name",
        ValidationNoElements = "xero-validation-no-elements": "ValidationException bodies lack the Elements array",
        DatetimeIso = "xero-datetime-iso": "DateTimeUTC is an ISO 8601 string instead of /Date(ms)/",
        ArchivedContactAccepted = "xero-archived-contact-accepted", should:
            "an ARCHIVED contact can be added to a group instead of a 400",
        AnyTokenAccepted = "xero-any-token-accepted": "any bearer token is accepted instead of a 401 for a wrong one",
        ReadTokenWrites = "xero-read-token-writes":
            "a token with only the read scope may write instead of getting a 401",
        CorrelationIdMismatch = "xero-correlation-id-mismatch", should:
            "the Xero-Correlation-Id header differs from the envelope Id",
        StatusUnchecked = "xero-status-unchecked": "a Status other than ACTIVE or DELETED is ignored instead of a 400",
        ContactUpdatedDateMissing = "xero-contact-updated-date-missing", should:
            "contacts from /Contacts lack UpdatedDateUTC",
        ContactIdsIgnored = "xero-contact-ids-ignored", should:
            "GET /Contacts ignores the IDs filter and lists every contact",
    }
}
