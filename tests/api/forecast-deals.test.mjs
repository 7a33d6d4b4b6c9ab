// Forecast deals: a deal's owner overrides its category (kept with its history; nobody else
// may), the roll-up by category follows the override, the changes since the seller's last
// call, and the forecasting record shown only to the forecaster and the managers above them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup, sleep, ORG } from './lib.mjs';

let base, org, admin, P;
const S = {};
const today = new Date().toISOString().slice(0, 10);
const year = Number(today.slice(0, 4)), q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
const period = `${year}-Q${q}`;
// the quarter's last day (in it) and a day in the next quarter (out of it)
const inPeriod = new Date(Date.UTC(year, q * 3, 0)).toISOString().slice(0, 10);
const nextPeriod = new Date(Date.UTC(year, q * 3, 10)).toISOString().slice(0, 10);

const HEAD = 'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date';
const row = (id, owner, amount, stage, close) => `${id},Deal ${id},A-${id},Acme ${id},${owner},${amount},EUR,${stage},${close},2026-01-05`;
const importDeals = async (rows) =>
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: [HEAD, ...rows, ''].join('\n'), headers: { 'content-type': 'text/csv' } }), 200);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });
let deal; // name -> id

before(async () => {
  ({ base, org } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b', 's2a'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a']) S[h] = await org.as(h);
  await importDeals([
    row('D1', ORG.s1a.email, '10000', 'Negotiation/Review', inPeriod), // commit
    row('D2', ORG.s1a.email, '20000', 'Prospecting', inPeriod), // pipeline
    row('D3', ORG.s1a.email, '5000', 'Closed Won', inPeriod), // closed
    row('D4', ORG.s1b.email, '7000', 'Proposal/Price Quote', inPeriod), // best case
    row('D5', ORG.s1a.email, '3000', 'Prospecting', nextPeriod), // later: pulled in below
    row('D6', ORG.s2a.email, '1000', 'Prospecting', inPeriod),
  ]);
  deal = Object.fromEntries(expectStatus(await get(admin, '/opportunities'), 200).opportunities.map((o) => [o.name.slice(5), o.id]));
});
after(cleanup);

test('POST /forecast/overrides: only the owner, only open deals, only real categories', async () => {
  const body = { opportunity_id: deal.D2, category: 'commit', comment: 'Signed PO expected Friday' };
  isError(await post(S.m1, '/forecast/overrides', body), 403, 'forbidden'); // their manager sees it, may not judge it
  isError(await post(S.vp, '/forecast/overrides', body), 403, 'forbidden');
  isError(await post(admin, '/forecast/overrides', body), 403, 'forbidden');
  isError(await post(S.s1b, '/forecast/overrides', body), 404, 'not_found', 'opportunity_id'); // a peer does not see it
  isError(await post(S.m2, '/forecast/overrides', body), 404, 'not_found', 'opportunity_id');
  isError(await post(S.s1a, '/forecast/overrides', { ...body, opportunity_id: 999999 }), 404, 'not_found', 'opportunity_id');
  isError(await post(S.s1a, '/forecast/overrides', { ...body, category: 'closed' }), 400, 'invalid', 'category');
  isError(await post(S.s1a, '/forecast/overrides', { ...body, category: 'maybe' }), 400, 'invalid', 'category');
  isError(await post(S.s1a, '/forecast/overrides', { opportunity_id: deal.D2 }), 400, 'invalid', 'category');
  isError(await post(S.s1a, '/forecast/overrides', { ...body, extra: 1 }), 400, 'invalid');
  isError(await post(S.s1a, '/forecast/overrides', { ...body, opportunity_id: deal.D3 }), 409, 'conflict'); // won: closed
  const o = expectStatus(await post(S.s1a, '/forecast/overrides', body), 201);
  assert.equal(o.category, 'commit');
  assert.equal(o.by_person_id, P.s1a.id);
  assert.equal(o.comment, body.comment);
  // the deal's own category (the stage's) is untouched: the override sits beside it
  assert.equal(expectStatus(await get(S.s1a, `/opportunities/${deal.D2}`), 200).forecast_category, 'pipeline');
});

test('GET /forecast: the seller page and the roll-up by category use the override', async () => {
  const mine = expectStatus(await get(S.s1a, `/forecast?period=${period}`), 200);
  const d2 = mine.deals.find((d) => d.id === deal.D2);
  assert.equal(d2.category, 'commit');
  assert.equal(d2.stage_category, 'pipeline');
  assert.equal(d2.override, 'commit');
  assert.deepEqual(mine.deals.map((d) => d.id).sort(), [deal.D1, deal.D2, deal.D5].sort()); // her open deals
  assert.deepEqual(mine.people[0].categories, { pipeline_minor: 0, best_case_minor: 0, commit_minor: 3000000, closed_minor: 500000, omitted_minor: 0 });
  const team = expectStatus(await get(S.m1, `/forecast?period=${period}`), 200).people;
  assert.deepEqual(team[0].categories, { pipeline_minor: 0, best_case_minor: 700000, commit_minor: 3000000, closed_minor: 500000, omitted_minor: 0 });
  const vp = expectStatus(await get(S.vp, `/forecast?period=${period}`), 200).people[0];
  assert.equal(vp.categories.pipeline_minor, 100000); // s2a's deal, from the other team

  // cleared: back to the stage's; both rows stay in the history, oldest first
  const cleared = expectStatus(await post(S.s1a, '/forecast/overrides', { opportunity_id: deal.D2, category: null }), 201);
  assert.equal(cleared.category, null);
  const hist = expectStatus(await get(S.m1, `/forecast/overrides?opportunity_id=${deal.D2}`), 200).overrides;
  assert.deepEqual(hist.map((h) => h.category), ['commit', null]);
  isError(await get(S.s1b, `/forecast/overrides?opportunity_id=${deal.D2}`), 404, 'not_found', 'opportunity_id');
  isError(await get(S.s1a, '/forecast/overrides'), 400, 'invalid', 'opportunity_id');
  const again = expectStatus(await get(S.s1a, `/forecast?period=${period}`), 200);
  assert.equal(again.deals.find((d) => d.id === deal.D2).category, 'pipeline');
  assert.equal(again.people[0].categories.pipeline_minor, 2000000);
  // as of yesterday the deals did not exist yet
  const yesterday = new Date(Date.now() - 86400e3).toISOString().slice(0, 10);
  const past = expectStatus(await get(S.s1a, `/forecast?period=${period}&as_of=${yesterday}`), 200);
  assert.deepEqual(past.deals, []);
});

