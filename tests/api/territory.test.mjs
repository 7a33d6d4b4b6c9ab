// Territory scenarios on the database: create and run (admin, or a manager for their tree), who
// sees which scenario, the balance per territory, locks and homes, compare, apply (all or
// nothing, once), who gained and who lost, a seller's own accounts and changes.
// Each refusal sits beside the success it differs from, so a removed check fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, ORG, setup } from './lib.mjs';

let base, org, admin;
const S = {};
const CSV = { 'content-type': 'text/csv' };
const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });

// Ana (s1a) owns three accounts near 0°E and one far east at 10°E, with an open deal on it;
// Ben (s1b) owns two at 10°E. Balanced on account count with no slack, the far one must move
// to Ben. One account has no coordinates and is left out.
before(async () => {
  ({ base, org } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b'] }));
  admin = org.admin;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b']) S[h] = await org.as(h);
  const acc = (id, owner, lat, lon, pot) => `${id},Account ${id},${ORG[owner].email},${lat},${lon},${pot}`;
  const accounts = [
    'Account ID,Account Name,Owner Email,Billing Latitude,Billing Longitude,Potential',
    acc('A1', 's1a', '50.0', '0.0', '1000'),
    acc('A2', 's1a', '50.1', '0.1', '1000'),
    acc('A3', 's1a', '50.2', '0.0', '1000'),
    acc('A4', 's1a', '50.0', '10.0', '1000'),
    acc('B1', 's1b', '50.1', '10.1', '1000'),
    acc('B2', 's1b', '50.2', '10.0', '1000'),
    acc('N1', 's1b', '', '', '1000'),
    '',
  ].join('\n');
  const r1 = await call(base, 'POST', '/import/accounts?source=salesforce', { session: admin, raw: accounts, headers: CSV });
  expectStatus(r1, 200);
  const deals = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    `D4,Far deal,A4,Account A4,${ORG.s1a.email},10000,EUR,Prospecting,2026-12-31,2026-01-05`,
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: deals, headers: CSV }), 200);
});
after(cleanup);

const body = (extra = {}) => ({
  name: 'North by count',
  sellers: [org.people.s1a.id, org.people.s1b.id],
  measures: ['accounts'],
  tolerance_bp: 0,
  ...extra,
});

let first, second;

test('create: admins, and managers for their own tree, with checked fields', async () => {
  isError(await post(S.m2, '/territory/scenarios', body()), 400, 'invalid', 'sellers');
  isError(await post(S.s1a, '/territory/scenarios', body()), 403, 'forbidden');
  isError(await post(admin, '/territory/scenarios', body({ measures: ['happiness'] })), 400, 'invalid', 'measures');
  isError(await post(admin, '/territory/scenarios', body({ sellers: [999999] })), 400, 'invalid', 'sellers');
  isError(await post(admin, '/territory/scenarios', body({ tolerance_bp: 20000 })), 400, 'invalid', 'tolerance_bp');
  isError(await post(admin, '/territory/scenarios', body({ colour: 'red' })), 400, 'invalid');
  isError(await post(admin, '/territory/scenarios', body({ segment: 'Nowhere' })), 400, 'invalid', 'accounts');
  assert.deepEqual(expectStatus(await get(admin, '/territory/scenarios'), 200).scenarios, []);
});

test('create and run: balanced, compact, the far account moves with its pipeline', async () => {
  first = expectStatus(await post(admin, '/territory/scenarios', body()), 201);
  assert.equal(first.status, 'draft');
  assert.equal(first.balanced, true);
  assert.equal(first.left_out, 1);
  assert.equal(first.accounts_moved, 1);
  assert.equal(first.pipeline_moved_minor, 1000000);
  const [ana, ben] = first.sellers;
  assert.equal(ana.person_id, org.people.s1a.id);
  assert.deepEqual([ana.accounts, ana.gained, ana.lost], [3, 0, 1]);
  assert.deepEqual([ben.accounts, ben.gained, ben.lost, ben.pipeline_gained_minor], [3, 1, 0, 1000000]);
  const a4 = first.accounts.find((a) => a.name === 'Account A4');
  assert.equal(a4.to_owner_id, org.people.s1b.id);
  assert.equal(first.accounts.find((a) => a.name === 'Account N1').located, false);
  // a looser scenario that may not move anyone
  second = expectStatus(await post(admin, '/territory/scenarios', body({ name: 'No moves', max_moves: 0, tolerance_bp: 5000 })), 201);
  assert.equal(second.accounts_moved, 0);
});

