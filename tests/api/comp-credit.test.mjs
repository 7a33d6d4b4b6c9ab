// Compensation crediting from the pipeline: deal splits (who may set them, what is refused),
// roll-up to the manager, corrections of a closed period in the next open run, and the audit
// log for admins. Each refusal sits beside the success it differs from.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ORG, call, cleanup, csvRecords, expectStatus, isError, reins, setup, tempDir } from './lib.mjs';

// Flat 10% on a monthly quota; roll-up counted for managers with a quota.
const PLAN = {
  name: 'AE credit', currency: 'USD', effective_from: '2026-01-01', quota_period: 'month', payout_period: 'month',
  components: [{ id: 'c', type: 'commission', mode: 'marginal', credit: { direct: 10000, overlay: 10000, rollup: 10000 },
    tiers: [{ from_bp: 0, rate_ppm: 100000 }] }],
};

let base, admin, P, plan, w1, dbUrl;
const S = {};
before(async () => {
  let org;
  ({ base, org, dbUrl } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b']) S[h] = await org.as(h);
  const row = (id, owner, amount, close) => `${id},Deal ${id},A-${id},Acme ${id},${owner},${amount},USD,Closed Won,${close},2026-01-02`;
  const csv = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    row('W1', ORG.s1a.email, '6000', '2026-01-10'),
    row('W2', ORG.s1b.email, '3000', '2026-01-15'),
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: csv, headers: { 'content-type': 'text/csv' } }), 200);
  const deals = expectStatus(await call(base, 'GET', '/opportunities', { session: admin }), 200).opportunities;
  w1 = deals.find((d) => d.name === 'Deal W1').id;
  plan = expectStatus(await call(base, 'POST', '/comp/plans', { session: admin, body: PLAN }), 201).id;
  for (const h of ['m1', 's1a', 's1b']) {
    expectStatus(await call(base, 'POST', `/comp/plans/${plan}/assignments`, { session: admin, body: { person_id: P[h].id, start_date: '2026-01-01' } }), 201);
    for (const period of ['2026-01', '2026-02'])
      expectStatus(await call(base, 'PUT', '/quotas', { session: admin, body: { person_id: P[h].id, period, amount_minor: 1000000, currency: 'USD' } }), 200);
  }
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });
const put = (who, p, body) => call(base, 'PUT', p, { session: who, body });

test('splits: admins and managers at or above the owner set them; others are refused', async () => {
  const half = { splits: [{ person_id: P.s1a.id, kind: 'direct', share_bp: 5000 }, { person_id: P.s1b.id, kind: 'direct', share_bp: 5000 }] };
  isError(await put(S.s1a, `/comp/deals/${w1}/splits`, half), 403, 'forbidden'); // the owner, a seller
  isError(await put(S.s1b, `/comp/deals/${w1}/splits`, half), 404, 'not_found', 'deal_id'); // cannot see it
  isError(await put(S.m2, `/comp/deals/${w1}/splits`, half), 404, 'not_found', 'deal_id'); // another branch
  isError(await get(S.m2, `/comp/deals/${w1}/splits`), 404, 'not_found', 'deal_id');
  isError(await put(admin, '/comp/deals/99999/splits', half), 404, 'not_found', 'deal_id');
  const bad = (splits) => put(S.m1, `/comp/deals/${w1}/splits`, { splits });
  isError(await bad([{ person_id: P.s1a.id, kind: 'direct', share_bp: 6000 }, { person_id: P.s1b.id, kind: 'direct', share_bp: 3000 }]), 400, 'invalid', 'splits');
  isError(await bad([{ person_id: P.s1a.id, kind: 'direct', share_bp: 5000 }, { person_id: P.s1a.id, kind: 'direct', share_bp: 5000 }]), 400, 'invalid', 'splits[1].person_id');
  isError(await bad([{ person_id: 99999, kind: 'direct', share_bp: 10000 }]), 400, 'invalid', 'splits[0].person_id');
  // a manager credits only people of their tree (another branch reads as no one), never themself
  const other = isError(await bad([{ person_id: P.m2.id, kind: 'direct', share_bp: 10000 }]), 400, 'invalid', 'splits[0].person_id');
  assert.match(other.message, new RegExp(`no person ${P.m2.id}$`));
  isError(await bad([{ person_id: P.s1a.id, kind: 'direct', share_bp: 10000 }, { person_id: P.m1.id, kind: 'overlay', share_bp: 10000 }]), 403, 'forbidden', 'splits[1].person_id');
  isError(await bad([{ person_id: P.s1a.id, kind: 'rollup', share_bp: 10000 }]), 400, 'invalid', 'splits[0].kind');
  isError(await bad([{ person_id: P.s1a.id, kind: 'direct', share_bp: 10001 }]), 400, 'invalid', 'splits[0].share_bp');
  isError(await put(S.m1, `/comp/deals/${w1}/splits`, { splits: [], extra: 1 }), 400, 'invalid');
  // nothing was stored by the refusals
  assert.deepEqual(expectStatus(await get(S.s1a, `/comp/deals/${w1}/splits`), 200).splits, []);
  // the VP is above the owner too; the first-line manager sets the final split
  expectStatus(await put(S.vp, `/comp/deals/${w1}/splits`, { splits: [] }), 200);
  const set = expectStatus(await put(S.m1, `/comp/deals/${w1}/splits`, half), 200);
  // each split says whose it is by name: the seller sees who shares their deal
  const named = [{ person_id: P.s1a.id, name: ORG.s1a.name, kind: 'direct', share_bp: 5000 }, { person_id: P.s1b.id, name: ORG.s1b.name, kind: 'direct', share_bp: 5000 }];
  assert.deepEqual(set, { deal_id: w1, owner_id: P.s1a.id, splits: named });
  assert.deepEqual(expectStatus(await get(S.s1a, `/comp/deals/${w1}/splits`), 200).splits, named);
});

