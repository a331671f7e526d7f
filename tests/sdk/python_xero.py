"""Drives the official Xero Python SDK (`xero-python`, pinned in tests/sdk/requirements.txt) through every
ContactGroups operation, and the /Contacts calls they depend on, against a Xero server, asserting the values
the SDK returns.

Usage: python python_xero.py BASE_URL TENANT_ID TOKEN READ_TOKEN

BASE_URL is the API root, e.g. http://127.0.0.1:8080/api.xro/2.0. Run by tests/sdk_compat.rs against a fresh
reference server (no contacts or groups at start). Prints one line per check and exits 1 if any failed.
"""

import json
import sys
import time
from datetime import datetime, timedelta, timezone

from xero_python.accounting import AccountingApi, Contact, ContactGroup, ContactGroups, Contacts
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.exceptions import ApiException

from checks import Checks

BASE_URL, TENANT, TOKEN, READ_TOKEN = sys.argv[1:5]
check = Checks("xero")


def accounting(token=TOKEN):
    """An AccountingApi on BASE_URL with a fixed access token, valid for an hour so the SDK never refreshes it."""
    client = ApiClient(Configuration(oauth2_token=OAuth2Token()), pool_threads=1)
    expires_at = time.time() + 3600
    client.oauth2_token_getter(lambda: {
        "access_token": token, "token_type": "Bearer", "scope": ["accounting.contacts"],
        "expires_in": 3600, "expires_at": expires_at,
    })
    client.oauth2_token_saver(lambda token: None)
    return AccountingApi(client, base_url=BASE_URL)


api = accounting()


def failure(call):
    """(HTTP status, response body text) of the ApiException `call` raises, or a description of what it returned."""
    try:
        result = call()
    except ApiException as e:
        body = e.body.decode() if isinstance(e.body, bytes) else e.body
        return e.status, body
    return f"no error (returned {result!r})", None


def validation_message(body):
    """The first ValidationErrors message of a Xero ValidationException body."""
    try:
        return json.loads(body)["Elements"][0]["ValidationErrors"][0]["Message"]
    except (TypeError, ValueError, KeyError, IndexError):
        return f"not a ValidationException body: {body!r}"


# Contacts the groups will hold; UpdatedDateUTC comes back as a UTC datetime near now.
started = datetime.now(timezone.utc) - timedelta(seconds=5)
created = api.create_contacts(TENANT, Contacts(contacts=[Contact(name="Ada"), Contact(name="Brian"), Contact(name="Cleo")]))
ada, brian, cleo = created.contacts
check.equal("create contacts: names", [c.name for c in created.contacts], ["Ada", "Brian", "Cleo"])
check.equal("create contacts: status", str(ada.contact_status), "ACTIVE")
for c in created.contacts:
    when = c.updated_date_utc
    check.true(f"contact {c.name}: UpdatedDateUTC is a recent UTC time ({when!r})",
               when is not None and when.utcoffset() == timedelta(0) and started <= when <= started + timedelta(minutes=5))

# GET /Contacts?IDs=… returns just those contacts.
picked = api.get_contacts(TENANT, i_ds=[str(ada.contact_id), str(cleo.contact_id)])
check.equal("get_contacts(i_ds): only those", sorted(c.name for c in picked.contacts), ["Ada", "Cleo"])
check.equal("get_contacts: all three", sorted(c.name for c in api.get_contacts(TENANT).contacts), ["Ada", "Brian", "Cleo"])
check.equal("get_contacts(where): Name", [c.name for c in api.get_contacts(TENANT, where='Name=="Brian"').contacts], ["Brian"])
one = api.get_contact(TENANT, ada.contact_id).contacts[0]
check.equal("get_contact: name", one.name, "Ada")
check.equal("get_contact: UpdatedDateUTC as listed", one.updated_date_utc, ada.updated_date_utc)

# Create groups (PUT /ContactGroups).
made = api.create_contact_group(TENANT, ContactGroups(contact_groups=[ContactGroup(name="VIPs"), ContactGroup(name="Suppliers")]))
vips, suppliers = made.contact_groups
check.equal("create groups: names", [g.name for g in made.contact_groups], ["VIPs", "Suppliers"])
check.equal("create group: status", str(vips.status), "ACTIVE")
check.true("create group: an id", vips.contact_group_id is not None)
check.equal("create group: no contacts", vips.contacts or [], [])

# List, with where and order.
listed = api.get_contact_groups(TENANT, order="Name ASC")
check.equal("list order=Name ASC", [g.name for g in listed.contact_groups], ["Suppliers", "VIPs"])
listed = api.get_contact_groups(TENANT, order="Name DESC")
check.equal("list order=Name DESC", [g.name for g in listed.contact_groups], ["VIPs", "Suppliers"])
check.equal("list where Name==", [g.name for g in api.get_contact_groups(TENANT, where='Name=="VIPs"').contact_groups], ["VIPs"])
check.equal("list where Status== ACTIVE", len(api.get_contact_groups(TENANT, where='Status=="ACTIVE"').contact_groups), 2)

