// `reins territory align`: on the database it stores a draft scenario (from flags, or from a
// stored scenario's parameters with changes) that the API then shows; bad flags name what is
// wrong and store nothing; on files it does what `solve` does.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, ORG, reins, reinsOk, setup, tempDir } from './lib.mjs';

let base, org, admin, dbUrl;
const CSV = { 'content-type': 'text/csv' };

// Ana owns three accounts near 0°E and one at 10°E; Ben two at 10°E.
before(async () => {
  ({ base, org, dbUrl } = await setup({ users: [] }));
  admin = org.admin;
  const acc = (id, owner, lat, lon) => `${id},Account ${id},${ORG[owner].email},${lat},${lon},1000`;
  const accounts = [
    'Account ID,Account Name,Owner Email,Billing Latitude,Billing Longitude,Potential',
    acc('A1', 's1a', '50.0', '0.0'),
    acc('A2', 's1a', '50.1', '0.1'),
    acc('A3', 's1a', '50.2', '0.0'),
    acc('A4', 's1a', '50.0', '10.0'),
    acc('B1', 's1b', '50.1', '10.1'),
    acc('B2', 's1b', '50.2', '10.0'),
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/accounts?source=salesforce', { session: admin, raw: accounts, headers: CSV }), 200);
});
after(cleanup);

const align = (...args) => reins(['--db', dbUrl, 'territory', 'align', ...args]);
const scenarios = async () => expectStatus(await call(base, 'GET', '/territory/scenarios', { session: admin }), 200).scenarios;

let firstId;

test('align on the database stores a draft scenario the API shows', async () => {
  const out = reinsOk(['--db', dbUrl, 'territory', 'align', '--name', 'By count', '--sellers', `${ORG.s1a.email},${ORG.s1b.email}`, '--measures', 'accounts', '--tolerance', '0', '--owners-only']);
  const m = out.match(/^scenario (\d+) "By count" stored as a draft$/m);
  assert.ok(m, out);
  firstId = Number(m[1]);
  assert.match(out, /^balanced\s+yes/m);
  assert.match(out, /^moves\s+1 accounts/m);
  const s = expectStatus(await call(base, 'GET', `/territory/scenarios/${firstId}`, { session: admin }), 200);
  assert.equal(s.status, 'draft');
  assert.equal(s.owners_only, true);
  assert.equal(s.accounts_moved, 1);
  assert.deepEqual(s.sellers.map((x) => x.accounts), [3, 3]);
  assert.equal(s.accounts.find((a) => a.name === 'Account A4').to_owner_id, org.people.s1b.id);
});

test('align --scenario runs stored parameters again, with flags changing some', async () => {
  const a1 = (await scenarios()).length;
  const accounts = expectStatus(await call(base, 'GET', '/territory/accounts', { session: admin }), 200).accounts;
  const id = (name) => accounts.find((a) => a.name === name).id;
  const r = align('--scenario', String(firstId), '--name', 'Locked', '--locks', `${id('Account A1')}=${ORG.s1b.email}`, '--homes', `${ORG.s1b.email}=50.1:10.05,${ORG.s1a.email}=account:${id('Account A2')}`, '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.name, 'Locked');
  assert.equal(s.measures, 'accounts');
  assert.equal(s.tolerance_bp, 0);
  const full = expectStatus(await call(base, 'GET', `/territory/scenarios/${s.id}`, { session: admin }), 200);
  assert.equal(full.accounts.find((a) => a.name === 'Account A1').to_owner_id, org.people.s1b.id, 'the lock holds');
  assert.deepEqual(full.sellers.map((x) => x.home_kind), ['account', 'given']);
  assert.equal((await scenarios()).length, a1 + 1);
});

test('bad flags say what is wrong and store nothing', async () => {
  const n = (await scenarios()).length;
  let r = align('--name', 'x');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /needs --scenario, or --name and --sellers/);
  r = align('--scenario', '999999');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no territory scenario 999999/);
  r = align('--scenario', String(firstId), '--homes', `${ORG.s1a.email}=95:0`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /field homes: item 0: latitude 95 is out of range/);
  r = align('--scenario', String(firstId), '--locks', `999999=${ORG.s1a.email}`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /field locks: item 0: no account 999999/);
  r = align('--scenario', String(firstId), '--sellers', 'nobody@test.example');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--sellers: no person 'nobody@test.example'/);
  r = align('--scenario', String(firstId), '--measures', 'happiness');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--measures: 'happiness'/);
  r = align('--units', 'x.csv', '--scenario', '1');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--scenario is for align on the database/);
  assert.equal((await scenarios()).length, n);
});

test('align on files is solve', () => {
  const dir = tempDir();
  const units = path.join(dir, 'units.csv');
  writeFileSync(units, 'id,x,y,w\nu1,0,0,1\nu2,0,1,1\nu3,10,0,1\nu4,10,1,1\n');
  const a = reinsOk(['territory', 'align', '--units', units, '--k', '2', '--tolerance', '0', '--objective', 'diameter', '--method', 'exact', '--output', '-']);
  const s = reinsOk(['territory', 'solve', '--units', units, '--k', '2', '--tolerance', '0', '--objective', 'diameter', '--method', 'exact', '--output', '-']);
  assert.equal(a.replace(/time .*\n/, ''), s.replace(/time .*\n/, ''));
  const rows = a.split('\n').filter((l) => /^u\d,/.test(l)).map((l) => l.split(','));
  const t = Object.fromEntries(rows.map((r) => [r[0], r[1]]));
  assert.equal(t.u1, t.u2);
  assert.equal(t.u3, t.u4);
  assert.notEqual(t.u1, t.u3);
});