test('who sees scenarios: admin and managers above every seller; not other managers or sellers', async () => {
  assert.equal(expectStatus(await get(admin, '/territory/scenarios'), 200).scenarios.length, 2);
  assert.equal(expectStatus(await get(S.m1, '/territory/scenarios'), 200).scenarios.length, 2);
  assert.equal(expectStatus(await get(S.vp, `/territory/scenarios/${first.id}`), 200).id, first.id);
  assert.deepEqual(expectStatus(await get(S.m2, '/territory/scenarios'), 200).scenarios, []);
  isError(await get(S.m2, `/territory/scenarios/${first.id}`), 404, 'not_found');
  isError(await get(S.s1a, '/territory/scenarios'), 403, 'forbidden');
  isError(await get(S.s1a, `/territory/scenarios/${first.id}`), 403, 'forbidden');
});

test('compare two scenarios side by side', async () => {
  const c = expectStatus(await get(S.m1, `/territory/compare?a=${first.id}&b=${second.id}`), 200);
  assert.equal(c.a.id, first.id);
  assert.equal(c.b.id, second.id);
  assert.equal(c.accounts_assigned_differently, 1);
  isError(await get(S.m2, `/territory/compare?a=${first.id}&b=${second.id}`), 404, 'not_found');
  isError(await get(S.m1, `/territory/compare?a=${first.id}`), 400, 'invalid', 'b');
});

test('apply: once; owners, audit and deal history change together', async () => {
  isError(await post(S.m2, `/territory/scenarios/${first.id}/apply`), 404, 'not_found');
  isError(await post(S.s1a, `/territory/scenarios/${first.id}/apply`), 403, 'forbidden');
  const before = expectStatus(await get(S.s1b, '/territory/mine'), 200).accounts.map((a) => a.name);
  assert.deepEqual(before, ['Account B1', 'Account B2', 'Account N1']);
  const res = expectStatus(await post(admin, `/territory/scenarios/${first.id}/apply`), 200);
  assert.equal(res.status, 'applied');
  assert.equal(res.accounts_changed, 1);
  const mine = expectStatus(await get(S.s1b, '/territory/mine'), 200).accounts.map((a) => a.name);
  assert.deepEqual(mine, ['Account A4', 'Account B1', 'Account B2', 'Account N1']);
  const deal = expectStatus(await get(S.s1b, '/opportunities'), 200).opportunities.find((o) => o.name === 'Far deal');
  assert.ok(deal, 'the deal followed its account');
  const full = expectStatus(await get(admin, `/opportunities/${deal.id}`), 200);
  assert.ok(full.history.some((h) => h.changes.includes('owner') && h.source === `territory:${first.id}`), JSON.stringify(full.history));
  isError(await post(admin, `/territory/scenarios/${first.id}/apply`), 409, 'conflict');
});

test('apply: a scenario made stale by another is refused and writes nothing', async () => {
  // run a fresh one on today's owners, then change an owner by applying yet another scenario
  const a = expectStatus(await post(admin, '/territory/scenarios', body({ name: 'All to Ana', sellers: [org.people.s1a.id], tolerance_bp: 0 })), 201);
  const b = expectStatus(await post(admin, '/territory/scenarios', body({ name: 'All to Ben', sellers: [org.people.s1b.id], tolerance_bp: 0 })), 201);
  expectStatus(await post(admin, `/territory/scenarios/${a.id}/apply`), 200);
  isError(await post(admin, `/territory/scenarios/${b.id}/apply`), 409, 'conflict');
  assert.equal(expectStatus(await get(admin, `/territory/scenarios/${b.id}`), 200).status, 'draft');
  const ben = expectStatus(await get(S.s1b, '/territory/mine'), 200).accounts.map((x) => x.name);
  assert.deepEqual(ben, ['Account N1']);
  isError(await post(admin, '/territory/scenarios/999999/apply'), 404, 'not_found');
});

const accountId = async (name) => expectStatus(await get(admin, '/territory/accounts'), 200).accounts.find((a) => a.name === name).id;

let mayas, everyone;

