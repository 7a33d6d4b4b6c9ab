// Goals and quotas: settings, periods, quotas per seller and team, ramps, attainment with pace,
// the quota CSV import. Each refusal sits beside the success it differs from, so a removed
// check fails a test. Attainment is computed as of 2026-08-15: 46 of Q3's 92 days.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { call, cleanup, expectStatus, isError, ORG, reins, setup, tempDir } from './lib.mjs';

let base, org, admin, P, nia, dbUrl;
const S = {};
const AS_OF = '2026-08-15';
before(async () => {
  ({ base, org, dbUrl } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b', 's2a'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a']) S[h] = await org.as(h);
  // a new hire in North, started 2026-07-10: ramp months July 25%, August 50%, September 75%
  nia = expectStatus(
    await call(base, 'POST', '/people', {
      session: admin,
      body: { name: 'Nia New', email: 'nia.new@test.example', start_date: '2026-07-10', manager_id: P.m1.id, team_id: org.teams.North.id },
    }),
    201,
  );
  const row = (id, owner, amount, stage, close) => `${id},Deal ${id},A-${id},Acme ${id},${owner},${amount},USD,${stage},${close},2026-01-05`;
  const csv = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    row('W1', ORG.s1a.email, '30000', 'Closed Won', '2026-07-20'),
    row('W2', ORG.s1a.email, '15000', 'Closed Won', '2026-08-15'),
    row('W3', ORG.s1a.email, '2000', 'Closed Won', '2026-08-20'), // after the as-of day
    row('L1', ORG.s1a.email, '99000', 'Closed Lost', '2026-08-01'),
    row('O1', ORG.s1a.email, '99000', 'Negotiation/Review', '2026-08-01'),
    row('W4', 'nia.new@test.example', '6000', 'Closed Won', '2026-08-01'),
    row('W5', ORG.s2a.email, '8000', 'Closed Won', '2026-07-02'),
    '',
  ].join('\n');
  const res = await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: csv, headers: { 'content-type': 'text/csv' } });
  expectStatus(res, 200);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const put = (who, p, body) => call(base, 'PUT', p, { session: who, body });
const del = (who, p) => call(base, 'DELETE', p, { session: who });
const setQuota = async (body) => expectStatus(await put(admin, '/quotas', { currency: 'USD', period: '2026-Q3', ...body }), 200);
const quotaNames = async (who, period = '2026-Q3') =>
  expectStatus(await get(who, `/quotas?period=${period}`), 200).quotas.map((q) => q.name);

// ---------------------------------------------------------------------------
// Settings and periods

test('settings: anyone reads them; only admins change them; bad values name the field', async () => {
  const s = expectStatus(await get(S.s1a, '/quotas/settings'), 200);
  assert.deepEqual(s, { fiscal_start_month: 1, currency: 'USD', default_ramp: [2500, 5000, 7500] });
  isError(await put(S.s1a, '/quotas/settings', { fiscal_start_month: 2 }), 403, 'forbidden');
  isError(await put(S.vp, '/quotas/settings', { fiscal_start_month: 2 }), 403, 'forbidden');
  isError(await put(admin, '/quotas/settings', { fiscal_start_month: 13 }), 400, 'invalid', 'fiscal_start_month');
  isError(await put(admin, '/quotas/settings', { fiscal_start_month: '2' }), 400, 'invalid', 'fiscal_start_month');
  isError(await put(admin, '/quotas/settings', { default_ramp: [2500, 10001] }), 400, 'invalid', 'default_ramp');
  isError(await put(admin, '/quotas/settings', { default_ramp: '2500' }), 400, 'invalid', 'default_ramp');
  isError(await put(admin, '/quotas/settings', { currency: 'usd' }), 400, 'invalid', 'currency');
  isError(await put(admin, '/quotas/settings', { colour: 'red' }), 400, 'invalid');
  assert.deepEqual(expectStatus(await get(admin, '/quotas/settings'), 200), s);

  const feb = expectStatus(await put(admin, '/quotas/settings', { fiscal_start_month: 2 }), 200);
  assert.equal(feb.fiscal_start_month, 2);
  assert.deepEqual(feb.default_ramp, [2500, 5000, 7500]);
  const p = expectStatus(await get(S.s1a, '/periods?period=FY2027'), 200);
  assert.deepEqual(p, { key: 'FY2027', kind: 'year', start: '2026-02-01', end: '2027-01-31', months: 12, previous: 'FY2026', next: 'FY2028' });
  expectStatus(await put(admin, '/quotas/settings', { fiscal_start_month: 1 }), 200);
});

