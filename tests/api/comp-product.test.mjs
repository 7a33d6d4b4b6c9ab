// Compensation in the product: plan versions, assignments, payout runs from the pipeline, the
// lock of a closed period, payroll, statements, estimates and who may see them.
// Each refusal sits beside the success it differs from, so a removed check fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, call, cleanup, csvRecords, expectStatus, isError, setup } from './lib.mjs';

// Monthly quota, paid monthly: 10% up to quota, 20% above it.
const PLAN = {
  name: 'AE API', currency: 'USD', effective_from: '2026-01-01', quota_period: 'month', payout_period: 'month',
  components: [{ id: 'c', type: 'commission', mode: 'marginal', tiers: [
    { from_bp: 0, to_bp: 10000, rate_ppm: 100000 }, { from_bp: 10000, rate_ppm: 200000 }] }],
};

let base, org, admin, P, plan;
const S = {};
before(async () => {
  ({ base, org } = await setup({ users: ['m1', 'm2', 's1a', 's1b'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['m1', 'm2', 's1a', 's1b']) S[h] = await org.as(h);
  const row = (id, owner, amount, stage, close) => `${id},Deal ${id},A-${id},Acme ${id},${owner},${amount},USD,${stage},${close},2026-01-02`;
  const csv = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    row('W1', ORG.s1a.email, '6000', 'Closed Won', '2026-01-10'),
    row('W2', ORG.s1a.email, '6000', 'Closed Won', '2026-01-20'),
    row('L1', ORG.s1a.email, '9000', 'Closed Lost', '2026-01-21'),
    row('W3', ORG.s1b.email, '3000', 'Closed Won', '2026-01-15'),
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: csv, headers: { 'content-type': 'text/csv' } }), 200);
  for (const h of ['s1a', 's1b'])
    expectStatus(await call(base, 'PUT', '/quotas', { session: admin, body: { person_id: P[h].id, period: '2026-01', amount_minor: 1000000, currency: 'USD' } }), 200);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });

test('plans: admins upload versions; a bad field is named by its JSON path', async () => {
  isError(await post(S.m1, '/comp/plans', PLAN), 403, 'forbidden');
  const bad = { ...PLAN, components: [{ ...PLAN.components[0], tiers: [{ from_bp: 0, rate_ppm: -5 }] }] };
  const res = await post(admin, '/comp/plans', bad);
  assert.equal(res.status, 400, res.text);
  assert.match(res.text, /components\[0\]\.tiers\[0\]/);
  const v1 = expectStatus(await post(admin, '/comp/plans', PLAN), 201);
  const v2 = expectStatus(await post(admin, '/comp/plans', PLAN), 201);
  assert.equal(v1.version, 1);
  assert.equal(v2.version, 2);
  plan = v2.id;
  isError(await post(S.s1a, `/comp/plans/${plan}/assignments`, { person_id: P.s1a.id, start_date: '2026-01-01' }), 403, 'forbidden');
  isError(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: P.s1a.id, start_date: '2026-13-01' }), 400, 'invalid', 'start_date');
  isError(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: 99999, start_date: '2026-01-01' }), 400, 'invalid', 'person_id');
  for (const h of ['s1a', 's1b'])
    expectStatus(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: P[h].id, start_date: '2026-01-01' }), 201);
});

test('runs: admins run a period, re-run it while open, close it; a closed period is locked', async () => {
  isError(await post(S.m1, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 403, 'forbidden');
  isError(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-Q1' }), 400, 'invalid', 'period');
  const run = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 201);
  const again = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 201);
  assert.equal(again.id, run.id);
  isError(await get(admin, `/comp/runs/${run.id}/payroll.csv`), 409, 'conflict', 'run_id');
  isError(await post(S.s1a, `/comp/runs/${run.id}/close`), 403, 'forbidden');
  expectStatus(await post(admin, `/comp/runs/${run.id}/close`), 200);
  isError(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 409, 'conflict', 'period');
  isError(await get(S.m1, `/comp/runs/${run.id}/payroll.csv`), 403, 'forbidden');
  const res = await get(admin, `/comp/runs/${run.id}/payroll.csv`);
  assert.equal(res.status, 200, res.text);
  const rows = csvRecords(res.text);
  // Ana: 6,000 at 10% + 4,000 at 10% + 2,000 above quota at 20% = 1,400.00; Ben: 3,000 at 10%
  assert.deepEqual(rows.map((r) => [r.email, r.period, r.earned, r.paid_to_date, r.payout]), [
    [ORG.s1a.email, '2026-01', '140000', '0', '140000'],
    [ORG.s1b.email, '2026-01', '30000', '0', '30000'],
  ]);
});

