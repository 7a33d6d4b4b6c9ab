// The commission tools around plans and runs: an admin models a richer draft of the demo plan
// on a past month and reads, per person, what it would change (the table matches the API);
// sets an exchange rate and finds it, and the upload, in the audit log. On a deal page a
// manager splits a won deal 60/40 with a peer (the credit the API then reports), while the
// deal's seller reads the split and gets no form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env, admin;
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
});
after(cleanup);

test('an admin models a plan change, sets an exchange rate and reads the audit log', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.goto('/#/admin/comp');
  const model = page.locator('form.comp-model');
  await model.waitFor();
  // the draft starts as the newest plan: double every rate
  const draft = JSON.parse(await model.getByLabel('Draft plan').inputValue());
  assert.ok(draft.components.length > 0);
  for (const c of draft.components) for (const t of c.tiers ?? []) t.rate_ppm *= 2;
  draft.name = `${draft.name} doubled`;
  await model.getByLabel('Draft plan').fill(JSON.stringify(draft));
  await model.getByLabel(/^Past period/).fill('2026-09');
  await model.getByRole('button', { name: 'Model' }).click();
  await model.locator('.comp-model-totals').waitFor();
  const api = (await admin.call('POST', '/comp/plans/model', { plan: draft, period: '2026-09' })).body;
  assert.ok(api.people.length > 0);
  assert.ok(api.totals.draft_minor > api.totals.current_minor, 'doubled rates pay more');
  const rows = await model.locator('table.comp-model-people tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.person));
  assert.deepEqual(rows, api.people.map((p) => String(p.person_id)));
  await screenshot(page, 'admin-comp-model');

  // a draft that makes no sense is named, not modelled
  await model.getByLabel('Draft plan').fill(JSON.stringify({ ...draft, components: [{ ...draft.components[0], tiers: [{ from_bp: 0, rate_ppm: -1 }] }] }));
  await model.getByRole('button', { name: 'Model' }).click();
  await model.locator('.field[data-field="plan"] .field-error:not([hidden])', { hasText: /rate_ppm/ }).waitFor();

  // an exchange rate
  const fx = page.locator('form.comp-fx');
  await fx.getByLabel('From date').fill('2026-01-01');
  await fx.getByLabel('From currency').fill('usd');
  await fx.getByLabel('To currency').fill('eur');
  await fx.getByLabel(/^Rate/).fill('1.5');
  await fx.getByRole('button', { name: 'Set rate' }).click();
  await page.locator('table.comp-fx-rates tr', { hasText: '1 USD = 1.500000 EUR' }).waitFor();
  const rates = (await admin.get('/comp/fx-rates')).rates;
  assert.deepEqual(rates.map((r) => [r.from_currency, r.to_currency, r.rate_ppm]), [['USD', 'EUR', 1500000]]);
  await fx.getByLabel(/^Rate/).fill('1,5');
  await fx.getByRole('button', { name: 'Set rate' }).click();
  await fx.locator('.field[data-field="rate_ppm"] .field-error:not([hidden])').waitFor();

  // the audit log lists the rate
  await page.locator('details.comp-audit summary').click();
  const rateRow = page.locator('table.comp-audit-log tr', { hasText: 'fx_rate' }).first();
  await rateRow.waitFor();
  // who set it, and what, in words rather than JSON
  const admins = (await admin.get('/comp/audit?object=fx_rate')).audit;
  assert.ok(admins[0].by, 'the rate was set by someone');
  assert.equal(await rateRow.locator('td[data-label="Who"]').innerText(), admins[0].by);
  assert.doesNotMatch(await rateRow.locator('td[data-label="Details"]').innerText(), /[{}"]/);
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();
});

test('a manager splits a won deal with a peer; the seller reads it without a form', async () => {
  const manager = await apiSession(env.url, env.logins.manager);
  const me = await manager.get('/me');
  const team = (await manager.get(`/people/${me.person.id}/reports`)).people;
  const deals = (await manager.get('/opportunities?status=won')).opportunities;
  const deal = deals.find((d) => team.some((p) => p.id === d.owner.id));
  assert.ok(deal, 'a won deal in the manager team');
  const peer = team.find((p) => p.id !== deal.owner.id);

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.goto(`/#/opportunities/${deal.id}`);
  const card = page.locator('section.deal-splits');
  await card.locator('form').waitFor();
  // whatever the demo gave it, start from the owner alone
  while (await card.locator('.split-row').count()) await card.locator('.split-row').first().getByRole('button', { name: 'Remove' }).click();
  await card.getByRole('button', { name: 'Add a person' }).click();
  await card.getByRole('button', { name: 'Add a person' }).click();
  const [first, second] = [card.locator('.split-row').nth(0), card.locator('.split-row').nth(1)];
  await first.getByLabel('Person').selectOption(String(deal.owner.id));
  await first.getByLabel('Share (%)').fill('60');
  await second.getByLabel('Person').selectOption(String(peer.id));
  await second.getByLabel('Share (%)').fill('50');
  await card.getByRole('button', { name: 'Save credit' }).click();
  await card.locator('.form-error:not([hidden])', { hasText: /10000/ }).waitFor();
  await second.getByLabel('Share (%)').fill('40');
  await card.getByRole('button', { name: 'Save credit' }).click();
  await card.locator('.split-list li', { hasText: `${peer.name}: 40%` }).waitFor();
  const saved = await manager.get(`/comp/deals/${deal.id}/splits`);
  assert.deepEqual(saved.splits.map((s) => [s.person_id, s.kind, s.share_bp]).sort(), [[deal.owner.id, 'direct', 6000], [peer.id, 'direct', 4000]].sort());
  await screenshot(page, 'deal-splits');
  await page.context().close();

  // the deal's seller reads it, with no form to change it
  const owner = (await admin.get('/people')).people.find((p) => p.id === deal.owner.id);
  const spage = await newPage(env.browser, env.url);
  await login(spage, owner.email);
  await spage.goto(`/#/opportunities/${deal.id}`);
  const scard = spage.locator('section.deal-splits');
  await scard.locator('.split-list li', { hasText: '60%' }).waitFor();
  // both named: the peer too, whom a seller cannot list
  assert.deepEqual((await scard.locator('.split-list li').allInnerTexts()).sort(), [`${owner.name}: 60%`, `${peer.name}: 40%`].sort());
  assert.equal(await scard.locator('form').count(), 0);
  assert.deepEqual(unexpectedProblems(spage, [401]), []);
  await spage.context().close();
});

test('with several plan versions, the model starts from the newest and any other is a choice away', async () => {
  const versions = (await admin.get('/comp/plans')).plans.flatMap((p) => p.versions.map((v) => ({ ...v, name: p.name })));
  const demo = versions[0];
  const demoDoc = (await admin.get(`/comp/plans/${demo.id}`)).document;
  const made = await admin.call('POST', '/comp/plans', { ...demoDoc, name: 'SDR picker' });
  assert.equal(made.status, 201, JSON.stringify(made.body));

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.goto('/#/admin/comp');
  const model = page.locator('form.comp-model');
  await model.waitFor();
  assert.equal(JSON.parse(await model.getByLabel('Draft plan').inputValue()).name, 'SDR picker');
  await model.getByLabel('Start from').selectOption(String(demo.id));
  await page.waitForFunction(() => JSON.parse(document.querySelector('form.comp-model textarea').value).name !== 'SDR picker');
  assert.deepEqual(JSON.parse(await model.getByLabel('Draft plan').inputValue()), demoDoc);
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});
