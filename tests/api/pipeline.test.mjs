// Pipeline: CRM import (admin, all or nothing), who sees which deals, the board, the
// opportunity page with history, stage moves and hand-set probabilities, mappings, export.
// Each refusal sits beside the success it differs from, so a removed check fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, csvRecords, expectStatus, isError, ORG, reins, setup } from './lib.mjs';

let base, org, admin, dbUrl;
const S = {};
before(async () => {
  ({ base, org, dbUrl } = await setup({ users: ['vp', 'm1', 's1a', 's1b', 's2a'] }));
  admin = org.admin;
  for (const h of ['vp', 'm1', 's1a', 's1b', 's2a']) S[h] = await org.as(h);
});
after(cleanup);

const CSV = { 'content-type': 'text/csv' };
const get = (who, p) => call(base, 'GET', p, { session: who });
const put = (who, p, body) => call(base, 'PUT', p, { session: who, body });
const importCsv = (text, { source = 'salesforce', object = 'opportunities', session = admin } = {}) =>
  call(base, 'POST', `/import/${object}?source=${source}`, { session, raw: text, headers: CSV });

const SF_HEADER = 'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date';
const sfRow = (id, name, owner, amount, stage, close) =>
  `${id},${name},A-${id},${name} Inc,${ORG[owner].email},${amount},EUR,${stage},${close},2026-01-05`;
const FIRST = [
  SF_HEADER,
  sfRow('006N1', 'North One', 's1a', '10000', 'Prospecting', '2026-12-31'),
  sfRow('006N2', 'North Two', 's1b', '"20,000.50"', 'Negotiation/Review', '2026-11-30'),
  sfRow('006S1', 'South One', 's2a', '5000', 'Prospecting', '2026-10-31'),
  '',
].join('\r\n');

const allDeals = async (who) => expectStatus(await get(who, '/opportunities'), 200).opportunities;
const dealId = async (ext) => (await allDeals(admin)).find((o) => o.external_id === ext).id;

test('import: sellers and managers may not import (403), nothing written', async () => {
  isError(await importCsv(FIRST, { session: S.s1a }), 403, 'forbidden');
  isError(await importCsv(FIRST, { session: S.vp }), 403, 'forbidden');
  assert.equal((await allDeals(admin)).length, 0);
});

test('import: a bad file names every bad line and field, and leaves nothing', async () => {
  const bad = [
    SF_HEADER,
    sfRow('006G', 'Good', 's1a', '100', 'Prospecting', '2026-12-31'),
    sfRow('006X', 'Nobody', 's1a', '100', 'Prospecting', '2026-12-31').replace(ORG.s1a.email, 'nobody@test.example'),
    sfRow('006Y', 'Amountless', 's1a', 'lots', 'Prospecting', '2026-12-31'),
    sfRow('006Z', 'Stageless', 's1a', '100', 'Daydreaming', '2026-02-30'),
  ].join('\n');
  const res = await importCsv(bad);
  isError(res, 400, 'invalid');
  assert.deepEqual(res.body.lines.map((l) => [l.line, l.field]), [
    [3, 'owner_email'],
    [4, 'amount'],
    [5, 'stage'],
    [5, 'close_date'],
  ]);
  assert.equal((await allDeals(admin)).length, 0);
  isError(await importCsv(FIRST, { source: 'pipedrive' }), 400, 'invalid', 'source');
  const noCol = await importCsv('Opportunity ID,Opportunity Name\n1,x\n');
  isError(noCol, 400, 'invalid');
  assert.equal(noCol.body.lines[0].line, 1);
});

test('import: a clean Salesforce file, then who sees what', async () => {
  const res = await importCsv(FIRST);
  assert.deepEqual(expectStatus(res, 200), { created: 3, updated: 0, unchanged: 0 });
  assert.equal((await allDeals(admin)).length, 3);
  assert.deepEqual((await allDeals(S.s1a)).map((o) => o.external_id), ['006N1']);
  assert.deepEqual((await allDeals(S.m1)).map((o) => o.external_id).sort(), ['006N1', '006N2']);
  assert.deepEqual((await allDeals(S.vp)).map((o) => o.external_id).sort(), ['006N1', '006N2', '006S1']);
  const two = (await allDeals(admin)).find((o) => o.external_id === '006N2');
  assert.equal(two.amount_minor, 2000050);
  assert.equal(two.currency, 'EUR');
  assert.equal(two.forecast_category, 'commit');
  assert.equal(two.probability_bp, 9000);
  assert.equal(two.account.name, 'North Two Inc');
  // filters never widen what one sees
  assert.equal(expectStatus(await get(S.s1a, `/opportunities?owner_id=${org.people.s1b.id}`), 200).opportunities.length, 0);
  assert.equal(expectStatus(await get(admin, '/opportunities?q=south'), 200).opportunities.length, 1);
  assert.equal(expectStatus(await get(admin, '/opportunities?close_from=2026-11-01&close_to=2026-11-30'), 200).opportunities.length, 1);
  isError(await get(admin, '/opportunities?status=maybe'), 400, 'invalid', 'status');
  isError(await get(admin, '/opportunities?close_from=2026-13-01'), 400, 'invalid', 'close_from');
});