test('a manager plans for their tree, with locks and homes; bad ones name their field', async () => {
  // Cara (s2a, Milo's team) owns one account far east: outside Maya's tree
  const c1 = 'Account ID,Account Name,Owner Email,Billing Latitude,Billing Longitude,Potential\nC1,Account C1,' + ORG.s2a.email + ',50.0,20.0,1000\n';
  expectStatus(await call(base, 'POST', '/import/accounts?source=salesforce', { session: admin, raw: c1, headers: CSV }), 200);
  const mine = expectStatus(await get(S.m1, '/territory/accounts'), 200);
  assert.ok(!mine.accounts.some((a) => a.name === 'Account C1'), 'Maya does not pick from Milo\'s tree');
  assert.ok(mine.accounts.some((a) => a.name === 'Account A1'));
  assert.ok(expectStatus(await get(admin, '/territory/accounts'), 200).accounts.some((a) => a.name === 'Account C1'));
  isError(await get(S.s1a, '/territory/accounts'), 403, 'forbidden');

  const a1 = await accountId('Account A1'), a2 = await accountId('Account A2'), c1id = await accountId('Account C1'), n1 = await accountId('Account N1');
  const [ana, ben, cara] = [org.people.s1a.id, org.people.s1b.id, org.people.s2a.id];
  const plan = (extra) => body({ name: 'Maya east', locks: [{ account_id: a1, person_id: ben }], homes: [{ person_id: ben, latitude: 50.1, longitude: 10.05 }, { person_id: ana, account_id: a2 }], ...extra });
  isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account_id: 999999, person_id: ben }] })), 400, 'invalid', 'locks');
  isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account_id: a1, person_id: cara }] })), 400, 'invalid', 'locks');
  // another tree's account reads to Maya exactly as one that does not exist
  const outside = isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account_id: c1id, person_id: ana }] })), 400, 'invalid', 'locks');
  const missing = isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account_id: 999998, person_id: ana }] })), 400, 'invalid', 'locks');
  assert.equal(outside.message, missing.message.replace('999998', String(c1id)));
  isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account_id: n1, person_id: ana }] })), 400, 'invalid', 'locks');
  isError(await post(S.m1, '/territory/scenarios', plan({ locks: [{ account: a1 }] })), 400, 'invalid', 'locks');
  isError(await post(S.m1, '/territory/scenarios', plan({ homes: [{ person_id: ben, latitude: 95, longitude: 0 }] })), 400, 'invalid', 'homes');
  isError(await post(S.m1, '/territory/scenarios', plan({ homes: [{ person_id: ben, latitude: 0, longitude: 190 }] })), 400, 'invalid', 'homes');
  isError(await post(S.m1, '/territory/scenarios', plan({ homes: [{ person_id: cara, latitude: 0, longitude: 0 }] })), 400, 'invalid', 'homes');
  isError(await post(S.m1, '/territory/scenarios', plan({ homes: [{ person_id: ana, account_id: c1id }] })), 400, 'invalid', 'homes');
  isError(await post(S.m1, '/territory/scenarios', plan({ sellers: [ana, cara] })), 400, 'invalid', 'sellers');
  isError(await post(S.m1, '/territory/scenarios', plan({ move_penalty_km: -5 })), 400, 'invalid', 'move_penalty_km');
  isError(await post(S.m1, '/territory/scenarios', plan({ owners_only: 'yes' })), 400, 'invalid', 'owners_only');
  // only the accounts Ana owns now (all six located ones are hers by now)
  const hers = expectStatus(await post(S.m1, '/territory/scenarios', body({ name: 'Only hers', sellers: [ana], owners_only: true })), 201);
  assert.equal(hers.owners_only, true);
  assert.ok(hers.accounts.length === 6 && hers.accounts.every((a) => a.from_owner_id === ana), JSON.stringify(hers.accounts));

  mayas = expectStatus(await post(S.m1, '/territory/scenarios', plan({ move_penalty_km: 10 })), 201);
  assert.equal(mayas.scope_person_id, org.people.m1.id);
  assert.equal(mayas.move_penalty_km, 10);
  assert.equal(mayas.balanced, true);
  assert.ok(!mayas.accounts.some((a) => a.name === 'Account C1'), 'only accounts of her tree');
  assert.equal(mayas.accounts.find((a) => a.account_id === a1).to_owner_id, ben, 'the lock holds');
  assert.deepEqual(mayas.locks.map((l) => [l.account_id, l.person_id]), [[a1, ben]]);
  const [sa, sb] = mayas.sellers;
  assert.deepEqual([sa.home_kind, sa.home_account_id], ['account', a2]);
  assert.deepEqual([sb.home_kind, sb.home_latitude, sb.home_longitude], ['given', 50.1, 10.05]);
  assert.deepEqual([sa.accounts, sb.accounts], [3, 3]);
  assert.equal(sa.lost, 3);
  assert.equal(sb.gained, 3);

  // an admin's scenario over every account takes Cara's: her sellers are Maya's, but it holds
  // another tree's accounts, so Maya neither sees nor applies it
  everyone = expectStatus(await post(admin, '/territory/scenarios', body({ name: 'Everyone', tolerance_bp: 5000 })), 201);
  assert.ok(everyone.accounts.some((a) => a.name === 'Account C1'));
  isError(await get(S.m1, `/territory/scenarios/${everyone.id}`), 404, 'not_found');
  assert.ok(!expectStatus(await get(S.m1, '/territory/scenarios'), 200).scenarios.some((x) => x.id === everyone.id));
  isError(await post(S.m1, `/territory/scenarios/${everyone.id}/apply`), 404, 'not_found');
  isError(await post(S.m2, `/territory/scenarios/${mayas.id}/apply`), 404, 'not_found');
});

