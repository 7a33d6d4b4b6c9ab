// An admin on the commission page (#/admin/comp): a bad plan shows the field its parser names
// and stores nothing; a good plan is stored as version 1; a seller is put on it; a period is
// run (the result matches the API) and closed after a confirm, which offers payroll CSV and
// XLSX; a seller's dispute is resolved with a comment the seller then reads; credit splits
// are imported from a CSV file (a bad line sets none) and downloaded in the same format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

const PLAN = {
  name: 'AE browser', currency: 'EUR', effective_from: '2026-01-01', quota_period: 'month', payout_period: 'month',
  components: [{ id: 'c', type: 'commission', mode: 'marginal', tiers: [
    { from_bp: 0, to_bp: 10000, rate_ppm: 100000 }, { from_bp: 10000, rate_ppm: 200000 }] }],
};
const BAD = { ...PLAN, components: [{ ...PLAN.components[0], tiers: [{ from_bp: 0, rate_ppm: -5 }] }] };

let env, admin, seller, me;
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
  seller = await apiSession(env.url, env.logins.seller);
  me = await seller.get('/me');
});
after(cleanup);

test('an admin uploads plans, assigns a seller, runs and closes a period, resolves a dispute', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Commission', exact: true }).click();
  await page.locator('h1', { hasText: 'Commission' }).waitFor();
  await page.locator('table.comp-plans').waitFor();
  const plansBefore = (await admin.get('/comp/plans')).plans;

  // a bad plan: the parser's JSON path shows, nothing is stored
  const upload = page.locator('form.comp-upload');
  await upload.getByLabel('Plan document').fill(JSON.stringify(BAD, null, 2));
  await upload.getByRole('button', { name: 'Upload plan' }).click();
  const failure = upload.locator('.error-box');
  await failure.waitFor();
  assert.match(await failure.innerText(), /^The plan was not stored\n/);
  assert.match(await failure.innerText(), /components\[0\]\.tiers\[0\]/);
  await screenshot(page, 'admin-comp-bad-plan');
  assert.deepEqual((await admin.get('/comp/plans')).plans, plansBefore, 'the bad plan stored nothing');

  // not JSON at all: said next to the document, before any request
  await upload.getByLabel('Plan document').fill('{"name": ');
  await upload.getByRole('button', { name: 'Upload plan' }).click();
  await upload.locator('.field[data-field="document"] .field-error', { hasText: 'This is not JSON' }).waitFor();

  // the good plan
  await upload.getByLabel('Plan document').fill(JSON.stringify(PLAN, null, 2));
  await upload.getByRole('button', { name: 'Upload plan' }).click();
  await upload.locator('.notice-success', { hasText: 'Stored AE browser version 1.' }).waitFor();
  const stored = (await admin.get('/comp/plans')).plans.find((p) => p.name === 'AE browser');
  assert.equal(stored.versions.length, 1);
  const planId = stored.versions[0].id;
  await page.locator(`table.comp-plans tr[data-plan="${planId}"]`).waitFor();

  // put the demo seller on it
  const assign = page.locator('form.comp-assign');
  await assign.getByLabel('Plan version').selectOption(String(planId));
  await assign.getByLabel('People').selectOption(String(me.person.id));
  await assign.getByLabel('From').fill('2026-01-01');
  await assign.getByRole('button', { name: 'Assign' }).click();
  // the demo's long list of assignments starts folded
  const list = page.locator('details.comp-assignments-list');
  await list.locator('summary', { hasText: /\(\d+ assignments\)/ }).waitFor();
  if (!(await list.evaluate((d) => d.open))) await list.locator(':scope > summary').click();
  await page.locator('table.comp-assignments tr', { hasText: me.person.name }).filter({ hasText: 'AE browser v1' }).waitFor();
  const assigned = (await admin.get(`/comp/assignments?plan_id=${planId}`)).assignments;
  assert.deepEqual(assigned.map((a) => [a.person_id, a.start_date, a.end_date]), [[me.person.id, '2026-01-01', null]]);

  // the seller is to leave the plan at the end of the year: an end before the start is
  // refused at the field, then the end is set and shown
  const assignedRow = () => page.locator(`table.comp-assignments tr[data-assignment="${assigned[0].id}"]`);
  await assignedRow().getByText('End…').click();
  await assignedRow().getByLabel('Last day on AE browser').fill('2025-12-31');
  await assignedRow().getByRole('button', { name: 'Save' }).click();
  await assignedRow().locator('[data-field="end_date"] .field-error', { hasText: 'before the start' }).waitFor();
  await assignedRow().getByLabel('Last day on AE browser').fill('2026-12-31');
  await assignedRow().getByRole('button', { name: 'Save' }).click();
  await assignedRow().getByText('Change end').waitFor();
  assert.equal((await admin.get(`/comp/assignments?plan_id=${planId}`)).assignments[0].end_date, '2026-12-31');

  // a period the plan does not pay by: the error is next to the period
  const runForm = page.locator('form.comp-run');
  await runForm.getByLabel('Plan version').selectOption(String(planId));
  await runForm.getByLabel(/^Payout period/).fill('2026-Q3');
  await runForm.getByRole('button', { name: 'Run' }).click();
  await runForm.locator('.field[data-field="period"] .field-error:not([hidden])').waitFor();

  // run October
  await runForm.getByLabel(/^Payout period/).fill('2026-10');
  await runForm.getByRole('button', { name: 'Run' }).click();
  const result = runForm.locator('.comp-run-result .notice-success');
  await result.waitFor();
  const run = (await admin.get('/comp/runs')).runs.find((r) => r.plan_id === planId && r.period === '2026-10');
  assert.equal(run.status, 'open');
  assert.equal(run.people, 1);
  assert.match(await result.innerText(), new RegExp(`^Ran 2026-10 of AE browser v1: 1 person, ${run.lines} lines?, payout `));
  const row = page.locator(`table.comp-runs tr[data-run="${run.id}"]`);
  await row.waitFor();

  // each person's payout, as the API has it
  await row.getByRole('button', { name: 'Payouts' }).click();
  const payouts = page.locator('table.comp-payouts');
  await payouts.waitFor();
  const detail = await admin.get(`/comp/runs/${run.id}`);
  assert.deepEqual(await payouts.locator('tbody th').allInnerTexts(), detail.payouts.map((p) => p.name));
  // each name opens the person's page, where their statement is
  assert.deepEqual(await payouts.locator('tbody th a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), detail.payouts.map((p) => `#/people/${p.person_id}`));

  // close it: a confirm first; cancel changes nothing
  await row.getByRole('button', { name: 'Close…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await admin.get(`/comp/runs/${run.id}`)).status, 'open');
  await row.getByRole('button', { name: 'Close…' }).click();
  const dialog = page.getByRole('dialog');
  assert.match(await dialog.innerText(), /final/);
  await dialog.getByRole('button', { name: 'Close the run' }).click();
  await row.locator('.chip-closed').waitFor();
  assert.equal((await admin.get(`/comp/runs/${run.id}`)).status, 'closed');
  for (const [name, type] of [['CSV', 'text/csv'], ['XLSX', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']]) {
    const href = await row.getByRole('link', { name, exact: true }).getAttribute('href');
    const res = await page.request.get(href);
    assert.equal(res.status(), 200, `${name}: ${href}`);
    assert.match(res.headers()['content-type'], new RegExp(`^${type.replace(/\./g, '\\.')}`));
  }
  await screenshot(page, 'admin-comp-runs', { fullPage: true });

  // the seller disputes a line of their latest demo statement; the admin resolves it
  const latest = (await seller.get('/comp/statements')).statements.find((s) => s.plan_name !== 'AE browser');
  const st = await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`);
  const disputed = st.lines.find((l) => l.deal_name);
  assert.ok(disputed, 'the latest demo statement has a line about a deal');
  const opened = await seller.call('POST', '/comp/disputes', { run_id: st.run_id, line_no: disputed.line_no, comment: 'This was a renewal, not new business.' });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  await page.reload();
  const item = page.locator(`li.comp-dispute[data-dispute="${opened.body.id}"]`);
  await item.waitFor();
  assert.match(await item.innerText(), /This was a renewal, not new business\./);
  // numbered as the seller's statement lists it, from 1, not by the run's line number
  const place = st.lines.indexOf(disputed) + 1;
  assert.match(await item.innerText(), new RegExp(`Line ${place} of the statement: `));
  // the line names its deal, linked to the deal's page (an admin may open any deal)
  const deal = item.locator('.comp-dispute-line a.comp-deal');
  assert.equal(await deal.innerText(), disputed.deal_name);
  assert.equal(await deal.getAttribute('href'), `#/opportunities/${disputed.deal_id}`);
  await deal.click();
  await page.locator('h1', { hasText: disputed.deal_name }).waitFor();
  await page.goBack();
  await item.waitFor();
  await item.getByLabel(/^Resolution/).fill('Checked with deal desk: it was new business.');
  // an amount to pay with it must be money: said at the field, nothing resolved
  await item.getByLabel(/^Pay/).fill('a lot');
  await item.getByRole('button', { name: 'Resolve' }).click();
  await item.locator('[data-field="adjust_minor"] .field-error', { hasText: 'other than 0' }).waitFor();
  await item.getByLabel(/^Pay/).fill('');
  await item.getByRole('button', { name: 'Resolve' }).click();
  await page.locator(`li.comp-dispute.resolved[data-dispute="${opened.body.id}"]`, { hasText: 'Checked with deal desk: it was new business.' }).waitFor();
  const seen = await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`);
  assert.deepEqual(seen.disputes.filter((d) => d.id === opened.body.id).map((d) => [d.status, d.resolution]), [['resolved', 'Checked with deal desk: it was new business.']]);
  // while it was open the seller could not dispute the line twice; resolved, they may answer
  const twice = await seller.call('POST', '/comp/disputes', { run_id: st.run_id, line_no: disputed.line_no, comment: 'Again.' });
  assert.equal(twice.status, 201, JSON.stringify(twice.body));
  const thrice = await seller.call('POST', '/comp/disputes', { run_id: st.run_id, line_no: disputed.line_no, comment: 'And again.' });
  assert.equal(thrice.status, 409, JSON.stringify(thrice.body));
  assert.equal(thrice.body.error.field, 'line_no');
  await screenshot(page, 'admin-comp-disputes', { fullPage: true });

  // the dispute upheld after all: an adjustment in the open period, with its reason; an
  // amount of 0 is refused at the field first
  const adjust = page.locator('form.comp-adjust');
  await adjust.getByLabel('Plan version').selectOption(String(latest.plan_id));
  await adjust.getByLabel('Person').selectOption(String(me.person.id));
  await adjust.getByLabel(/^Paid in period/).fill(latest.period);
  await adjust.getByLabel(/^Amount/).fill('0');
  await adjust.getByLabel(/^Reason/).fill('Renewal paid as new business: the difference.');
  await adjust.getByRole('button', { name: 'Add adjustment' }).click();
  await adjust.locator('[data-field="amount_minor"] .field-error', { hasText: 'other than 0' }).waitFor();
  const payBefore = (await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`)).totals.payout_minor;
  await adjust.getByLabel(/^Amount/).fill('120.50');
  await adjust.getByRole('button', { name: 'Add adjustment' }).click();
  await adjust.locator('table.comp-adjustments-list tr', { hasText: 'Renewal paid as new business' }).waitFor();
  const adjusted = await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`);
  assert.equal(adjusted.totals.payout_minor, payBefore + 12050);
  assert.ok(adjusted.lines.some((l) => l.rule === 'adjustment' && l.amount_minor === 12050 && l.explanation.endsWith(': Renewal paid as new business: the difference.')));
  // a slip taken back: confirmed first, then gone from the list and from the pay
  await adjust.getByLabel(/^Amount/).fill('-5.00');
  await adjust.getByLabel(/^Reason/).fill('Typed by mistake.');
  await adjust.getByRole('button', { name: 'Add adjustment' }).click();
  const slip = adjust.locator('table.comp-adjustments-list tr', { hasText: 'Typed by mistake.' });
  await slip.getByRole('button', { name: 'Take back…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Take it back' }).click();
  await slip.waitFor({ state: 'detached' });
  assert.equal((await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`)).totals.payout_minor, payBefore + 12050);

  // at 375 px: no horizontal scroll
  await page.setViewportSize({ width: 375, height: 812 });
  await page.locator('table.comp-runs').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scroll at 375 px');
  await screenshot(page, 'admin-comp-375', { fullPage: true });

  // the bad plan and the bad period were answered 400 on purpose; 401 is the login page's
  // first GET /me, as in every file
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();
});

