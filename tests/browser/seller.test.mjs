// A seller logs in and sees only themself: their profile and the cards that
// later parts fill; no other person's name anywhere but their own manager's
// (whom they report to, shown by name only), an org of one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
let me;
let others;
let boss;
before(async () => {
  env = await setup();
  const admin = await apiSession(env.url, env.logins.admin);
  const everyone = (await admin.get('/people')).people;
  me = everyone.find((p) => p.email === env.logins.seller);
  boss = everyone.find((p) => p.id === me.manager_id);
  others = everyone.filter((p) => p.id !== me.id && p.id !== boss.id);
  assert.ok(me && others.length > 10);
});
after(cleanup);

function assertNoOtherNames(html, where) {
  const leaked = others.filter((p) => html.includes(p.name) || html.includes(p.email));
  assert.deepEqual(leaked.map((p) => p.name), [], `other people's names on ${where}`);
}

test('a seller sees their own page and nobody else', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  const profile = page.locator('[data-card="profile"] .details');
  await profile.waitFor();
  assert.match(await profile.innerText(), new RegExp(me.email.replace(/\./g, '\\.')));
  // their manager by name and title, not as a link to a page they may not read
  assert.match(await profile.innerText(), new RegExp(`Manager\\s+${boss.name}`, 'i'));
  assert.equal(await profile.locator(`a[href="#/people/${boss.id}"]`).count(), 0);
  assert.equal(await page.locator('[data-card="team"]').count(), 0);
  // Their one-on-ones, recognition and growth, then placeholders for what later parts bring: leading first, numbers second.
  assert.deepEqual(await page.locator('.card[data-card]').evaluateAll((els) => els.map((e) => e.dataset.card)), ['profile', 'pulse', 'one-on-ones', 'my-kudos', 'growth', 'goals', 'statement']);
  await page.locator('[data-card="growth"] .growth-matrix').waitFor();
  await page.locator('[data-card="one-on-ones"] .card-body > :not(.loading)').first().waitFor();
  await page.waitForLoadState('networkidle');
  assertNoOtherNames(await page.content(), 'the seller home');
  await screenshot(page, 'seller-home');

  await page.getByRole('link', { name: 'Org', exact: true }).click();
  await page.locator('.tree').waitFor();
  assert.deepEqual(await page.locator('.tree-name').allTextContents(), [me.name]);
  await page.waitForLoadState('networkidle');
  assertNoOtherNames(await page.content(), 'the org page');
  await screenshot(page, 'seller-org');

  // Someone else's page: the same answer as for no one at all.
  await page.goto(`/#/people/${others[0].id}`);
  await page.locator('h1', { hasText: 'Not here' }).waitFor();
  assertNoOtherNames(await page.content(), 'another person\'s page');

  // Admin pages are not for sellers.
  await page.goto('/#/admin/users');
  await page.getByText('This page is for administrators.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
  assert.deepEqual(unexpectedProblems(page, [401, 404]), []);
  await page.context().close();
});
