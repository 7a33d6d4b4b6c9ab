// Admins: a wrong password and rate limiting on the login page; importing a
// CSV with a bad line (the line and field shown, nothing imported); adding a
// person with a field error; users (add, reset a password, disable); API
// tokens (issue, shown once, revoke).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems, PASSWORD } from './lib.mjs';

let env;
let admin; // API session, for checking what the UI did
before(async () => {
  env = await setup();
  admin = await apiSession(env.url, env.logins.admin);
});
after(cleanup);

async function loginForm(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a wrong password says so and stays on the login page', async () => {
  const page = await newPage(env.browser, env.url);
  await page.goto('/');
  await page.locator('.login-form').waitFor();
  await screenshot(page, 'login');
  await loginForm(page, env.logins.admin, 'not-the-password');
  const alert = page.locator('#login-error');
  await alert.waitFor();
  assert.equal(await alert.innerText(), 'Wrong email or password. Check both and try again.');
  assert.equal(await page.getByLabel(/^Password/).inputValue(), '');
  assert.equal(await page.locator('.topbar').isVisible(), false);
  await screenshot(page, 'login-wrong-password');
  await page.context().close();
});

test('too many failed logins say when to try again', async () => {
  const page = await newPage(env.browser, env.url);
  await page.goto('/#/login');
  await page.locator('.login-form').waitFor();
  const alert = page.locator('#login-error');
  for (let i = 0; i < 6; i++) {
    await loginForm(page, 'nobody@demo.example', 'wrong-password');
    await page.waitForFunction(() => !document.querySelector('.login-form button[type=submit]').disabled);
  }
  assert.match(await alert.innerText(), /Too many failed attempts.*try again in \d+ minutes/);
  await page.context().close();
});

test('an admin imports a CSV with a bad line: the line and field show, nothing is imported', async () => {
  const before = (await admin.get('/people')).people;
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.locator('h1', { hasText: 'Import people' }).waitFor();

  const csv = [
    'name,email,title,manager_email,team,start_date',
    `Nina Good,nina.good@demo.example,Account Executive,${env.logins.manager},West,2026-10-01`,
    'Oscar Bad,oscar.bad@demo.example,Account Executive,,West,2026-13-01',
  ].join('\n');
  await page.getByLabel(/^CSV file/).setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  const table = page.locator('table.import-errors');
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.innerText.trim())));
  assert.equal(rows.length, 1);
  assert.equal(rows[0][0], '3');
  assert.equal(rows[0][1], 'start_date');
  assert.match(rows[0][2], /2026-13-01/);
  assert.match(await page.locator('.import-error .error-title').innerText(), /Nothing was imported: 1 line needs fixing/);
  await screenshot(page, 'admin-import-errors');

  const afterBad = (await admin.get('/people')).people;
  assert.equal(afterBad.length, before.length, 'nothing was imported');
  assert.ok(!afterBad.some((p) => p.email === 'nina.good@demo.example'), 'not even the good line');

  // Fixed, the same file goes in.
  await page.getByLabel(/^CSV file/).setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv.replace('2026-13-01', '2026-10-13')) });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.locator('.notice-success').waitFor();
  assert.match(await page.locator('.notice-success').innerText(), /2 people added, 0 people updated/);
  assert.equal((await admin.get('/people')).people.length, before.length + 2);
  assert.deepEqual(unexpectedProblems(page, [400, 401]), []);
  await page.context().close();
});

