// Territory planning in the browser, as a manager: a scenario form with a bad home (the error
// sits next to the homes), then with a locked account; a second scenario that may move no one;
// the two compared side by side (the numbers the API gives); one applied after a confirm; the
// manager home's "Who gained and who lost" card words each change as a conversation; the seller
// who lost accounts sees them on "My territory".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
let manager;
before(async () => {
  env = await setup();
  manager = await apiSession(env.url, env.logins.manager);
});
after(cleanup);

test('a manager creates two scenarios, compares them and applies one', async () => {
  // the two sellers of the manager's tree with the most located accounts
  const { accounts } = await manager.get('/territory/accounts');
  const { people } = await manager.get('/people?status=active');
  const owned = new Map();
  for (const a of accounts.filter((x) => x.located)) owned.set(a.owner_id, (owned.get(a.owner_id) || 0) + 1);
  // the demo's seller (who logs in below to see what changed) and the seller of the same
  // tree with the most located accounts
  const ana = people.find((p) => p.email === env.logins.seller);
  assert.ok(ana && owned.get(ana.id) > 1, "the demo's seller is in the demo manager's tree, with accounts");
  const [benId] = [...owned].filter(([pid]) => pid !== ana.id).sort((x, y) => y[1] - x[1])[0];
  const ben = people.find((p) => p.id === benId);
  const locked = accounts.find((a) => a.located && a.owner_id === ana.id);

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.getByRole('link', { name: 'Territories', exact: true }).click();
  await page.getByRole('link', { name: 'New scenario' }).click();
  await page.getByLabel('Name').fill('Two sellers, locked');
  await page.getByLabel(`Give ${ana.name} a territory`).check();
  await page.getByLabel(`Give ${ben.name} a territory`).check();
  await page.getByLabel('Tolerance').fill('10');
  // a home out of range: the error names the homes
  await page.getByLabel(`${ben.name}'s home`, { exact: true }).selectOption('given');
  await page.getByLabel(`${ben.name}'s home latitude`).fill('95');
  await page.getByLabel(`${ben.name}'s home longitude`).fill('2');
  await page.getByRole('button', { name: 'Run the scenario' }).click();
  const homeError = page.locator('.field[data-field="homes"] .field-error');
  await homeError.waitFor();
  assert.match(await homeError.innerText(), /latitude 95 is out of range/);
  await page.getByLabel(`${ben.name}'s home`, { exact: true }).selectOption('centroid');
  await page.getByRole('button', { name: 'Add a locked account' }).click();
  await page.getByLabel('Locked account 1', { exact: true }).selectOption(String(locked.id));
  await page.getByLabel('Locked account 1 goes to').selectOption(String(ben.id));
  await page.getByRole('button', { name: 'Run the scenario' }).click();
  await page.locator('svg.territory-map').waitFor();
  const firstId = Number(page.url().match(/#\/territory\/(\d+)/)[1]);
  const first = await manager.get(`/territory/scenarios/${firstId}`);
  assert.equal(first.name, 'Two sellers, locked');
  assert.equal(first.accounts.find((a) => a.account_id === locked.id).to_owner_id, ben.id, 'the lock held');
  assert.ok(first.scope_person_id > 0, "a manager's scenario keeps to their tree");
  assert.equal(await page.locator('svg.territory-map circle.dot').count(), first.accounts.filter((a) => a.located).length);
  const rows = await page.locator('table.balance-table tbody tr th').allInnerTexts();
  assert.deepEqual(rows.map((r) => r.trim()), first.sellers.map((x) => x.name));

  // the second: nobody may move
  await page.goto('/#/territory/new');
  await page.getByLabel('Name').fill('Nobody moves');
  await page.getByLabel(`Give ${ana.name} a territory`).check();
  await page.getByLabel(`Give ${ben.name} a territory`).check();
  await page.getByLabel('Tolerance').fill('50');
  await page.getByLabel('At most this many accounts change owner').fill('0');
  await page.getByRole('button', { name: 'Run the scenario' }).click();
  await page.locator('svg.territory-map').waitFor();
  const secondId = Number(page.url().match(/#\/territory\/(\d+)/)[1]);
  assert.notEqual(secondId, firstId);

  // compare the two from the list
  await page.getByRole('link', { name: 'Territories', exact: true }).click();
  await page.getByLabel('Compare Two sellers, locked').check();
  await page.getByLabel('Compare Nobody moves').check();
  await page.getByRole('button', { name: 'Compare the ticked scenarios' }).click();
  const table = page.locator('table.compare-table');
  await table.waitFor();
  const c = await manager.get(`/territory/compare?ids=${secondId},${firstId}`);
  const cells = await table.locator('tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.cells[0].innerText.trim(), [...tr.cells].slice(1).map((x) => x.innerText.trim())])));
  const order = await table.locator('thead th a').allTextContents();
  const byName = Object.fromEntries(c.scenarios.map((s) => [s.name, s]));
  assert.deepEqual(cells['Accounts that change owner'], order.map((n) => String(byName[n].accounts_moved)));
  // only the two sellers' own accounts (the form's default): with no move allowed, none moves
  assert.equal(byName['Nobody moves'].accounts_moved, 0);
  assert.ok(c.scenarios.every((s) => s.owners_only && s.accounts.every((a) => a.from_owner_id === ana.id || a.from_owner_id === ben.id)));
  assert.ok(byName['Two sellers, locked'].accounts_moved >= 1, 'the lock moves at least one account');
  assert.deepEqual(await page.locator('table.compare-sellers tbody th').allInnerTexts(), first.sellers.map((x) => x.name));
  assert.equal(await page.locator('.compare-grid svg.territory-map').count(), 2);
  await screenshot(page, 'territory-compare', { fullPage: true });

  // apply the first, after the confirm
  await page.getByRole('link', { name: 'Two sellers, locked' }).first().click();
  await page.getByRole('button', { name: 'Apply this scenario' }).click();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const applied = page.locator('.toast-success', { hasText: 'Applied' });
  await applied.waitFor();
  assert.match(await applied.innerText(), new RegExp(`${first.accounts_moved} accounts changed owner`));
  assert.equal((await manager.get(`/territory/scenarios/${firstId}`)).status, 'applied');

  // the manager home: who gained and who lost, as conversations
  await page.goto('/#/');
  const card = page.locator('.realignment-card');
  await card.waitFor();
  const talks = await card.locator('li').allInnerTexts();
  const anaLine = talks.find((t) => t.startsWith(ana.name));
  const anaSide = first.sellers.find((s) => s.person_id === ana.id);
  assert.ok(anaLine, talks.join('\n'));
  assert.match(anaLine, new RegExp(`lost ${anaSide.lost} account`));
  assert.match(anaLine, /talk with|walk/);
  assert.ok(talks.some((t) => t.startsWith(ben.name) && /gained/.test(t)), talks.join('\n'));
  await screenshot(page, 'territory-realignment-card');
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();

  // the seller sees their territory and what they handed over, the locked account among it
  const seller = await newPage(env.browser, env.url);
  await login(seller, env.logins.seller);
  await seller.getByRole('link', { name: 'Territories', exact: true }).click();
  const changes = seller.locator('.territory-changes');
  await changes.waitFor();
  assert.match(await changes.locator('h2').innerText(), /Two sellers, locked/);
  const lost = await changes.locator('.lost-list li').allInnerTexts();
  assert.equal(lost.length, anaSide.lost);
  assert.ok(lost.includes(`${locked.name} (to ${ben.name})`), lost.join('\n'));
  assert.match(await changes.innerText(), new RegExp(`You handed over ${anaSide.lost} account`));
  assert.deepEqual(unexpectedProblems(seller, [401]), []);
  await seller.context().close();
});
