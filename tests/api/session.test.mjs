// Logging in and out, /me, cookies, throttling of failed logins.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_EMAIL, ORG, PASSWORD, call, cleanup, isError, login, newDatabase, reinsOk, setup, startServer } from './lib.mjs';

let base, org;
before(async () => {
  ({ base, org } = await setup());
});
after(cleanup);

test('login answers 200 with the user, a CSRF token and the session cookie', async () => {
  const res = await call(base, 'POST', '/session', { body: { email: ORG.s1a.email, password: PASSWORD } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.user.email, ORG.s1a.email);
  assert.equal(res.body.user.role, 'seller');
  assert.equal(res.body.user.person_id, org.people.s1a.id);
  assert.ok(Number.isInteger(res.body.user.id));
  assert.equal(typeof res.body.csrf_token, 'string');
  assert.ok(res.body.csrf_token.length >= 16, 'a CSRF token of some strength');
  assert.ok(!JSON.stringify(res.body).includes('password'), `the password (hash) leaks: ${res.text}`);
  const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('reins_session='));
  assert.equal(cookies.length, 1, JSON.stringify(res.headers.getSetCookie()));
  const value = cookies[0].split(';')[0].slice('reins_session='.length);
  assert.ok(value.length >= 20, `a session id of some strength: ${value}`);
});

test('the session cookie is HttpOnly and SameSite=Strict', async () => {
  const s = await login(base, ORG.s1b.email, PASSWORD);
  const attrs = s.setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
  assert.ok(attrs.includes('httponly'), s.setCookie);
  assert.ok(attrs.includes('samesite=strict'), s.setCookie);
});

test('two logins give two different sessions', async () => {
  const a = await login(base, ORG.s2a.email, PASSWORD);
  const b = await login(base, ORG.s2a.email, PASSWORD);
  assert.notEqual(a.cookie, b.cookie);
});

test('the email is matched without regard to case', async () => {
  const s = await login(base, ORG.s2b.email.toUpperCase(), PASSWORD);
  assert.equal(s.user.email, ORG.s2b.email);
});

let wrongMessage;
test('a wrong password answers 401 unauthorized', async () => {
  const res = await call(base, 'POST', '/session', { body: { email: ORG.m1.email, password: 'not the password' } });
  wrongMessage = isError(res, 401, 'unauthorized').message;
  assert.equal(res.headers.getSetCookie().filter((c) => /^reins_session=[^;]+/.test(c) && !/max-age=0/i.test(c)).length, 0, 'no session cookie on a failed login');
});

test('an unknown email answers 401 with the same message as a wrong password', async () => {
  const res = await call(base, 'POST', '/session', { body: { email: 'nobody@test.example', password: 'not the password' } });
  const e = isError(res, 401, 'unauthorized');
  assert.equal(e.message, wrongMessage);
});

test('a login body with a missing or unknown field answers 400', async () => {
  isError(await call(base, 'POST', '/session', { body: { email: ORG.m1.email } }), 400, 'invalid');
  isError(await call(base, 'POST', '/session', { body: { email: ORG.m1.email, password: PASSWORD, remember: true } }), 400, 'invalid');
});

test('after 5 failed logins for one email the next answers 429 with Retry-After, even with the right password', async () => {
  const email = ORG.m2.email;
  // the right password works before
  await login(base, email, PASSWORD);
  for (let i = 1; i <= 5; i++) {
    const res = await call(base, 'POST', '/session', { body: { email, password: `wrong ${i}` } });
    isError(res, 401, 'unauthorized');
  }
  const res = await call(base, 'POST', '/session', { body: { email, password: PASSWORD } });
  isError(res, 429, 'rate_limited');
  const retry = res.headers.get('retry-after');
  assert.match(retry ?? '', /^\d+$/, `Retry-After: ${retry}`);
  assert.ok(Number(retry) > 0 && Number(retry) <= 15 * 60, `Retry-After: ${retry}`);
  // the same email in another case is the same email
  isError(await call(base, 'POST', '/session', { body: { email: email.toUpperCase(), password: PASSWORD } }), 429, 'rate_limited');
  // another email is not throttled
  await login(base, ORG.s1a.email, PASSWORD);
});

test('GET /me of a seller: user, person and csrf_token', async () => {
  const s = await org.as('s1a');
  const res = await call(base, 'GET', '/me', { session: s });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(
    { id: res.body.user.id, email: res.body.user.email, role: res.body.user.role, person_id: res.body.user.person_id },
    { id: s.user.id, email: ORG.s1a.email, role: 'seller', person_id: org.people.s1a.id },
  );
  assert.equal(res.body.person.id, org.people.s1a.id);
  assert.equal(res.body.person.email, ORG.s1a.email);
  assert.equal(res.body.person.name, ORG.s1a.name);
  assert.equal(typeof res.body.csrf_token, 'string');
});

test('GET /me and the login answer name the manager, whose page a seller still may not read', async () => {
  const s = await org.as('s1a');
  const res = await call(base, 'GET', '/me', { session: s });
  assert.deepEqual(res.body.manager, { id: org.people.m1.id, name: ORG.m1.name, title: ORG.m1.title, email: ORG.m1.email });
  isError(await call(base, 'GET', `/people/${org.people.m1.id}`, { session: s }), 404, 'not_found');
  const fresh = await call(base, 'POST', '/session', { body: { email: ORG.s1a.email, password: PASSWORD } });
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(fresh.body.person.id, org.people.s1a.id);
  assert.equal(fresh.body.manager.id, org.people.m1.id);
  const vp = await call(base, 'GET', '/me', { session: await org.as('vp') });
  assert.equal(vp.body.manager, null);
});

