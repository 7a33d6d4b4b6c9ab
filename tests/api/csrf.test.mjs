// CSRF: every state-changing request made with the session cookie needs X-CSRF-Token.
// Each refusal is paired with the same request carrying the right token, which succeeds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, PASSWORD, call, cleanup, isError, login, setup } from './lib.mjs';

let base, org, admin;
before(async () => {
  ({ base, org } = await setup({ users: ['s1a', 's2a'] }));
  admin = org.admin;
});
after(cleanup);

const teamNames = async () => (await call(base, 'GET', '/teams', { session: admin })).body.teams.map((t) => t.name);

test('POST without X-CSRF-Token answers 403 and creates nothing', async () => {
  isError(await call(base, 'POST', '/teams', { session: admin, csrf: false, body: { name: 'NoToken' } }), 403, 'forbidden');
  assert.ok(!(await teamNames()).includes('NoToken'));
  const ok = await call(base, 'POST', '/teams', { session: admin, body: { name: 'NoToken' } });
  assert.equal(ok.status, 201, ok.text);
});

test('POST with a wrong X-CSRF-Token answers 403', async () => {
  isError(await call(base, 'POST', '/teams', { session: admin, csrf: 'x'.repeat(admin.csrf.length), body: { name: 'WrongToken' } }), 403, 'forbidden');
  isError(await call(base, 'POST', '/teams', { session: admin, csrf: admin.csrf.slice(0, -1), body: { name: 'WrongToken' } }), 403, 'forbidden');
  isError(await call(base, 'POST', '/teams', { session: admin, csrf: admin.csrf + 'a', body: { name: 'WrongToken' } }), 403, 'forbidden');
  assert.ok(!(await teamNames()).includes('WrongToken'));
  assert.equal((await call(base, 'POST', '/teams', { session: admin, body: { name: 'WrongToken' } })).status, 201);
});

test("another user's CSRF token does not work with my cookie", async () => {
  const seller = await org.as('s1a');
  assert.notEqual(seller.csrf, admin.csrf);
  isError(await call(base, 'POST', '/teams', { session: admin, csrf: seller.csrf, body: { name: 'Borrowed' } }), 403, 'forbidden');
  assert.equal((await call(base, 'POST', '/teams', { session: admin, body: { name: 'Borrowed' } })).status, 201);
});

test('PATCH without or with a wrong token answers 403 and changes nothing', async () => {
  const id = org.people.s1b.id;
  isError(await call(base, 'PATCH', `/people/${id}`, { session: admin, csrf: false, body: { title: 'Changed' } }), 403, 'forbidden');
  isError(await call(base, 'PATCH', `/people/${id}`, { session: admin, csrf: 'nope', body: { title: 'Changed' } }), 403, 'forbidden');
  assert.equal((await call(base, 'GET', `/people/${id}`, { session: admin })).body.title, ORG.s1b.title);
  const ok = await call(base, 'PATCH', `/people/${id}`, { session: admin, body: { title: 'Changed' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await call(base, 'GET', `/people/${id}`, { session: admin })).body.title, 'Changed');
});

test('DELETE of a token without or with a wrong CSRF token answers 403 and revokes nothing', async () => {
  const created = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'csrf test' } });
  assert.equal(created.status, 201, created.text);
  const { token, secret } = created.body;
  isError(await call(base, 'DELETE', `/tokens/${token.id}`, { session: admin, csrf: false }), 403, 'forbidden');
  isError(await call(base, 'DELETE', `/tokens/${token.id}`, { session: admin, csrf: 'nope' }), 403, 'forbidden');
  assert.equal((await call(base, 'GET', '/me', { session: { token: secret } })).status, 200, 'the token still works');
  const ok = await call(base, 'DELETE', `/tokens/${token.id}`, { session: admin });
  assert.equal(ok.status, 204, ok.text);
  assert.equal((await call(base, 'GET', '/me', { session: { token: secret } })).status, 401);
});

test('logout (DELETE /session) without the CSRF token answers 403 and the session lives on', async () => {
  const s = await login(base, ORG.s2a.email, PASSWORD);
  isError(await call(base, 'DELETE', '/session', { session: s, csrf: false }), 403, 'forbidden');
  assert.equal((await call(base, 'GET', '/me', { session: s })).status, 200);
  const ok = await call(base, 'DELETE', '/session', { session: s });
  assert.ok(ok.status === 200 || ok.status === 204, ok.text);
  assert.equal((await call(base, 'GET', '/me', { session: s })).status, 401);
});

test('a seller needs the token too (POST /tokens)', async () => {
  const s = await org.as('s1a');
  isError(await call(base, 'POST', '/tokens', { session: s, csrf: false, body: { name: 'mine' } }), 403, 'forbidden');
  assert.equal((await call(base, 'POST', '/tokens', { session: s, body: { name: 'mine' } })).status, 201);
});

test('GET needs no CSRF token', async () => {
  assert.equal((await call(base, 'GET', '/people', { session: admin, csrf: false })).status, 200);
  assert.equal((await call(base, 'GET', '/me', { session: admin, csrf: false })).status, 200);
});

test('a Bearer token needs no CSRF token', async () => {
  const created = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'bearer csrf' } });
  assert.equal(created.status, 201, created.text);
  const res = await call(base, 'POST', '/teams', { session: { token: created.body.secret }, body: { name: 'ByBearer' } });
  assert.equal(res.status, 201, res.text);
});
