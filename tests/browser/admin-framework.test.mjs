// Admins edit the skills framework (#/admin/skills) and the company values
// (#/admin/values): add, rename, move, archive and restore, each checked
// through the API; a duplicate name shows next to the name field; a value
// added is offered in a seller's kudos form and gone once archived; a seller
// opening the admin pages is told they are for administrators.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
let admin; // API session, for checking what the UI did
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
});
after(cleanup);

const names = (list) => list.map((x) => x.name);

// Expected in the console: the 401 of the first GET /me before logging in.
const EXPECTED = [401];
// A seller's home also asks for their manager's person (GET /people/{id}), which answers 404 to a seller.
const SELLER_EXPECTED = [401, 404];

/** The names in the active table, in the order shown. */
async function shownOrder(page) {
  return page.locator('.active-table tbody .item-name').allInnerTexts();
}

/** Wait until the page's active list shows `expected` (the API's order). */
async function waitForOrder(page, expected) {
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('.active-table tbody .item-name')].map((e) => e.textContent)) === want, JSON.stringify(expected));
}

test('an admin adds a seller skill, renames it, moves it, and archives it', async () => {
  const before = (await admin.get('/skills?role=seller')).skills;
  const managerSkills = (await admin.get('/skills?role=manager')).skills;
  assert.ok(before.length >= 3, 'the default seller framework');

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Skills', exact: true }).click();
  await page.locator('h1', { hasText: 'Skills framework' }).waitFor();
  await page.locator('.active-table').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sellers' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(await shownOrder(page), names(before), 'the page lists the seller skills in the API order');

  // Add.
  const add = page.locator('.add-item-form');
  await add.getByLabel(/^Name/).fill('Territory planning');
  await add.getByLabel(/^Description/).fill('Plans which accounts to work, and when');
  await add.getByRole('button', { name: 'Add skill' }).click();
  await waitForOrder(page, [...names(before), 'Territory planning']);
  let seller = (await admin.get('/skills?role=seller')).skills;
  const added = seller.find((s) => s.name === 'Territory planning');
  assert.ok(added, 'the API has the new skill');
  assert.equal(added.role, 'seller');
  assert.equal(added.description, 'Plans which accounts to work, and when');
  assert.equal(seller.at(-1).id, added.id, 'added at the end');
  assert.ok(!names((await admin.get('/skills?role=manager')).skills).includes('Territory planning'), 'not in the managers’ framework');
  assert.equal(await add.getByLabel(/^Name/).inputValue(), '', 'the add form is cleared');

  // Rename (in a dialog).
  await page.getByRole('button', { name: 'Edit Territory planning' }).click();
  const dialog = page.locator('dialog');
  await dialog.getByLabel(/^Name/).fill('Pipeline building');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator('.active-table .item-name', { hasText: 'Pipeline building' }).waitFor();
  assert.equal((await admin.get('/skills?role=seller')).skills.find((s) => s.id === added.id).name, 'Pipeline building');

  // Move up one, twice: the API's order follows.
  const order = names(before);
  await page.getByRole('button', { name: 'Move Pipeline building up' }).click();
  await waitForOrder(page, [...order.slice(0, -1), 'Pipeline building', order.at(-1)]);
  await page.getByRole('button', { name: 'Move Pipeline building up' }).click();
  const moved = [...order.slice(0, -2), 'Pipeline building', ...order.slice(-2)];
  await waitForOrder(page, moved);
  seller = (await admin.get('/skills?role=seller')).skills;
  assert.deepEqual(names(seller), moved, 'the API lists the skills in the new order');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Move Pipeline building up', 'focus stays on the button');
  // Down once: back one place.
  await page.getByRole('button', { name: 'Move Pipeline building down' }).click();
  const back = [...order.slice(0, -1), 'Pipeline building', order.at(-1)];
  await waitForOrder(page, back);
  assert.deepEqual(names((await admin.get('/skills?role=seller')).skills), back);
  assert.equal(await page.getByRole('button', { name: `Move ${order[0]} up` }).isDisabled(), true, 'the first cannot move up');
  await screenshot(page, 'admin-skills', { fullPage: true });

  // Archive: gone from the framework, listed apart as archived.
  await page.getByRole('button', { name: 'Archive Pipeline building' }).click();
  await page.locator('.archived-table .item-name', { hasText: 'Pipeline building' }).waitFor();
  await waitForOrder(page, order);
  seller = (await admin.get('/skills?role=seller')).skills;
  assert.ok(!seller.some((s) => s.id === added.id), 'GET /skills?role=seller no longer lists it');
  const withArchived = (await admin.get('/skills?role=seller&archived=1')).skills;
  assert.equal(withArchived.find((s) => s.id === added.id).archived, true);
  assert.equal(await page.getByRole('button', { name: 'Restore Pipeline building' }).isVisible(), true);
  await screenshot(page, 'admin-skills-archived', { fullPage: true });

  // Restore: back in use, at the end; then archived again for the rest of the file.
  await page.getByRole('button', { name: 'Restore Pipeline building' }).click();
  await waitForOrder(page, [...order, 'Pipeline building']);
  assert.deepEqual(names((await admin.get('/skills?role=seller')).skills), [...order, 'Pipeline building']);
  await page.getByRole('button', { name: 'Archive Pipeline building' }).click();
  await waitForOrder(page, order);

  // The managers' framework is one click away, and the URL keeps the choice.
  await page.getByRole('button', { name: 'Managers' }).click();
  await waitForOrder(page, names(managerSkills));
  assert.match(page.url(), /#\/admin\/skills\?role=manager$/);
  assert.equal(await page.locator('#framework-add-title').innerText(), 'Add a manager skill');
  await page.reload();
  await waitForOrder(page, names(managerSkills));
  assert.equal(await page.getByRole('button', { name: 'Managers' }).getAttribute('aria-pressed'), 'true');
  assert.deepEqual(unexpectedProblems(page, EXPECTED), []);
  await page.context().close();
});

test('a duplicate skill name shows the error next to the name field', async () => {
  const seller = (await admin.get('/skills?role=seller')).skills;
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.goto('/#/admin/skills');
  await page.locator('.active-table').waitFor();
  const add = page.locator('.add-item-form');
  await add.getByLabel(/^Name/).fill(seller[0].name);
  await add.getByRole('button', { name: 'Add skill' }).click();
  const nameField = add.locator('.field[data-field="name"]');
  const err = nameField.locator('.field-error');
  await err.waitFor();
  assert.match(await err.innerText(), new RegExp(`skill called '${seller[0].name}' already`));
  assert.equal(await nameField.locator('input').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'name', 'focus on the name field');
  assert.equal((await admin.get('/skills?role=seller')).skills.length, seller.length, 'nothing added');

  // An empty name is caught before asking the server.
  await add.getByLabel(/^Name/).fill('  ');
  await add.getByRole('button', { name: 'Add skill' }).click();
  assert.match(await err.innerText(), /Enter a name/);
  await add.getByLabel(/^Name/).fill(seller[0].name);
  await add.getByRole('button', { name: 'Add skill' }).click();
  await page.waitForFunction(() => /already/.test(document.querySelector('.add-item-form .field[data-field="name"] .field-error').textContent));
  await screenshot(page, 'admin-skills-duplicate');

  // The same in the edit dialog.
  await page.getByRole('button', { name: `Edit ${seller[1].name}` }).click();
  const dialog = page.locator('dialog');
  await dialog.getByLabel(/^Name/).fill(seller[0].name);
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.locator('.field[data-field="name"] .field-error').waitFor();
  assert.match(await dialog.locator('.field[data-field="name"] .field-error').innerText(), /already/);
  await screenshot(page, 'admin-skills-edit-duplicate');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await admin.get('/skills?role=seller')).skills[1].name, seller[1].name, 'unchanged');

  // At 375 px: no horizontal scroll, every button reachable.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.reload();
  await page.locator('.active-table').waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scroll at 375 px');
  await screenshot(page, 'admin-skills-375', { fullPage: true });
  assert.deepEqual(unexpectedProblems(page, [...EXPECTED, 409]), []);
  await page.context().close();
});