test('the opportunity page: visible to the owner and their managers only (404 otherwise)', async () => {
  const id = await dealId('006N1');
  const page = expectStatus(await get(S.s1a, `/opportunities/${id}`), 200);
  assert.equal(page.name, 'North One');
  assert.equal(page.history.length, 1);
  assert.deepEqual(page.history[0].changes, ['created']);
  assert.equal(page.history[0].source, 'import:salesforce');
  assert.deepEqual(page.slips, { count: 0, days: 0 });
  expectStatus(await get(S.m1, `/opportunities/${id}`), 200);
  isError(await get(S.s1b, `/opportunities/${id}`), 404, 'not_found');
  isError(await get(S.s2a, `/opportunities/${id}`), 404, 'not_found');
  isError(await get(S.s1a, '/opportunities/999999'), 404, 'not_found');
});

test('a hand-set probability survives a stage change and a re-import', async () => {
  const id = await dealId('006N1');
  const stages = expectStatus(await get(S.s1a, '/pipelines'), 200).pipelines.find((p) => p.name === 'New business').stages;
  const stage = (name) => stages.find((s) => s.name === name).id;
  // refusals first: another seller cannot touch it; bad bodies
  isError(await put(S.s1b, `/opportunities/${id}/probability`, { probability_bp: 5000 }), 404, 'not_found');
  isError(await put(S.s1a, `/opportunities/${id}/probability`, { probability_bp: 10001 }), 400, 'invalid', 'probability_bp');
  isError(await put(S.s1a, `/opportunities/${id}/probability`, { probability_bp: '50' }), 400, 'invalid', 'probability_bp');
  isError(await put(S.s1a, `/opportunities/${id}/probability`, { probability_bp: 10, extra: 1 }), 400, 'invalid');
  isError(await put(S.s1a, `/opportunities/${id}/stage`, { stage_id: 999999 }), 400, 'invalid', 'stage_id');
  isError(await put(S.s2a, `/opportunities/${id}/stage`, { stage_id: stage('Value Proposition') }), 404, 'not_found');

  let page = expectStatus(await put(S.s1a, `/opportunities/${id}/probability`, { probability_bp: 3300 }), 200);
  assert.equal(page.probability_bp, 3300);
  assert.equal(page.probability_manual, true);
  page = expectStatus(await put(S.m1, `/opportunities/${id}/stage`, { stage_id: stage('Negotiation/Review') }), 200);
  assert.equal(page.stage.name, 'Negotiation/Review');
  assert.equal(page.probability_bp, 3300);
  assert.equal(page.forecast_category, 'commit');
  // the CRM slips it and moves it back a stage: the hand-set value still stands
  const again = FIRST.replace('Prospecting,2026-12-31', 'Proposal/Price Quote,2027-01-31');
  assert.deepEqual(expectStatus(await importCsv(again), 200), { created: 0, updated: 1, unchanged: 2 });
  page = expectStatus(await get(S.s1a, `/opportunities/${id}`), 200);
  assert.equal(page.stage.name, 'Proposal/Price Quote');
  assert.equal(page.probability_bp, 3300);
  assert.deepEqual(page.slips, { count: 1, days: 31 });
  assert.deepEqual(page.history.map((h) => h.changes.join(',')), [
    'created',
    'probability',
    'stage,forecast_category',
    'stage,close_date,forecast_category',
  ]);
  // null: back to the stage's default
  page = expectStatus(await put(S.s1a, `/opportunities/${id}/probability`, { probability_bp: null }), 200);
  assert.equal(page.probability_bp, 7500);
  assert.equal(page.probability_manual, false);
});

