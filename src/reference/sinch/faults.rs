//! The Sinch half of the fault catalogue: each entry names one documented Groups behaviour that the server
//! breaks on purpose when that fault is active.

use crate::reference::{Api, FaultInfo};

const fn fault(name: &'static str, description: &'static str) -> FaultInfo {
    FaultInfo { name, api: Api::Sinch, description }
}

// Names are stable: suites and CI refer to them. The code that honours each one is found by grepping its name.
pub const FAULTS: &[FaultInfo] = &[
    fault("sinch-create-returns-200", "create answers 200 OK instead of 201 Created"),
    fault("sinch-name-length-unchecked", "group names longer than 20 characters are accepted"),
    fault("sinch-members-limit-unchecked", "more than 10,000 members are accepted in one request"),
    fault("sinch-adds-after-removes", "update applies removes before adds, so an MSISDN in both lists stays"),
    fault("sinch-null-name-ignored", "update with \"name\": null leaves the name unchanged"),
    fault("sinch-list-oldest-first", "list returns groups in chronological order (oldest first)"),
    fault("sinch-pages-from-one", "list numbers pages from 1, so page=1 returns the first page"),
    fault("sinch-count-is-page-length", "list `count` is the number of groups on the page, not the total"),
    fault("sinch-page-size-echoes-request", "list `page_size` echoes the requested size, not the number returned"),
    fault("sinch-plus-kept", "MSISDNs sent with a leading `+` are returned with it"),
    fault("sinch-delete-keeps-group", "delete answers 200 but the group is still there"),
    fault("sinch-duplicate-adds-counted", "duplicate MSISDNs are counted again in `size`"),
    fault("sinch-unknown-child-accepted", "an unknown child group id is accepted on create instead of 403"),
    fault("sinch-replace-keeps-name", "replace without `name` keeps the old name instead of clearing it"),
    fault("sinch-modified-at-frozen", "update and replace do not move `modified_at`"),
    fault(
        "sinch-invalid-msisdn-wrong-code",
        "an invalid MSISDN gives 400 syntax_constraint_violation, not syntax_invalid_parameter_format",
    ),
    fault("sinch-auth-not-enforced", "requests with a missing or wrong Bearer token are served"),
    fault("sinch-child-members-ignored", "members of child groups are not counted in size or listed in /members"),
    fault("sinch-list-includes-members", "list items carry a `members` array"),
    fault("sinch-unknown-remove-rejected", "update rejects removing an MSISDN that is not a member (400)"),
    fault("sinch-duplicate-name-accepted", "creating a group with the name of another live group succeeds"),
    fault("sinch-delete-returns-204", "delete answers 204 No Content instead of 200 OK"),
    fault("sinch-timestamps-without-millis", "timestamps are rendered without milliseconds"),
    fault("sinch-unnamed-null-name", "an unnamed group is rendered with \"name\": null instead of no key"),
    fault("sinch-page-size-limit-unchecked", "list accepts page_size above 100"),
    fault("sinch-replace-members-optional", "replace without `members` is accepted (and clears the members)"),
];
