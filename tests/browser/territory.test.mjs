// Territories: an admin opens the demo's draft scenario, sees the SVG map (a dot per located
// account, a square per seller's home) and the balance table (a row per territory, numbers as
// the API gives them), and applies it from the page; the scenario list shows it applied.
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

test('the scenario page draws the map and the balance table, and applies', async () => {
  const { scenarios } = await admin.get('/territory/scenarios');
  assert.equal(scenarios.length, 1, 'the demo has one draft scenario');
  const s = await admin.get(`/territory/scenarios/${scenarios[0].id}`);
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Territories', exact: true }).click();
  await page.getByRole('link', { name: s.name, exact: true }).click();
  const map = page.locator('svg.territory-map');
  await map.waitFor();
  assert.equal(await map.getAttribute('role'), 'img');
  assert.equal(await map.locator('circle.dot').count(), s.accounts.filter((a) => a.located).length);
  assert.equal(await map.locator('rect.home').count(), s.sellers.length);
  const rows = await page.locator('table.balance-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), s.sellers.map((x) => [x.name, String(x.accounts)]));
  await screenshot(page, 'territory-scenario');

  await page.getByRole('button', { name: 'Apply this scenario' }).click();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('.toast-success').waitFor();
  assert.match(await page.locator('.toast-success').innerText(), new RegExp(`${s.accounts_moved} accounts changed owner`));
  assert.equal((await admin.get(`/territory/scenarios/${s.id}`)).status, 'applied');
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});