test('compare three scenarios side by side', async () => {
  const c = expectStatus(await get(admin, `/territory/compare?ids=${mayas.id},${everyone.id},${first.id}`), 200);
  assert.deepEqual(c.scenarios.map((s) => s.id), [mayas.id, everyone.id, first.id]);
  // a manager compares only what is all of her tree
  isError(await get(S.m1, `/territory/compare?ids=${mayas.id},${everyone.id}`), 404, 'not_found');
  expectStatus(await get(S.m1, `/territory/compare?ids=${mayas.id},${first.id}`), 200);
  assert.equal(c.assigned_differently.length, 3);
  assert.equal(c.assigned_differently[0], 0);
  assert.equal(c.a.id, mayas.id);
  assert.ok(c.scenarios.every((s) => Array.isArray(s.accounts) && s.sellers.length > 0));
  isError(await get(S.m1, `/territory/compare?ids=${mayas.id}`), 400, 'invalid', 'ids');
  isError(await get(S.m1, `/territory/compare?ids=${mayas.id},x`), 400, 'invalid', 'ids');
  isError(await get(S.m2, `/territory/compare?ids=${mayas.id},${first.id}`), 404, 'not_found');
});

test('who gained and who lost: the manager applies, the tree sees it, others do not', async () => {
  // on Account A1, which moves from Ana to Ben: Ana's open deal follows it, Cara's (another
  // tree) stays hers
  const deals = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    `D8,Ana's deal,A1,Account A1,${ORG.s1a.email},5000,EUR,Prospecting,2026-12-31,2026-01-05`,
    `D9,Cara's deal,A1,Account A1,${ORG.s2a.email},7000,EUR,Prospecting,2026-12-31,2026-01-05`,
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: deals, headers: CSV }), 200);
  const res = expectStatus(await post(S.m1, `/territory/scenarios/${mayas.id}/apply`), 200);
  assert.equal(res.accounts_changed, 3);
  const onA1 = expectStatus(await get(admin, `/opportunities?account_id=${await accountId('Account A1')}`), 200).opportunities;
  assert.deepEqual(onA1.map((o) => [o.name, o.owner.id]).sort(), [["Ana's deal", org.people.s1b.id], ["Cara's deal", org.people.s2a.id]]);
  const ch = expectStatus(await get(S.m1, '/territory/changes'), 200);
  assert.equal(ch.scenario.id, mayas.id);
  const byName = Object.fromEntries(ch.people.map((p) => [p.name, p]));
  assert.deepEqual([byName[ORG.s1a.name].lost, byName[ORG.s1a.name].gained], [3, 0]);
  assert.deepEqual([byName[ORG.s1b.name].gained, byName[ORG.s1b.name].lost], [3, 0]);
  assert.equal(expectStatus(await get(S.vp, `/territory/changes?person_id=${org.people.m1.id}`), 200).scenario.id, mayas.id);
  // Milo's tree had no realignment; he may not look into Maya's
  assert.equal(expectStatus(await get(S.m2, '/territory/changes'), 200).scenario, null);
  isError(await get(S.m2, `/territory/changes?person_id=${org.people.m1.id}`), 404, 'not_found');
  isError(await get(S.s1a, `/territory/changes?person_id=${org.people.s1b.id}`), 404, 'not_found');
  isError(await get(S.s1a, '/territory/changes?person_id=abc'), 400, 'invalid', 'person_id');
  // a seller sees their own gains and losses with their territory
  const own = expectStatus(await get(S.s1a, '/territory/changes'), 200);
  assert.equal(own.people.length, 1);
  const ben = expectStatus(await get(S.s1b, '/territory/mine'), 200);
  assert.equal(ben.changes.scenario.id, mayas.id);
  assert.equal(ben.changes.gained.length, 3);
  assert.ok(ben.changes.gained.some((a) => a.name === 'Account A1' && a.other === ORG.s1a.name));
  assert.deepEqual(ben.changes.lost, []);
  const ana = expectStatus(await get(S.s1a, '/territory/mine'), 200);
  assert.equal(ana.changes.lost.length, 3);
});
