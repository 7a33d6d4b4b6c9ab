// Users (admin): list, create, password policy, roles, disabling, password resets.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_EMAIL, ORG, PASSWORD, call, cleanup, isError, login, setup } from './lib.mjs';

let base, org, admin;
let person; // a person without a user yet
before(async () => {
  ({ base, org } = await setup());
  admin = org.admin;
  const res = await call(base, 'POST', '/people', { session: admin, body: { name: 'Uma User', email: 'uma.user@test.example', start_date: '2025-05-05', manager_id: org.people.m1.id } });
  assert.equal(res.status, 201, res.text);
  person = res.body;
});
after(cleanup);

const users = async () => (await call(base, 'GET', '/users', { session: admin })).body.users;

test('GET /users lists the users with role, person and disabled', async () => {
  const res = await call(base, 'GET', '/users', { session: admin });
  assert.equal(res.status, 200, res.text);
  const a = res.body.users.find((u) => u.email === ADMIN_EMAIL);
  assert.deepEqual({ ...a, id: 0 }, { id: 0, email: ADMIN_EMAIL, role: 'admin', person_id: null, disabled: false });
  const s = res.body.users.find((u) => u.email === ORG.s1a.email);
  assert.deepEqual({ ...s, id: 0 }, { id: 0, email: ORG.s1a.email, role: 'seller', person_id: org.people.s1a.id, disabled: false });
  assert.equal(res.body.users.length, 1 + Object.keys(ORG).length);
  assert.ok(!res.text.includes('argon2') && !res.text.includes('password'), 'no password hashes');
});

test('a password shorter than 8 characters answers 400 naming password; 8 is enough', async () => {
  const body = { email: 'uma.user@test.example', password: '1234567', role: 'seller', person_id: person.id };
  isError(await call(base, 'POST', '/users', { session: admin, body }), 400, 'invalid', 'password');
  assert.ok(!(await users()).some((u) => u.email === body.email));
  const res = await call(base, 'POST', '/users', { session: admin, body: { ...body, password: '12345678' } });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual({ ...res.body, id: 0 }, { id: 0, email: body.email, role: 'seller', person_id: person.id, disabled: false });
  const s = await login(base, body.email, '12345678');
  assert.equal(s.user.person_id, person.id);
});

test('a duplicate user email answers 409', async () => {
  isError(await call(base, 'POST', '/users', { session: admin, body: { email: ORG.s1a.email, password: 'long enough', role: 'seller', person_id: org.people.s1a.id } }), 409, 'conflict');
});

test('a bad role answers 400 naming role', async () => {
  isError(await call(base, 'POST', '/users', { session: admin, body: { email: 'boss@test.example', password: 'long enough', role: 'boss' } }), 400, 'invalid', 'role');
});

