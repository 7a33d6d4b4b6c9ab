// Pipeline: an admin imports a Salesforce export in the browser (a bad row shows its line and
// field and nothing is imported; the fixed file goes in), and a manager sees the board with the
// imported deal in its stage column, totals that match the API, and the deal's page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
let admin;
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
});
after(cleanup);

test('an admin imports a CRM file in the browser; the manager sees it on the board', async () => {
  const me = (await admin.get('/people')).people.find((p) => p.email === env.logins.manager);
  const reports = (await admin.get(`/people/${me.id}/reports`)).people;
  const seller = reports.find((p) => p.depth === 1);
  const csv = [
    'Opportunity ID,Opportunity Name,Account Name,Owner Email,Amount,Stage,Close Date,Type',
    `BT-1,Browser Test Deal,Browser Test Inc,${seller.email},"123,456.00",Negotiation/Review,2026-12-15,New Business`,
    `BT-2,Bad Row Deal,Browser Test Inc,${seller.email},lots,Negotiation/Review,2026-12-15,`,
  ].join('\n');
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'CRM import', exact: true }).click();
  await page.locator('h1', { hasText: 'Import from your CRM' }).waitFor();
  await page.getByLabel(/^From/).selectOption('salesforce');
  await page.getByLabel(/^What/).selectOption('opportunities');
  await page.getByLabel(/^CSV file/).setInputFiles({ name: 'sf.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const table = page.locator('table.import-errors');
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), [['3', 'amount']]);
  await screenshot(page, 'pipeline-import-errors');
  const none = (await admin.get('/opportunities?q=Browser%20Test')).opportunities;
  assert.equal(none.length, 0, 'nothing was imported, not even the good row');

  await page.getByLabel(/^CSV file/).setInputFiles({ name: 'sf.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace(',lots,', ',5000,')) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.locator('.notice-success').waitFor();
  assert.match(await page.locator('.notice-success').innerText(), /2 added, 0 updated, 0 unchanged/);
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();

  // The manager: the board of the default pipeline, the deal in its column, totals as the API says.
  const mpage = await newPage(env.browser, env.url);
  await login(mpage, env.logins.manager);
  await mpage.getByRole('link', { name: 'Pipeline', exact: true }).click();
  await mpage.locator('.kanban').waitFor();
  const column = mpage.locator('.kanban-column[data-stage="Negotiation/Review"]');
  await column.getByRole('link', { name: 'Browser Test Deal' }).waitFor();
  const manager = await apiSession(env.url, env.logins.manager);
  const pipelines = (await manager.get('/pipelines')).pipelines;
  const board = await manager.get(`/pipelines/${pipelines[0].id}/board?status=open`);
  const nego = board.columns.find((c) => c.stage.name === 'Negotiation/Review');
  assert.equal(await column.locator('.kanban-card').count(), nego.count);
  assert.match(await column.locator('.kanban-sum').first().innerText(), new RegExp(`^${nego.count} · `));
  assert.match(await mpage.locator('.kanban-totals').innerText(), new RegExp(`^${board.totals.count} open deals`));
  await screenshot(mpage, 'pipeline-board', { fullPage: false });

  // the deal's page, with its history
  await column.getByRole('link', { name: 'Browser Test Deal' }).click();
  await mpage.locator('h1', { hasText: 'Browser Test Deal' }).waitFor();
  assert.equal(await mpage.locator('table.history-table tbody tr').count(), 1);
  assert.match(await mpage.locator('table.history-table tbody tr').first().innerText(), /import:salesforce/);
  assert.match(await mpage.locator('.deal-facts').innerText(), /Deal type\s+New Business/);
  await screenshot(mpage, 'pipeline-deal');
  // the table view with a filter
  await mpage.goto('/#/pipeline');
  await mpage.locator('.kanban').waitFor();
  await mpage.getByLabel(/^View/).selectOption('table');
  await mpage.getByLabel(/^Deal name/).fill('Browser Test');
  await mpage.waitForFunction(() => {
    const rows = document.querySelectorAll('table.pipeline-table tbody tr');
    return rows.length === 1 && rows[0].innerText.includes('Browser Test Deal');
  });
  await screenshot(mpage, 'pipeline-table');
  // the pipeline as it stood half a year before the demo date, from the history
  const then = '2026-05-01';
  const past = (await manager.get(`/pipeline/as-of?date=${then}`)).opportunities.filter((r) => r.status === 'open');
  assert.ok(past.length > 10, 'the demo has history');
  await mpage.getByLabel(/^Deal name/).fill('');
  await mpage.getByLabel(/^As of/).fill(then);
  await mpage.getByLabel(/^View/).selectOption('as-of');
  await mpage.waitForFunction((n) => document.querySelectorAll('table.as-of-table tbody tr').length === n, past.length);
  await screenshot(mpage, 'pipeline-as-of');
  assert.deepEqual(unexpectedProblems(mpage, [401]), []);
  await mpage.context().close();
});
