// The compensation admin page's reads: plans and versions, assignments, runs with totals, a
// run's payouts, disputes open first; and payroll as XLSX, read back cell by cell.
// Every route is refused to a seller, a manager and a caller without a login.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_EMAIL, ORG, call, cleanup, csvRecords, expectStatus, isError, setup, tempDir } from './lib.mjs';

// Monthly quota, paid monthly: 10% up to quota, 20% above it.
const PLAN = {
  name: 'AE Admin', currency: 'EUR', effective_from: '2026-01-01', quota_period: 'month', payout_period: 'month',
  components: [{ id: 'c', type: 'commission', mode: 'marginal', tiers: [
    { from_bp: 0, to_bp: 10000, rate_ppm: 100000 }, { from_bp: 10000, rate_ppm: 200000 }] }],
};
const OTHER = { ...PLAN, name: 'SDR Admin', effective_to: '2026-12-31' };

let base, org, admin, P, plan, run;
const S = {};
before(async () => {
  ({ base, org } = await setup({ users: ['m1', 's1a', 's1b'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['m1', 's1a', 's1b']) S[h] = await org.as(h);
  const row = (id, owner, amount, stage, close) => `${id},Deal ${id},A-${id},Acme ${id},${owner},${amount},EUR,${stage},${close},2026-01-02`;
  const csv = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    row('W1', ORG.s1a.email, '6000', 'Closed Won', '2026-01-10'),
    row('W2', ORG.s1a.email, '6000', 'Closed Won', '2026-01-20'),
    row('W3', ORG.s1b.email, '3001.23', 'Closed Won', '2026-01-15'),
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: csv, headers: { 'content-type': 'text/csv' } }), 200);
  for (const h of ['s1a', 's1b'])
    expectStatus(await call(base, 'PUT', '/quotas', { session: admin, body: { person_id: P[h].id, period: '2026-01', amount_minor: 1000000, currency: 'EUR' } }), 200);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });

/** Every admin read is 403 for a seller and a manager, 401 without a login. */
async function refusedToOthers(p) {
  isError(await get(S.s1a, p), 403, 'forbidden');
  isError(await get(S.m1, p), 403, 'forbidden');
  isError(await get(undefined, p), 401, 'unauthorized');
}

test('plans: every version by name, newest first, with its document; admins only', async () => {
  const v1 = expectStatus(await post(admin, '/comp/plans', PLAN), 201);
  const v2 = expectStatus(await post(admin, '/comp/plans', { ...PLAN, effective_from: '2026-01-01' }), 201);
  // refused: a measure the pipeline does not credit, or a component counting no credit
  const typo = isError(await post(admin, '/comp/plans', { ...PLAN, components: [{ ...PLAN.components[0], measure: 'bookngs' }] }), 400, 'invalid');
  assert.match(typo.message, /components\[0\]\.measure: 'bookngs' is not a measure the pipeline credits/);
  const none = isError(await post(admin, '/comp/plans', { ...PLAN, components: [{ ...PLAN.components[0], credit: { direct: 0 } }] }), 400, 'invalid');
  assert.match(none.message, /components\[0\]\.credit: counts no credit/);
  const o = expectStatus(await post(admin, '/comp/plans', OTHER), 201);
  plan = v2.id;
  const list = expectStatus(await get(admin, '/comp/plans'), 200);
  assert.deepEqual(list.plans.map((p) => [p.name, p.versions.map((v) => [v.id, v.version, v.currency, v.effective_from, v.effective_to])]), [
    ['AE Admin', [[v2.id, 2, 'EUR', '2026-01-01', null], [v1.id, 1, 'EUR', '2026-01-01', null]]],
    ['SDR Admin', [[o.id, 1, 'EUR', '2026-01-01', '2026-12-31']]],
  ]);
  assert.ok(list.plans[0].versions.every((v) => Number.isInteger(v.created_at) && v.assignments === 0 && v.runs === 0));
  // who uploaded each version, from the audit log: the admin has no person, so the email
  assert.deepEqual(list.plans.flatMap((p) => p.versions.map((v) => v.uploaded_by)), [ADMIN_EMAIL, ADMIN_EMAIL, ADMIN_EMAIL]);
  const one = expectStatus(await get(admin, `/comp/plans/${o.id}`), 200);
  assert.equal(one.name, 'SDR Admin');
  assert.deepEqual(one.document, OTHER);
  isError(await get(admin, '/comp/plans/99999'), 404, 'not_found', 'plan_id');
  await refusedToOthers('/comp/plans');
  await refusedToOthers(`/comp/plans/${o.id}`);
});