test('the board: columns by stage with totals, only the visible deals', async () => {
  const pipelines = expectStatus(await get(S.m1, '/pipelines'), 200).pipelines;
  const nb = pipelines.find((p) => p.name === 'New business');
  const board = expectStatus(await get(S.m1, `/pipelines/${nb.id}/board`), 200);
  assert.equal(board.columns.length, 10);
  assert.equal(board.totals.count, 2);
  assert.equal(board.totals.amount_minor, 1000000 + 2000050);
  const nego = board.columns.find((c) => c.stage.name === 'Negotiation/Review');
  assert.equal(nego.count, 1);
  assert.equal(nego.amount_minor, 2000050);
  assert.equal(nego.weighted_minor, Math.floor((2000050 * 9000) / 10000));
  assert.deepEqual(nego.opportunities.map((o) => o.external_id), ['006N2']);
  const seller = expectStatus(await get(S.s2a, `/pipelines/${nb.id}/board`), 200);
  assert.equal(seller.totals.count, 1);
  isError(await get(S.m1, '/pipelines/999999/board'), 404, 'not_found');
});

test('the pipeline as of a date, and HubSpot deals with a saved mapping', async () => {
  const today = new Date().toISOString().slice(0, 10);
  assert.equal(expectStatus(await get(admin, '/pipeline/as-of?date=2020-01-01'), 200).opportunities.length, 0);
  assert.equal(expectStatus(await get(admin, `/pipeline/as-of?date=${today}`), 200).opportunities.length, 3);
  assert.equal(expectStatus(await get(S.s1a, `/pipeline/as-of?date=${today}`), 200).opportunities.length, 1);
  isError(await get(admin, '/pipeline/as-of'), 400, 'invalid', 'date');

  isError(await get(S.m1, '/crm-mappings?source=hubspot&object=opportunities'), 403, 'forbidden');
  isError(await put(S.m1, '/crm-mappings?source=hubspot&object=opportunities', { columns: { owner_email: 'Owner' } }), 403, 'forbidden');
  isError(await put(admin, '/crm-mappings?source=hubspot&object=opportunities', { columns: { wings: 'W' } }), 400, 'invalid', 'field');
  const m = expectStatus(await put(admin, '/crm-mappings?source=hubspot&object=opportunities', { columns: { owner_email: 'Owner' } }), 200);
  assert.equal(m.fields.find((f) => f.field === 'owner_email').column, 'Owner');
  assert.equal(m.fields.find((f) => f.field === 'owner_email').default, 'Deal Owner Email');
  assert.equal(m.fields.find((f) => f.field === 'deal_type').default, 'Deal Type');
  const deals = ['Record ID,Deal Name,Owner,Amount,Deal Stage,Pipeline,Close Date,Deal Type', `9,HubSpot deal,${ORG.s1b.email},700,contractsent,Sales Pipeline,2026-12-01 00:00,newbusiness`].join('\n');
  assert.deepEqual(expectStatus(await importCsv(deals, { source: 'hubspot' }), 200), { created: 1, updated: 0, unchanged: 0 });
  const hs = (await allDeals(S.s1b)).find((o) => o.source === 'hubspot');
  assert.equal(hs.stage.name, 'Contract Sent');
  assert.equal(hs.pipeline.name, 'Sales Pipeline');
  assert.equal(hs.deal_type, 'newbusiness'); // as the CRM wrote it: SPIF filters match it
  assert.equal((await allDeals(admin)).find((o) => o.external_id === '006N1').deal_type, '');
});

test('accounts import and the CSV export (visible deals only)', async () => {
  const companies = ['Record ID,Company name,Industry,Latitude,Longitude', '77,Umbrella,Pharma,48.8566,2.3522'].join('\n');
  isError(await importCsv(companies, { source: 'hubspot', object: 'accounts', session: S.m1 }), 403, 'forbidden');
  assert.deepEqual(expectStatus(await importCsv(companies, { source: 'hubspot', object: 'accounts' }), 200), { created: 1, updated: 0, unchanged: 0 });
  const res = await get(S.s1a, '/export/opportunities');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal(res.headers.get('content-disposition'), 'attachment; filename="opportunities.csv"');
  const rows = csvRecords(res.text);
  assert.deepEqual(rows.map((r) => r.external_id), ['006N1']);
  assert.equal(rows[0].amount, '10000.00');
  const all = csvRecords((await get(admin, '/export/opportunities')).text);
  assert.equal(all.length, 4);
  assert.equal(all.find((r) => r.source === 'hubspot').deal_type, 'newbusiness');
  // the command line exports the same deals
  const cli = reins(['--db', dbUrl, 'export', 'opportunities']);
  assert.equal(cli.status, 0, cli.stderr);
  assert.equal(csvRecords(cli.stdout).length, 4);
});
