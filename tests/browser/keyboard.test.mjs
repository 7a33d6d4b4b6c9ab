// Keyboard only: the login form is filled and sent without a mouse; focus is
// visible; the skip link and the org tree work from the keyboard.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, PASSWORD } from './lib.mjs';

let env;
before(async () => {
  env = await setup();
});
after(cleanup);

const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el.tagName.toLowerCase(), name: el.getAttribute('name'), text: el.textContent.trim(), outline: getComputedStyle(el).outlineStyle };
});

test('the login form is filled and submitted with the keyboard only', async () => {
  const page = await newPage(env.browser, env.url);
  await page.goto('/');
  await page.locator('.login-form').waitFor();
  // Focus starts in the email field.
  assert.equal((await focused(page)).name, 'email');
  await page.keyboard.type(env.logins.manager);
  await page.keyboard.press('Tab');
  const pw = await focused(page);
  assert.equal(pw.name, 'password');
  assert.notEqual(pw.outline, 'none', 'the focused field shows a focus outline');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Hello' }).waitFor();
  await page.locator('[data-card="team"] .team-table').waitFor();

  // On a fresh load the first Tab reaches the skip link; Enter on it moves focus to the page heading.
  await page.reload();
  await page.locator('[data-card="team"] .team-table').waitFor();
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).text, 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).tag, 'h1');

  // Tab onwards reaches the team's people as links.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => Boolean(document.activeElement.closest('.team-table')));
  }
  assert.ok(reached, 'a person link in the team table is reachable with Tab');
  await page.keyboard.press('Enter');
  await page.locator('.details').waitFor();
  await page.context().close();
});

test('the org tree works with arrow keys', async () => {
  const page = await newPage(env.browser, env.url);
  await page.goto('/#/login');
  await page.locator('.login-form').waitFor();
  await page.keyboard.type(env.logins.vp);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Hello' }).waitFor();
  await page.goto('/#/org');
  await page.locator('.tree').waitFor();
  const names = await page.locator('.tree-name').allTextContents();
  await page.locator('.tree-name').first().focus();
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).text, names[1]);
  // Left on a manager with open reports closes them; Left again goes up to their manager.
  await page.keyboard.press('ArrowLeft');
  const twisty = page.locator('.tree-row').filter({ has: page.getByRole('link', { name: names[1], exact: true }) }).locator('.twisty');
  assert.equal(await twisty.getAttribute('aria-expanded'), 'false');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await focused(page)).text, names[0]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.equal(await twisty.getAttribute('aria-expanded'), 'true');
  await page.context().close();
});
