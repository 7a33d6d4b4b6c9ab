// Forecast: a seller calls their quarter in the browser; their manager opens the forecast from
// the home card and sees people first (who has not called), the calls beside the model's range
// chart for everyone in the tree, and adjusts the seller's number with a comment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
before(async () => {
  env = await setup();
});
after(cleanup);

test('a seller calls, the manager sees the tree against the model and adjusts', async () => {
  const manager = await apiSession(env.url, env.logins.manager);
  const mine = await manager.get('/forecast');
  const seller = mine.people.find((p) => p.reports === 0 && !p.call) ?? mine.people.find((p) => p.reports === 0);
  const sellerEmail = (await manager.get(`/people/${seller.person_id}`)).email;

  // The seller: their page, their call, their deals with the model's reasons.
  const spage = await newPage(env.browser, env.url);
  await login(spage, sellerEmail);
  await spage.getByRole('link', { name: 'Forecast', exact: true }).click();
  await spage.locator('form.call-form').waitFor();
  await spage.getByLabel(/^Commit/).fill('12345');
  await spage.getByLabel(/^Best case/).fill('23456');
  await spage.getByRole('button', { name: 'Submit call' }).click();
  await spage.locator('.forecast-table td', { hasText: /12,345/ }).first().waitFor();
  await spage.locator('#fc-deals').waitFor();

  // Her own judgement of a deal: the category select overrides the stage's, and back.
  const sapi = await apiSession(env.url, sellerEmail);
  const before = await sapi.get('/forecast');
  assert.ok(before.deals.length > 0, 'the demo seller has open deals');
  const [py, pq] = before.period.split('-Q').map(Number);
  const pStart = `${py}-${String(pq * 3 - 2).padStart(2, '0')}-01`, pEnd = pq === 4 ? `${py + 1}-01-01` : `${py}-${String(pq * 3 + 1).padStart(2, '0')}-01`;
  const inPeriod = (x) => x.close_date >= pStart && x.close_date < pEnd;
  const d = before.deals.find(inPeriod) ?? before.deals[0];
  const want = d.category === 'commit' ? 'best_case' : 'commit';
  await spage.locator(`.fc-deals tr[data-deal="${d.id}"] select.fc-category`).selectOption(want);
  await spage.locator(`.fc-deals tr[data-deal="${d.id}"] select.fc-category:not([disabled])`).waitFor();
  await spage.waitForFunction(async ([id, cat]) => {
    const r = await fetch(`/api/v1/forecast/overrides?opportunity_id=${id}`);
    const j = await r.json();
    return j.overrides.length && j.overrides[j.overrides.length - 1].category === cat;
  }, [d.id, want]);
  const afterOverride = await sapi.get('/forecast');
  const d2 = afterOverride.deals.find((x) => x.id === d.id);
  assert.equal(d2.category, want);
  assert.equal(d2.override, want);
  assert.equal(d2.stage_category, d.stage_category); // the stage's stays beside it
  // her record is shown to her, worded as coaching
  await spage.locator('#fc-record').waitFor();
  assert.match(await spage.locator('.fc-record').textContent(), /call|quarter/);
  assert.deepEqual(unexpectedProblems(spage, [401]), []);
  await spage.context().close();

  // The manager: from the home card to the page; people first, then every person's numbers.
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.locator('[data-card="forecast"]').getByRole('link', { name: 'Open the forecast' }).click();
  await page.locator('.forecast-table').waitFor();
  const api = await manager.get('/forecast');
  const missing = api.people.filter((p) => p.reports === 0 && !p.call).map((p) => p.name);
  assert.ok(!missing.includes(seller.name), 'the seller has called now');
  const shownMissing = await page.locator('.fc-missing li a').allTextContents();
  assert.deepEqual(shownMissing, missing);
  assert.equal(await page.locator('.forecast-table tbody tr').count(), api.people.length);
  assert.equal(await page.locator('.forecast-table .range-chart .range-band').count(), api.people.filter((p) => p.model).length);
  assert.ok(api.people.filter((p) => p.model).length > 1, 'the demo gives the model a history');
  // the pipeline's changes since the manager's last call (or the week), as the API says
  await page.locator('#fc-changes').waitFor();
  assert.equal(await page.locator('table.fc-changes tbody tr').count(), api.changes.items.length);
  for (const [kind, t] of Object.entries(api.changes.totals))
    assert.equal(await page.locator(`.fc-change-totals li[data-kind="${kind}"]`).count(), t.count ? 1 : 0);
  // the chance of reaching the quota, for everyone with a quarter quota (the demo sets them)
  const withQuota = api.people.filter((p) => p.model?.quota_minor != null);
  assert.ok(withQuota.length > 0, 'the demo has quarter quotas');
  for (const p of withQuota)
    assert.match(await page.locator(`.forecast-table tr[data-person="${p.person_id}"] td.fc-quota`).textContent(), /%$/);
  // the seller's override counts in the manager's roll-up by category
  const row = api.people.find((p) => p.person_id === seller.person_id);
  if (inPeriod(d)) assert.ok(row.categories[`${want}_minor`] >= d.amount_minor);
  await screenshot(page, 'forecast-manager');

  // Adjust the seller's number: what they said stays, the number follows the adjustment.
  await page.locator(`.forecast-table tr[data-person="${seller.person_id}"]`).getByRole('button', { name: 'Adjust' }).click();
  const dialog = page.locator('dialog');
  await dialog.getByLabel(/^Commit/).fill('10000');
  await dialog.getByLabel(/^Best case/).fill('20000');
  await dialog.getByLabel(/^Why/).fill('One deal waits on legal');
  await dialog.getByRole('button', { name: 'Save adjustment' }).click();
  await page.locator(`.forecast-table tr[data-person="${seller.person_id}"] td`, { hasText: 'One deal waits on legal' }).waitFor();
  const after = (await manager.get(`/forecast?person_id=${seller.person_id}`)).people[0];
  assert.equal(after.call.commit_minor, 1234500);
  assert.deepEqual(after.number, { commit_minor: 1000000, best_case_minor: 2000000, source: 'adjustment' });
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});