test('statement: a seller sees their own explained lines; their manager too; others 404', async () => {
  const q = `/comp/statement?plan_id=${plan}&period=2026-01`;
  const own = expectStatus(await get(S.s1a, q), 200);
  assert.equal(own.person_id, P.s1a.id);
  assert.equal(own.status, 'closed');
  assert.equal(own.totals.payout_minor, 140000);
  assert.equal(own.totals.attainment_bp, 12000);
  assert.equal(own.lines.reduce((s, l) => s + l.amount_minor, 0), 140000);
  assert.ok(own.lines.every((l) => l.explanation.length > 20), JSON.stringify(own.lines));
  // each line names its deal as the pipeline has it, and whose it is
  const names = new Map((expectStatus(await get(S.s1a, '/opportunities'), 200)).opportunities.map((o) => [o.id, o.name]));
  const dealLines = own.lines.filter((l) => l.deal_id !== null);
  assert.deepEqual([...new Set(dealLines.map((l) => l.deal_name))].sort(), ['Deal W1', 'Deal W2']);
  for (const l of dealLines) {
    assert.equal(l.deal_name, names.get(l.deal_id));
    assert.equal(l.deal_owner_id, P.s1a.id);
  }
  const viaManager = expectStatus(await get(S.m1, `${q}&person_id=${P.s1a.id}`), 200);
  assert.deepEqual(viaManager, own);
  expectStatus(await get(admin, `${q}&person_id=${P.s1a.id}`), 200);
  isError(await get(S.s1b, `${q}&person_id=${P.s1a.id}`), 404, 'not_found', 'person_id');
  isError(await get(S.m2, `${q}&person_id=${P.s1a.id}`), 404, 'not_found', 'person_id');
  isError(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-05`), 404, 'not_found', 'period');
  const list = expectStatus(await get(S.s1a, '/comp/statements'), 200);
  assert.deepEqual(list.statements, [{ plan_id: plan, plan_name: 'AE API', period: '2026-01', status: 'closed', payout_minor: 140000 }]);
  isError(await get(S.s1b, `/comp/statements?person_id=${P.s1a.id}`), 404, 'not_found', 'person_id');
});

test('estimate: what one more deal would earn, for whoever may see the person', async () => {
  const q = `/comp/estimate?plan_id=${plan}&period=2026-01&amount_minor=100000`;
  // Ana is at 120%: 1,000.00 more pays 20% = 200.00; Ben at 30%: 10% = 100.00
  assert.equal(expectStatus(await get(S.s1a, q), 200).earns_minor, 20000);
  assert.equal(expectStatus(await get(S.m1, `${q}&person_id=${P.s1b.id}`), 200).earns_minor, 10000);
  isError(await get(S.s1a, `${q}&person_id=${P.s1b.id}`), 404, 'not_found', 'person_id');
  isError(await get(S.s1a, `/comp/estimate?plan_id=${plan}&period=2026-01&amount_minor=0`), 400, 'invalid', 'amount_minor');
  // a product and deal type are echoed (this plan has no SPIF to meet) and checked
  const typed = expectStatus(await get(S.s1a, `${q}&product=Core&deal_type=New%20Business`), 200);
  assert.deepEqual([typed.product, typed.deal_type, typed.earns_minor], ['Core', 'New Business', 20000]);
  isError(await get(S.s1a, `${q}&deal_type=new%01`), 400, 'invalid', 'deal_type');
  isError(await get(S.s1a, `${q}&product=${'x'.repeat(256)}`), 400, 'invalid', 'product');
});

test('disputes: a seller disputes their own line; an admin resolves it with a comment', async () => {
  const st = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-01`), 200);
  const line = st.lines[0];
  const body = { run_id: st.run_id, line_no: line.line_no, comment: 'This deal was a renewal.' };
  // someone else's line, even their manager: 404; no comment: 400
  isError(await post(S.s1b, '/comp/disputes', body), 404, 'not_found', 'line_no');
  isError(await post(S.m1, '/comp/disputes', body), 404, 'not_found', 'line_no');
  isError(await post(S.s1a, '/comp/disputes', { ...body, comment: '' }), 400, 'invalid', 'comment');
  const d = expectStatus(await post(S.s1a, '/comp/disputes', body), 201);
  let seen = expectStatus(await get(S.m1, `/comp/statement?plan_id=${plan}&period=2026-01&person_id=${P.s1a.id}`), 200);
  assert.deepEqual(seen.disputes.map((x) => [x.id, x.line_no, x.status, x.comment, x.resolution]), [[d.id, line.line_no, 'open', body.comment, null]]);
  isError(await post(S.s1a, `/comp/disputes/${d.id}/resolve`, { comment: 'Agreed' }), 403, 'forbidden');
  isError(await post(S.m1, `/comp/disputes/${d.id}/resolve`, { comment: 'Agreed' }), 403, 'forbidden');
  isError(await post(admin, `/comp/disputes/${d.id}/resolve`, {}), 400, 'invalid', 'comment');
  expectStatus(await post(admin, `/comp/disputes/${d.id}/resolve`, { comment: 'Checked: new business, paid right.' }), 200);
  isError(await post(admin, `/comp/disputes/${d.id}/resolve`, { comment: 'again' }), 409, 'conflict');
  isError(await post(admin, '/comp/disputes/99999/resolve', { comment: 'x' }), 404, 'not_found');
  seen = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-01`), 200);
  assert.deepEqual(seen.disputes.map((x) => [x.status, x.resolution]), [['resolved', 'Checked: new business, paid right.']]);
});

test('disputes: a re-run that renumbers an open period keeps each dispute on the line it was about', async () => {
  const head = 'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date';
  const deal = async (id, amount, close) => expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', {
    session: admin, raw: `${head}\n${id},Deal ${id},A-${id},Acme ${id},${ORG.s1a.email},${amount},USD,Closed Won,${close},2026-02-01\n`, headers: { 'content-type': 'text/csv' },
  }), 200);
  expectStatus(await call(base, 'PUT', '/quotas', { session: admin, body: { person_id: P.s1a.id, period: '2026-02', amount_minor: 1000000, currency: 'USD' } }), 200);
  await deal('W5', '3000', '2026-02-20');
  const run = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-02' }), 201);
  const q = `/comp/statement?plan_id=${plan}&period=2026-02`;
  let st = expectStatus(await get(S.s1a, q), 200);
  assert.deepEqual(st.lines.map((l) => l.amount_minor), [30000]); // W5: 3,000 at 10%
  const w5 = st.lines[0];
  const d5 = expectStatus(await post(S.s1a, '/comp/disputes', { run_id: run.id, line_no: w5.line_no, comment: 'W5 was bigger.' }), 201);
  st = expectStatus(await get(S.s1a, q), 200);
  assert.deepEqual(st.disputes.map((x) => [x.id, x.line_no, x.line_changed]), [[d5.id, w5.line_no, false]]);

  // W4 closed earlier in February: the re-run puts its line first, at W5's old number
  await deal('W4', '2000', '2026-02-05');
  expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-02' }), 201);
  st = expectStatus(await get(S.s1a, q), 200);
  assert.deepEqual(st.lines.map((l) => l.amount_minor), [20000, 30000]);
  assert.equal(st.lines[0].line_no, w5.line_no, 'W4 now holds the number W5 had');
  const [kept] = st.disputes;
  assert.equal(kept.line_changed, true);
  assert.deepEqual(kept.line, { date: w5.date, rule: w5.rule, deal_id: w5.deal_id, deal_name: 'Deal W5', deal_owner_id: P.s1a.id, amount_minor: 30000, explanation: w5.explanation });

  // a dispute about W4's line, opened now, is on the line at its number
  const d4 = expectStatus(await post(S.s1a, '/comp/disputes', { run_id: run.id, line_no: st.lines[0].line_no, comment: 'W4 too.' }), 201);
  st = expectStatus(await get(S.m1, `${q}&person_id=${P.s1a.id}`), 200);
  assert.deepEqual(st.disputes.map((x) => [x.id, x.line_changed, x.line.amount_minor]), [[d5.id, true, 30000], [d4.id, false, 20000]]);
});