test('a manager or seller without person_id answers 400; an admin needs none', async () => {
  isError(await call(base, 'POST', '/users', { session: admin, body: { email: 'lonely@test.example', password: 'long enough', role: 'seller' } }), 400, 'invalid', 'person_id');
  isError(await call(base, 'POST', '/users', { session: admin, body: { email: 'lonely@test.example', password: 'long enough', role: 'manager' } }), 400, 'invalid', 'person_id');
  const res = await call(base, 'POST', '/users', { session: admin, body: { email: 'second.admin@test.example', password: 'long enough', role: 'admin' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.person_id, null);
  const s = await login(base, 'second.admin@test.example', 'long enough');
  assert.equal((await call(base, 'GET', '/users', { session: s })).status, 200, 'the new admin is an admin');
});

test('a person_id that does not exist is refused', async () => {
  const res = await call(base, 'POST', '/users', { session: admin, body: { email: 'ghost@test.example', password: 'long enough', role: 'seller', person_id: 987654 } });
  assert.ok(res.status === 400 || res.status === 404, `${res.status} ${res.text}`);
});

test('PATCH role: a seller becomes a manager and sees their subtree', async () => {
  const u = (await users()).find((x) => x.email === ORG.m2.email);
  const down = await call(base, 'PATCH', `/users/${u.id}`, { session: admin, body: { role: 'seller' } });
  assert.equal(down.status, 200, down.text);
  const s = await login(base, ORG.m2.email, PASSWORD);
  assert.equal(s.user.role, 'seller');
  assert.equal((await call(base, 'GET', '/people', { session: s })).body.people.length, 1, 'as a seller: only themself');
  const up = await call(base, 'PATCH', `/users/${u.id}`, { session: admin, body: { role: 'manager' } });
  assert.equal(up.status, 200, up.text);
  const s2 = await login(base, ORG.m2.email, PASSWORD);
  assert.equal((await call(base, 'GET', '/people', { session: s2 })).body.people.length, 3, 'as a manager: self + 2 sellers');
  isError(await call(base, 'PATCH', `/users/${u.id}`, { session: admin, body: { role: 'king' } }), 400, 'invalid', 'role');
  isError(await call(base, 'PATCH', `/users/${u.id}`, { session: admin, body: { email: 'x@y.z' } }), 400, 'invalid');
});

test('disabling a user ends their sessions and tokens and stops logins; enabling lets them back', async () => {
  const s = await login(base, ORG.s2a.email, PASSWORD);
  const tok = await call(base, 'POST', '/tokens', { session: s, body: { name: 'before disable' } });
  assert.equal(tok.status, 201, tok.text);
  const bearer = { token: tok.body.secret };
  assert.equal((await call(base, 'GET', '/me', { session: s })).status, 200);
  assert.equal((await call(base, 'GET', '/me', { session: bearer })).status, 200);
  const res = await call(base, 'PATCH', `/users/${s.user.id}`, { session: admin, body: { disabled: true } });
  assert.equal(res.status, 200, res.text);
  assert.equal((await users()).find((u) => u.id === s.user.id).disabled, true);
  isError(await call(base, 'GET', '/me', { session: s }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { session: bearer }), 401, 'unauthorized');
  const again = await call(base, 'POST', '/session', { body: { email: ORG.s2a.email, password: PASSWORD } });
  assert.ok(again.status === 401 || again.status === 403, `login of a disabled user: ${again.status} ${again.text}`);
  const on = await call(base, 'PATCH', `/users/${s.user.id}`, { session: admin, body: { disabled: false } });
  assert.equal(on.status, 200, on.text);
  const back = await login(base, ORG.s2a.email, PASSWORD);
  assert.equal((await call(base, 'GET', '/me', { session: back })).status, 200);
  isError(await call(base, 'GET', '/me', { session: s }), 401, 'unauthorized');
});

test('a password reset ends the sessions; the new password works, the old does not', async () => {
  const s = await login(base, ORG.s2b.email, PASSWORD);
  const res = await call(base, 'PATCH', `/users/${s.user.id}`, { session: admin, body: { password: 'a brand new one' } });
  assert.equal(res.status, 200, res.text);
  isError(await call(base, 'GET', '/me', { session: s }), 401, 'unauthorized');
  isError(await call(base, 'POST', '/session', { body: { email: ORG.s2b.email, password: PASSWORD } }), 401, 'unauthorized');
  await login(base, ORG.s2b.email, 'a brand new one');
  isError(await call(base, 'PATCH', `/users/${s.user.id}`, { session: admin, body: { password: 'short' } }), 400, 'invalid', 'password');
});

test('PATCH of a user that does not exist answers 404', async () => {
  isError(await call(base, 'PATCH', '/users/987654', { session: admin, body: { disabled: true } }), 404, 'not_found');
});

test('the last active admin cannot be disabled or demoted (409); with a second admin they can', async () => {
  const me = (await users()).find((u) => u.email === ADMIN_EMAIL);
  // earlier tests may have made other admins: leave this one the only active admin
  for (const u of (await users()).filter((x) => x.role === 'admin' && !x.disabled && x.id !== me.id)) {
    assert.equal((await call(base, 'PATCH', `/users/${u.id}`, { session: admin, body: { disabled: true } })).status, 200);
  }
  isError(await call(base, 'PATCH', `/users/${me.id}`, { session: admin, body: { disabled: true } }), 409, 'conflict');
  isError(await call(base, 'PATCH', `/users/${me.id}`, { session: admin, body: { role: 'manager' } }), 400, 'invalid', 'role');
  assert.equal((await users()).find((u) => u.id === me.id).disabled, false);
  const second = await call(base, 'POST', '/users', { session: admin, body: { email: 'last.admin.check@test.example', password: PASSWORD, role: 'admin' } });
  assert.equal(second.status, 201, second.text);
  const res = await call(base, 'PATCH', `/users/${second.body.id}`, { session: admin, body: { disabled: true } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.disabled, true);
  isError(await call(base, 'PATCH', `/users/${me.id}`, { session: admin, body: { disabled: true } }), 409, 'conflict');
});
