// Leading people in the browser: a full one-on-one cycle by a manager and
// their report (two browsers), growth ratings and goals, and kudos across
// teams; the report never receives the manager's private note.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, cleanup, newPage, login, screenshot, apiSession, unexpectedProblems } from './lib.mjs';

let env;
let managerApi;
let sellerApi;
let manager; // the manager's person
let seller; // the seller's person (a direct report of the manager)
before(async () => {
  env = await setup();
  managerApi = await apiSession(env.url, env.logins.manager);
  sellerApi = await apiSession(env.url, env.logins.seller);
  manager = (await managerApi.get('/me')).person;
  seller = (await sellerApi.get('/me')).person;
  assert.equal(seller.manager_id, manager.id, 'the demo seller reports to the demo manager');
});
after(cleanup);

const stamp = Date.now().toString(36);

/** Record the text of every API answer the page receives. */
function recordApi(page) {
  const bodies = [];
  const pending = [];
  page.on('response', (res) => {
    if (!res.url().includes('/api/v1/')) return;
    pending.push(
      res
        .text()
        .then((t) => bodies.push({ url: res.url(), text: t }))
        .catch(() => {}),
    );
  });
  return async () => {
    await Promise.all(pending);
    return bodies;
  };
}

async function meetingId(page) {
  await page.waitForURL(/#\/meetings\/\d+$/);
  return Number(/#\/meetings\/(\d+)$/.exec(page.url())[1]);
}

test('a manager and their report run a full one-on-one cycle', async () => {
  const managerPoint = `Pipeline review for Q4 ${stamp}`;
  const reportPoint = `Time off in December ${stamp}`;
  const sharedText = `We agreed to focus on two late-stage deals ${stamp}.`;
  const privateText = `Private: seems tired, ask about workload ${stamp}`;
  const actionText = `Send the mutual action plan to Acme ${stamp}`;

  // The manager opens one-on-ones and prepares the next meeting with the report.
  const mp = await newPage(env.browser, env.url);
  await login(mp, env.logins.manager);
  await mp.getByRole('link', { name: 'One-on-ones', exact: true }).click();
  const row = mp.locator(`.series-table tr[data-person="${seller.id}"]`);
  await mp.locator('.series-table, .start-form').first().waitFor();
  if ((await row.count()) === 0) {
    // No series with the report yet: start one.
    const form = mp.locator(`.start-form[data-person="${seller.id}"]`);
    await form.getByRole('button', { name: 'Start one-on-ones' }).click();
    await row.waitFor();
  }
  await row.getByRole('button', { name: 'Prepare next' }).click();
  const id = await meetingId(mp);
  await mp.locator('h1', { hasText: `One-on-one with ${seller.name}` }).waitFor();

  await mp.getByLabel('Add a talking point').fill(managerPoint);
  await mp.getByRole('button', { name: 'Add to agenda' }).click();
  await mp.locator('.agenda-item', { hasText: managerPoint }).waitFor();

  // The report, in a second browser, opens the agenda from their home and adds a point.
  const rp = await newPage(env.browser, env.url);
  const received = recordApi(rp);
  await login(rp, env.logins.seller);
  await rp.locator('[data-card="one-on-ones"]').getByRole('button', { name: 'Open the agenda' }).first().click();
  assert.equal(await meetingId(rp), id, 'both sides prepare the same meeting');
  await rp.locator('h1', { hasText: `One-on-one with ${manager.name}` }).waitFor();
  const seen = rp.locator('.agenda-item', { hasText: managerPoint });
  await seen.waitFor();
  assert.match(await seen.innerText(), new RegExp(`Added by ${manager.name}`));
  await rp.getByLabel('Add a talking point').fill(reportPoint);
  await rp.getByRole('button', { name: 'Add to agenda' }).click();
  await rp.locator('.agenda-item', { hasText: reportPoint }).waitFor();

  // The manager refreshes and sees it, covers their own point, takes notes.
  await mp.getByRole('button', { name: 'Refresh' }).click();
  const theirs = mp.locator('.agenda-item', { hasText: reportPoint });
  await theirs.waitFor();
  assert.match(await theirs.innerText(), new RegExp(`Added by ${seller.name}`));
  await mp.locator('.agenda-item', { hasText: managerPoint }).getByRole('checkbox').check();
  await mp.locator('.agenda-item.is-done', { hasText: managerPoint }).waitFor();

  await mp.getByLabel('Shared notes').fill(sharedText);
  await mp.locator('[data-note="shared"]').getByRole('button', { name: 'Save' }).click();
  await mp.locator('[data-note="shared"] .save-state', { hasText: 'Saved' }).waitFor();
  await mp.getByLabel('Your private note').fill(privateText);
  await mp.locator('[data-note="private"]').getByRole('button', { name: 'Save' }).click();
  await mp.locator('[data-note="private"] .save-state', { hasText: 'Saved' }).waitFor();
  assert.match(await mp.locator('[data-note="private"]').innerText(), /only you can ever read this/i);

  // An action item for the report.
  await mp.getByRole('textbox', { name: /^Action item/ }).fill(actionText);
  await mp.getByLabel('Owner').selectOption(String(seller.id));
  await mp.getByLabel('Due').fill('2026-11-20');
  await mp.getByRole('button', { name: 'Assign' }).click();
  const action = mp.locator('.action-item', { hasText: actionText });
  await action.waitFor();
  assert.match(await action.innerText(), new RegExp(seller.name));
  await screenshot(mp, 'one-on-one-meeting', { fullPage: true });

  // The report sees the shared notes and the action, never the private note.
  await rp.reload();
  await rp.locator('.agenda-item', { hasText: reportPoint }).waitFor();
  assert.equal(await rp.getByLabel('Shared notes').inputValue(), sharedText);
  await rp.locator('.action-item', { hasText: actionText }).waitFor();
  assert.equal(await rp.getByLabel('Your private note').inputValue(), '');

  // Hold it: the uncovered point moves to the next meeting, with the open action item.
  await mp.getByRole('button', { name: 'Hold meeting' }).click();
  await mp.getByRole('dialog').getByRole('button', { name: 'Hold meeting' }).click();
  await mp.getByRole('link', { name: 'Open the next meeting' }).click();
  const next = await meetingId(mp);
  assert.notEqual(next, id);
  const carried = mp.locator('.agenda-item', { hasText: reportPoint });
  await carried.waitFor();
  assert.match(await carried.innerText(), /Carried over/);
  assert.equal(await mp.locator('.agenda-item', { hasText: managerPoint }).count(), 0, 'a covered point stays behind');
  await mp.locator('.action-item', { hasText: actionText }).waitFor();
  assert.equal(await mp.getByLabel('Your private note').inputValue(), '', 'a new meeting has a new private note');

  // The report opens the held meeting and the next one: no private note anywhere.
  await rp.reload(); // the report's page still shows the meeting as it was: load it afresh
  await rp.locator('.agenda-item', { hasText: managerPoint }).waitFor();
  assert.match(await rp.locator('.intro').innerText(), /Held/);
  assert.doesNotMatch(await rp.content(), new RegExp(privateText));
  await rp.goto(`/#/meetings/${next}`);
  await rp.locator('.agenda-item', { hasText: reportPoint }).waitFor();
  await rp.locator('.action-item', { hasText: actionText }).waitFor();
  await rp.waitForLoadState('networkidle');
  assert.doesNotMatch(await rp.content(), new RegExp(privateText));
  const bodies = await received();
  assert.ok(bodies.some((b) => b.url.includes(`/meetings/${id}`)), 'the report page loaded the meeting');
  const leaks = bodies.filter((b) => b.text.includes(privateText) || b.text.includes(`seems tired`));
  assert.deepEqual(leaks.map((b) => b.url), [], 'no API answer to the report carries the private note');
  // And the manager still reads their own note.
  await mp.goto(`/#/meetings/${id}`);
  await mp.locator('.agenda-item').first().waitFor();
  assert.equal(await mp.getByLabel('Your private note').inputValue(), privateText);

  assert.deepEqual(unexpectedProblems(mp, [401]), []);
  // (404: the seller's profile card asks for their manager's page, which is not theirs to read)
  assert.deepEqual(unexpectedProblems(rp, [401, 404]), []);
  await rp.context().close();
  await mp.context().close();
});

test('a manager rates a report, sees the matrix change, adds a goal and a check-in', async () => {
  const skills = (await managerApi.get('/skills?role=seller')).skills.filter((s) => !s.archived);
  const skill = skills[Math.min(3, skills.length - 1)];
  const goalTitle = `Run a discovery call without notes ${stamp}`;

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.goto(`/#/people/${seller.id}`);
  const growth = page.locator('[data-card="growth"]');
  await growth.locator('.growth-matrix').waitFor();

  const form = growth.locator('form.rating-form');
  await growth.locator(`tr[data-skill="${skill.id}"]`).getByRole('button', { name: `Rate ${skill.name}` }).click();
  assert.equal(await form.getByLabel('Skill').inputValue(), String(skill.id));
  await form.locator('fieldset[data-field="competence"]').getByText('2', { exact: true }).click();
  await form.locator('fieldset[data-field="confidence"]').getByText('5', { exact: true }).click();
  await form.getByLabel('Comment').fill('Confident on calls; the questions need work.');
  await form.getByRole('button', { name: 'Save rating' }).click();

  // The matrix shows the manager's new rating, and the gap's coaching signal.
  const rowAfter = growth.locator(`tr.skill-row[data-skill="${skill.id}"]`);
  await growth.locator(`tr.skill-row.just-rated[data-skill="${skill.id}"]`).waitFor();
  assert.match(await rowAfter.locator('td[data-label="Manager: competence"]').innerText(), /2/);
  assert.match(await rowAfter.locator('td[data-label="Manager: confidence"]').innerText(), /5/);
  const api = await managerApi.get(`/people/${seller.id}/growth`);
  const rated = api.skills.find((r) => r.skill.id === skill.id);
  assert.equal(rated.manager.competence, 2);
  assert.equal(rated.manager.confidence, 5);
  const gap = rated.gap === null ? '—' : rated.gap > 0 ? `+${rated.gap}` : rated.gap < 0 ? `−${-rated.gap}` : '0';
  assert.equal(await rowAfter.locator('.gap-num').innerText(), gap);
  if (rated.signal) assert.match((await rowAfter.innerText()).toLowerCase(), new RegExp(rated.signal.toLowerCase()));
  // Its history opens as a chart.
  await rowAfter.getByRole('button', { name: `History of ${skill.name}` }).click();
  await growth.locator('.history-row:not([hidden]) svg.chart').waitFor();

  // A development goal, then a check-in.
  await growth.getByText('Add a development goal').click();
  const goalForm = growth.locator('form.goal-form');
  await goalForm.getByLabel(/^Goal/).fill(goalTitle);
  await goalForm.getByLabel('Skill').selectOption(String(skill.id));
  await goalForm.getByLabel('Target date').fill('2027-01-31');
  await goalForm.getByRole('button', { name: 'Add goal' }).click();
  const goal = growth.locator('.goal', { hasText: goalTitle });
  await goal.waitFor();
  assert.match(await goal.locator('.goal-pct').innerText(), /^0%$/);
  await goal.getByRole('button', { name: 'Check in' }).click();
  await goal.getByLabel(/^Progress/).fill('40');
  await goal.getByRole('textbox', { name: 'Note' }).fill('Two calls done, one more to go.');
  await goal.getByRole('button', { name: 'Save check-in' }).click();
  await growth.locator('.goal', { hasText: goalTitle }).locator('.goal-pct', { hasText: '40%' }).waitFor();
  const goals = (await managerApi.get(`/people/${seller.id}/goals`)).goals;
  assert.equal(goals.find((g) => g.title === goalTitle).progress, 40);
  await growth.locator('.goal', { hasText: goalTitle }).getByRole('button', { name: 'History' }).click();
  await growth.locator('.goal', { hasText: goalTitle }).locator('.checkin-list li', { hasText: 'Two calls done' }).waitFor();

  await growth.scrollIntoViewIfNeeded();
  await screenshot(page, 'growth-matrix', { fullPage: true });
  assert.deepEqual(unexpectedProblems(page, [401]), []);
  await page.context().close();
});

test('a seller gives kudos to someone in another team and sees it in the feed', async () => {
  const directory = (await sellerApi.get('/directory')).people;
  const values = (await sellerApi.get('/values')).values.filter((v) => !v.archived);
  const to = directory.find((p) => p.team && p.team !== seller.team && p.id !== seller.id);
  assert.ok(to, 'someone in another team');
  const message = `Thanks for the pricing deck you shared, it won us a deal ${stamp}`;

  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.seller);
  await page.getByRole('link', { name: 'Kudos', exact: true }).click();
  await page.getByLabel('Find a person').fill(to.name);
  const pick = page.getByLabel(/^Recognise/);
  await pick.locator(`option[value="${to.id}"]`).waitFor();
  await pick.selectOption(String(to.id));
  await page.getByRole('radio', { name: new RegExp(values[0].name) }).check();
  await page.getByLabel(/^Message/).fill(message);
  await page.getByRole('button', { name: 'Give kudos' }).click();

  const item = page.locator('.kudos-item', { hasText: message });
  await item.waitFor();
  assert.match(await item.innerText(), new RegExp(`You\\s+recognised\\s+${to.name}`));
  assert.match(await item.innerText(), new RegExp(values[0].name));
  const feed = (await sellerApi.get('/kudos?limit=10')).kudos;
  const given = feed.find((k) => k.message === message);
  assert.ok(given, 'the API has the kudos');
  assert.equal(given.to.id, to.id);
  assert.equal(given.from.id, seller.id);
  await screenshot(page, 'kudos');
  assert.deepEqual(unexpectedProblems(page, [401, 404]), []);
  await page.context().close();
});

test('the manager home shows the leading facts first: one-on-ones, growth, recognition', async () => {
  const page = await newPage(env.browser, env.url);
  await login(page, env.logins.manager);
  await page.locator('[data-card="team"] .team-table').waitFor();
  for (const card of ['one-on-ones', 'growth-recent', 'recognition']) {
    await page.locator(`[data-card="${card}"] .card-body > :not(.loading)`).first().waitFor();
    assert.equal(await page.locator(`[data-card="${card}"] .error-box`).count(), 0, `the ${card} card loads`);
  }
  const cards = await page.locator('.card[data-card]').evaluateAll((els) => els.map((e) => e.dataset.card));
  assert.equal(cards[0], 'team');
  assert.ok(cards.indexOf('one-on-ones') < cards.indexOf('leading-summary'));
  const headers = await page.locator('.team-table thead th').allTextContents();
  assert.deepEqual(headers.slice(0, 7), ['Name', 'Title', 'Team', 'Tenure', 'Status', 'Last 1:1', 'Last kudos']);
  // The overdue count is the API's.
  const series = (await managerApi.get('/oneonones?overdue_days=30')).series.filter((s) => s.manager.id === manager.id && s.active !== false);
  assert.match(await page.locator('[data-card="one-on-ones"] .fact').first().innerText(), new RegExp(`Overdue\\s+${series.filter((s) => s.overdue).length}\\b`));
  assert.equal(await page.locator('[style]').count(), 0);
  await screenshot(page, 'leading-manager-home', { fullPage: true });

  // At phone width nothing is wider than the screen: home, one-on-ones, a meeting.
  const phone = await newPage(env.browser, env.url, { width: 375, height: 812 });
  await login(phone, env.logins.manager);
  await phone.locator('[data-card="recognition"] .card-body > :not(.loading)').first().waitFor();
  for (const hash of ['#/home', '#/oneonones', '#/kudos', `#/people/${seller.id}`]) {
    await phone.goto(`/${hash}`);
    await phone.waitForLoadState('networkidle');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${hash} is ${overflow}px wider than the phone`);
  }
  await phone.locator('.growth-matrix').waitFor();
  await screenshot(phone, 'growth-375', { fullPage: true });
  await phone.context().close();
  await page.context().close();
});