test('assignments: every plan, or one plan with ?plan_id', async () => {
  expectStatus(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: P.s1a.id, start_date: '2026-01-01' }), 201);
  expectStatus(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: P.s1b.id, start_date: '2026-01-01', end_date: '2026-12-31' }), 201);
  const all = expectStatus(await get(admin, '/comp/assignments'), 200);
  assert.deepEqual(all.assignments.map((a) => [a.plan_id, a.plan_name, a.plan_version, a.person_id, a.person_name, a.email, a.start_date, a.end_date]), [
    [plan, 'AE Admin', 2, P.s1a.id, ORG.s1a.name, ORG.s1a.email, '2026-01-01', null],
    [plan, 'AE Admin', 2, P.s1b.id, ORG.s1b.name, ORG.s1b.email, '2026-01-01', '2026-12-31'],
  ]);
  assert.deepEqual(expectStatus(await get(admin, `/comp/assignments?plan_id=${plan}`), 200), all);
  assert.deepEqual(expectStatus(await get(admin, `/comp/assignments?plan_id=${plan - 1}`), 200).assignments, []);
  isError(await get(admin, '/comp/assignments?plan_id=x'), 400, 'invalid', 'plan_id');
  const plans = expectStatus(await get(admin, '/comp/plans'), 200);
  assert.equal(plans.plans[0].versions[0].assignments, 2);
  await refusedToOthers('/comp/assignments');
});

test('assignments end (and open again), one at a time per person and plan', async () => {
  const patch = (who, p, body) => call(base, 'PATCH', p, { session: who, body });
  const mine = (await get(admin, `/comp/assignments?plan_id=${plan}`)).body.assignments.find((a) => a.person_id === P.s1b.id);
  // a second window meeting the first is refused, naming it
  const twice = isError(await post(admin, `/comp/plans/${plan}/assignments`, { person_id: P.s1b.id, start_date: '2026-06-01' }), 409, 'conflict', 'person_id');
  assert.match(twice.message, /already on this plan from 2026-01-01 to 2026-12-31/);
  // refusals first: nothing changes
  isError(await patch(admin, `/comp/assignments/${mine.id}`, { end_date: '2025-12-31' }), 400, 'invalid', 'end_date');
  isError(await patch(admin, `/comp/assignments/${mine.id}`, {}), 400, 'invalid', 'end_date');
  isError(await patch(admin, `/comp/assignments/${mine.id}`, { end_date: 20261231 }), 400, 'invalid', 'end_date');
  isError(await patch(admin, `/comp/assignments/${mine.id}`, { end_date: '2026-12-31', start_date: '2026-02-01' }), 400, 'invalid');
  isError(await patch(admin, '/comp/assignments/99999', { end_date: '2026-12-31' }), 404, 'not_found', 'assignment_id');
  for (const who of [S.s1a, S.m1]) isError(await patch(who, `/comp/assignments/${mine.id}`, { end_date: '2026-01-31' }), 403, 'forbidden');
  isError(await patch(undefined, `/comp/assignments/${mine.id}`, { end_date: '2026-01-31' }), 401, 'unauthorized');
  const endOf = async () => (await get(admin, `/comp/assignments?plan_id=${plan}`)).body.assignments.find((a) => a.id === mine.id).end_date;
  assert.equal(await endOf(), '2026-12-31');
  // open, then back to its year
  assert.deepEqual(expectStatus(await patch(admin, `/comp/assignments/${mine.id}`, { end_date: null }), 200), { id: mine.id });
  assert.equal(await endOf(), null);
  expectStatus(await patch(admin, `/comp/assignments/${mine.id}`, { end_date: '2026-12-31' }), 200);
  assert.equal(await endOf(), '2026-12-31');
  const audit = expectStatus(await get(admin, `/comp/audit?object=assignment&object_id=${mine.id}`), 200);
  assert.deepEqual(audit.audit.filter((x) => x.action === 'assignment.end').map((x) => x.summary.end_date), ['2026-12-31', null]);
});

