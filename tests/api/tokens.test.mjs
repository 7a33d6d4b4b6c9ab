// API tokens: create, use as Bearer, list, revoke, who may revoke what.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, call, cleanup, isError, setup } from './lib.mjs';

let base, org, admin;
let adminTok; // {token, secret}
before(async () => {
  ({ base, org } = await setup({ users: ['m1', 's1a', 's1b'] }));
  admin = org.admin;
});
after(cleanup);

test('POST /tokens: 201 with the token and its secret, shown once', async () => {
  const res = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'CRM sync' } });
  assert.equal(res.status, 201, res.text);
  adminTok = res.body;
  const { token, secret } = res.body;
  assert.match(secret, /^rns_\S{20,}$/);
  assert.ok(Number.isInteger(token.id));
  assert.equal(token.name, 'CRM sync');
  assert.equal(token.user_id, admin.user.id);
  assert.equal(typeof token.prefix, 'string');
  assert.ok(secret.startsWith(token.prefix) && token.prefix.length < secret.length, `prefix ${token.prefix} of ${secret}`);
  const list = await call(base, 'GET', '/tokens', { session: admin });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.tokens.some((t) => t.id === token.id && t.name === 'CRM sync' && t.prefix === token.prefix));
  assert.ok(!list.text.includes(secret), 'the list shows the secret again');
  for (const t of list.body.tokens) {
    assert.deepEqual(Object.keys(t).sort(), ['created_at', 'id', 'last_used_at', 'name', 'prefix', 'revoked_at', 'user_id']);
  }
});

test('the token in the 201 has the fields of the list (created_at, last_used_at, revoked_at)', async () => {
  const { token } = adminTok;
  assert.ok(Number.isInteger(token.created_at) && Math.abs(token.created_at - Date.now() / 1000) < 300, `created_at in ${JSON.stringify(token)}`);
  assert.equal(token.last_used_at, null, JSON.stringify(token));
  assert.equal(token.revoked_at, null, JSON.stringify(token));
});

test('a token without a name answers 400', async () => {
  isError(await call(base, 'POST', '/tokens', { session: admin, body: {} }), 400, 'invalid');
});

test('a Bearer token authenticates, and state-changing requests need no CSRF token', async () => {
  const bearer = { token: adminTok.secret };
  const me = await call(base, 'GET', '/me', { session: bearer });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.body.user.id, admin.user.id);
  assert.ok(!('csrf_token' in me.body) || me.body.csrf_token == null, `csrf_token with a Bearer token: ${me.text}`);
  const team = await call(base, 'POST', '/teams', { session: bearer, body: { name: 'Bearer Team' } });
  assert.equal(team.status, 201, team.text);
  const patch = await call(base, 'PATCH', `/people/${org.people.s1a.id}`, { session: bearer, body: { title: 'Via Token' } });
  assert.equal(patch.status, 200, patch.text);
});

test('an unknown or malformed Bearer token answers 401', async () => {
  const forged = adminTok.secret.slice(0, -2) + (adminTok.secret.endsWith('AA') ? 'BB' : 'AA');
  isError(await call(base, 'GET', '/me', { session: { token: forged } }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { session: { token: 'rns_' } }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { headers: { authorization: 'Bearer' } }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }), 401, 'unauthorized');
});

