"""Drives the official Sinch Python SDK (`sinch`, pinned in tests/sdk/requirements.txt) through every Groups
operation against a Sinch Groups server, asserting the values the SDK returns.

Usage: python python_sinch.py BASE_URL SERVICE_PLAN_ID TOKEN

Run by tests/sdk_compat.rs against a fresh reference server (no groups at start). Prints one line per check
and exits 1 if any failed, so the Rust test shows which value was wrong.
"""

import sys
from datetime import timezone

from sinch import SinchClient
from sinch.domains.sms.api.v1.exceptions import SmsException

from checks import Checks

BASE_URL, PLAN, TOKEN = sys.argv[1:4]
check = Checks("sinch")


def client(token=TOKEN, plan=PLAN):
    """An SDK client on BASE_URL: the region only has to be set; the domain replaces the regional host."""
    c = SinchClient(service_plan_id=plan, sms_api_token=token, sms_region="us")
    c.configuration.sms_domain_with_service_plan_id = BASE_URL
    return c


groups = client().sms.groups


def status_of(call):
    """The HTTP status of the SmsException `call` raises, or a description of what happened instead."""
    try:
        result = call()
    except SmsException as e:
        return e.response_status_code, e.http_response.body
    return f"no error (returned {result!r})", None


# Create: a group with members and auto_update; an empty, unnamed one.
a, b, c, d = "+12018881111", "+12018882222", "0046701234567", "12018884444"
auto = {"to": "12345", "add": {"first_word": "join"}, "remove": {"first_word": "stop"}}
vips = groups.create(name="VIPs", members=[a, b], auto_update=auto)
check.equal("create: name", vips.name, "VIPs")
check.equal("create: size", vips.size, 2)
check.true("create: id given", isinstance(vips.id, str) and vips.id != "")
check.equal("create: created_at is UTC", vips.created_at.tzinfo is not None and vips.created_at.utcoffset(), timezone.utc.utcoffset(None))
check.equal("create: modified_at == created_at", vips.modified_at, vips.created_at)
check.equal("create: auto_update.to", vips.auto_update and vips.auto_update.to, "12345")
check.equal("create: auto_update.add", vips.auto_update and vips.auto_update.add.first_word, "join")
# create() with no argument sends no body at all, which is not JSON: 400 syntax_invalid_json. An empty,
# unnamed group takes one field, e.g. members=[] (the body is then {"members": []}).
status, body = status_of(lambda: groups.create())
check.equal("create() without a body: 400", status, 400)
check.equal("create() without a body: code", body and body.get("code"), "syntax_invalid_json")
empty = groups.create(members=[])
check.equal("create {}: no name", empty.name, None)
check.equal("create {}: size 0", empty.size, 0)
check.equal("create {}: no auto_update", empty.auto_update, None)
child = groups.create(name="Child", members=[d], child_groups=None)
parent = groups.create(name="Parent", members=[a], child_groups=[child.id])
check.equal("create with child_groups: size counts child members", parent.size, 2)
check.equal("create with child_groups: echoed", parent.child_groups, [child.id])

# Get.
got = groups.get(group_id=vips.id)
check.equal("get: id", got.id, vips.id)
check.equal("get: name", got.name, "VIPs")
check.equal("get: size", got.size, 2)
check.equal("get: auto_update.remove", got.auto_update and got.auto_update.remove.first_word, "stop")

# Members: no `+` or `00` prefix.
members = groups.list_members(group_id=vips.id).content()
check.equal("members: prefix stripped", sorted(members), ["12018881111", "12018882222"])
check.equal("members with child group", sorted(groups.list_members(group_id=parent.id).content()), ["12018881111", "12018884444"])

# List with paging: 4 groups, newest first, 3 per page; the SDK's iterator fetches page 1 by itself.
page0 = groups.list(page_size=3)
check.equal("list: count", page0.result.count, 4)
check.equal("list: page", page0.result.page, 0)
check.equal("list: page_size is the number returned", page0.result.page_size, 3)
check.equal("list: newest first", [g.id for g in page0.content()], [parent.id, child.id, empty.id])
check.true("list: has a next page", page0.has_next_page)
every = [g.id for g in groups.list(page_size=3).iterator()]
check.equal("list: iterator walks both pages", every, [parent.id, child.id, empty.id, vips.id])
page1 = groups.list(page=1, page_size=3)
check.equal("list page 1: page_size", page1.result.page_size, 1)
check.equal("list page 1: the oldest group", [g.id for g in page1.content()], [vips.id])
check.equal("list page past the end: empty", groups.list(page=5, page_size=3).content(), [])

