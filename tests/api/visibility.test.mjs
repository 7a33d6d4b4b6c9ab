// What each role may see and change, following the reporting tree:
//   Vera (VP) -> Maya (m1) -> Ana (s1a), Ben (s1b)
//             -> Milo (m2) -> Cara (s2a), Dan (s2b)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, call, cleanup, isError, setup } from './lib.mjs';

let base, org, P;
before(async () => {
  ({ base, org } = await setup());
  P = org.people;
});
after(cleanup);

const names = (people) => people.map((p) => p.name);
const sortedNames = (handles) => handles.map((h) => ORG[h].name).sort();

async function get(handle, path) {
  return call(base, 'GET', path, { session: await org.as(handle) });
}

test('a seller reading another person gets 404, exactly as for a person that does not exist', async () => {
  const own = await get('s1a', `/people/${P.s1a.id}`);
  assert.equal(own.status, 200, own.text);
  assert.equal(own.body.email, ORG.s1a.email);
  const missing = await get('s1a', '/people/987654');
  isError(missing, 404, 'not_found');
  for (const h of ['s1b', 'm1', 'vp', 's2a', 'm2']) {
    const res = await get('s1a', `/people/${P[h].id}`);
    isError(res, 404, 'not_found');
    // the same answer as for a missing id, but for the id itself
    assert.equal(res.body.error.message.replaceAll(String(P[h].id), 'ID'), missing.body.error.message.replaceAll('987654', 'ID'));
    assert.ok(!res.text.includes(ORG[h].email) && !res.text.includes(ORG[h].name), `the 404 leaks ${h}: ${res.text}`);
  }
  // the same reads as the admin succeed: the 404s come from visibility
  for (const h of ['s1b', 'm1']) assert.equal((await get('admin', `/people/${P[h].id}`)).status, 200);
});

test('a seller listing people sees only themself', async () => {
  const res = await get('s1a', '/people');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(names(res.body.people), [ORG.s1a.name]);
  // filters cannot widen it
  assert.deepEqual(names((await get('s1a', `/people?manager_id=${P.m1.id}`)).body.people), [ORG.s1a.name]);
  assert.deepEqual(names((await get('s1a', `/people?team_id=${org.teams.North.id}`)).body.people), [ORG.s1a.name]);
});

test('a manager reading outside their subtree gets 404 (their manager, a peer, a peer\'s sellers)', async () => {
  for (const h of ['vp', 'm2', 's2a', 's2b']) isError(await get('m1', `/people/${P[h].id}`), 404, 'not_found');
  for (const h of ['m1', 's1a', 's1b']) assert.equal((await get('m1', `/people/${P[h].id}`)).status, 200, h);
});

test('a manager listing people sees exactly themself and their subtree, sorted by name', async () => {
  const m1 = await get('m1', '/people');
  assert.equal(m1.status, 200, m1.text);
  assert.deepEqual(names(m1.body.people), sortedNames(['m1', 's1a', 's1b']));
  const m2 = await get('m2', '/people');
  assert.deepEqual(names(m2.body.people), sortedNames(['m2', 's2a', 's2b']));
  // a filter on the other manager gives nothing rather than their people
  assert.deepEqual((await get('m1', `/people?manager_id=${P.m2.id}`)).body.people, []);
  assert.deepEqual(names((await get('m1', `/people?manager_id=${P.m1.id}`)).body.people), sortedNames(['s1a', 's1b']));
});

test('the VP (a manager at the top) sees the whole tree, at any depth', async () => {
  const res = await get('vp', '/people');
  assert.deepEqual(names(res.body.people), sortedNames(Object.keys(ORG)));
  assert.equal((await get('vp', `/people/${P.s2b.id}`)).status, 200);
});

test('an admin sees everyone, including people outside the tree', async () => {
  const loner = await call(base, 'POST', '/people', { session: org.admin, body: { name: 'Zoe Loner', email: 'zoe.loner@test.example', start_date: '2025-01-01' } });
  assert.equal(loner.status, 201, loner.text);
  const res = await get('admin', '/people');
  assert.deepEqual(names(res.body.people), [...sortedNames(Object.keys(ORG)), 'Zoe Loner'].sort());
  // and the VP does not see her
  isError(await get('vp', `/people/${loner.body.id}`), 404, 'not_found');
});

