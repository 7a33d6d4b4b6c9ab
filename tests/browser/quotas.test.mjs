// Goals and quotas in the browser: a ramping seller sees this quarter's goal with the ramp
// applied (the same numbers the API gives), a manager sees the team's attainment after the
// people cards, and an admin sets a quota on the quotas page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems, AS_OF } from './lib.mjs';

let env, admin, people;
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
  people = (await admin.get('/people')).people;
});
after(cleanup);

const pct = (bp) => `${Math.round(bp / 100)}%`;

test('a ramping seller sees their goal with the ramp applied', async () => {
  const quarter = await admin.get(`/periods?kind=quarter&date=${AS_OF}`);
  const quotas = (await admin.get(`/quotas?period=${quarter.key}`)).quotas.filter((q) => q.person_id);
  let seller = null;
  let line = null;
  for (const q of quotas) {
    const a = await admin.get(`/attainment/people/${q.person_id}?period=${quarter.key}&as_of=${AS_OF}`);
    if (a.line.has_quota && a.line.ramp_bp > 0 && a.line.ramp_bp < 10000) {
      seller = people.find((p) => p.id === q.person_id);
      line = a.line;
      break;
    }
  }
  assert.ok(seller, `the demo has a seller ramping in ${quarter.key}`);
  assert.ok(line.attainment.quota_minor < line.quota_set_minor, 'the effective quota is below the full one');

  const page = await newPage(env.browser, env.url);
  await login(page, seller.email);
  const card = page.locator('[data-card="goals"]');
  await card.locator('.attainment').waitFor();
  const text = await card.innerText();
  assert.match(text, new RegExp(quarter.key));
  assert.match(text, new RegExp(`Ramping: ${pct(line.ramp_bp)} of the full`));
  assert.equal(await card.locator('[data-fact="attainment"] dd').first().innerText(), line.attainment.attainment_bp === null ? '—' : pct(line.attainment.attainment_bp));
  assert.equal(await card.locator('[data-fact="pace"] dd').first().innerText(), line.attainment.pace_bp === null ? '—' : pct(line.attainment.pace_bp));
  // the quota shown is the ramped one, not the full one
  const quota = new Intl.NumberFormat('en', { style: 'currency', currency: line.currency, minimumFractionDigits: line.attainment.quota_minor % 100 ? 2 : 0 }).format(line.attainment.quota_minor / 100);
  assert.match(await card.locator('[data-fact="attainment"] .fact-note').innerText(), new RegExp(`of ${quota.replace(/[.$]/g, '\\$&')}$`));
  // the month and the fiscal year below it
  assert.equal(await card.locator('.goal-periods li').count(), 2);
  // numbers come after the leading cards
  const cards = await page.locator('.card[data-card]').evaluateAll((els) => els.map((e) => e.dataset.card));
  assert.ok(cards.indexOf('goals') > cards.indexOf('growth'));
  await screenshot(page, 'seller-goal', { fullPage: true });
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});

test('a manager sees the team\'s attainment after the people cards', async () => {
  const manager = people.find((p) => p.email === env.logins.manager);
  const quarter = await admin.get(`/periods?kind=quarter&date=${AS_OF}`);
  const tree = await admin.get(`/attainment/tree/${manager.id}?period=${quarter.key}&as_of=${AS_OF}`);
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  const card = page.locator('[data-card="team-attainment"]');
  await card.locator('.attainment-table').waitFor();
  const rows = await card.locator('.attainment-table tbody tr').evaluateAll((els) => els.map((e) => Number(e.dataset.person)));
  assert.deepEqual(rows, tree.people.filter((l) => l.depth > 0).map((l) => l.person_id));
  assert.equal(await card.locator('[data-fact="attainment"] dd').first().innerText(), pct(tree.total.attainment.attainment_bp));
  // the team's set quota, against the sum of its members'
  const team = await admin.get(`/attainment/teams/${manager.team_id}?period=${quarter.key}&as_of=${AS_OF}`);
  assert.ok(team.line.has_quota);
  assert.match(await card.locator('.team-quota').innerText(), /set above the sum by/);
  assert.ok(team.difference_minor > 0);
  // a ramping report carries a ramp chip
  const ramping = tree.people.filter((l) => l.depth > 0 && l.has_quota && l.ramp_bp < 10000);
  assert.equal(await card.locator('.attainment-table .chip-ramping').count(), ramping.length);
  // people first: every leading card comes before it
  const sections = await page.locator('.board-section').evaluateAll((els) => els.map((e) => [...e.querySelectorAll('.card[data-card]')].map((c) => c.dataset.card)));
  assert.ok(sections[0].includes('team'));
  assert.deepEqual(sections[1].slice(0, 1), ['team-attainment']);
  await screenshot(page, 'manager-attainment', { fullPage: true });
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});

test('an admin sees every team against quota, then sets a quota on the quotas page', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  const org = page.locator('[data-card="org-attainment"]');
  await org.locator('tbody tr').first().waitFor();
  const teams = (await admin.get('/teams')).teams;
  assert.equal(await org.locator('tbody tr').count(), teams.length);
  const first = await admin.get(`/attainment/teams/${teams[0].id}?period=${(await admin.get(`/periods?kind=quarter&date=${AS_OF}`)).key}&as_of=${AS_OF}`);
  assert.equal(await org.locator(`tr[data-team="${teams[0].id}"] td`).nth(4).innerText(), pct(first.line.attainment.attainment_bp));
  await page.goto('/#/admin/quotas');
  const quarter = await admin.get(`/periods?kind=quarter&date=${AS_OF}`);
  await page.locator('.period-key', { hasText: quarter.key }).waitFor();
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.locator('.period-key', { hasText: quarter.next }).waitFor();
  const seller = people.find((p) => p.email === env.logins.seller);
  const row = page.locator(`[data-row="person-${seller.id}"]`);
  await row.getByRole('textbox').fill('123456.50');
  await row.getByRole('button', { name: 'Save' }).click();
  await row.getByText(/Saved/).waitFor();
  const q = (await admin.get(`/quotas?period=${quarter.next}`)).quotas.find((x) => x.person_id === seller.id);
  assert.equal(q.amount_minor, 12345650);
  await screenshot(page, 'admin-quotas');

  // A quota file with a bad line sets nothing and names the line and field.
  const before = (await admin.get(`/quotas?period=${quarter.next}`)).quotas.length;
  const bad = ['email,period,amount,currency', `${env.logins.seller},${quarter.next},500.00,USD`, `${env.logins.seller},${quarter.next},lots,USD`].join('\n');
  await page.getByLabel(/^Quota file/).setInputFiles({ name: 'quotas.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Import' }).click();
  const errors = page.locator('table.import-errors');
  await errors.waitFor();
  const rows = await errors.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
  assert.deepEqual(rows.map((r) => [r[0], r[1]]), [['3', 'amount']]);
  assert.match(await page.locator('.import-error .error-title').innerText(), /Nothing was imported: 1 line needs fixing/);
  assert.equal((await admin.get(`/quotas?period=${quarter.next}`)).quotas.length, before, 'nothing was set');
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();
});