test('an admin adds a person: a taken email shows next to the email field', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.goto('/#/admin/people/new');
  await page.getByLabel(/^Name/).fill('Pat Newhire');
  await page.getByLabel(/^Email/).fill(env.logins.seller);
  await page.getByLabel(/^Title/).fill('Account Executive');
  await page.getByLabel(/^Team/).selectOption({ label: 'West' });
  const managers = page.getByLabel(/^Manager/);
  const managerLabel = await managers.locator('option').filter({ hasText: 'Sales Manager' }).first().innerText();
  await managers.selectOption({ label: managerLabel });
  await page.getByLabel(/^Start date/).fill('2026-11-02');
  await page.getByRole('button', { name: 'Add person' }).click();

  const emailField = page.locator('.field[data-field="email"]');
  const err = emailField.locator('.field-error');
  await err.waitFor();
  assert.match(await err.innerText(), /someone else's already/);
  assert.equal(await emailField.locator('input').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'admin-person-field-error');

  await page.getByLabel(/^Email/).fill('pat.newhire@demo.example');
  await page.getByRole('button', { name: 'Add person' }).click();
  await page.locator('h1', { hasText: 'Pat Newhire' }).waitFor();
  const details = await page.locator('.details').innerText();
  assert.match(details, new RegExp(`Manager\\s+${managerLabel.replace(/ \(.*$/, '')}`, "i"));
  const people = (await admin.get('/people')).people;
  const pat = people.find((p) => p.email === 'pat.newhire@demo.example');
  assert.equal(pat.team, 'West');

  // Edit: a manager below the person is not offered (it would be a cycle); a title change saves.
  await page.getByRole('link', { name: 'Edit person' }).click();
  await page.getByLabel(/^Title/).fill('Senior Account Executive');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.locator('.details').waitFor();
  assert.equal((await admin.get(`/people/${pat.id}`)).title, 'Senior Account Executive');
  await page.context().close();
});

test('users: add a login, reset its password, disable it', async () => {
  const people = (await admin.get('/people')).people;
  const users = (await admin.get('/users')).users;
  const withLogin = new Set(users.map((u) => u.person_id));
  const person = people.find((p) => !withLogin.has(p.id));
  assert.ok(person, 'someone without a login (added by the tests above)');

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  // the users page, not the home page's tables still on screen
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByLabel(/^Person/).selectOption({ value: String(person.id) });
  assert.equal(await page.getByLabel(/^Email/).inputValue(), person.email, 'the email follows the person');
  await page.getByLabel(/^Role/).selectOption('seller');
  await page.getByLabel(/^Password/).fill('first-password');
  await page.locator('#add-user').getByRole('button', { name: 'Add user' }).click();
  const row = page.locator('tr', { hasText: person.email });
  await row.waitFor();
  assert.equal((await apiSession(env.url, person.email, 'first-password').then(() => 'ok')), 'ok');

  await row.getByRole('button', { name: `Reset the password of ${person.email}` }).click();
  const dialog = page.locator('dialog');
  await dialog.getByLabel(/^New password/).fill('second-password');
  await dialog.getByRole('button', { name: 'Reset password' }).click();
  await dialog.waitFor({ state: 'detached' });
  await apiSession(env.url, person.email, 'second-password');

  await row.getByRole('button', { name: `Disable ${person.email}` }).click();
  await page.locator('dialog').getByRole('button', { name: 'Disable' }).click();
  await page.locator('tr', { hasText: person.email }).getByText('Disabled').waitFor();
  await assert.rejects(apiSession(env.url, person.email, 'second-password'), /401/);
  await screenshot(page, 'admin-users');
  await page.context().close();
});

test('API tokens: issued once with a copy button, then revoked', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.admin);
  await page.getByRole('link', { name: 'API tokens', exact: true }).click();
  // After a reload the CSRF token comes from GET /me (it lives in memory only).
  await page.reload();
  await page.getByLabel(/^Name/).fill('CRM sync');
  await page.getByRole('button', { name: 'Issue token' }).click();
  const secret = await page.locator('#token-secret').inputValue();
  assert.match(secret, /^rns_/);
  assert.equal(await page.getByRole('button', { name: 'Copy' }).count(), 1);
  await page.locator('tr', { hasText: 'CRM sync' }).waitFor();
  await screenshot(page, 'admin-tokens');
  const me = await fetch(`${env.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(me.status, 200);

  await page.getByRole('button', { name: 'Done' }).click();
  assert.equal(await page.locator('#token-secret').count(), 0, 'the secret is gone once closed');
  await page.getByRole('button', { name: 'Revoke CRM sync' }).click();
  await page.locator('dialog').getByRole('button', { name: 'Revoke' }).click();
  await page.locator('tr', { hasText: 'CRM sync' }).getByText('Revoked').waitFor();
  const after = await fetch(`${env.url}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(after.status, 401);
  await page.context().close();
});