# Add contacts, then read the group with them.
added = api.create_contact_group_contacts(
    TENANT, vips.contact_group_id, Contacts(contacts=[Contact(contact_id=ada.contact_id), Contact(contact_id=brian.contact_id)])
)
check.equal("add contacts: echoed ids", [c.contact_id for c in added.contacts], [ada.contact_id, brian.contact_id])
got = api.get_contact_group(TENANT, vips.contact_group_id).contact_groups
check.equal("get group: exactly one", len(got), 1)
check.equal("get group: name", got[0].name, "VIPs")
check.equal("get group: contacts", sorted(c.name for c in got[0].contacts), ["Ada", "Brian"])
check.equal("list: contacts empty in the list", [g.contacts or [] for g in api.get_contact_groups(TENANT).contact_groups], [[], []])
in_group = api.get_contact(TENANT, ada.contact_id).contacts[0]
check.equal("get_contact: its groups", [g.name for g in in_group.contact_groups or []], ["VIPs"])

# Remove one contact, then all.
check.equal("remove one contact: returns None", api.delete_contact_group_contact(TENANT, vips.contact_group_id, ada.contact_id), None)
got = api.get_contact_group(TENANT, vips.contact_group_id).contact_groups[0]
check.equal("after removing one", [c.name for c in got.contacts], ["Brian"])
api.create_contact_group_contacts(TENANT, vips.contact_group_id, Contacts(contacts=[Contact(contact_id=cleo.contact_id)]))
check.equal("remove all contacts: returns None", api.delete_contact_group_contacts(TENANT, vips.contact_group_id), None)
check.equal("after removing all", api.get_contact_group(TENANT, vips.contact_group_id).contact_groups[0].contacts or [], [])

# Rename (POST /ContactGroups/{id}).
renamed = api.update_contact_group(TENANT, vips.contact_group_id, ContactGroups(contact_groups=[ContactGroup(name="Gold")]))
check.equal("rename: name", renamed.contact_groups[0].name, "Gold")
check.equal("rename: same id", renamed.contact_groups[0].contact_group_id, vips.contact_group_id)
check.equal("get after rename", api.get_contact_group(TENANT, vips.contact_group_id).contact_groups[0].name, "Gold")

# Delete by status: the group comes back DELETED and leaves the list.
deleted = api.update_contact_group(TENANT, suppliers.contact_group_id, ContactGroups(contact_groups=[ContactGroup(status="DELETED")]))
check.equal("delete by status: status", str(deleted.contact_groups[0].status), "DELETED")
check.equal("list after delete", [g.name for g in api.get_contact_groups(TENANT).contact_groups], ["Gold"])

# Validation errors: 400 with the ValidationException message.
status, body = failure(lambda: api.create_contact_group(TENANT, ContactGroups(contact_groups=[ContactGroup(name="Gold")])))
check.equal("duplicate name: 400", status, 400)
check.equal("duplicate name: message", validation_message(body), "A Contact Group already exists with this name")
status, body = failure(lambda: api.create_contact_group(TENANT, ContactGroups(contact_groups=[ContactGroup()])))
check.equal("group without a name: 400", status, 400)
check.true("group without a name: a validation message", not validation_message(body).startswith("not a"))
archived = api.update_contact(TENANT, cleo.contact_id, Contacts(contacts=[Contact(contact_status="ARCHIVED")])).contacts[0]
check.equal("archive contact: status", str(archived.contact_status), "ARCHIVED")
status, body = failure(lambda: api.create_contact_group_contacts(
    TENANT, vips.contact_group_id, Contacts(contacts=[Contact(contact_id=cleo.contact_id)])))
check.equal("add archived contact: 400", status, 400)
check.equal("add archived contact: message", validation_message(body), "Unable to assign an Archived contact.")
check.equal("get_contacts without archived", sorted(c.name for c in api.get_contacts(TENANT).contacts), ["Ada", "Brian"])

# 404 (plain text), 401 (wrong token, or the read-only token writing) and 403 (wrong tenant).
unknown = "00000000-0000-4000-8000-0000000000aa"
status, body = failure(lambda: api.get_contact_group(TENANT, unknown))
check.equal("unknown group: 404", status, 404)
check.equal("unknown group: Xero's plain-text body", body, "The resource you're looking for cannot be found")
check.equal("remove unknown contact: 404", failure(lambda: api.delete_contact_group_contact(TENANT, vips.contact_group_id, unknown))[0], 404)
status, body = failure(lambda: accounting("wrong-token").get_contact_groups(TENANT))
check.equal("wrong token: 401", status, 401)
check.equal("wrong token: problem Title", body and json.loads(body).get("Title"), "Unauthorized")
check.equal("read token can list", [g.name for g in accounting(READ_TOKEN).get_contact_groups(TENANT).contact_groups], ["Gold"])
status, body = failure(lambda: accounting(READ_TOKEN).create_contact_group(TENANT, ContactGroups(contact_groups=[ContactGroup(name="Nope")])))
check.equal("read token writing: 401", status, 401)
status, body = failure(lambda: api.get_contact_groups("00000000-0000-4000-8000-0000000000bb"))
check.equal("wrong tenant: 403", status, 403)
check.equal("wrong tenant: problem Detail", body and json.loads(body).get("Detail"), "AuthenticationUnsuccessful")
check.equal("nothing was created by the failed calls", [g.name for g in api.get_contact_groups(TENANT).contact_groups], ["Gold"])

check.finish()