test('runs: totals, lines and status; one run with its payouts per person', async () => {
  run = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 201).id;
  let runs = expectStatus(await get(admin, '/comp/runs'), 200).runs;
  // Ana: 10,000 at 10% + 2,000 above quota at 20% = 1,400.00; Ben: 3,001.23 at 10% = 300.12(3)
  assert.equal(runs.length, 1);
  const r = runs[0];
  assert.deepEqual([r.id, r.plan_id, r.plan_name, r.plan_version, r.currency, r.period, r.status, r.closed_at, r.people, r.earned_minor, r.payout_minor, r.open_disputes],
    [run, plan, 'AE Admin', 2, 'EUR', '2026-01', 'open', null, 2, 170012, 170012, 0]);
  assert.ok(r.lines >= 3, JSON.stringify(r));
  const one = expectStatus(await get(admin, `/comp/runs/${run}`), 200);
  assert.deepEqual(one.payouts.map((p) => [p.person_id, p.name, p.email, p.earned_minor, p.paid_to_date_minor, p.payout_minor, p.attainment_bp]), [
    [P.s1a.id, ORG.s1a.name, ORG.s1a.email, 140000, 0, 140000, 12000],
    [P.s1b.id, ORG.s1b.name, ORG.s1b.email, 30012, 0, 30012, 3001],
  ]);
  assert.equal(one.payouts.reduce((s, p) => s + p.lines, 0), r.lines);
  // each person's line count is what their statement shows
  const st = expectStatus(await get(admin, `/comp/statement?plan_id=${plan}&period=2026-01&person_id=${P.s1a.id}`), 200);
  assert.equal(one.payouts[0].lines, st.lines.length);
  isError(await get(admin, '/comp/runs/99999'), 404, 'not_found', 'run_id');
  // a period not begun yet has nothing to pay, and closing it would take the months before as paid
  const next = new Date();
  next.setUTCMonth(next.getUTCMonth() + 1, 1);
  const ahead = next.toISOString().slice(0, 7);
  const refused = isError(await post(admin, `/comp/plans/${plan}/runs`, { period: ahead }), 400, 'invalid', 'period');
  assert.match(refused.message, new RegExp(`${ahead} has not begun yet`));
  expectStatus(await post(admin, `/comp/runs/${run}/close`), 200);
  runs = expectStatus(await get(admin, '/comp/runs'), 200).runs;
  assert.equal(runs[0].status, 'closed');
  assert.ok(Number.isInteger(runs[0].closed_at));
  await refusedToOthers('/comp/runs');
  await refusedToOthers(`/comp/runs/${run}`);
});