test('a seller opening the commission page sees that it is for administrators', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  assert.equal(await page.getByRole('link', { name: 'Commission', exact: true }).count(), 0);
  await page.goto('/#/admin/comp');
  await page.getByText('This page is for administrators.').waitFor();
  await page.context().close();
});

test('an admin imports credit splits from a CSV file: a bad line is listed and sets nothing', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Commission', exact: true }).click();
  const card = page.locator('form.comp-splits-import');
  await card.waitFor();
  const deal = (await admin.get('/opportunities?status=won&limit=5000')).opportunities.find((d) => d.owner.id !== me.id);
  const [a, b] = (await admin.get('/people')).people.filter((p) => p.id !== me.id);
  const before = (await admin.get(`/comp/deals/${deal.id}/splits`)).splits;
  const upload = async (lines) => {
    const csv = ['deal_id,email,kind,share_bp', ...lines, ''].join('\n');
    await card.getByLabel('Splits file (CSV)').setInputFiles({ name: 'splits.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await card.getByRole('button', { name: 'Import splits' }).click();
  };

  await card.getByRole('button', { name: 'Import splits' }).click(); // no file yet
  await card.locator('[data-field="file"] .field-error', { hasText: 'Choose a CSV file first.' }).waitFor();
  await upload([`${deal.id},${a.email},direct,6000`, `${deal.id},nobody@example.com,direct,4000`]);
  const failure = card.locator('.import-error');
  await failure.waitFor();
  assert.match(await failure.innerText(), /Nothing was imported: 1 line needs fixing/);
  assert.deepEqual(await failure.locator('tbody tr td').allInnerTexts(), ['3', 'email', "'nobody@example.com' is not a known person"]);
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'admin-comp-splits');
  assert.deepEqual((await admin.get(`/comp/deals/${deal.id}/splits`)).splits, before);

  await upload([`${deal.id},${a.email},direct,6000`, `${deal.id},${b.email},,4000`]);
  await card.locator('.notice-success', { hasText: /^Splits set on 1 deal/ }).waitFor();
  const after = (await admin.get(`/comp/deals/${deal.id}/splits`)).splits;
  assert.deepEqual(after.map((s) => [s.person_id, s.kind, s.share_bp]), [[a.id, 'direct', 6000], [b.id, 'direct', 4000]]);
  // the current splits download in the import's format, by the ids the choice below names
  const link = card.getByRole('link', { name: 'Download the current splits as CSV' });
  assert.equal(await link.getAttribute('href'), '/api/v1/export/splits');
  await card.getByLabel('Deals named by').selectOption('salesforce');
  assert.equal(await link.getAttribute('href'), '/api/v1/export/splits?source=salesforce');
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByLabel('Deals named by').selectOption('').then(() => link.click())]);
  const text = await readFile(await download.path(), 'utf8');
  assert.match(text, /^deal_id,email,kind,share_bp\r\n/);
  assert.ok(text.includes(`${deal.id},${a.email},direct,6000\r\n${deal.id},${b.email},direct,4000\r\n`));
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();
});
