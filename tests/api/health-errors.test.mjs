// Health, the error shape, routing errors, strict JSON bodies, body limits, request ids.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ON_PG, call, cleanup, isError, rawRequest, setup, waitForLog } from './lib.mjs';

let base, org, server;
before(async () => {
  ({ base, org, server } = await setup({ users: false }));
});
after(cleanup);

test('GET /health answers without login, with the documented shape', async () => {
  const res = await call(base, 'GET', '/health');
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(res.body.status, 'ok');
  assert.ok(Number.isInteger(res.body.schema_version) && res.body.schema_version >= 1, res.text);
  assert.match(res.body.version, /^\d+\.\d+\.\d+/);
  if (ON_PG) assert.match(res.body.database, /^postgres(ql)?$/);
  else assert.equal(res.body.database, 'sqlite');
  assert.deepEqual(Object.keys(res.body).sort(), ['database', 'schema_version', 'status', 'version']);
});

test('an unknown route answers 404 with the error shape', async () => {
  const res = await call(base, 'GET', '/no-such-thing', { session: org.admin });
  isError(res, 404, 'not_found');
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  // and a route that exists answers, so the 404 is about the route
  assert.equal((await call(base, 'GET', '/teams', { session: org.admin })).status, 200);
});

test('an unknown id answers 404 not_found', async () => {
  isError(await call(base, 'GET', '/people/987654', { session: org.admin }), 404, 'not_found');
});

test('a route with the wrong method answers 405 with Allow', async () => {
  const res = await call(base, 'DELETE', '/teams', { session: org.admin });
  isError(res, 405, 'method_not_allowed');
  const allow = (res.headers.get('allow') ?? '').split(',').map((s) => s.trim());
  assert.ok(allow.includes('GET') && allow.includes('POST'), `Allow: ${res.headers.get('allow')}`);
  assert.ok(!allow.includes('DELETE'), `Allow: ${res.headers.get('allow')}`);

  const id = org.people.s1a.id;
  const res2 = await call(base, 'PUT', `/people/${id}`, { session: org.admin, body: { name: 'X' } });
  isError(res2, 405, 'method_not_allowed');
  const allow2 = (res2.headers.get('allow') ?? '').split(',').map((s) => s.trim());
  assert.ok(allow2.includes('GET') && allow2.includes('PATCH'), `Allow: ${res2.headers.get('allow')}`);

  const res3 = await call(base, 'POST', '/health', { body: {} });
  isError(res3, 405, 'method_not_allowed');
  assert.ok((res3.headers.get('allow') ?? '').split(',').map((s) => s.trim()).includes('GET'), `Allow: ${res3.headers.get('allow')}`);
});

test('malformed JSON answers 400 invalid, and the well-formed request succeeds', async () => {
  isError(await call(base, 'POST', '/teams', { session: org.admin, raw: '{"name": "Malformed"' }), 400, 'invalid');
  isError(await call(base, 'POST', '/teams', { session: org.admin, raw: '{"name": "Trailing"} x' }), 400, 'invalid');
  isError(await call(base, 'POST', '/teams', { session: org.admin, raw: '["name"]' }), 400, 'invalid');
  isError(await call(base, 'POST', '/teams', { session: org.admin, raw: '' }), 400, 'invalid');
  // not a 401: the body is judged even before the credentials on login
  isError(await call(base, 'POST', '/session', { raw: '{"email": ' }), 400, 'invalid');
  const ok = await call(base, 'POST', '/teams', { session: org.admin, raw: '{"name": "Malformed"}' });
  assert.equal(ok.status, 201, ok.text);
});

test('an unknown field answers 400 and nothing is created', async () => {
  const res = await call(base, 'POST', '/teams', { session: org.admin, body: { name: 'Colourful', colour: 'red' } });
  const e = isError(res, 400, 'invalid');
  if ('field' in e) assert.equal(e.field, 'colour');
  const teams = (await call(base, 'GET', '/teams', { session: org.admin })).body.teams;
  assert.ok(!teams.some((t) => t.name === 'Colourful'), 'the refused team was created');
  const ok = await call(base, 'POST', '/teams', { session: org.admin, body: { name: 'Colourful' } });
  assert.equal(ok.status, 201, ok.text);
  // an unknown field on PATCH too
  const p = await call(base, 'PATCH', `/people/${org.people.s1b.id}`, { session: org.admin, body: { nickname: 'B' } });
  isError(p, 400, 'invalid');
});

test('a wrong-typed field answers 400 naming it', async () => {
  const e = isError(await call(base, 'POST', '/teams', { session: org.admin, body: { name: 42 } }), 400, 'invalid');
  if ('field' in e) assert.equal(e.field, 'name');
});

test('a duplicated JSON key answers 400 and nothing is created', async () => {
  const res = await call(base, 'POST', '/teams', { session: org.admin, raw: '{"name":"DupA","name":"DupB"}' });
  isError(res, 400, 'invalid');
  const teams = (await call(base, 'GET', '/teams', { session: org.admin })).body.teams;
  assert.ok(!teams.some((t) => t.name === 'DupA' || t.name === 'DupB'), JSON.stringify(teams));
  const ok = await call(base, 'POST', '/teams', { session: org.admin, raw: '{"name":"DupA"}' });
  assert.equal(ok.status, 201, ok.text);
});

