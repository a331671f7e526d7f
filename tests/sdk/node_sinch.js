// Drives the official Sinch Node SDK (`@sinch/sms` through `@sinch/sdk-core`, pinned in tests/sdk/package.json) through every Groups
// operation against a Sinch Groups server, asserting the values the SDK returns.
//
// Usage: node node_sinch.js BASE_URL SERVICE_PLAN_ID TOKEN
//
// Run by tests/sdk_compat.rs against a fresh reference server (no groups at start). Prints one line per check
// and exits 1 if any failed.
const { SmsService } = require('@sinch/sdk-core');
const { Checks, failure } = require('./checks');

const [BASE_URL, PLAN, TOKEN] = process.argv.slice(2);
const check = new Checks('sinch (node)');
const service = (apiToken = TOKEN) => new SmsService({ servicePlanId: PLAN, apiToken, smsHostname: BASE_URL });
const groups = service().groups;
const UNKNOWN = '01UNKNOWNGROUPID000000000';
const sorted = (list) => [...list].sort();
const iso = (d) => (d instanceof Date ? d.toISOString() : d);

async function main() {
  const [a, b, c, d] = ['+12018881111', '+12018882222', '0046701234567', '12018884444'];
  const auto = { to: '12345', add: { first_word: 'join' }, remove: { first_word: 'stop' } };
  const vips = await groups.create({ createGroupRequestBody: { name: 'VIPs', members: [a, b], auto_update: auto } });
  check.equal('create: name', vips.name, 'VIPs');
  check.equal('create: size', vips.size, 2);
  check.true('create: created_at in UTC with ms', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso(vips.created_at)));
  check.equal('create: auto_update.to', vips.auto_update?.to, '12345');
  const empty = await groups.create({});
  check.equal('create {}: no name', empty.name, undefined);
  check.equal('create {}: size 0', empty.size, 0);
  const child = await groups.create({ createGroupRequestBody: { name: 'Child', members: [d] } });
  const parent = await groups.create({ createGroupRequestBody: { name: 'Parent', members: [a], child_groups: [child.id] } });
  check.equal('create with child_groups: size', parent.size, 2);

  const got = await groups.get({ group_id: vips.id });
  check.equal('get: name and size', [got.id, got.name, got.size], [vips.id, 'VIPs', 2]);
  check.equal('members: prefix stripped', sorted(await groups.listMembers({ group_id: vips.id })), ['12018881111', '12018882222']);

  const page0 = await groups.list({ page_size: 3 });
  check.equal('list: newest first', page0.data.map((g) => g.id), [parent.id, child.id, empty.id]);
  check.true('list: has a next page', page0.hasNextPage);
  const page1 = await page0.nextPage();
  check.equal('list: next page', page1.data.map((g) => g.id), [vips.id]);
  const every = [];
  for await (const g of groups.list({ page_size: 3 })) every.push(g.id);
  check.equal('list: iterator walks both pages', every, [parent.id, child.id, empty.id, vips.id]);

  // The Node SDK sends only the fields given: an add keeps the name and auto_update.
  const added = await groups.update({ group_id: vips.id, updateGroupRequestBody: { add: [c] } });
  check.equal('update add: size', added.size, 3);
  check.equal('update add: name kept', added.name, 'VIPs');
  check.equal('update add: auto_update kept', added.auto_update?.to, '12345');
  check.true('update add: modified_at advanced', iso(added.modified_at) > iso(vips.modified_at));
  const renamed = await groups.update({ group_id: vips.id, updateGroupRequestBody: { name: 'Gold', add: [d], remove: [a, d] } });
  check.equal('update rename, add before remove', [renamed.name, renamed.size], ['Gold', 2]);
  const unnamed = await groups.update({ group_id: vips.id, updateGroupRequestBody: { name: null } });
  check.equal('update name null: no name', unnamed.name, undefined);
  check.equal('update add_from_group', (await groups.update({ group_id: vips.id, updateGroupRequestBody: { add_from_group: child.id } })).size, 3);
  check.equal('update remove_from_group', (await groups.update({ group_id: vips.id, updateGroupRequestBody: { remove_from_group: child.id } })).size, 2);

  const replaced = await groups.replace({ group_id: vips.id, replaceGroupRequestBody: { name: 'Silver', members: [d] } });
  check.equal('replace: name, size, auto_update', [replaced.name, replaced.size, replaced.auto_update], ['Silver', 1, undefined]);
  await groups.delete({ group_id: empty.id });
  check.equal('get deleted: 404', (await failure(() => groups.get({ group_id: empty.id })))[0], 404);

  check.equal('get unknown: 404', (await failure(() => groups.get({ group_id: UNKNOWN })))[0], 404);
  check.equal('update unknown: 404', (await failure(() => groups.update({ group_id: UNKNOWN, updateGroupRequestBody: { add: [a] } })))[0], 404);
  let [status, body] = await failure(() => groups.create({ createGroupRequestBody: { name: 'x'.repeat(21) } }));
  check.equal('create name of 21: 400 syntax_constraint_violation', [status, body && JSON.parse(body).code], [400, 'syntax_constraint_violation']);
  [status, body] = await failure(() => groups.update({ group_id: vips.id, updateGroupRequestBody: { add_from_group: UNKNOWN } }));
  check.equal('update unknown add_from_group: 403 unknown_group', [status, body && JSON.parse(body).code], [403, 'unknown_group']);
  check.equal('wrong token: 401', (await failure(() => service('wrong').groups.get({ group_id: vips.id })))[0], 401);
  check.finish();
}

main().catch((e) => {
  console.log(`FAIL the script stopped: ${e.stack || e}`);
  process.exit(1);
});