test('runs credit the splits and roll up to the manager; a closed period is corrected in the next run', async () => {
  const jan = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-01' }), 201).id;
  expectStatus(await post(admin, `/comp/runs/${jan}/close`), 200);
  const rows = csvRecords((await get(admin, `/comp/runs/${jan}/payroll.csv`)).text);
  // W1 6,000.00 split 50/50: Ana 3,000.00 at 10% = 300.00; Ben 3,000.00 + W2 3,000.00 = 6,000.00
  // at 10% = 600.00; Maya (their manager, on the plan) rolls up 9,000.00 at 10% = 900.00
  assert.deepEqual(rows.map((r) => [r.email, r.payout]), [
    [ORG.s1a.email, '30000'], [ORG.s1b.email, '60000'], [ORG.m1.email, '90000'],
  ]);
  // Ben's half of W1 names the deal and its owner, Ana: the deal is hers, and Ben may not open it
  const benJan = expectStatus(await get(S.s1b, `/comp/statement?plan_id=${plan}&period=2026-01`), 200);
  const w1Name = expectStatus(await get(S.s1a, `/opportunities/${w1}`), 200).name;
  const w1Lines = benJan.lines.filter((l) => l.deal_id === w1);
  assert.ok(w1Lines.length > 0, JSON.stringify(benJan.lines));
  for (const l of w1Lines) assert.deepEqual([l.deal_name, l.deal_owner_id], [w1Name, P.s1a.id]);
  isError(await get(S.s1b, `/opportunities/${w1}`), 404, 'not_found');
  // after the close W1 goes back to its owner whole: January would now pay Ana 600.00, Ben 300.00
  expectStatus(await put(S.m1, `/comp/deals/${w1}/splits`, { splits: [] }), 200);
  const feb = expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-02' }), 201).id;
  const ana = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-02`), 200);
  // the correction is about W1, named as the statement names every deal
  assert.deepEqual(ana.lines.map((l) => [l.rule, l.amount_minor, l.deal_id, l.deal_name]), [['correction', 30000, w1, w1Name]]);
  assert.equal(ana.lines[0].explanation,
    `Correction for 2026-01, a closed period: deal ${w1} earns 600.00 in 2026-01 now, 300.00 was paid, difference 300.00, paid in this period; the 2026-01 run itself stays as it was closed.`);
  assert.equal(ana.totals.payout_minor, 30000);
  const ben = expectStatus(await get(S.m1, `/comp/statement?plan_id=${plan}&period=2026-02&person_id=${P.s1b.id}`), 200);
  assert.equal(ben.totals.payout_minor, -30000);
  // the closed January run is unchanged
  const janAna = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-01`), 200);
  assert.equal(janAna.totals.payout_minor, 30000);
  expectStatus(await post(admin, `/comp/runs/${feb}/close`), 200);
});