# Update: add only. The SDK sends every field it was not given as an explicit null ("remove": null,
# "auto_update": null, "name": null, …). Null means absent for every field but `name`, whose null removes
# the name (the one documented exception), so auto_update must survive while the name goes.
updated = groups.update(group_id=vips.id, add=[c])
check.equal("update add: size", updated.size, 3)
check.equal("update add: auto_update kept (null means absent)", updated.auto_update and updated.auto_update.to, "12345")
check.equal("update add: name removed by the SDK's name=null", updated.name, None)
check.equal("update add: created_at kept", updated.created_at, vips.created_at)
check.true("update add: modified_at advanced", updated.modified_at > vips.modified_at)
check.equal("update add: members", sorted(groups.list_members(group_id=vips.id).content()), ["12018881111", "12018882222", "46701234567"])

# Rename while removing: name given, remove given; adds happen before removes.
renamed = groups.update(group_id=vips.id, name="Gold", add=[d], remove=[a, d])
check.equal("update rename: name", renamed.name, "Gold")
check.equal("update add-before-remove: size", renamed.size, 2)
check.equal("update rename: auto_update kept", renamed.auto_update and renamed.auto_update.add.first_word, "join")

# name=None explicitly: the name is removed, the response has none.
unnamed = groups.update(group_id=vips.id, name=None)
check.equal("update name=None: no name", unnamed.name, None)
check.equal("update name=None: size kept", unnamed.size, 2)
check.equal("get after name=None: no name", groups.get(group_id=vips.id).name, None)

# add_from_group / remove_from_group.
from_child = groups.update(group_id=vips.id, name="Gold", add_from_group=child.id)
check.equal("update add_from_group: size", from_child.size, 3)
back = groups.update(group_id=vips.id, name="Gold", remove_from_group=child.id)
check.equal("update remove_from_group: size", back.size, 2)

# Replace: every parameter replaced; auto_update and the old members go.
replaced = groups.replace(group_id=vips.id, name="Silver", members=[d])
check.equal("replace: name", replaced.name, "Silver")
check.equal("replace: size", replaced.size, 1)
check.equal("replace: auto_update cleared", replaced.auto_update, None)
check.equal("replace: members", groups.list_members(group_id=vips.id).content(), ["12018884444"])

# Delete, then the group is gone (404).
check.equal("delete: returns None", groups.delete(group_id=empty.id), None)
check.equal("get deleted: 404", status_of(lambda: groups.get(group_id=empty.id))[0], 404)

# Errors.
check.equal("get unknown: 404", status_of(lambda: groups.get(group_id="01UNKNOWNGROUPID000000000"))[0], 404)
check.equal("members unknown: 404", status_of(lambda: groups.list_members(group_id="01UNKNOWNGROUPID000000000"))[0], 404)
check.equal("update unknown: 404", status_of(lambda: groups.update(group_id="01UNKNOWNGROUPID000000000", add=[a]))[0], 404)
check.equal("delete unknown: 404", status_of(lambda: groups.delete(group_id="01UNKNOWNGROUPID000000000"))[0], 404)
status, body = status_of(lambda: groups.create(name="x" * 21))
check.equal("create name of 21: 400", status, 400)
check.equal("create name of 21: code", body and body.get("code"), "syntax_constraint_violation")
status, body = status_of(lambda: groups.update(group_id=vips.id, add=["+1"]))
check.equal("update bad MSISDN: 400", status, 400)
check.equal("update bad MSISDN: code", body and body.get("code"), "syntax_invalid_parameter_format")
status, body = status_of(lambda: groups.update(group_id=vips.id, add_from_group="01UNKNOWNGROUPID000000000"))
check.equal("update unknown add_from_group: 403", status, 403)
check.equal("update unknown add_from_group: code", body and body.get("code"), "unknown_group")
status, body = status_of(lambda: groups.create(name="Orphan", child_groups=["01UNKNOWNGROUPID000000000"]))
check.equal("create unknown child group: 403", status, 403)
check.equal("create unknown child group: code", body and body.get("code"), "unknown_group")
check.equal("wrong token: 401", status_of(lambda: client(token="wrong").sms.groups.get(group_id=vips.id))[0], 401)
check.equal("wrong token list: 401", status_of(lambda: client(token="wrong").sms.groups.list())[0], 401)
check.equal("the update with a bad MSISDN changed nothing", groups.get(group_id=vips.id).size, 1)

check.finish()
