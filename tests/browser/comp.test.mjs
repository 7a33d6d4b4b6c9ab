// A seller opens their home and reads their commission statement: the demo's latest payout
// run, every line explained in words, an estimate of what the next deal would earn, and a
// dispute of one line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, unexpectedProblems, apiSession } from './lib.mjs';

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
  // each names its deal as the pipeline does; the seller's own deals open from there
  const [shown] = (await (await apiSession(env.url, env.logins.seller)).get('/comp/statements')).statements;
  const st = await (await apiSession(env.url, env.logins.seller)).get(`/comp/statement?plan_id=${shown.plan_id}&period=${shown.period}`);
  assert.deepEqual(await card.locator('.comp-lines > li .comp-deal').allInnerTexts(), st.lines.filter((l) => l.deal_name).map((l) => l.deal_name));
  // only the seller's own deals are links: a split partner's deal is not theirs to open
  const isOwn = (l) => l.deal_owner_id === st.person_id;
  assert.ok(st.lines.some((l) => l.deal_name && !isOwn(l)), 'the demo seller shares a deal they do not own');
  assert.deepEqual(await card.locator('.comp-lines > li a.comp-deal').allInnerTexts(), st.lines.filter((l) => l.deal_name && isOwn(l)).map((l) => l.deal_name));
  assert.deepEqual(await card.locator('.comp-lines > li span.comp-deal').allInnerTexts(), st.lines.filter((l) => l.deal_name && !isOwn(l)).map((l) => l.deal_name));
  const own = st.lines.find(isOwn);
  assert.ok(own, 'the demo seller owns a deal in the latest run');
  await card.locator('a.comp-deal', { hasText: own.deal_name }).first().click();
  await page.waitForURL(new RegExp(`#/opportunities/${own.deal_id}$`));
  await page.locator('h1', { hasText: own.deal_name }).waitFor();
  await page.goBack();
  await card.locator('.comp-statement').waitFor();

  // no amount: said at the field, before any request
  await card.getByRole('button', { name: 'Estimate' }).click();
  await card.locator('[data-field="amount"] .field-error', { hasText: 'Type an amount, like 10,000.' }).waitFor();
  assert.equal(await card.getByLabel('Deal amount').getAttribute('aria-invalid'), 'true');
  await card.getByLabel('Deal amount').fill('10,000');
  await card.getByRole('button', { name: 'Estimate' }).click();
  await card.locator('.comp-estimate-result', { hasText: 'would earn' }).waitFor();
  assert.match(await card.locator('.comp-estimate-result').innerText(), /A deal of \S?10,000 closed this period would earn \S?[\d,.]+\./);
  // with a product and a deal type (the demo plan has no SPIF: they change nothing)
  const plain = await card.locator('.comp-estimate-result').innerText();
  await card.getByLabel('Product').fill('Core');
  await card.getByLabel('Deal type').fill('new');
  await card.getByRole('button', { name: 'Estimate' }).click();
  await card.locator('.comp-estimate-result', { hasText: '(Core, new)' }).waitFor();
  assert.equal((await card.locator('.comp-estimate-result').innerText()).replace(' (Core, new)', ''), plain);

  // dispute the first line: the form closes into the dispute's text
  const first = card.locator('.comp-lines li').first();
  await first.getByText('Dispute this line').click();
  await first.getByRole('button', { name: 'Send' }).click(); // nothing said yet: refused at the field
  await first.locator('[data-field="comment"] .field-error', { hasText: 'Say what is wrong with this line.' }).waitFor();
  await first.getByLabel('Why this line is wrong').fill('This was a renewal, not new business.');
  await first.getByRole('button', { name: 'Send' }).click();
  await first.locator('.comp-dispute', { hasText: 'Disputed: This was a renewal, not new business.' }).waitFor();
  const disputedText = await first.innerText();
  await screenshot(page, 'seller-statement');

  // A deal closes on the period's first day and the open period is re-run: its line comes
  // first and takes the disputed line's number. The dispute stays with the line it was
  // about, shown as it was, and the new first line carries no dispute.
  const admin = await apiSession(env.url, env.logins.admin);
  const seller = await apiSession(env.url, env.logins.seller);
  const [latest] = (await seller.get('/comp/statements')).statements;
  assert.equal(latest.status, 'open', 'the demo leaves its latest run open');
  const { currency } = await seller.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}`);
  const day1 = `${latest.period}-01`;
  const csv = 'Opportunity ID,Opportunity Name,Account ID,Account Name,Owner Email,Amount,Opportunity Currency,Stage,Close Date,Created Date\n' +
    `LATE-1,Late deal,A-LATE-1,Late Account,${env.logins.seller},12000,${currency},Closed Won,${day1},${day1}\n`;
  assert.equal((await admin.call('POST', '/import/opportunities?source=salesforce', csv)).status, 200);
  const rerun = await admin.call('POST', `/comp/plans/${latest.plan_id}/runs`, { period: latest.period });
  assert.equal(rerun.status, 201, JSON.stringify(rerun.body));
  await page.reload();
  await card.locator('.comp-statement').waitFor();
  const moved = card.locator('.comp-disputes-changed li');
  await moved.locator('.comp-dispute', { hasText: 'Disputed: This was a renewal, not new business.' }).waitFor();
  assert.match(await moved.innerText(), /\(as it was\)/);
  assert.equal((await moved.innerText()).split(' (as it was)')[0], disputedText.split('\nDisputed:')[0].replace(/\n/g, ' ').trim());
  const nowFirst = card.locator('.comp-lines li').first();
  assert.match(await nowFirst.innerText(), new RegExp(`closed ${day1}, direct\\): 12,000\\.00 of it`));
  assert.equal(await nowFirst.locator('.comp-dispute', { hasText: 'Disputed:' }).count(), 0);
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});

test('a seller reads an earlier period\'s statement, closed, as the API has it', async () => {
  const seller = await apiSession(env.url, env.logins.seller);
  const list = (await seller.get('/comp/statements')).statements;
  assert.ok(list.length >= 2, 'the demo seller has statements for more than one period');
  const earlier = list.find((s) => s.status === 'closed');
  assert.ok(earlier, 'the demo closes its earlier periods');
  const want = await seller.get(`/comp/statement?plan_id=${earlier.plan_id}&period=${earlier.period}`);

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  const card = page.locator('[data-card="statement"]');
  await card.locator('.comp-statement').waitFor();
  const pick = card.getByLabel('Statement period');
  // every period, newest first, the newest chosen
  const options = await pick.locator('option').allInnerTexts();
  assert.deepEqual(options.map((o) => o.split(' · ')[0]), list.map((s) => s.period));
  assert.equal(await pick.inputValue(), '0');
  assert.equal(await card.locator('.comp-estimate').count(), 1);

  await pick.selectOption({ label: options[list.indexOf(earlier)] });
  const body = card.locator(`.comp-statement-body[data-period="${earlier.period}"]`);
  await body.waitFor();
  assert.match(await body.locator('.fact-heading').first().innerText(), new RegExp(`^${earlier.period} · .* · closed$`));
  const lines = await body.locator('.comp-lines > li').count();
  assert.equal(lines, want.lines.length);
  if (lines) assert.ok((await body.locator('.comp-lines > li').first().innerText()).includes(want.lines[0].explanation));
  assert.equal(await card.locator('.comp-estimate').count(), 0, 'no estimate for a closed period');
  assert.equal(await card.locator('.comp-statement-body').count(), 1, 'one statement at a time');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'seller-statement-earlier');

  await pick.selectOption('0'); // and back to the newest
  await card.locator(`.comp-statement-body[data-period="${list[0].period}"]`).waitFor();
  assert.equal(await card.locator('.comp-estimate').count(), 1);
  assert.deepEqual(unexpectedProblems(page, [401]), []); // the login page's "who am I?"
  await page.context().close();
});

test('a manager reads a report\'s statement on their page: the same lines, no dispute', async () => {
  const managerApi = await apiSession(env.url, env.logins.manager);
  const sellerApi = await apiSession(env.url, env.logins.seller);
  const seller = (await sellerApi.get('/me')).person;
  const [latest] = (await sellerApi.get('/comp/statements')).statements;
  const want = await managerApi.get(`/comp/statement?plan_id=${latest.plan_id}&period=${latest.period}&person_id=${seller.id}`);

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.goto(`/#/people/${seller.id}`);
  const card = page.locator('[data-card="statement"]');
  await card.locator('.comp-statement').waitFor();
  assert.match(await card.locator('h2, h3').first().innerText(), new RegExp(`^${seller.name}'s commission statement$`));
  const lines = card.locator('.comp-statement-body > .comp-lines > li');
  assert.equal(await lines.count(), want.lines.length);
  assert.ok((await lines.first().innerText()).includes(want.lines[0].explanation));
  // the seller alone disputes; the estimate speaks of them, not of the reader
  assert.equal(await card.getByText('Dispute this line').count(), 0);
  await card.getByText('What would their next deal earn?').waitFor();
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});