test('audit: admins read who changed what; everyone else is refused', async () => {
  isError(await get(S.m1, '/comp/audit'), 403, 'forbidden');
  isError(await get(S.s1a, `/comp/audit?object=deal&object_id=${w1}`), 403, 'forbidden');
  isError(await get(admin, '/comp/audit?object=bogus'), 400, 'invalid', 'object');
  isError(await get(admin, `/comp/audit?object_id=${w1}`), 400, 'invalid', 'object');
  const deal = expectStatus(await get(admin, `/comp/audit?object=deal&object_id=${w1}`), 200).audit;
  // the manager's 50/50 and the manager's reset, newest first: the VP's empty split changed
  // nothing (the deal had none) and is not a change to log
  assert.deepEqual(deal.map((a) => [a.action, a.summary.after.length]), [['splits.set', 0], ['splits.set', 2]]);
  assert.ok(deal.every((a) => Number.isInteger(a.user_id)));
  assert.deepEqual(deal.map((a) => a.by), [ORG.m1.name, ORG.m1.name], 'who, by name');
  const runs = expectStatus(await get(admin, '/comp/audit?object=run'), 200).audit;
  assert.deepEqual(runs.map((a) => [a.action, a.summary.period]), [
    ['run.close', '2026-02'], ['run.run', '2026-02'], ['run.close', '2026-01'], ['run.run', '2026-01'],
  ]);
  const all = expectStatus(await get(admin, '/comp/audit'), 200).audit;
  assert.equal(all.filter((a) => a.action === 'assignment.create').length, 3);
  assert.equal(all.filter((a) => a.action === 'plan.upload').length, 1);
});

test('exchange rates: admins set them; a deal in another currency needs one to be credited', async () => {
  const rate = { effective_date: '2026-01-01', from_currency: 'EUR', to_currency: 'USD', rate_ppm: 1084500 };
  isError(await post(S.m1, '/comp/fx-rates', rate), 403, 'forbidden');
  isError(await get(S.s1a, '/comp/fx-rates'), 403, 'forbidden');
  isError(await post(admin, '/comp/fx-rates', { ...rate, rate_ppm: 1.0845 }), 400, 'invalid', 'rate_ppm');
  isError(await post(admin, '/comp/fx-rates', { ...rate, rate_ppm: 0 }), 400, 'invalid', 'rate_ppm');
  isError(await post(admin, '/comp/fx-rates', { ...rate, from_currency: 'euro' }), 400, 'invalid', 'from_currency');
  isError(await post(admin, '/comp/fx-rates', { ...rate, effective_date: '2026-02-30' }), 400, 'invalid', 'effective_date');
  // a March deal of Ana's in EUR: the March run fails, naming the deal and currency, until a rate exists
  const csv = [
    'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date',
    `E1,Deal E1,A-E1,Euro GmbH,${ORG.s1a.email},1000,EUR,Closed Won,2026-03-05,2026-01-02`,
    '',
  ].join('\n');
  expectStatus(await call(base, 'POST', '/import/opportunities?source=salesforce', { session: admin, raw: csv, headers: { 'content-type': 'text/csv' } }), 200);
  expectStatus(await call(base, 'PUT', '/quotas', { session: admin, body: { person_id: P.s1a.id, period: '2026-03', amount_minor: 1000000, currency: 'USD' } }), 200);
  const res = await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-03' });
  isError(res, 400, 'invalid', 'currency');
  assert.match(res.text, /is in EUR and closed on 2026-03-05/);
  const made = expectStatus(await post(admin, '/comp/fx-rates', rate), 201);
  assert.deepEqual(expectStatus(await get(admin, '/comp/fx-rates'), 200).rates, [{ id: made.id, ...rate }]);
  expectStatus(await post(admin, `/comp/plans/${plan}/runs`, { period: '2026-03' }), 201);
  const st = expectStatus(await get(S.s1a, `/comp/statement?plan_id=${plan}&period=2026-03`), 200);
  // 1,000.00 EUR x 1.0845 = 1,084.50 USD at 10% = 108.45
  assert.equal(st.totals.payout_minor, 10845);
  assert.match(st.lines[0].explanation, /The deal is 1,000\.00 EUR, converted at 1\.084500 USD per EUR \(the rate from 2026-01-01\) into 1,084\.50 USD\./);
  const audit = expectStatus(await get(admin, `/comp/audit?object=fx_rate&object_id=${made.id}`), 200).audit;
  assert.deepEqual(audit.map((a) => [a.action, a.summary.rate_ppm]), [['rate.set', 1084500]]);
});