/** The text of `entry` in the zip at `file` (unzip -p). */
function unzipEntry(file, entry) {
  const r = spawnSync('unzip', ['-p', file, entry], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unzip -p ${entry}: ${r.stderr}`);
  return r.stdout;
}

/** Sheet 1 of an XLSX as rows of {value, numFmt} (strings resolved from the shared table). */
function readSheet(buf) {
  const file = path.join(tempDir(), 'payroll.xlsx');
  writeFileSync(file, buf);
  const shared = [...unzipEntry(file, 'xl/sharedStrings.xml').matchAll(/<si><t[^>]*>([^<]*)<\/t><\/si>/g)].map((m) => m[1]);
  const styles = unzipEntry(file, 'xl/styles.xml');
  const fmtCodes = new Map([...styles.matchAll(/<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  fmtCodes.set('4', '#,##0.00'); // built in
  const xfs = [...styles.match(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/)[1].matchAll(/<xf [^>]*numFmtId="(\d+)"/g)].map((m) => m[1]);
  const rows = [];
  for (const m of unzipEntry(file, 'xl/worksheets/sheet1.xml').matchAll(/<row [^>]*>([\s\S]*?)<\/row>/g)) {
    rows.push([...m[1].matchAll(/<c r="[A-Z]+\d+"(?: s="(\d+)")?(?: t="(\w+)")?>(?:<v>([^<]*)<\/v>)?<\/c>/g)].map(([, s, t, v]) => ({
      value: t === 's' ? shared[Number(v)] : Number(v),
      numFmt: fmtCodes.get(xfs[Number(s ?? 0)]) ?? 'General',
    })));
  }
  return rows;
}

test('payroll.xlsx: the CSV rows with amounts as numbers to the cent, closed runs only', async () => {
  const open = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-02' }), 201).id;
  isError(await get(admin, `/comp/runs/${open}/payroll.xlsx`), 409, 'conflict', 'run_id');
  isError(await get(admin, '/comp/runs/99999/payroll.xlsx'), 404, 'not_found', 'run_id');
  await refusedToOthers(`/comp/runs/${run}/payroll.xlsx`);
  const res = await fetch(`${base}/api/v1/comp/runs/${run}/payroll.xlsx`, { headers: { cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  assert.match(res.headers.get('content-disposition'), /payroll\.xlsx/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK');
  const rows = readSheet(buf);
  assert.deepEqual(rows[0].map((c) => c.value), ['email', 'name', 'period', 'earned', 'paid_to_date', 'payout', 'currency']);
  const csv = csvRecords((await get(admin, `/comp/runs/${run}/payroll.csv`)).text);
  assert.equal(rows.length, csv.length + 1);
  csv.forEach((c, i) => {
    const x = rows[i + 1];
    assert.deepEqual(x.slice(0, 3).map((v) => v.value), [c.email, c.name, c.period]);
    // each amount is the CSV's minor units as a number of euros, shown with two decimals
    for (const [k, col] of [['earned', 3], ['paid_to_date', 4], ['payout', 5]]) {
      assert.equal(Math.round(x[col].value * 100), Number(c[k]), `${k} of row ${i + 1}`);
      assert.equal(x[col].numFmt, '#,##0.00');
    }
    assert.equal(x[6].value, 'EUR');
  });
  // Ben's 300.12 is written as 300.12, not a float near it
  assert.deepEqual(rows.slice(1).map((r) => r[5].value), [1400, 300.12]);
});

test('disputes: open ones first with the line they name; resolved after', async () => {
  const st = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-01`), 200);
  const [l0, l1] = st.lines;
  const d1 = expectStatus(await post(S.s1a, '/comp/disputes', { run_id: run, line_no: l0.line_no, comment: 'First' }), 201);
  const d2 = expectStatus(await post(S.s1a, '/comp/disputes', { run_id: run, line_no: l1.line_no, comment: 'Second' }), 201);
  let list = expectStatus(await get(admin, '/comp/disputes'), 200).disputes;
  assert.deepEqual(list.map((d) => [d.id, d.status]), [[d1.id, 'open'], [d2.id, 'open']]);
  // each line as the seller's statement numbers it, and still the line disputed
  assert.deepEqual(list.map((d) => [d.statement_line, d.line_changed]), [[1, false], [2, false]]);
  const d = list[0];
  assert.deepEqual([d.run_id, d.plan_id, d.plan_name, d.period, d.line_no, d.person_id, d.person_name, d.comment, d.resolution, d.resolved_at],
    [run, plan, 'AE Admin', '2026-01', l0.line_no, P.s1a.id, ORG.s1a.name, 'First', null, null]);
  assert.deepEqual(d.line, { date: l0.date, rule: l0.rule, deal_id: l0.deal_id, deal_name: l0.deal_name, amount_minor: l0.amount_minor, explanation: l0.explanation });
  assert.notEqual(l0.deal_id, null, 'the first line is about a deal');
  assert.equal(d.line.deal_name, expectStatus(await get(admin, `/opportunities/${l0.deal_id}`), 200).name);
  assert.equal(expectStatus(await get(admin, '/comp/runs'), 200).runs.find((r) => r.id === run).open_disputes, 2);
  expectStatus(await post(admin, `/comp/disputes/${d1.id}/resolve`, { comment: 'Paid right.' }), 200);
  list = expectStatus(await get(admin, '/comp/disputes'), 200).disputes;
  assert.deepEqual(list.map((x) => [x.id, x.status, x.resolution]), [[d2.id, 'open', null], [d1.id, 'resolved', 'Paid right.']]);
  assert.ok(Number.isInteger(list[1].resolved_at));
  await refusedToOthers('/comp/disputes');
});