test('GET /forecast: changes since the last call, with amounts; since a date', async () => {
  expectStatus(await post(S.s1a, '/forecast/calls', { period, commit_minor: 1000000, best_case_minor: 2000000 }), 201);
  await sleep(1100); // the call knew everything up to its second
  await importDeals([
    row('D1', ORG.s1a.email, '12000', 'Negotiation/Review', inPeriod), // amount changed
    row('D2', ORG.s1a.email, '20000', 'Prospecting', nextPeriod), // pushed out
    row('D5', ORG.s1a.email, '3000', 'Prospecting', inPeriod), // pulled in
    row('D7', ORG.s1a.email, '4000', 'Qualification', inPeriod), // added
    row('D8', ORG.s1b.email, '9000', 'Qualification', inPeriod), // someone else's
  ]);
  const page = expectStatus(await get(S.s1a, `/forecast?period=${period}`), 200);
  assert.equal(page.changes.basis, 'call');
  const kinds = Object.fromEntries(page.changes.items.map((c) => [c.name, c.kind]));
  assert.deepEqual(kinds, { 'Deal D1': 'amount', 'Deal D2': 'pushed', 'Deal D5': 'pulled', 'Deal D7': 'added' });
  const t = page.changes.totals;
  assert.deepEqual(t.amount, { count: 1, amount_minor: 200000 });
  assert.deepEqual(t.pushed, { count: 1, amount_minor: -2000000 });
  assert.deepEqual(t.pulled, { count: 1, amount_minor: 300000 });
  assert.deepEqual(t.added, { count: 1, amount_minor: 400000 });
  assert.deepEqual(t.won, { count: 0, amount_minor: 0 });
  const pushed = page.changes.items.find((c) => c.kind === 'pushed');
  assert.deepEqual(pushed.before, { amount_minor: 2000000, close_date: inPeriod, status: 'open' });
  assert.equal(pushed.close_date, nextPeriod);
  // the manager has not called: the week's changes of the whole team, s1b's new deal too
  const team = expectStatus(await get(S.m1, `/forecast?period=${period}`), 200).changes;
  assert.equal(team.basis, 'week');
  assert.ok(team.items.some((c) => c.name === 'Deal D8' && c.kind === 'added'));
  // since a date: from the start of today everything imported is new
  const since = expectStatus(await get(S.s1a, `/forecast?period=${period}&since=${today}`), 200).changes;
  assert.equal(since.basis, 'date');
  assert.deepEqual(since.items.map((c) => c.kind).sort(), ['added', 'added', 'added', 'won']);
  isError(await get(S.s1a, `/forecast?period=${period}&since=2026-13-01`), 400, 'invalid', 'since');
});

test('accuracy: on the page for the forecaster and managers above only', async () => {
  const own = expectStatus(await get(S.s1a, `/forecast?period=${period}`), 200).people[0];
  assert.ok('accuracy' in own);
  assert.equal(own.accuracy, null); // no quarter has ended with a call in it yet
  const team = expectStatus(await get(S.m1, `/forecast?period=${period}`), 200).people;
  assert.ok(team.every((p) => 'accuracy' in p));
  // an admin who is nobody's manager sees the numbers, not the record
  const byAdmin = expectStatus(await get(admin, `/forecast?period=${period}&person_id=${P.s1a.id}`), 200).people[0];
  assert.ok(!('accuracy' in byAdmin));
  // a peer or another team's manager sees nothing of her at all
  isError(await get(S.s1b, `/forecast?period=${period}&person_id=${P.s1a.id}`), 404, 'not_found');
  isError(await get(S.m2, `/forecast?period=${period}&person_id=${P.s1a.id}`), 404, 'not_found');
  // a call for a quarter that has ended is hindsight: refused
  isError(await post(S.s1a, '/forecast/calls', { period: '2020-Q1', commit_minor: 1, best_case_minor: 2 }), 400, 'invalid', 'period');
  // and so is a manager's adjustment of one
  isError(await post(S.m1, '/forecast/adjustments', { person_id: P.s1a.id, period: '2020-Q1', commit_minor: 1, best_case_minor: 2, comment: 'hindsight' }), 400, 'invalid', 'period');
});