test('plan modelling: admins run a draft against the current plan on a past period; nothing is stored', async () => {
  const draft = { ...PLAN, name: 'AE draft', components: [{ ...PLAN.components[0], credit: { direct: 10000 }, tiers: [{ from_bp: 0, rate_ppm: 50000 }] }] };
  const body = { plan: draft, period: '2026-01' };
  isError(await post(S.m1, '/comp/plans/model', body), 403, 'forbidden');
  isError(await post(S.s1a, '/comp/plans/model', body), 403, 'forbidden');
  isError(await post(admin, '/comp/plans/model', { ...body, period: '2999-01' }), 400, 'invalid', 'period');
  const bad = await post(admin, '/comp/plans/model', { ...body, plan: { ...draft, components: [{ ...draft.components[0], tiers: [{ from_bp: 0, rate_ppm: -1 }] }] } });
  isError(bad, 400, 'invalid', 'plan');
  assert.match(bad.text, /components\[0\]\.tiers\[0\]/);
  const runsBefore = expectStatus(await get(admin, '/comp/audit?object=run'), 200).audit.length;
  const m = expectStatus(await post(admin, '/comp/plans/model', body), 200);
  // January on today's data (W1 back with its owner): current 10% with roll-up: Ana 6,000.00 ->
  // 600.00, Ben 3,000.00 -> 300.00, Maya rolls up 9,000.00 -> 900.00. Draft 5%, no roll-up:
  // Ana 300.00, Ben 150.00, Maya 0.00.
  assert.deepEqual(m.people.map((p) => [p.name, p.current_minor, p.draft_minor, p.change_minor, p.flagged]), [
    [ORG.m1.name, 90000, 0, -90000, true], [ORG.s1a.name, 60000, 30000, -30000, true], [ORG.s1b.name, 30000, 15000, -15000, true],
  ]);
  assert.deepEqual(m.totals, { current_minor: 180000, draft_minor: 45000, change_minor: -135000 });
  assert.equal(m.draft_name, 'AE draft');
  assert.deepEqual(Object.keys(m.people[0].facts).sort(), ['kudos_received', 'last_goal_checkin', 'last_kudos_at', 'open_goals', 'top_performer']);
  assert.equal(m.people[0].facts.top_performer, false);
  assert.equal(expectStatus(await get(admin, '/comp/audit?object=run'), 200).audit.length, runsBefore);
});

