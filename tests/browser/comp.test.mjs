// A seller opens their home and reads their commission statement: the demo's latest payout
// run, every line explained in words, an estimate of what the next deal would earn, and a
// dispute of one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, unexpectedProblems } from './lib.mjs';

let env;
before(async () => {
  env = await setup();
});
after(cleanup);

test('a seller reads their explained statement and estimates a deal', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  const card = page.locator('[data-card="statement"]');
  await card.locator('.comp-statement').waitFor();
  assert.match(await card.locator('.fact-heading').innerText(), /^\d{4}-\d{2} · AE mixed v1 · /);
  assert.match(await card.locator('.comp-totals').innerText(), /Payout: \S?[\d,.]+/);
  const lines = await card.locator('.comp-lines li').allInnerTexts();
  assert.ok(lines.length > 0, 'the demo seller has lines in the latest run');
  for (const l of lines) assert.match(l, /Deal \d+ .*(tier|quota|cap|milestone)/i);

  await card.getByLabel('Deal amount').fill('10,000');
  await card.getByRole('button', { name: 'Estimate' }).click();
  await card.locator('.comp-estimate-result', { hasText: 'would earn' }).waitFor();
  assert.match(await card.locator('.comp-estimate-result').innerText(), /A deal of \S?10,000 closed this period would earn \S?[\d,.]+\./);

  // dispute the first line: the form closes into the dispute's text
  const first = card.locator('.comp-lines li').first();
  await first.getByText('Dispute this line').click();
  await first.getByLabel('Why this line is wrong').fill('This was a renewal, not new business.');
  await first.getByRole('button', { name: 'Send' }).click();
  await first.locator('.comp-dispute', { hasText: 'Disputed: This was a renewal, not new business.' }).waitFor();
  await screenshot(page, 'seller-statement');
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});