test('periods: by key or by kind and date, with neighbours; bad input is 400', async () => {
  assert.deepEqual(expectStatus(await get(S.s1a, '/periods?period=2026-Q3'), 200), {
    key: '2026-Q3', kind: 'quarter', start: '2026-07-01', end: '2026-09-30', months: 3, previous: '2026-Q2', next: '2026-Q4',
  });
  const m = expectStatus(await get(S.s1a, '/periods?kind=month&date=2026-12-31'), 200);
  assert.deepEqual([m.key, m.previous, m.next], ['2026-12', '2026-11', '2027-01']);
  assert.equal(expectStatus(await get(S.s1a, '/periods?kind=year&date=2026-03-01'), 200).key, 'FY2026');
  isError(await get(S.s1a, '/periods?kind=week'), 400, 'invalid', 'kind');
  isError(await get(S.s1a, '/periods?kind=month&date=2026-02-30'), 400, 'invalid', 'date');
  isError(await get(S.s1a, '/periods?period=2026-Q5'), 400, 'invalid', 'period');
});

// ---------------------------------------------------------------------------
// Quotas

test('PUT /quotas: admins only (403 for a manager or seller, nothing set)', async () => {
  isError(await put(S.m1, '/quotas', { person_id: P.s1a.id, period: '2026-Q3', amount_minor: 1, currency: 'USD' }), 403, 'forbidden');
  isError(await put(S.s1a, '/quotas', { person_id: P.s1a.id, period: '2026-Q3', amount_minor: 1, currency: 'USD' }), 403, 'forbidden');
  assert.deepEqual(await quotaNames(admin), []);
});

test('PUT /quotas: strict body, each bad value names its field, nothing set', async () => {
  const ok = { person_id: P.s1a.id, period: '2026-Q3', amount_minor: 100, currency: 'USD' };
  isError(await put(admin, '/quotas', { ...ok, colour: 'red' }), 400, 'invalid');
  isError(await put(admin, '/quotas', { ...ok, team_id: org.teams.North.id }), 400, 'invalid', 'team_id');
  isError(await put(admin, '/quotas', { ...ok, person_id: undefined }), 400, 'invalid', 'person_id');
  isError(await put(admin, '/quotas', { ...ok, person_id: 99999 }), 400, 'invalid', 'person_id');
  isError(await put(admin, '/quotas', { ...ok, period: '2026-Q9' }), 400, 'invalid', 'period');
  isError(await put(admin, '/quotas', { ...ok, amount_minor: -5 }), 400, 'invalid', 'amount_minor');
  isError(await put(admin, '/quotas', { ...ok, amount_minor: 10.5 }), 400, 'invalid', 'amount_minor');
  isError(await put(admin, '/quotas', { ...ok, amount_minor: '100' }), 400, 'invalid', 'amount_minor');
  isError(await put(admin, '/quotas', { ...ok, currency: 'usd' }), 400, 'invalid', 'currency');
  isError(await put(admin, '/quotas', { ...ok, deal_count: -1 }), 400, 'invalid', 'deal_count');
  isError(await put(admin, '/quotas', { ...ok, deal_count: 'six' }), 400, 'invalid', 'deal_count');
  assert.deepEqual(await quotaNames(admin), []);
});