test('GET /me of an admin without a person: person is null', async () => {
  const res = await call(base, 'GET', '/me', { session: org.admin });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.user.email, ADMIN_EMAIL);
  assert.equal(res.body.user.role, 'admin');
  assert.equal(res.body.user.person_id, null);
  assert.equal(res.body.person, null);
});

test('the CSRF token from /me works for a state-changing request', async () => {
  const me = await call(base, 'GET', '/me', { session: org.admin });
  const res = await call(base, 'POST', '/teams', { session: org.admin, csrf: me.body.csrf_token, body: { name: 'Via Me' } });
  assert.equal(res.status, 201, res.text);
});

test('without a cookie, /me and /people answer 401', async () => {
  isError(await call(base, 'GET', '/me'), 401, 'unauthorized');
  isError(await call(base, 'GET', '/people'), 401, 'unauthorized');
  isError(await call(base, 'GET', '/teams'), 401, 'unauthorized');
});

test('a garbage or tampered session cookie answers 401', async () => {
  const s = await org.as('s1b');
  assert.equal((await call(base, 'GET', '/me', { session: s })).status, 200);
  isError(await call(base, 'GET', '/me', { headers: { cookie: 'reins_session=garbage' } }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { headers: { cookie: 'reins_session=' } }), 401, 'unauthorized');
  const value = s.cookie.slice('reins_session='.length);
  const flipped = value.slice(0, -1) + (value.endsWith('A') ? 'B' : 'A');
  isError(await call(base, 'GET', '/me', { headers: { cookie: `reins_session=${flipped}` } }), 401, 'unauthorized');
  isError(await call(base, 'GET', '/me', { headers: { cookie: `reins_session=${value}x` } }), 401, 'unauthorized');
  // the cookie among others still works
  assert.equal((await call(base, 'GET', '/me', { headers: { cookie: `theme=dark; ${s.cookie}; lang=en` } })).status, 200);
});

test('logout ends the session in the database and clears the cookie', async () => {
  const s = await login(base, ORG.s2b.email, PASSWORD);
  const other = await login(base, ORG.s2b.email, PASSWORD);
  assert.equal((await call(base, 'GET', '/me', { session: s })).status, 200);
  const res = await call(base, 'DELETE', '/session', { session: s });
  assert.ok(res.status === 200 || res.status === 204, `${res.status} ${res.text}`);
  const cleared = res.headers.getSetCookie().find((c) => c.startsWith('reins_session='));
  assert.ok(cleared, 'a Set-Cookie clearing reins_session');
  assert.ok(/max-age=0/i.test(cleared) || /expires=thu, 01 jan 1970/i.test(cleared) || /^reins_session=;/.test(cleared), cleared);
  isError(await call(base, 'GET', '/me', { session: s }), 401, 'unauthorized');
  isError(await call(base, 'POST', '/tokens', { session: s, body: { name: 'after logout' } }), 401, 'unauthorized');
  // only that session ended
  assert.equal((await call(base, 'GET', '/me', { session: other })).status, 200);
});

// A database and server of their own, with only the admin: failures elsewhere
// in this file count for 127.0.0.1 too.
async function freshServer() {
  const db = newDatabase();
  reinsOk(['--db', db, 'user', 'add', '--email', ADMIN_EMAIL, '--role', 'admin', '--password', PASSWORD]);
  return startServer(db);
}

test('20 concurrent wrong passwords for one email: at most 5 are judged, the rest answer 429', async () => {
  const server = await freshServer();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(server.url, 'POST', '/session', { body: { email: ADMIN_EMAIL, password: `wrong ${i}` } })));
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.every((st) => st === 401 || st === 429), String(statuses));
  assert.ok(statuses.filter((st) => st === 401).length <= 5, `more than 5 attempts were judged: ${statuses}`);
  isError(await call(server.url, 'POST', '/session', { body: { email: ADMIN_EMAIL, password: PASSWORD } }), 429, 'rate_limited');
  await server.stop();
});

test('after 30 failed logins from one address, even a good login from it answers 429', async () => {
  const server = await freshServer();
  await login(server.url, ADMIN_EMAIL, PASSWORD);
  // each with a made-up X-Forwarded-For: without --trusted-proxy it must not count as another address
  const fail = (i) => call(server.url, 'POST', '/session', { body: { email: `stranger.${i}@test.example`, password: 'guess' }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
  // 28 failures four at a time, then two more one by one: all 401 (each email fails once)
  for (let i = 0; i < 28; i += 4) {
    for (const r of await Promise.all([fail(i), fail(i + 1), fail(i + 2), fail(i + 3)])) isError(r, 401, 'unauthorized');
  }
  isError(await fail(28), 401, 'unauthorized');
  isError(await fail(29), 401, 'unauthorized');
  const res = await call(server.url, 'POST', '/session', { body: { email: ADMIN_EMAIL, password: PASSWORD } });
  isError(res, 429, 'rate_limited');
  assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
  assert.ok(!server.logs().some((l) => l.includes('203.0.113.')), 'the access log shows the forged address');
  await server.stop();
});

test('the stored session is not the raw cookie', { skip: 'not observable through the API or the CLI' }, () => {});
test('a session expires after 12 hours idle / 7 days', { skip: 'needs a clock the tests cannot move' }, () => {});
