// Two servers on the same database: sessions and tokens live in the database,
// so either server honours what the other issued, and a logout ends it on both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, PASSWORD, call, cleanup, isError, login, setup, startServer } from './lib.mjs';

let a, b, org;
before(async () => {
  let server;
  ({ server, org } = await setup({ users: ['m1', 's1a', 's2a'] }));
  a = server.url;
  b = (await startServer(org.dbUrl)).url;
  assert.notEqual(a, b);
});
after(cleanup);

test('a session made on one server is recognised by the other', async () => {
  const s = await login(a, ORG.m1.email, PASSWORD);
  const me = await call(b, 'GET', '/me', { session: s });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.email, ORG.m1.email);
  const people = await call(b, 'GET', '/people', { session: s });
  assert.equal(people.body.people.length, 3);
});

test("the CSRF token of a session works on the other server", async () => {
  const res = await call(b, 'POST', '/teams', { session: org.admin, body: { name: 'Made On B' } });
  assert.equal(res.status, 201, res.text);
  isError(await call(b, 'POST', '/teams', { session: org.admin, csrf: false, body: { name: 'No Token On B' } }), 403, 'forbidden');
  const teams = (await call(a, 'GET', '/teams', { session: org.admin })).body.teams;
  assert.ok(teams.some((t) => t.name === 'Made On B'), 'a write on B is read on A');
});

test('a logout on one server ends the session on both', async () => {
  const s = await login(b, ORG.s1a.email, PASSWORD);
  assert.equal((await call(a, 'GET', '/me', { session: s })).status, 200);
  assert.equal((await call(b, 'GET', '/me', { session: s })).status, 200);
  const out = await call(a, 'DELETE', '/session', { session: s });
  assert.ok(out.status === 200 || out.status === 204, out.text);
  isError(await call(a, 'GET', '/me', { session: s }), 401, 'unauthorized');
  isError(await call(b, 'GET', '/me', { session: s }), 401, 'unauthorized');
});

test('a token made on one server works on the other, and a revocation on either ends it on both', async () => {
  const created = await call(a, 'POST', '/tokens', { session: org.admin, body: { name: 'shared' } });
  assert.equal(created.status, 201, created.text);
  const bearer = { token: created.body.secret };
  assert.equal((await call(b, 'GET', '/me', { session: bearer })).status, 200);
  assert.equal((await call(b, 'DELETE', `/tokens/${created.body.token.id}`, { session: org.admin })).status, 204);
  isError(await call(a, 'GET', '/me', { session: bearer }), 401, 'unauthorized');
  isError(await call(b, 'GET', '/me', { session: bearer }), 401, 'unauthorized');
});

test('disabling a user on one server ends their session on the other', async () => {
  const s = await login(a, ORG.s2a.email, PASSWORD);
  assert.equal((await call(b, 'GET', '/me', { session: s })).status, 200);
  const res = await call(b, 'PATCH', `/users/${s.user.id}`, { session: org.admin, body: { disabled: true } });
  assert.equal(res.status, 200, res.text);
  isError(await call(a, 'GET', '/me', { session: s }), 401, 'unauthorized');
});

test('writes on both servers at once all land', async () => {
  const writes = [];
  for (let i = 0; i < 10; i++) {
    const url = i % 2 ? a : b;
    writes.push(call(url, 'POST', '/people', { session: org.admin, body: { name: `Parallel ${i}`, email: `parallel.${i}@test.example`, start_date: '2025-01-01', manager_id: org.people.m2.id } }));
  }
  const results = await Promise.all(writes);
  for (const r of results) assert.equal(r.status, 201, r.text);
  const list = (await call(a, 'GET', `/people?manager_id=${org.people.m2.id}`, { session: org.admin })).body.people;
  assert.equal(list.filter((p) => p.name.startsWith('Parallel ')).length, 10);
});

test('opposite manager changes racing on two servers never leave a cycle', async () => {
  const mk = (n) => call(a, 'POST', '/people', { session: org.admin, body: { name: `Race ${n}`, email: `race.${n}@test.example`, start_date: '2025-01-01' } });
  const pairs = [];
  for (let i = 0; i < 8; i++) pairs.push([(await mk(`p${i}`)).body.id, (await mk(`q${i}`)).body.id]);
  // in each pair, p under q (on A) and q under p (on B) at the same time: each legal alone
  const results = await Promise.all(pairs.map(([p, q]) => Promise.all([
    call(a, 'PATCH', `/people/${p}`, { session: org.admin, body: { manager_id: q } }),
    call(b, 'PATCH', `/people/${q}`, { session: org.admin, body: { manager_id: p } }),
  ])));
  const all = (await call(a, 'GET', '/people', { session: org.admin })).body.people;
  const managerOf = new Map(all.map((p) => [p.id, p.manager_id]));
  for (const [i, [p, q]] of pairs.entries()) {
    const [rp, rq] = results[i];
    for (const r of [rp, rq]) assert.ok(r.status === 200 || r.status === 400 || r.status === 409, `pair ${i}: ${r.status} ${r.text}`);
    assert.ok(!(managerOf.get(p) === q && managerOf.get(q) === p), `pair ${i}: ${p} and ${q} now manage each other (${rp.status}, ${rq.status})`);
    assert.ok(!(rp.status === 200 && rq.status === 200), `pair ${i}: both changes answered 200`);
  }
});
