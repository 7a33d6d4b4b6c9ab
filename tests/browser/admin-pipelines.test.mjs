// An admin changes a stage's default probability and adds a stage in the browser; a pipeline
// that makes no sense is refused with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, apiSession, unexpectedProblems } from './lib.mjs';

let env;
before(async () => {
  env = await setup();
});
after(cleanup);

test('an admin configures the stages of a pipeline', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.goto('/#/admin/pipelines');
  const admin = await apiSession(env.url, env.logins.admin);
  const { pipelines } = await admin.get('/pipelines');
  const open = pipelines[0].stages.find((s) => !s.won && !s.lost);
  const row = page.locator(`tr[data-stage="${open.id}"]`);
  await row.getByLabel(`${open.name}: default probability in percent`).fill('37.5');
  await row.getByRole('button', { name: 'Save' }).click();
  await row.getByText('Saved').waitFor();
  const after1 = (await admin.get('/pipelines')).pipelines[0].stages.find((s) => s.id === open.id);
  assert.equal(after1.probability_bp, 3750);

  const card = page.locator(`[data-pipeline="${pipelines[0].id}"]`);
  await card.getByText('Add a stage').click();
  await card.getByLabel('Stage name').fill('Security review');
  await card.getByLabel('Default probability (%)').fill('70');
  await card.getByRole('button', { name: 'Add stage' }).click();
  await card.locator('tr', { hasText: 'Security review' }).waitFor();
  // the same name again: refused, with the reason on the form
  await card.getByText('Add a stage').click();
  await card.getByLabel('Stage name').fill('Security review');
  await card.getByLabel('Default probability (%)').fill('70');
  await card.getByRole('button', { name: 'Add stage' }).click();
  await card.getByText(/already/).first().waitFor();
  assert.deepEqual(unexpectedProblems(page, [401, 409]), []);
});
