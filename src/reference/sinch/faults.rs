//! The Sinch faults: each names one documented Groups behaviour that the server breaks on purpose when that
//! fault is active. The code that honours one is found by searching for its variant, e.g. `SinchFault::PlusKept`.

use crate::reference::fault_catalogue;

fault_catalogue! {
    /// A Sinch fault. Names are stable: suites, CI and `conform serve --fault` refer to them.
    pub(crate) enum SinchFault for "sinch" {
        CreateReturns200 = "sinch-create-returns-200": "create answers 200 OK instead of 201 Created",
        NameLengthUnchecked = "sinch-name-length-unchecked": "group names longer than 20 characters are accepted",
        MembersLimitUnchecked = "sinch-members-limit-unchecked": "more than 10,000 members are accepted in one request",
        AddsAfterRemoves = "sinch-adds-after-removes":
            "update applies removes before adds, so an MSISDN in both lists stays",
        NullNameIgnored = "sinch-null-name-ignored": "update with \"name\": null leaves the name unchanged",
        NullAutoUpdateClears = "sinch-null-auto-update-clears", should:
            "update with \"auto_update\": null removes the group's auto_update instead of leaving it (null means absent)",
        NullFieldsRejected = "sinch-null-fields-rejected":
            "a request field sent as null (`members`, `add`, `auto_update`, …; not update's `name`) is rejected with 400 instead of read as absent",
        ListOldestFirst = "sinch-list-oldest-first": "list returns groups in chronological order (oldest first)",
        PagesFromOne = "sinch-pages-from-one": "list numbers pages from 1, so page=1 returns the first page",
        CountIsPageLength = "sinch-count-is-page-length":
            "list `count` is the number of groups on the page, not the total",
        PageSizeEchoesRequest = "sinch-page-size-echoes-request":
            "list `page_size` echoes the requested size, not the number returned",
        PlusKept = "sinch-plus-kept": "MSISDNs sent with a leading `+` are returned with it",
        DeleteKeepsGroup = "sinch-delete-keeps-group": "delete answers 200 but the group is still there",
        DuplicateAddsCounted = "sinch-duplicate-adds-counted": "duplicate MSISDNs are counted again in `size`",
        UnknownChildAccepted = "sinch-unknown-child-accepted":
            "an unknown child group id is accepted on create instead of 403",
        ReplaceKeepsName = "sinch-replace-keeps-name":
            "replace without `name` keeps the old name instead of clearing it",
        ModifiedAtFrozen = "sinch-modified-at-frozen": "update and replace do not move `modified_at`",
        InvalidMsisdnWrongCode = "sinch-invalid-msisdn-wrong-code":
            "an invalid MSISDN gives 400 syntax_constraint_violation, not syntax_invalid_parameter_format",
        AuthNotEnforced = "sinch-auth-not-enforced": "requests with a missing or wrong Bearer token are served",
        ChildMembersIgnored = "sinch-child-members-ignored":
            "members of child groups are not counted in size or listed in /members",
        ListIncludesMembers = "sinch-list-includes-members", should: "list items carry a `members` array",
        UnknownRemoveRejected = "sinch-unknown-remove-rejected":
            "update rejects removing an MSISDN that is not a member (400)",
        DuplicateNameAccepted = "sinch-duplicate-name-accepted":
            "creating a group with the name of another live group succeeds",
        DeleteReturns204 = "sinch-delete-returns-204": "delete answers 204 No Content instead of 200 OK",
        TimestampsWithoutMillis = "sinch-timestamps-without-millis", should: "timestamps are rendered without milliseconds",
        UnnamedNullName = "sinch-unnamed-null-name":
            "an unnamed group is rendered with \"name\": null instead of no key",
        PageSizeLimitUnchecked = "sinch-page-size-limit-unchecked": "list accepts page_size above 100",
        NegativePageServed = "sinch-negative-page-served": "list serves a negative `page` as page 0 instead of a 400",
        UnknownGroupBadRequest = "sinch-unknown-group-400":
            "retrieving an unknown group id answers 400 instead of 404",
        ReplaceMembersOptional = "sinch-replace-members-optional":
            "replace without `members` is accepted (and clears the members)",
    }
}