test('quotas are set, replaced, listed by who may see them, deleted by admins', async () => {
  const ana = await setQuota({ person_id: P.s1a.id, amount_minor: 8000000, deal_count: 4 });
  assert.deepEqual({ ...ana, id: 0 }, {
    id: 0, name: 'Ana Lima', period: '2026-Q3', start: '2026-07-01', end: '2026-09-30', amount_minor: 8000000,
    currency: 'USD', person_id: P.s1a.id, team_id: null, deal_count: 4,
  });
  const again = await setQuota({ person_id: P.s1a.id, amount_minor: 9000000, deal_count: 4 });
  assert.equal(again.id, ana.id);
  assert.equal(again.amount_minor, 9000000);
  await setQuota({ person_id: P.s1b.id, amount_minor: 6000000 });
  await setQuota({ person_id: nia.id, amount_minor: 6000000 });
  await setQuota({ person_id: P.s2a.id, amount_minor: 5000000 });
  await setQuota({ team_id: org.teams.North.id, amount_minor: 20000000 });
  await setQuota({ team_id: org.teams.South.id, amount_minor: 10000000 });
  await setQuota({ person_id: P.s1a.id, period: '2026-Q4', amount_minor: 1 });

  assert.deepEqual(await quotaNames(admin), ['Ana Lima', 'Ben Costa', 'Cara Diaz', 'Nia New', 'North', 'South']);
  assert.deepEqual(await quotaNames(S.vp), ['Ana Lima', 'Ben Costa', 'Cara Diaz', 'Nia New', 'North', 'South']);
  assert.deepEqual(await quotaNames(S.m1), ['Ana Lima', 'Ben Costa', 'Nia New', 'North']);
  assert.deepEqual(await quotaNames(S.m2), ['Cara Diaz', 'South']);
  assert.deepEqual(await quotaNames(S.s1a), ['Ana Lima']);
  assert.deepEqual(await quotaNames(S.s1b), ['Ben Costa']);
  assert.deepEqual(await quotaNames(S.s1a, '2026-Q4'), ['Ana Lima']);
  isError(await get(S.s1a, '/quotas?period=Q3'), 400, 'invalid', 'period');

  const q4 = (await expectStatus(await get(admin, '/quotas?period=2026-Q4'), 200)).quotas[0];
  isError(await del(S.m1, `/quotas/${q4.id}`), 403, 'forbidden');
  assert.equal((await del(admin, `/quotas/${q4.id}`)).status, 204);
  isError(await del(admin, `/quotas/${q4.id}`), 404, 'not_found');
  assert.deepEqual(await quotaNames(admin, '2026-Q4'), []);

  // a quarter quota now pins the fiscal start
  isError(await put(admin, '/quotas/settings', { fiscal_start_month: 4 }), 409, 'conflict', 'fiscal_start_month');
});

// ---------------------------------------------------------------------------
// Ramps

test('ramps: each person reads their own; managers their tree; admins override and clear', async () => {
  isError(await get(S.s1a, `/people/${nia.id}/ramp`), 404, 'not_found');
  const r = expectStatus(await get(S.m1, `/people/${nia.id}/ramp`), 200);
  assert.deepEqual({ ...r, months: r.months.slice(0, 4) }, {
    person_id: nia.id, start_date: '2026-07-10', steps: [2500, 5000, 7500], override: false,
    months: [{ month: '2026-07', bp: 2500 }, { month: '2026-08', bp: 5000 }, { month: '2026-09', bp: 7500 }, { month: '2026-10', bp: 10000 }],
  });
  assert.equal(r.months.length, 4); // to the first month at 100%
  isError(await get(S.m2, `/people/${nia.id}/ramp`), 404, 'not_found');
  // a start after the 15th: that month is 0%, ramp month 1 is the next
  const lou = expectStatus(await call(base, 'POST', '/people', { session: admin, body: { name: 'Lou Late', email: 'lou.late@test.example', start_date: '2026-07-20', manager_id: P.m2.id } }), 201);
  const late = expectStatus(await get(S.m2, `/people/${lou.id}/ramp`), 200);
  assert.deepEqual(late.months.map((m) => [m.month, m.bp]), [['2026-07', 0], ['2026-08', 2500], ['2026-09', 5000], ['2026-10', 7500], ['2026-11', 10000]]);
  expectStatus(await get(S.s1a, `/people/${P.s1a.id}/ramp`), 200);

  isError(await put(S.m1, `/people/${nia.id}/ramp`, { steps: [5000] }), 403, 'forbidden');
  isError(await put(admin, `/people/${nia.id}/ramp`, { steps: [5000, 20000] }), 400, 'invalid', 'steps');
  isError(await put(admin, `/people/${nia.id}/ramp`, {}), 400, 'invalid', 'steps');
  isError(await put(admin, `/people/99999/ramp`, { steps: [5000] }), 404, 'not_found');
  const set = expectStatus(await put(admin, `/people/${nia.id}/ramp`, { steps: [5000] }), 200);
  assert.equal(set.override, true);
  assert.deepEqual(set.steps, [5000]);
  isError(await del(S.m1, `/people/${nia.id}/ramp`), 403, 'forbidden');
  const cleared = expectStatus(await del(admin, `/people/${nia.id}/ramp`), 200);
  assert.equal(cleared.override, false);
  assert.deepEqual(cleared.steps, [2500, 5000, 7500]);
  isError(await del(admin, `/people/${nia.id}/ramp`), 404, 'not_found');
});