test('a value added is offered in the kudos form; archived, it is not', async () => {
  const before = (await admin.get('/values')).values;
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Values', exact: true }).click();
  await page.locator('h1', { hasText: 'Company values' }).waitFor();
  await page.locator('.active-table').waitFor();
  assert.deepEqual(await shownOrder(page), names(before));

  const add = page.locator('.add-item-form');
  await add.getByLabel(/^Name/).fill('Win as a team');
  await add.getByLabel(/^Description/).fill('Share what works, hand over cleanly');
  await add.getByRole('button', { name: 'Add value' }).click();
  await waitForOrder(page, [...names(before), 'Win as a team']);
  const value = (await admin.get('/values')).values.find((v) => v.name === 'Win as a team');
  assert.ok(value && !value.archived);

  // Move it to the top: the kudos form offers the values in this order.
  const valueNames = names(before);
  for (let i = valueNames.length; i > 0; i--) {
    await page.getByRole('button', { name: 'Move Win as a team up' }).click();
    await waitForOrder(page, [...valueNames.slice(0, i - 1), 'Win as a team', ...valueNames.slice(i - 1)]);
  }
  assert.deepEqual(names((await admin.get('/values')).values), ['Win as a team', ...names(before)]);
  await screenshot(page, 'admin-values', { fullPage: true });

  const seller = await newPage(env.browser, env.url);
  await login(seller, env.logins.seller);
  await seller.goto('/#/kudos');
  const options = seller.locator('.value-picker .value-name');
  await options.first().waitFor();
  assert.deepEqual(await options.allInnerTexts(), ['Win as a team', ...names(before)], 'offered, first');

  await page.getByRole('button', { name: 'Archive Win as a team' }).click();
  await page.locator('.archived-table .item-name', { hasText: 'Win as a team' }).waitFor();
  assert.ok(!names((await admin.get('/values')).values).includes('Win as a team'), 'GET /values no longer lists it');
  await screenshot(page, 'admin-values-archived', { fullPage: true });

  await seller.reload();
  await options.first().waitFor();
  assert.deepEqual(await options.allInnerTexts(), names(before), 'no longer offered');
  assert.deepEqual(unexpectedProblems(seller, SELLER_EXPECTED), []);
  assert.deepEqual(unexpectedProblems(page, EXPECTED), []);
  await seller.context().close();
  await page.context().close();
});

test('a seller opening the admin pages sees they are for administrators', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  assert.equal(await page.getByRole('link', { name: 'Skills', exact: true }).count(), 0, 'no Skills link for a seller');
  assert.equal(await page.getByRole('link', { name: 'Values', exact: true }).count(), 0, 'no Values link for a seller');
  await page.goto('/#/admin/skills');
  await page.getByText('This page is for administrators.').waitFor();
  assert.equal(await page.locator('.active-table').count(), 0);
  await screenshot(page, 'admin-skills-seller');
  await page.goto('/#/admin/values');
  await page.getByText('This page is for administrators.').waitFor();
  assert.deepEqual(unexpectedProblems(page, SELLER_EXPECTED), []);
  await page.context().close();
});
