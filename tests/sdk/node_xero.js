// Drives the official Xero Node SDK (`xero-node`, pinned in tests/sdk/package.json) through every ContactGroups
// operation, and the /Contacts calls they depend on, against a Xero server, asserting the values it returns.
//
// Usage: node node_xero.js BASE_URL TENANT_ID TOKEN READ_TOKEN
//
// BASE_URL is the API root, e.g. http://127.0.0.1:8080/api.xro/2.0. Run by tests/sdk_compat.rs against a fresh
// reference server (no contacts or groups at start). Prints one line per check and exits 1 if any failed.
const { XeroClient } = require('xero-node');
const { Checks, failure } = require('./checks');

const [BASE_URL, TENANT, TOKEN, READ_TOKEN] = process.argv.slice(2);
const check = new Checks('xero (node)');

// An AccountingApi on BASE_URL with a fixed access token (no client id or secret: nothing to refresh).
function accounting(token = TOKEN) {
  const xero = new XeroClient();
  xero.setTokenSet({ access_token: token, token_type: 'Bearer', expires_at: Math.floor(Date.now() / 1000) + 3600 });
  xero.accountingApi.basePath = BASE_URL;
  return xero.accountingApi;
}

const api = accounting();
const names = (list) => (list || []).map((x) => x.name);
const message = (body) => {
  try {
    return (typeof body === 'string' ? JSON.parse(body) : body).Elements[0].ValidationErrors[0].Message;
  } catch {
    return `not a ValidationException body: ${body}`;
  }
};

async function main() {
  const started = Date.now() - 5000;
  const made = (await api.createContacts(TENANT, { contacts: [{ name: 'Ada' }, { name: 'Brian' }, { name: 'Cleo' }] })).body;
  const [ada, brian, cleo] = made.contacts;
  check.equal('create contacts: names', names(made.contacts), ['Ada', 'Brian', 'Cleo']);
  for (const c of made.contacts) {
    const when = c.updatedDateUTC instanceof Date ? c.updatedDateUTC.getTime() : NaN;
    check.true(`contact ${c.name}: UpdatedDateUTC is recent (${c.updatedDateUTC})`, when >= started && when <= started + 300000);
  }
  const picked = (await api.getContacts(TENANT, undefined, undefined, undefined, [ada.contactID, cleo.contactID])).body;
  check.equal('getContacts(IDs): only those', names(picked.contacts).sort(), ['Ada', 'Cleo']);

  const groups = (await api.createContactGroup(TENANT, { contactGroups: [{ name: 'VIPs' }, { name: 'Suppliers' }] })).body.contactGroups;
  const [vips, suppliers] = groups;
  check.equal('create groups: names and status', groups.map((g) => [g.name, String(g.status)]), [['VIPs', 'ACTIVE'], ['Suppliers', 'ACTIVE']]);
  check.equal('list order=Name ASC', names((await api.getContactGroups(TENANT, undefined, 'Name ASC')).body.contactGroups), ['Suppliers', 'VIPs']);
  check.equal('list where Name==', names((await api.getContactGroups(TENANT, 'Name=="VIPs"')).body.contactGroups), ['VIPs']);

  const added = (await api.createContactGroupContacts(TENANT, vips.contactGroupID, { contacts: [{ contactID: ada.contactID }, { contactID: brian.contactID }] })).body;
  check.equal('add contacts: echoed ids', added.contacts.map((c) => c.contactID), [ada.contactID, brian.contactID]);
  const got = (await api.getContactGroup(TENANT, vips.contactGroupID)).body.contactGroups;
  check.equal('get group: one, with its contacts', [got.length, got[0].name, names(got[0].contacts).sort()], [1, 'VIPs', ['Ada', 'Brian']]);
  const removed = await api.deleteContactGroupContact(TENANT, vips.contactGroupID, ada.contactID);
  check.equal('remove one contact: 204', removed.response.status, 204);
  check.equal('after removing one', names((await api.getContactGroup(TENANT, vips.contactGroupID)).body.contactGroups[0].contacts), ['Brian']);
  check.equal('remove all contacts: 204', (await api.deleteContactGroupContacts(TENANT, vips.contactGroupID)).response.status, 204);
  check.equal('after removing all', (await api.getContactGroup(TENANT, vips.contactGroupID)).body.contactGroups[0].contacts || [], []);

  const renamed = (await api.updateContactGroup(TENANT, vips.contactGroupID, { contactGroups: [{ name: 'Gold' }] })).body.contactGroups[0];
  check.equal('rename', [renamed.contactGroupID, renamed.name], [vips.contactGroupID, 'Gold']);
  const deleted = (await api.updateContactGroup(TENANT, suppliers.contactGroupID, { contactGroups: [{ status: 'DELETED' }] })).body.contactGroups[0];
  check.equal('delete by status', String(deleted.status), 'DELETED');
  check.equal('list after delete', names((await api.getContactGroups(TENANT)).body.contactGroups), ['Gold']);

  let [status, body] = await failure(() => api.createContactGroup(TENANT, { contactGroups: [{ name: 'Gold' }] }));
  check.equal('duplicate name: 400 with the message', [status, message(body)], [400, 'A Contact Group already exists with this name']);
  await api.updateContact(TENANT, cleo.contactID, { contacts: [{ contactStatus: 'ARCHIVED' }] });
  [status, body] = await failure(() => api.createContactGroupContacts(TENANT, vips.contactGroupID, { contacts: [{ contactID: cleo.contactID }] }));
  check.equal('add archived contact: 400 with the message', [status, message(body)], [400, 'Unable to assign an Archived contact.']);
  [status, body] = await failure(() => api.getContactGroup(TENANT, '00000000-0000-4000-8000-0000000000aa'));
  check.equal('unknown group: 404 plain text', [status, body], [404, "The resource you're looking for cannot be found"]);
  check.equal('wrong token: 401', (await failure(() => accounting('wrong-token').getContactGroups(TENANT)))[0], 401);
  check.equal('read token writing: 401', (await failure(() => accounting(READ_TOKEN).createContactGroup(TENANT, { contactGroups: [{ name: 'Nope' }] })))[0], 401);
  check.equal('wrong tenant: 403', (await failure(() => api.getContactGroups('00000000-0000-4000-8000-0000000000bb')))[0], 403);
  check.finish();
}

main().catch((e) => {
  console.log(`FAIL the script stopped: ${e && e.stack ? e.stack : JSON.stringify(e).slice(0, 2000)}`);
  process.exit(1);
});
