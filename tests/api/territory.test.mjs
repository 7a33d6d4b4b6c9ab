// Territory scenarios on the database: create and run (admin), who sees which scenario, the
// balance per territory, compare, apply (all or nothing, once), a seller's own accounts.
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

test('create: only admins, with checked fields', async () => {
  isError(await post(S.m1, '/territory/scenarios', body()), 403, 'forbidden');
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

test('apply: admin only, once; owners, audit and deal history change together', async () => {
  isError(await post(S.m1, `/territory/scenarios/${first.id}/apply`), 403, 'forbidden');
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
