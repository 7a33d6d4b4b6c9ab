// The command line: init, user, import/export, backup, demo.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import {
  ON_PG, PASSWORD, byEmail, call, cleanup, csvRecords, login, newDatabase, reins, reinsOk,
  secretFile, startServer, tempDir,
} from './lib.mjs';

after(cleanup);

const GOOD_CSV = [
  'name,email,title,manager_email,team,start_date,status',
  'Olga Owner,olga@cli.example,VP Sales,,,2023-01-01,active',
  'Mark Middle,mark@cli.example,Sales Manager,olga@cli.example,East,2023-06-01,active',
  'Sara Seller,sara@cli.example,"AE, Mid-Market",mark@cli.example,East,2024-02-01,leaving',
  'Tom Seller,tom@cli.example,SDR,mark@cli.example,East,2024-03-01,',
  '',
].join('\n');

function writeTemp(name, text) {
  const file = path.join(tempDir(), name);
  writeFileSync(file, text);
  return file;
}

test('init twice is idempotent and keeps the data', () => {
  const db = newDatabase(); // ran init once
  reinsOk(['--db', db, 'user', 'add', '--email', 'keep@cli.example', '--role', 'admin', '--password', PASSWORD]);
  reinsOk(['--db', db, 'init']);
  reinsOk(['init', '--db', db]); // --db after the command
  assert.match(reinsOk(['--db', db, 'user', 'list']), /keep@cli\.example/);
});

test('the database comes from REINS_DB when --db is not given', () => {
  const db = newDatabase();
  reinsOk(['--db', db, 'user', 'add', '--email', 'env@cli.example', '--role', 'admin', '--password', PASSWORD]);
  assert.match(reinsOk(['user', 'list'], { env: { REINS_DB: db } }), /env@cli\.example/);
});

test('a sqlite: URL names a SQLite file', { skip: ON_PG && 'SQLite only' }, () => {
  const file = path.join(tempDir(), 'prefixed.db');
  reinsOk(['--db', `sqlite:${file}`, 'init']);
  assert.ok(existsSync(file));
  reinsOk(['--db', `sqlite:${file}`, 'user', 'add', '--email', 'pre@cli.example', '--role', 'admin', '--password', PASSWORD]);
  assert.match(reinsOk(['--db', file, 'user', 'list']), /pre@cli\.example/);
});

test('user add, list and passwd; the server honours them', async () => {
  const db = newDatabase();
  reinsOk(['--db', db, 'user', 'add', '--email', 'root@cli.example', '--role', 'admin', '--password', PASSWORD]);
  reinsOk(['--db', db, 'import', 'people', writeTemp('people.csv', GOOD_CSV)]);
  reinsOk(['--db', db, 'user', 'add', '--email', 'sara@cli.example', '--role', 'seller', '--person-email', 'sara@cli.example', '--password', 'sara password']);
  const list = reinsOk(['--db', db, 'user', 'list']);
  assert.match(list, /root@cli\.example.*admin/);
  assert.match(list, /sara@cli\.example.*seller/);
  // a duplicate email and an unknown person are refused
  assert.notEqual(reins(['--db', db, 'user', 'add', '--email', 'sara@cli.example', '--role', 'seller', '--person-email', 'sara@cli.example', '--password', 'whatever1']).status, 0);
  assert.notEqual(reins(['--db', db, 'user', 'add', '--email', 'nobody@cli.example', '--role', 'seller', '--person-email', 'nobody@cli.example', '--password', 'whatever1']).status, 0);
  assert.notEqual(reins(['--db', db, 'user', 'add', '--email', 'bad@cli.example', '--role', 'king', '--password', 'whatever1']).status, 0);
  reinsOk(['--db', db, 'user', 'passwd', '--email', 'sara@cli.example', '--password', 'new sara password']);
  assert.notEqual(reins(['--db', db, 'user', 'passwd', '--email', 'nobody@cli.example', '--password', 'whatever1']).status, 0);
  const server = await startServer(db);
  const s = await login(server.url, 'sara@cli.example', 'new sara password');
  assert.equal(s.user.role, 'seller');
  const me = await call(server.url, 'GET', '/me', { session: s });
  assert.equal(me.body.person.email, 'sara@cli.example');
  const old = await call(server.url, 'POST', '/session', { body: { email: 'sara@cli.example', password: 'sara password' } });
  assert.equal(old.status, 401);
  await server.stop();
});