test('splits import: admins set many deals\' splits from a CSV file by the CRM\'s ids; a bad line sets none', async () => {
  const csv = (lines) => ['external_id,email,kind,share_bp', ...lines, ''].join('\n');
  const importSplits = (session, text, source = 'salesforce') =>
    call(base, 'POST', `/import/splits${source ? `?source=${source}` : ''}`, { session, raw: text, headers: { 'content-type': 'text/csv' } });
  const good = csv([`W1,${ORG.s1a.email},direct,6000`, `W1,${ORG.s1b.email},direct,4000`, `W2,${ORG.s1b.email},,`, `W2,${ORG.m1.email},overlay,5000`]);
  isError(await importSplits(S.m1, good), 403, 'forbidden'); // a manager sets splits deal by deal, not by file
  isError(await importSplits(S.s1a, good), 403, 'forbidden');
  isError(await importSplits(admin, good, 'oracle'), 400, 'invalid', 'source');
  const w2 = expectStatus(await call(base, 'GET', '/opportunities', { session: admin }), 200).opportunities.find((d) => d.name === 'Deal W2').id;
  const before = expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits;
  // an unknown person on W2, and W1's direct shares at 90%: both named, nothing set
  const bad = await importSplits(admin, csv([`W1,${ORG.s1a.email},direct,5000`, `W1,${ORG.s1b.email},direct,4000`, 'W2,nobody@example.com,direct,10000', `W9,${ORG.s1a.email},direct,10000`]));
  isError(bad, 400, 'invalid');
  assert.deepEqual(bad.body.lines.map((l) => [l.line, l.field]).sort(), [[2, 'share_bp'], [4, 'email'], [5, 'external_id']]);
  assert.deepEqual(expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits, before);
  // without the source, external ids name nothing: the header is refused
  isError(await importSplits(admin, good, ''), 400, 'invalid');

  const done = expectStatus(await importSplits(admin, good), 200);
  assert.equal(done.created + done.updated, 2);
  assert.equal(done.unchanged, 0);
  const pick = (s) => s.map((x) => [x.person_id, x.kind, x.share_bp]);
  assert.deepEqual(pick(expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits), [[P.s1a.id, 'direct', 6000], [P.s1b.id, 'direct', 4000]]);
  assert.deepEqual(pick(expectStatus(await get(admin, `/comp/deals/${w2}/splits`), 200).splits), [[P.s1b.id, 'direct', 10000], [P.m1.id, 'overlay', 5000]]);
  // each deal's change is in the audit log, as a change by hand is
  const audit = expectStatus(await get(admin, `/comp/audit?object=deal&object_id=${w2}`), 200).audit;
  assert.equal(audit[0].action, 'splits.set');
  assert.equal(audit[0].summary.via, 'import');
  assert.deepEqual(pick(audit[0].summary.after), [[P.s1b.id, 'direct', 10000], [P.m1.id, 'overlay', 5000]]);

  // the export is the import's format: by the CRM's ids it reads back as the file went in,
  // and imported again it changes nothing (no audit rows either)
  isError(await get(S.m1, '/export/splits'), 403, 'forbidden');
  isError(await get(admin, '/export/splits?source=oracle'), 400, 'invalid', 'source');
  const exported = await get(admin, '/export/splits?source=salesforce');
  expectStatus(exported, 200);
  assert.match(exported.text, /^external_id,email,kind,share_bp\r\n/);
  assert.deepEqual(csvRecords(exported.text).map((r) => [r.external_id, r.email, r.kind, r.share_bp]), [
    ['W1', ORG.s1a.email, 'direct', '6000'], ['W1', ORG.s1b.email, 'direct', '4000'],
    ['W2', ORG.s1b.email, 'direct', '10000'], ['W2', ORG.m1.email, 'overlay', '5000'],
  ]);
  const byId = await get(admin, '/export/splits');
  expectStatus(byId, 200);
  assert.match(byId.text, new RegExp(`^deal_id,email,kind,share_bp\r\n${w1},`));
  const audits = expectStatus(await get(admin, '/comp/audit?object=deal'), 200).audit.length;
  assert.deepEqual(expectStatus(await importSplits(admin, exported.text), 200), { created: 0, updated: 0, unchanged: 2 });
  assert.equal(expectStatus(await get(admin, '/comp/audit?object=deal'), 200).audit.length, audits);
});

test('reins import splits: the same rules from the command line', async () => {
  const dir = tempDir();
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, `external_id,email,share_bp\nW1,nobody@test.example,10000\nW2,${ORG.s1a.email},9000\n`);
  const before = expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits;
  const r1 = reins(['--db', dbUrl, 'import', 'splits', '--source', 'salesforce', bad]);
  assert.equal(r1.status, 1, r1.stderr);
  assert.match(r1.stderr, /bad\.csv line 2: field email: 'nobody@test\.example' is not a known person/);
  assert.match(r1.stderr, /bad\.csv line 3: field share_bp: the deal's direct shares \(lines from 3\) come to 9000 bp/);
  assert.deepEqual(expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits, before);
  const good = path.join(dir, 'good.csv');
  writeFileSync(good, `external_id,email\nW1,${ORG.s1b.email}\n`);
  const r2 = reins(['--db', dbUrl, 'import', 'splits', '--source', 'salesforce', good]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stdout, /splits set on 1 deal \(1 had splits before\), 0 deals already as the file has them/);
  assert.deepEqual(expectStatus(await get(admin, `/comp/deals/${w1}/splits`), 200).splits, [{ person_id: P.s1b.id, name: ORG.s1b.name, kind: 'direct', share_bp: 10000 }]);
  assert.equal(reins(['--db', dbUrl, 'import', 'splits', '--source', 'oracle', good]).status, 2);
  assert.equal(reins(['--db', dbUrl, 'import', 'splits']).status, 2);
});
