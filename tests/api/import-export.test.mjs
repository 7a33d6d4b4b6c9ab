// Import and export of people as CSV through the API (admin).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ADMIN_EMAIL, ORG, PASSWORD, byEmail, call, cleanup, csvLine, csvRecords, isError, login,
  newDatabase, rawRequest, reinsOk, setup, startServer,
} from './lib.mjs';

let base, org, admin;
before(async () => {
  ({ base, org } = await setup({ users: false }));
  admin = org.admin;
});
after(cleanup);

const CSV = { 'content-type': 'text/csv' };
const importCsv = (text, session = admin, url = base) => call(url, 'POST', '/import/people', { session, raw: text, headers: CSV });
const exportCsv = async (session = admin, url = base) => {
  const res = await call(url, 'GET', '/export/people', { session });
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="people.csv"');
  return res.text;
};
const people = async () => (await call(base, 'GET', '/people', { session: admin })).body.people;
const byMail = async () => Object.fromEntries((await people()).map((p) => [p.email, p]));

test('a good file: created and updated counts, columns in any order and case, forward references', async () => {
  const text = [
    'Email,NAME,Start_Date,manager_email,Team,title,status',
    // Iris reports to Igor, who comes later in the file
    'iris.imp@test.example,Iris Imp,2025-03-01,igor.imp@test.example,Imports,Account Executive,',
    'igor.imp@test.example,Igor Imp,2024-11-01,vera.vance@test.example,Imports,Director,active',
    'ida.imp@test.example,Ida Imp,2025-04-01,igor.imp@test.example,,SDR,leaving',
    // an update of a person already known
    `${ORG.s1a.email},Ana Lima,2024-01-15,${ORG.m1.email},North,Senior AE,active`,
    '',
  ].join('\n');
  const res = await importCsv(text);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { created: 3, updated: 1 });
  const all = await byMail();
  const igor = all['igor.imp@test.example'];
  assert.ok(igor, 'Igor imported');
  assert.equal(igor.manager_id, org.people.vp.id);
  assert.equal(igor.team, 'Imports');
  assert.equal(igor.title, 'Director');
  assert.equal(igor.start_date, '2024-11-01');
  assert.equal(all['iris.imp@test.example'].manager_id, igor.id);
  assert.equal(all['iris.imp@test.example'].status, 'active', 'status defaults to active');
  assert.equal(all['ida.imp@test.example'].status, 'leaving');
  assert.equal(all['ida.imp@test.example'].team_id, null);
  assert.equal(all[ORG.s1a.email].title, 'Senior AE');
  assert.equal(all[ORG.s1a.email].id, org.people.s1a.id, 'updated in place, not re-created');
  const teams = (await call(base, 'GET', '/teams', { session: admin })).body.teams;
  assert.equal(teams.find((t) => t.name === 'Imports')?.members, 2, 'the new team was created');
});

test('quoted fields: commas and quotes survive', async () => {
  const text = ['name,email,start_date,title', csvLine(['Kit "The Closer" O\'Hara', 'kit.ohara@test.example', '2025-01-01', 'AE, Enterprise West']), ''].join('\r\n');
  const res = await importCsv(text);
  assert.equal(res.status, 200, res.text);
  const kit = (await byMail())['kit.ohara@test.example'];
  assert.equal(kit.name, 'Kit "The Closer" O\'Hara');
  assert.equal(kit.title, 'AE, Enterprise West');
});

test('a file with bad lines answers 400 naming each line and field, and commits nothing', async () => {
  const before = await people();
  const text = [
    'name,email,start_date,manager_email,status', // line 1
    'Good Person,good.person@test.example,2025-03-01,,', // line 2: good
    'Bad Date,bad.date@test.example,2025-02-30,,', // line 3
    'No Manager,no.manager@test.example,2025-03-01,x@y,', // line 4
    ',no.name@test.example,2025-03-01,,', // line 5
    'Bad Status,bad.status@test.example,2025-03-01,,sacked', // line 6
    `Ana Lima,${ORG.s1a.email},2024-01-15,,left`, // line 7: a good update, not to be applied
    '',
  ].join('\n');
  const res = await importCsv(text);
  isError(res, 400, 'invalid');
  assert.ok(Array.isArray(res.body.lines), res.text);
  const got = res.body.lines.map((l) => `${l.line}:${l.field}`).sort();
  assert.deepEqual(got, ['3:start_date', '4:manager_email', '5:name', '6:status']);
  for (const l of res.body.lines) assert.equal(typeof l.message, 'string');
  assert.match(res.body.error.message, /4/, 'the message counts the bad lines');
  assert.deepEqual(await people(), before, 'nothing committed');
});

test('an unterminated quoted field is refused with its line number', async () => {
  const before = await people();
  const res = await importCsv('name,email,start_date\nGood One,good.one@test.example,2025-01-01\n"Unterminated,u@test.example,2025-01-01\n');
  isError(res, 400, 'invalid');
  assert.equal(res.body.lines.length, 1, res.text);
  assert.equal(res.body.lines[0].line, 3, res.text);
  assert.deepEqual(await people(), before);
});

test('a duplicated email within the file is refused', async () => {
  const before = await people();
  const text = 'name,email,start_date\nTwin One,twin@test.example,2025-01-01\nTwin Two,twin@test.example,2025-01-01\n';
  const res = await importCsv(text);
  isError(res, 400, 'invalid');
  assert.deepEqual(res.body.lines.map((l) => [l.line, l.field]), [[3, 'email']]);
  assert.deepEqual(await people(), before);
});