test('hostile JSON answers 400 and the server lives on', async () => {
  const bodies = [
    Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"name":"\xff\xfe"}: not UTF-8
    '{"name":"nul\\u0000inside"}',
    '['.repeat(100000) + ']'.repeat(100000),
    '{"name":' + '{"a":'.repeat(50000) + '1' + '}'.repeat(50001),
    '{"name":"x", "name2": 1e999999}',
  ];
  for (const raw of bodies) {
    const res = await call(base, 'POST', '/teams', { session: org.admin, raw });
    isError(res, 400, 'invalid');
  }
  for (const id of ['9223372036854775808', '1e300', '-5', '0', '1.5', '"7"', 'true']) {
    const res = await call(base, 'PATCH', `/people/${org.people.s1a.id}`, { session: org.admin, raw: `{"manager_id":${id}}` });
    const e = isError(res, 400, 'invalid');
    if ('field' in e) assert.equal(e.field, 'manager_id', res.text);
  }
  assert.equal((await call(base, 'GET', '/health')).status, 200);
});

const MiB = 1024 * 1024;
// A login body padded with whitespace to `size` bytes: valid JSON.
function paddedLogin(size) {
  const core = '"email":"nobody@test.example","password":"wrong password"}';
  return '{' + ' '.repeat(size - core.length - 1) + core;
}

test('a JSON body just under 1 MiB is read (so the limit is not smaller)', async () => {
  const res = await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json' }, body: paddedLogin(MiB - 16) });
  assert.equal(res.status, 401, res.text);
});

test('a body over 1 MiB with a declared Content-Length answers 413 too_large', async () => {
  const res = await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json' }, body: paddedLogin(MiB + 4096), earlyWaitMs: 3000 });
  assert.equal(res.status, 413, res.text);
  assert.equal(JSON.parse(res.text).error.code, 'too_large');
  assert.ok(res.headers['x-request-id'], 'X-Request-Id on the 413');
});

test('a client sending an oversize body at once (no pause after the headers) gets the 413, not a reset', async () => {
  // Browsers and most clients send the body right behind the headers. A server that
  // answers early must read (drain) what follows before closing, or the client's
  // kernel gets a reset and the 413 is lost (RFC 9112 section 9.6, lingering close).
  const outcomes = [];
  for (let i = 0; i < 5; i++) {
    try {
      outcomes.push((await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json' }, body: paddedLogin(MiB + 200_000), earlyWaitMs: 0 })).status);
    } catch (err) {
      outcomes.push(err.message);
    }
  }
  assert.deepEqual(outcomes, [413, 413, 413, 413, 413]);
});

test('a declared Content-Length over 1 MiB with Expect: 100-continue answers 413 before the body is sent', async () => {
  // only 10 bytes follow the headers: the server must judge the declared length
  const res = await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json', expect: '100-continue' }, body: '{"a":"b"} ', declaredLength: 2 * MiB });
  assert.equal(res.status, 413, res.text);
});

test('a chunked body over 1 MiB answers 413 too_large', async () => {
  const res = await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json' }, body: paddedLogin(MiB + 4096), chunked: true });
  assert.equal(res.status, 413, res.text);
  assert.equal(JSON.parse(res.text).error.code, 'too_large');
  // a small chunked body is fine
  const ok = await rawRequest(base, { path: '/session', headers: { 'content-type': 'application/json' }, body: paddedLogin(2000), chunked: true });
  assert.equal(ok.status, 401, ok.text);
});

test('the server still serves after the 413s', async () => {
  assert.equal((await call(base, 'GET', '/health')).status, 200);
});

test('every response carries an X-Request-Id, unique per request', async () => {
  const responses = [
    await call(base, 'GET', '/health'),
    await call(base, 'GET', '/health'),
    await call(base, 'GET', '/no-such-thing'),
    await call(base, 'GET', '/people'), // 401
    await call(base, 'POST', '/teams', { session: org.admin, raw: '{' }), // 400
  ];
  const ids = responses.map((r) => r.requestId);
  for (const [i, id] of ids.entries()) assert.ok(id, `response ${i} (${responses[i].status}) has no X-Request-Id`);
  assert.equal(new Set(ids).size, ids.length, `ids not unique: ${ids}`);
});

test('the request id appears in the access log line of that request', async () => {
  const res = await call(base, 'GET', '/teams', { session: org.admin });
  const id = res.requestId;
  assert.ok(id);
  const line = await waitForLog(server, (l) => l.includes(id));
  assert.ok(line, `no access log line with ${id}; last lines:\n${server.logs().slice(-5).join('\n')}`);
  assert.ok(line.includes('/api/v1/teams'), line);
  // a refused request is logged too
  const bad = await call(base, 'GET', '/people');
  assert.ok(await waitForLog(server, (l) => l.includes(bad.requestId)), `no log line for ${bad.requestId}`);
});

test('the access log line carries time, request id, client, method, path, status and user (docs/api.md)', async () => {
  const res = await call(base, 'GET', '/health');
  const line = await waitForLog(server, (l) => l.includes(res.requestId));
  assert.ok(line, 'no log line');
  const fields = line.split(' ');
  assert.match(fields[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(fields[1], res.requestId);
  assert.equal(fields[2], '127.0.0.1');
  assert.equal(fields[3], 'GET');
  assert.equal(fields[4], '/api/v1/health');
  assert.equal(fields[5], '200');
  assert.match(line, /user=-$/);
});