// ---------------------------------------------------------------------------
// Attainment (the quotas of the test above: Ana 90,000, Ben 60,000, Nia 60,000 ramped, North 200,000)

const att = (who, p) => get(who, `${p}${p.includes('?') ? '&' : '?'}period=2026-Q3&as_of=${AS_OF}`);

test('a seller sees their own attainment with pace, and nobody else\'s', async () => {
  const body = expectStatus(await att(S.s1a, `/attainment/people/${P.s1a.id}`), 200);
  assert.equal(body.as_of, AS_OF);
  assert.equal(body.period.key, '2026-Q3');
  assert.deepEqual(body.line.attainment, {
    quota_minor: 9000000, won_minor: 4500000, won_deals: 2, other_currency_deals: 0, days_elapsed: 46, days_total: 92,
    expected_minor: 4500000, remaining_minor: 4500000, quota_deals: 4, attainment_bp: 5000, pace_bp: 10000, deals_bp: 5000,
  });
  assert.equal(body.line.quota_set_minor, 9000000);
  assert.equal(body.line.ramp_bp, 10000);
  isError(await att(S.s1a, `/attainment/people/${P.s1b.id}`), 404, 'not_found');
  isError(await att(S.s1a, `/attainment/people/${P.m1.id}`), 404, 'not_found');
  isError(await get(S.s1a, `/attainment/people/${P.s1a.id}?period=2026-Q3&as_of=2026-13-01`), 400, 'invalid', 'as_of');
  isError(await get(S.s1a, `/attainment/people/${P.s1a.id}?period=Q3`), 400, 'invalid', 'period');
});

test('a new hire\'s quota is ramped: 60,000 at 25/50/75% is 30,000', async () => {
  const body = expectStatus(await att(S.m1, `/attainment/people/${nia.id}`), 200);
  assert.equal(body.line.quota_set_minor, 6000000);
  assert.equal(body.line.ramp_bp, 5000);
  assert.equal(body.line.attainment.quota_minor, 3000000);
  assert.equal(body.line.attainment.won_minor, 600000);
  assert.equal(body.line.attainment.attainment_bp, 2000);
  isError(await att(S.m2, `/attainment/people/${nia.id}`), 404, 'not_found');
});

test('team attainment: set against summed, for the team\'s manager and above only', async () => {
  const body = expectStatus(await att(S.m1, `/attainment/teams/${org.teams.North.id}`), 200);
  assert.equal(body.line.name, 'North');
  assert.equal(body.line.quota_set_minor, 20000000);
  assert.equal(body.summed_minor, 9000000 + 6000000 + 3000000);
  assert.equal(body.difference_minor, 2000000);
  assert.equal(body.line.attainment.won_minor, 5100000);
  assert.equal(body.line.attainment.attainment_bp, 2550);
  assert.deepEqual(body.members.map((m) => m.name), ['Ana Lima', 'Ben Costa', 'Maya North', 'Nia New']);
  expectStatus(await att(S.vp, `/attainment/teams/${org.teams.North.id}`), 200);
  expectStatus(await att(admin, `/attainment/teams/${org.teams.North.id}`), 200);
  isError(await att(S.m2, `/attainment/teams/${org.teams.North.id}`), 404, 'not_found');
  isError(await att(S.s1a, `/attainment/teams/${org.teams.North.id}`), 404, 'not_found');
  isError(await att(admin, '/attainment/teams/99999'), 404, 'not_found');
});

