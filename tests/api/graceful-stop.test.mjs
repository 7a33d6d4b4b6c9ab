// SIGTERM: the server finishes the requests in flight, then exits 0. And the serve options.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_EMAIL, PASSWORD, call, cleanup, login, newDatabase, reinsOk, sleep, startServer } from './lib.mjs';

let db;
before(() => {
  db = newDatabase();
  reinsOk(['--db', db, 'user', 'add', '--email', ADMIN_EMAIL, '--role', 'admin', '--password', PASSWORD]);
});
after(cleanup);

test('an idle server exits 0 on SIGTERM, promptly', async () => {
  const server = await startServer(db);
  const t0 = Date.now();
  const { code, signal } = await server.stop('SIGTERM');
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
});

test('logins in flight at SIGTERM still get their answer, and the exit code is 0', async () => {
  const server = await startServer(db);
  // open three keep-alive connections first, so the logins need no new connection
  await Promise.all([1, 2, 3].map(() => call(server.url, 'GET', '/health')));
  // three logins: Argon2 makes each take ~100 ms, and hashing is limited to the cores
  const inflight = [1, 2, 3].map(() => login(server.url, ADMIN_EMAIL, PASSWORD).then((s) => s.res.status, (err) => err));
  // let them reach the server: a fixed wait, well short of one Argon2 hash
  await sleep(40);
  const t0 = Date.now();
  const stopped = server.stop('SIGTERM');
  const statuses = await Promise.all(inflight);
  assert.deepEqual(statuses, [200, 200, 200], String(statuses));
  const { code, signal } = await stopped;
  assert.equal(signal, null, `killed by ${signal}; stderr:\n${server.stderr()}`);
  assert.equal(code, 0, `exit code ${code}; stderr:\n${server.stderr()}`);
  assert.ok(Date.now() - t0 < 10000);
  // each request was logged
  const logged = server.logs().filter((l) => l.includes('/api/v1/session'));
  assert.equal(logged.length, 3, server.logs().join('\n'));
});

test('serve --quiet prints the listening line but no access log', async () => {
  const server = await startServer(db, { args: ['--quiet'] });
  const res = await call(server.url, 'GET', '/health');
  assert.equal(res.status, 200);
  assert.ok(res.requestId, 'still an X-Request-Id');
  await sleep(200);
  assert.equal(server.logs().filter((l) => l.includes(res.requestId)).length, 0, server.logs().join('\n'));
  assert.equal((await server.stop()).code, 0);
});

test('serve --threads 1 answers concurrent requests', async () => {
  const server = await startServer(db, { args: ['--threads', '1'] });
  const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => call(server.url, 'GET', '/health')));
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200, 200]);
  assert.equal((await server.stop()).code, 0);
});
