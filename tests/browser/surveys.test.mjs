// Pulse surveys in the browser: a seller answers the open pulse on a phone;
// a manager sees their team's drivers with the weakest one as a topic, and
// results only where the disclosure rules allow; withheld groups say so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
before(async () => {
  env = await setup();
});
after(cleanup);

test('a seller answers the open pulse on a phone, once', async () => {
  const page = await newPage(env.browser, env.url, { width: 390, height: 844 });
  await login(page, env.logins.seller);
  const card = page.locator('[data-card="pulse"]');
  await card.getByRole('link', { name: 'Answer now' }).click();
  const form = page.locator('form.survey-form');
  await form.waitFor();
  assert.match(await page.locator('.survey-card').innerText(), /stored without your name/);
  // Nothing picked: the first question says so and nothing is sent.
  await form.getByRole('button', { name: 'Send my answers' }).click();
  await page.getByText('Pick an answer.').first().waitFor();
  // The form fits the phone: no sideways scrolling.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no horizontal scroll on a phone');
  await screenshot(page, 'pulse-phone');
  for (const box of await form.locator('fieldset.scale-5').all()) await box.locator('label').nth(3).click();
  for (const box of await form.locator('fieldset.scale-11').all()) await box.locator('label').nth(9).click();
  const comment = form.locator('textarea');
  if (await comment.count()) await comment.fill('The new onboarding helped me a lot.');
  await form.getByRole('button', { name: 'Send my answers' }).click();
  await page.getByRole('heading', { name: 'Thank you' }).waitFor();

  // The API agrees, and a second answer is refused.
  const seller = await apiSession(env.url, env.logins.seller);
  const { surveys } = await seller.get('/surveys');
  const open = surveys.find((s) => s.open && s.invited_you);
  assert.equal(open.answered, true);
  await page.goto('/#/surveys');
  await page.locator('.survey-row').first().waitFor();
  await page.goto(`/#/surveys/${open.id}`);
  await page.getByText('You have answered this survey. Thank you.').waitFor();
  await page.goto('/#/home');
  await card.getByText('You have answered the open pulse').waitFor();
  assert.deepEqual(unexpectedProblems(page, [401]), []);
});

test('a manager sees the team drivers, the weakest as a topic, and withheld groups say why', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  const card = page.locator('[data-card="engagement"]');
  await card.locator('.drivers-table').waitFor();
  // The demo's manager leads the team whose sense of direction slipped.
  assert.equal(await card.locator('[data-weakest]').getAttribute('data-weakest'), 'direction');
  assert.match(await card.innerText(), /team meeting/);
  assert.ok((await card.locator('svg.sparkline').count()) > 0, 'trend lines');
  await screenshot(page, 'manager-engagement');

  await card.getByRole('link', { name: 'All results' }).click();
  const picker = page.getByLabel('Group');
  await picker.waitFor();
  const options = await picker.locator('option').allTextContents();
  assert.ok(options.some((o) => /Whole company \(\d+ answers\)/.test(o)), options.join(' | '));
  assert.ok(options.some((o) => /\(withheld\)/.test(o)), 'small filters are withheld');
  // Pick a withheld group: the page says why and shows no scores.
  const withheld = await picker.locator('option', { hasText: '(withheld)' }).first().getAttribute('value');
  await picker.selectOption(withheld);
  await page.locator('.notice-warning', { hasText: 'Withheld' }).waitFor();
  assert.equal(await page.locator('[aria-live] .drivers-table').count(), 0);

  // Only what the API shows for this manager is on the page: no peer's tree.
  const api = await apiSession(env.url, env.logins.manager);
  const me = (await api.get('/me')).person;
  const id = Number(page.url().match(/surveys\/(\d+)\/results/)[1]);
  const results = await api.get(`/surveys/${id}/results`);
  const keys = results.groups.map((g) => g.key);
  assert.ok(keys.includes(`tree:${me.id}`));
  assert.ok(keys.filter((k) => k.startsWith('tree:')).every((k) => k.startsWith(`tree:${me.id}`)), `only the manager's own tree: ${keys}`);
  assert.equal(options.length, results.groups.length);
  assert.deepEqual(unexpectedProblems(page, [401]), []);
});

test('the VP sees a heatmap of teams by drivers', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.vp);
  await page.goto('/#/surveys');
  const row = page.locator('.survey-row').nth(1);
  await row.getByRole('link', { name: 'Results' }).click();
  const heatmap = page.locator('table.heatmap');
  await heatmap.waitFor();
  assert.ok((await heatmap.locator('tbody tr').count()) >= 4, 'a row per manager tree and team');
  await screenshot(page, 'vp-heatmap');
});