test('a seller token sees what the seller sees', async () => {
  const s = await org.as('s1a');
  const res = await call(base, 'POST', '/tokens', { session: s, body: { name: 'my phone' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.token.user_id, s.user.id);
  const bearer = { token: res.body.secret };
  const people = await call(base, 'GET', '/people', { session: bearer });
  assert.deepEqual(people.body.people.map((p) => p.email), [ORG.s1a.email]);
  isError(await call(base, 'POST', '/teams', { session: bearer, body: { name: 'No' } }), 403, 'forbidden');
});

test('a seller lists only their own tokens; an admin sees all', async () => {
  const s = await org.as('s1a');
  const mine = (await call(base, 'GET', '/tokens', { session: s })).body.tokens;
  assert.ok(mine.length >= 1);
  assert.ok(mine.every((t) => t.user_id === s.user.id), JSON.stringify(mine));
  const all = (await call(base, 'GET', '/tokens', { session: admin })).body.tokens;
  assert.ok(all.some((t) => t.user_id === s.user.id) && all.some((t) => t.user_id === admin.user.id));
});

test("a seller cannot revoke the admin's token; the admin's token keeps working", async () => {
  const s = await org.as('s1b');
  const res = await call(base, 'DELETE', `/tokens/${adminTok.token.id}`, { session: s });
  assert.ok(res.status === 403 || res.status === 404, `${res.status} ${res.text}`);
  // docs/api.md: someone else's token answers 404, as one that does not exist
  isError(res, 404, 'not_found');
  assert.equal((await call(base, 'GET', '/me', { session: { token: adminTok.secret } })).status, 200);
  // the seller may revoke their own
  const own = await call(base, 'POST', '/tokens', { session: s, body: { name: 'own' } });
  assert.equal((await call(base, 'DELETE', `/tokens/${own.body.token.id}`, { session: s })).status, 204);
  assert.equal((await call(base, 'GET', '/me', { session: { token: own.body.secret } })).status, 401);
});

test('a seller cannot create a token for another user', async () => {
  const s = await org.as('s1b');
  const res = await call(base, 'POST', '/tokens', { session: s, body: { name: 'for admin', user_id: admin.user.id } });
  assert.ok(res.status === 400 || res.status === 403, `${res.status} ${res.text}`);
});

test('an admin may create a token for another user, and revoke any token', async () => {
  const m1 = await org.as('m1');
  const res = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'for maya', user_id: m1.user.id } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.token.user_id, m1.user.id);
  const bearer = { token: res.body.secret };
  const me = await call(base, 'GET', '/me', { session: bearer });
  assert.equal(me.body.user.email, ORG.m1.email);
  assert.equal((await call(base, 'DELETE', `/tokens/${res.body.token.id}`, { session: admin })).status, 204);
  isError(await call(base, 'GET', '/me', { session: bearer }), 401, 'unauthorized');
});

test('DELETE /tokens/{id}: 204, then the token answers 401 and shows revoked_at', async () => {
  const created = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'short lived' } });
  const bearer = { token: created.body.secret };
  assert.equal((await call(base, 'GET', '/people', { session: bearer })).status, 200);
  const del = await call(base, 'DELETE', `/tokens/${created.body.token.id}`, { session: admin });
  assert.equal(del.status, 204, del.text);
  assert.equal(del.text, '');
  isError(await call(base, 'GET', '/people', { session: bearer }), 401, 'unauthorized');
  const t = (await call(base, 'GET', '/tokens', { session: admin })).body.tokens.find((x) => x.id === created.body.token.id);
  assert.ok(t && Number.isInteger(t.revoked_at), JSON.stringify(t));
  // the other token is untouched
  assert.equal((await call(base, 'GET', '/me', { session: { token: adminTok.secret } })).status, 200);
});

test('DELETE of a token that does not exist answers 404', async () => {
  isError(await call(base, 'DELETE', '/tokens/987654', { session: admin }), 404, 'not_found');
});

test('a used token has last_used_at', async () => {
  const t = (await call(base, 'GET', '/tokens', { session: admin })).body.tokens.find((x) => x.id === adminTok.token.id);
  assert.ok(Number.isInteger(t.last_used_at), JSON.stringify(t));
});

test('only an admin may make a token for someone else (403), and the token is theirs', async () => {
  const s = await org.as('s1b');
  const other = await org.as('s1a');
  isError(await call(base, 'POST', '/tokens', { session: s, body: { name: 'theirs', user_id: other.user.id } }), 403, 'forbidden', 'user_id');
  // naming oneself is fine
  const own = await call(base, 'POST', '/tokens', { session: s, body: { name: 'mine', user_id: s.user.id } });
  assert.equal(own.status, 201, own.text);
  const res = await call(base, 'POST', '/tokens', { session: admin, body: { name: 'for s1a', user_id: other.user.id } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.token.user_id, other.user.id);
  const me = await call(base, 'GET', '/me', { session: { token: res.body.secret } });
  assert.equal(me.body.user.id, other.user.id);
});