test('tree attainment: a manager\'s whole tree rolled up; a seller only their own', async () => {
  const body = expectStatus(await att(S.m1, `/attainment/tree/${P.m1.id}`), 200);
  assert.deepEqual(body.people.map((p) => [p.name, p.depth]), [['Maya North', 0], ['Ana Lima', 1], ['Ben Costa', 1], ['Nia New', 1]]);
  assert.equal(body.total.attainment.quota_minor, 18000000);
  assert.equal(body.total.attainment.won_minor, 5100000);
  const vp = expectStatus(await att(S.vp, `/attainment/tree/${P.vp.id}`), 200);
  assert.equal(vp.total.attainment.quota_minor, 18000000 + 5000000);
  assert.equal(vp.total.attainment.won_minor, 5100000 + 800000);
  isError(await att(S.m2, `/attainment/tree/${P.m1.id}`), 404, 'not_found');
  isError(await att(S.s1a, `/attainment/tree/${P.m1.id}`), 404, 'not_found');
  const own = expectStatus(await att(S.s1a, `/attainment/tree/${P.s1a.id}`), 200);
  assert.equal(own.people.length, 1);
});

// ---------------------------------------------------------------------------
// The quota CSV import

const importCsv = (text, session = admin) => call(base, 'POST', '/import/quotas', { session, raw: text, headers: { 'content-type': 'text/csv' } });

test('quota import: admins only; a bad file names every line and field and sets nothing', async () => {
  const good = `email,team,period,amount,currency,deals\n${ORG.s1a.email},,2026-Q4,"95,000.00",USD,5\n,South,2026-Q4,120000,USD,\n`;
  isError(await importCsv(good, S.m1), 403, 'forbidden');
  const bad = [
    'email,team,period,amount,currency,deals',
    `${ORG.s1a.email},,2026-Q4,1000,USD,`,
    'nobody@test.example,,2026-Q4,1000,USD,',
    ',Nowhere,2026-Q4,1000,USD,',
    `${ORG.s1b.email},,2026-Q7,1000,USD,`,
    `${ORG.s2a.email},,2026-Q4,lots,USD,`,
  ].join('\n');
  const res = await importCsv(bad);
  isError(res, 400, 'invalid');
  assert.deepEqual(res.body.lines.map((l) => [l.line, l.field]), [[3, 'email'], [4, 'team'], [5, 'period'], [6, 'amount']]);
  assert.deepEqual(await quotaNames(admin, '2026-Q4'), []);
  assert.deepEqual(expectStatus(await importCsv(good), 200), { created: 2, updated: 0 });
  const q = expectStatus(await get(admin, '/quotas?period=2026-Q4'), 200).quotas;
  assert.deepEqual(q.map((x) => [x.name, x.amount_minor, x.deal_count]), [['Ana Lima', 9500000, 5], ['South', 12000000, null]]);
});

test('reins import quotas: the same rules from the command line', async () => {
  const dir = tempDir();
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, `email,period,amount,currency\nnobody@test.example,2027-Q1,1000,USD\n${ORG.s1b.email},2027-Q1,1000,US\n`);
  const r1 = reins(['--db', dbUrl, 'import', 'quotas', bad]);
  assert.equal(r1.status, 1, r1.stderr);
  assert.match(r1.stderr, /bad\.csv line 2: field email: /);
  assert.match(r1.stderr, /bad\.csv line 3: field currency: /);
  assert.deepEqual(await quotaNames(admin, '2027-Q1'), []);
  const good = path.join(dir, 'good.csv');
  writeFileSync(good, `email,team,period,amount,currency\n${ORG.s1b.email},,2027-Q1,70000,USD\n,North,2027-Q1,250000,USD\n`);
  const r2 = reins(['--db', dbUrl, 'import', 'quotas', good]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stdout, /2 quotas set, 0 replaced/);
  assert.deepEqual(await quotaNames(admin, '2027-Q1'), ['Ben Costa', 'North']);
  assert.equal(reins(['--db', dbUrl, 'import', 'quotas']).status, 2);
});