test('adjustments: an admin pays an upheld dispute in an open period, with the reason', async () => {
  const body = { plan_id: plan, person_id: P.s1a.id, period: '2026-02', amount_minor: 2500, reason: 'Dispute upheld: renewal paid as new' };
  // refusals first: who, what and where
  for (const who of [S.s1a, S.m1]) isError(await post(who, '/comp/adjustments', body), 403, 'forbidden');
  isError(await post(undefined, '/comp/adjustments', body), 401, 'unauthorized');
  isError(await post(admin, '/comp/adjustments', { ...body, amount_minor: 0 }), 400, 'invalid', 'amount_minor');
  isError(await post(admin, '/comp/adjustments', { ...body, amount_minor: '25.00' }), 400, 'invalid', 'amount_minor');
  isError(await post(admin, '/comp/adjustments', { ...body, reason: '' }), 400, 'invalid', 'reason');
  isError(await post(admin, '/comp/adjustments', { ...body, period: '2026-Q1' }), 400, 'invalid', 'period');
  isError(await post(admin, '/comp/adjustments', { ...body, person_id: 999999 }), 400, 'invalid', 'person_id');
  isError(await post(admin, '/comp/adjustments', { ...body, plan_id: 999999 }), 404, 'not_found', 'plan_id');
  isError(await post(admin, '/comp/adjustments', { ...body, extra: 1 }), 400, 'invalid');
  const closed = isError(await post(admin, '/comp/adjustments', { ...body, period: '2026-01' }), 409, 'conflict', 'period');
  assert.match(closed.message, /2026-01 is settled/);
  assert.deepEqual(expectStatus(await get(admin, '/comp/adjustments'), 200).adjustments, []);
  // February's open run pays it at once, as a line the seller reads
  const before = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  const made = expectStatus(await post(admin, '/comp/adjustments', body), 201);
  const after = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  assert.equal(after.totals.payout_minor, before.totals.payout_minor + 2500);
  const line = after.lines.find((l) => l.rule === 'adjustment');
  assert.deepEqual([line.amount_minor, line.deal_id, line.explanation], [2500, null, `Adjustment by ${ADMIN_EMAIL}: Dispute upheld: renewal paid as new`]);
  const list = expectStatus(await get(admin, '/comp/adjustments'), 200).adjustments;
  assert.deepEqual(list.map((a) => [a.id, a.plan_id, a.person_id, a.person_name, a.period, a.amount_minor, a.reason, a.by, a.run_status]),
    [[made.id, plan, P.s1a.id, ORG.s1a.name, '2026-02', 2500, body.reason, ADMIN_EMAIL, 'open']]);
  await refusedToOthers('/comp/adjustments');
  const audit = expectStatus(await get(admin, `/comp/audit?object=adjustment&object_id=${made.id}`), 200).audit;
  assert.deepEqual(audit.map((a) => [a.action, a.summary.amount_minor, a.by]), [['adjustment.add', 2500, ADMIN_EMAIL]]);
  // taken back while February is open: its run no longer pays it
  const del = (who, id) => call(base, 'DELETE', `/comp/adjustments/${id}`, { session: who });
  for (const who of [S.s1a, S.m1]) isError(await del(who, made.id), 403, 'forbidden');
  isError(await del(admin, 999999), 404, 'not_found', 'adjustment_id');
  assert.deepEqual(expectStatus(await del(admin, made.id), 200), { id: made.id });
  const undone = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  assert.equal(undone.totals.payout_minor, before.totals.payout_minor);
  assert.equal(undone.lines.filter((l) => l.rule === 'adjustment').length, 0);
  assert.deepEqual(expectStatus(await get(admin, '/comp/adjustments'), 200).adjustments, []);
  isError(await del(admin, made.id), 404, 'not_found', 'adjustment_id');
  // a dispute upheld with money: resolved and paid at once, or neither (February has no
  // deals of Ana's: she disputes a spot bonus)
  expectStatus(await post(admin, '/comp/adjustments', { ...body, amount_minor: 100, reason: 'Spot bonus' }), 201);
  const st = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  const disputed = st.lines.find((l) => l.explanation.endsWith('Spot bonus'));
  const d = expectStatus(await post(S.s1a, '/comp/disputes', { run_id: st.run_id, line_no: disputed.line_no, comment: 'Missing my renewal.' }), 201);
  isError(await post(admin, `/comp/disputes/${d.id}/resolve`, { comment: 'Right.', adjust_minor: 0 }), 400, 'invalid', 'adjust_minor');
  isError(await post(admin, `/comp/disputes/${d.id}/resolve`, { comment: 'Right.', adjust_minor: 1500, period: '2026-01' }), 409, 'conflict', 'period');
  assert.equal(expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200).disputes.find((x) => x.id === d.id).status, 'open');
  expectStatus(await post(admin, `/comp/disputes/${d.id}/resolve`, { comment: 'Right: the renewal was missing.', adjust_minor: 1500 }), 200);
  const paid = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  assert.equal(paid.totals.payout_minor, before.totals.payout_minor + 100 + 1500);
  assert.ok(paid.lines.some((l) => l.rule === 'adjustment' && l.explanation === `Adjustment by ${ADMIN_EMAIL}: Dispute upheld: Right: the renewal was missing.`));
  assert.equal(paid.disputes.find((x) => x.id === d.id).status, 'resolved');
});

test('a period closes only after the one before it, once a plan has closed one', async () => {
  // January and February closed: April, run with March never run, does not close
  const feb = expectStatus(await get(admin, '/comp/runs'), 200).runs.find((r) => r.plan_id === plan && r.period === '2026-02');
  expectStatus(await post(admin, `/comp/runs/${feb.id}/close`), 200);
  const april = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-04' }), 201).id;
  const gap = isError(await post(admin, `/comp/runs/${april}/close`), 409, 'conflict', 'run_id');
  assert.match(gap.message, /^2026-03 has no closed run/);
  assert.equal(expectStatus(await get(admin, '/comp/runs'), 200).runs.find((r) => r.id === april).status, 'open');
  // a seller with no quota for the period is told so by the estimator, not by the engine
  const none = isError(await get(S.s1a, `/comp/estimate?plan_id=${plan}&period=2026-04&amount_minor=100000`), 400, 'invalid', 'period');
  assert.match(none.message, /^No estimate for 2026-04: .* has no quota for 2026-04 yet/);
});