test('import people with a bad line exits non-zero, names the line and field, and commits nothing', () => {
  const db = newDatabase();
  reinsOk(['--db', db, 'import', 'people', writeTemp('first.csv', GOOD_CSV)]);
  const before = reinsOk(['--db', db, 'export', 'people']);
  const bad = writeTemp('bad.csv', [
    'name,email,start_date,manager_email',
    'Fine Person,fine@cli.example,2025-01-01,',
    'Bad Date,baddate@cli.example,2025-13-01,',
    'Lost Soul,lost@cli.example,2025-01-01,nobody@cli.example',
    '',
  ].join('\n'));
  const r = reins(['--db', db, 'import', 'people', bad]);
  assert.notEqual(r.status, 0, `exit ${r.status}\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`${bad.replaceAll('.', '\\.')} line 3: field start_date: `), r.stderr);
  assert.match(r.stderr, new RegExp(`${bad.replaceAll('.', '\\.')} line 4: field manager_email: `), r.stderr);
  assert.doesNotMatch(r.stderr, /line 2:/, r.stderr);
  assert.equal(reinsOk(['--db', db, 'export', 'people']), before, 'nothing committed');
});

test('import people with an unterminated quote names the file and line like other bad lines', () => {
  const db = newDatabase();
  const file = writeTemp('quote.csv', 'name,email,start_date\nGood,good@cli.example,2025-01-01\n"Unterminated,u@cli.example,2025-01-01\n');
  const r = reins(['--db', db, 'import', 'people', file]);
  assert.notEqual(r.status, 0);
  assert.ok(r.stderr.includes(`${file} line 3: `), r.stderr);
  assert.equal(csvRecords(reinsOk(['--db', db, 'export', 'people'])).length, 0);
});

test('import people refuses a cycle in the file', () => {
  const db = newDatabase();
  const file = writeTemp('cycle.csv', 'name,email,start_date,manager_email\nA A,a@cli.example,2025-01-01,b@cli.example\nB B,b@cli.example,2025-01-01,a@cli.example\n');
  const r = reins(['--db', db, 'import', 'people', file]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /line \d+: field manager_email/);
  assert.equal(csvRecords(reinsOk(['--db', db, 'export', 'people'])).length, 0);
});

test('export people re-imports into a fresh database with the same output', () => {
  const db1 = newDatabase();
  reinsOk(['--db', db1, 'import', 'people', writeTemp('p.csv', GOOD_CSV)]);
  const exported = reinsOk(['--db', db1, 'export', 'people']);
  const rows = csvRecords(exported);
  assert.equal(rows.length, 4);
  assert.deepEqual(rows.find((r) => r.email === 'sara@cli.example'), {
    name: 'Sara Seller', email: 'sara@cli.example', title: 'AE, Mid-Market', manager_email: 'mark@cli.example', team: 'East', start_date: '2024-02-01', status: 'leaving',
  });
  assert.equal(rows.find((r) => r.email === 'tom@cli.example').status, 'active');
  const db2 = newDatabase();
  reinsOk(['--db', db2, 'import', 'people', writeTemp('again.csv', exported)]);
  const exported2 = reinsOk(['--db', db2, 'export', 'people']);
  assert.deepEqual(byEmail(csvRecords(exported2)), byEmail(rows));
  assert.equal(exported2, exported);
  // importing it again over itself is a no-op
  reinsOk(['--db', db2, 'import', 'people', writeTemp('again2.csv', exported2)]);
  assert.equal(reinsOk(['--db', db2, 'export', 'people']), exported);
});

test('backup FILE makes a database with the same people that a server can serve', { skip: ON_PG && 'SQLite only: a PostgreSQL database is backed up with pg_dump' }, async () => {
  const db = newDatabase();
  reinsOk(['--db', db, 'user', 'add', '--email', 'root@cli.example', '--role', 'admin', '--password', PASSWORD]);
  reinsOk(['--db', db, 'import', 'people', writeTemp('p.csv', GOOD_CSV)]);
  const original = reinsOk(['--db', db, 'export', 'people']);
  // back up while a server has the database open
  const live = await startServer(db);
  const backup = path.join(tempDir(), 'backup.db');
  reinsOk(['--db', db, 'backup', backup]);
  await live.stop();
  assert.ok(existsSync(backup));
  assert.equal(reinsOk(['--db', backup, 'export', 'people']), original);
  // the copy's survey answers are sealed under the original's secret file: a server given
  // another (here a new backup.db.secret) refuses to start, and starts with the original's
  await assert.rejects(startServer(backup), /backup\.db\.secret is not the one/);
  const server = await startServer(backup, { env: { REINS_SECRET_FILE: secretFile(db) } });
  const s = await login(server.url, 'root@cli.example', PASSWORD);
  const res = await call(server.url, 'GET', '/people', { session: s });
  assert.deepEqual(res.body.people.map((p) => p.email).sort(), csvRecords(original).map((r) => r.email).sort());
  await server.stop();
});

test('backup FILE on PostgreSQL writes a pg_dump archive, and never overwrites', { skip: !ON_PG && 'PostgreSQL only' }, () => {
  const db = newDatabase();
  reinsOk(['--db', db, 'import', 'people', writeTemp('p.csv', GOOD_CSV)]);
  const backup = path.join(tempDir(), 'backup.dump');
  reinsOk(['--db', db, 'backup', backup]);
  assert.equal(readFileSync(backup).subarray(0, 5).toString(), 'PGDMP');
  const again = reins(['--db', db, 'backup', backup]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already exists/);
});

// The demo: deterministic for a seed; counts in range; everyone can log in.
const DEMO_PW = 'demo password 1';
function demo(seed) {
  const db = newDatabase();
  reinsOk(['--db', db, 'demo', '--seed', String(seed), '--password', DEMO_PW, '--as-of', '2026-03-02']);
  return db;
}

let demoDb;
test('demo is deterministic for a seed', () => {
  demoDb = demo(7);
  const other = demo(7);
  const a = reinsOk(['--db', demoDb, 'export', 'people']);
  const b = reinsOk(['--db', other, 'export', 'people']);
  assert.ok(a.length > 100);
  assert.equal(a, b);
});

test('demo org: 1 VP, 4-6 managers, 30-60 sellers, a tree without loops', () => {
  const rows = csvRecords(reinsOk(['--db', demoDb, 'export', 'people']));
  const byMail = new Map(rows.map((r) => [r.email, r]));
  const tops = rows.filter((r) => !r.manager_email);
  assert.equal(tops.length, 1, `one person at the top: ${tops.map((r) => r.email)}`);
  const vp = tops[0];
  const hasReports = new Set(rows.map((r) => r.manager_email).filter(Boolean));
  const managers = rows.filter((r) => r !== vp && hasReports.has(r.email));
  const sellers = rows.filter((r) => r !== vp && !hasReports.has(r.email));
  assert.ok(managers.length >= 4 && managers.length <= 6, `${managers.length} managers`);
  assert.ok(sellers.length >= 30 && sellers.length <= 60, `${sellers.length} sellers`);
  for (const r of rows) {
    // every chain ends at the VP
    let cur = r;
    for (let i = 0; cur.manager_email; i++) {
      assert.ok(i < rows.length, `a loop above ${r.email}`);
      cur = byMail.get(cur.manager_email);
      assert.ok(cur, `${r.email}: unknown manager`);
    }
    assert.equal(cur, vp);
  }
  const users = reinsOk(['--db', demoDb, 'user', 'list']);
  assert.match(users, /admin@demo\.example/);
  for (const r of rows) assert.ok(users.includes(r.email), `no user for ${r.email}`);
});

test('a different seed gives a different org', () => {
  const a = reinsOk(['--db', demoDb, 'export', 'people']);
  const b = reinsOk(['--db', demo(8), 'export', 'people']);
  assert.notEqual(a, b);
});

test('every demo person and the demo admin can log in, and see what their role allows', async () => {
  const rows = csvRecords(reinsOk(['--db', demoDb, 'export', 'people']));
  const server = await startServer(demoDb);
  const admin = await login(server.url, 'admin@demo.example', DEMO_PW);
  assert.equal(admin.user.role, 'admin');
  const all = (await call(server.url, 'GET', '/people', { session: admin })).body.people;
  assert.equal(all.length, rows.length);
  const reportsOf = new Map();
  for (const r of rows) if (r.manager_email) reportsOf.set(r.manager_email, (reportsOf.get(r.manager_email) ?? 0) + 1);
  const queue = [...rows];
  const failures = [];
  async function worker() {
    for (let r; (r = queue.shift()); ) {
      try {
        const s = await login(server.url, r.email, DEMO_PW);
        const seen = (await call(server.url, 'GET', '/people', { session: s })).body.people;
        if (!reportsOf.has(r.email) && seen.length !== 1) failures.push(`${r.email} (seller) sees ${seen.length}`);
        if (reportsOf.has(r.email) && seen.length <= reportsOf.get(r.email)) failures.push(`${r.email} (manager) sees ${seen.length}`);
      } catch (err) {
        failures.push(err.message);
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  assert.deepEqual(failures, []);
  await server.stop();
});

test('a command that does not exist exits non-zero', () => {
  const r = reins(['--db', newDatabase({ init: false }), 'frobnicate']);
  assert.notEqual(r.status, 0);
  assert.ok(r.stderr.length > 0);
});