test('/people/{id}/reports gives the subtree with depth', async () => {
  const res = await get('vp', `/people/${P.vp.id}/reports`);
  assert.equal(res.status, 200, res.text);
  const got = Object.fromEntries(res.body.people.map((p) => [p.email, p.depth]));
  assert.deepEqual(got, {
    [ORG.m1.email]: 1, [ORG.m2.email]: 1,
    [ORG.s1a.email]: 2, [ORG.s1b.email]: 2, [ORG.s2a.email]: 2, [ORG.s2b.email]: 2,
  });
  const m1 = await get('m1', `/people/${P.m1.id}/reports`);
  assert.deepEqual(Object.fromEntries(m1.body.people.map((p) => [p.email, p.depth])), { [ORG.s1a.email]: 1, [ORG.s1b.email]: 1 });
  const leaf = await get('admin', `/people/${P.s1a.id}/reports`);
  assert.deepEqual(leaf.body.people, []);
});

test('/reports outside what you may see answers 404', async () => {
  isError(await get('m1', `/people/${P.vp.id}/reports`), 404, 'not_found');
  isError(await get('m1', `/people/${P.m2.id}/reports`), 404, 'not_found');
  isError(await get('s1a', `/people/${P.m1.id}/reports`), 404, 'not_found');
  assert.equal((await get('s1a', `/people/${P.s1a.id}/reports`)).status, 200);
  assert.equal((await get('vp', `/people/${P.m2.id}/reports`)).status, 200);
});

test('a manager or seller creating a person gets 403; the admin succeeds with the same body', async () => {
  const body = { name: 'New Hire', email: 'new.hire@test.example', start_date: '2026-09-01', manager_id: P.m1.id };
  isError(await call(base, 'POST', '/people', { session: await org.as('m1'), body }), 403, 'forbidden');
  isError(await call(base, 'POST', '/people', { session: await org.as('vp'), body }), 403, 'forbidden');
  isError(await call(base, 'POST', '/people', { session: await org.as('s1a'), body }), 403, 'forbidden');
  const ok = await call(base, 'POST', '/people', { session: org.admin, body });
  assert.equal(ok.status, 201, ok.text);
});

test('a manager patching someone in their own subtree gets 403; the admin succeeds', async () => {
  const path = `/people/${P.s1a.id}`;
  isError(await call(base, 'PATCH', path, { session: await org.as('m1'), body: { title: 'Senior AE' } }), 403, 'forbidden');
  isError(await call(base, 'PATCH', path, { session: await org.as('s1a'), body: { title: 'Senior AE' } }), 403, 'forbidden');
  assert.equal((await get('admin', path)).body.title, ORG.s1a.title);
  const ok = await call(base, 'PATCH', path, { session: org.admin, body: { title: 'Senior AE' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await get('m1', path)).body.title, 'Senior AE');
});

test('non-admins get 403 on teams (create), users, import and export; the admin gets through', async () => {
  const csv = 'name,email,start_date\nVis Import,vis.import@test.example,2025-01-01\n';
  for (const h of ['vp', 'm1', 's1a']) {
    const s = await org.as(h);
    isError(await call(base, 'POST', '/teams', { session: s, body: { name: `Team of ${h}` } }), 403, 'forbidden');
    isError(await call(base, 'GET', '/users', { session: s }), 403, 'forbidden');
    isError(await call(base, 'POST', '/users', { session: s, body: { email: `u-${h}@test.example`, password: 'long enough', role: 'admin' } }), 403, 'forbidden');
    isError(await call(base, 'PATCH', `/users/${s.user.id}`, { session: s, body: { role: 'admin' } }), 403, 'forbidden');
    isError(await call(base, 'GET', '/export/people', { session: s }), 403, 'forbidden');
    isError(await call(base, 'POST', '/import/people', { session: s, raw: csv, headers: { 'content-type': 'text/csv' } }), 403, 'forbidden');
  }
  assert.equal((await get('s1a', '/me')).body.user.role, 'seller', 'the refused role change did not happen');
  assert.equal((await call(base, 'POST', '/teams', { session: org.admin, body: { name: 'Team of admin' } })).status, 201);
  assert.equal((await get('admin', '/users')).status, 200);
  assert.equal((await get('admin', '/export/people')).status, 200);
  const imp = await call(base, 'POST', '/import/people', { session: org.admin, raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(imp.status, 200, imp.text);
  assert.deepEqual(imp.body, { created: 1, updated: 0 });
});

test('any logged-in user may list teams', async () => {
  const res = await get('s2b', '/teams');
  assert.equal(res.status, 200, res.text);
  assert.ok(res.body.teams.some((t) => t.name === 'North'));
});