test('a header without a required column is refused', async () => {
  const res = await importCsv('name,email\nNo Start,no.start@test.example\n');
  isError(res, 400, 'invalid');
  assert.ok(!(await byMail())['no.start@test.example']);
});

test('a cycle within the file is refused and nothing is committed', async () => {
  const before = await people();
  const text = [
    'name,email,start_date,manager_email',
    'Cy One,cy.one@test.example,2025-01-01,cy.two@test.example',
    'Cy Two,cy.two@test.example,2025-01-01,cy.three@test.example',
    'Cy Three,cy.three@test.example,2025-01-01,cy.one@test.example',
    'Innocent,innocent@test.example,2025-01-01,',
    '',
  ].join('\n');
  const res = await importCsv(text);
  isError(res, 400, 'invalid');
  assert.ok(res.body.lines.length >= 1 && res.body.lines.every((l) => l.field === 'manager_email'), res.text);
  assert.deepEqual(await people(), before);
});

test('a cycle through people already known is refused; a self-manager too', async () => {
  const before = await people();
  // Maya (m1) would report to Ana, who reports to Maya
  const r1 = await importCsv(`name,email,start_date,manager_email\nMaya North,${ORG.m1.email},2024-01-15,${ORG.s1a.email}\n`);
  isError(r1, 400, 'invalid');
  assert.deepEqual(r1.body.lines.map((l) => [l.line, l.field]), [[2, 'manager_email']]);
  const r2 = await importCsv('name,email,start_date,manager_email\nSelf Boss,self.boss@test.example,2025-01-01,self.boss@test.example\n');
  isError(r2, 400, 'invalid');
  assert.deepEqual(r2.body.lines.map((l) => [l.line, l.field]), [[2, 'manager_email']]);
  assert.deepEqual(await people(), before);
  // the same file with a legal manager goes in: the refusals were about the cycle
  const ok = await importCsv(`name,email,start_date,manager_email\nMaya North,${ORG.m1.email},2024-01-15,${ORG.vp.email}\n`);
  assert.equal(ok.status, 200, ok.text);
});

test('CRLF line endings are read', async () => {
  const res = await importCsv('name,email,start_date\r\nCrlf Person,crlf@test.example,2025-01-01\r\n');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { created: 1, updated: 0 });
  assert.equal((await byMail())['crlf@test.example'].start_date, '2025-01-01');
});

test('the export has every person, the documented columns and the managers by email', async () => {
  const text = await exportCsv();
  const [header] = text.split(/\r?\n/, 1);
  assert.deepEqual(header.split(',').map((h) => h.trim().toLowerCase()).sort(), ['email', 'manager_email', 'name', 'start_date', 'status', 'team', 'title']);
  const rows = csvRecords(text);
  const all = await people();
  assert.deepEqual(rows.map((r) => r.email).sort(), all.map((p) => p.email).sort());
  const ana = rows.find((r) => r.email === ORG.s1a.email);
  assert.deepEqual(ana, { name: 'Ana Lima', email: ORG.s1a.email, title: 'Senior AE', manager_email: ORG.m1.email, team: 'North', start_date: '2024-01-15', status: 'active' });
  const kit = rows.find((r) => r.email === 'kit.ohara@test.example');
  assert.equal(kit.name, 'Kit "The Closer" O\'Hara');
  assert.equal(kit.title, 'AE, Enterprise West');
});

test('re-importing the export changes nothing', async () => {
  const text = await exportCsv();
  const before = await people();
  const res = await importCsv(text);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.created, 0);
  assert.deepEqual(await people(), before);
  assert.equal(await exportCsv(), text);
});

test('the export round-trips into an empty database', async () => {
  const text = await exportCsv();
  const n = csvRecords(text).length;
  const db2 = newDatabase();
  reinsOk(['--db', db2, 'user', 'add', '--email', ADMIN_EMAIL, '--role', 'admin', '--password', PASSWORD]);
  const server2 = await startServer(db2);
  const admin2 = await login(server2.url, ADMIN_EMAIL, PASSWORD);
  const res = await importCsv(text, admin2, server2.url);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { created: n, updated: 0 });
  const text2 = await exportCsv(admin2, server2.url);
  assert.deepEqual(byEmail(csvRecords(text2)), byEmail(csvRecords(text)));
  assert.equal(text2, text, 'the same bytes');
  await server2.stop();
});

test('a CSV body may be larger than 1 MiB (limit 16 MiB)', async () => {
  // ~1.5 MiB of lines that are all bad: judged (400), not refused for size (413)
  const line = 'Bad Date Person With A Rather Long Name To Fill Space,bad@test.example,not-a-date\n';
  const text = 'name,email,start_date\n' + line.repeat(Math.ceil((1.5 * 1024 * 1024) / line.length));
  const res = await rawRequest(base, { path: '/import/people', headers: { ...CSV, cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: text });
  assert.equal(res.status, 400, res.text.slice(0, 300));
});

test('a CSV body over 16 MiB answers 413 too_large', async () => {
  const line = 'Big Person,big@test.example,2025-01-01\n';
  const text = 'name,email,start_date\n' + line.repeat(Math.ceil((16.5 * 1024 * 1024) / line.length));
  const res = await rawRequest(base, { path: '/import/people', headers: { ...CSV, cookie: admin.cookie, 'x-csrf-token': admin.csrf }, body: text, earlyWaitMs: 3000 });
  assert.equal(res.status, 413, res.text.slice(0, 300));
  assert.equal(JSON.parse(res.text).error.code, 'too_large');
  assert.ok(!(await byMail())['big@test.example']);
});
