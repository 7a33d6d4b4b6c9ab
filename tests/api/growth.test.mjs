// Growth: the skills framework, ratings and the matrix, development goals and check-ins,
// recent growth, and who may read and write each of them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup } from './lib.mjs';

let base, org, admin, P;
const as = (h) => org.as(h);
const req = async (h, method, p, body) => call(base, method, p, { session: await as(h), body });
const get = (h, p) => req(h, 'GET', p);
const post = (h, p, body) => req(h, 'POST', p, body);
const patch = (h, p, body) => req(h, 'PATCH', p, body);

let skills; // name -> skill, of the default framework
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  ({ base, org } = await setup());
  admin = org.admin;
  P = org.people;
  const res = await call(base, 'GET', '/skills', { session: admin });
  skills = Object.fromEntries(expectStatus(res, 200).skills.map((s) => [s.name, s]));
});
after(cleanup);

const rating = (skill, competence, confidence, extra = {}) => ({ skill_id: skills[skill].id, competence, confidence, ...extra });
const row = (growth, name) => growth.skills.find((s) => s.skill.name === name);

// ---- skills -------------------------------------------------------------------------------

test('GET /skills: the default frameworks, by role and position, to everyone logged in', async () => {
  const all = expectStatus(await get('s1a', '/skills'), 200).skills;
  assert.equal(all.length, 14);
  const sellers = expectStatus(await get('s1a', '/skills?role=seller'), 200).skills;
  assert.equal(sellers.length, 7);
  assert.deepEqual(Object.keys(sellers[0]).sort(), ['archived', 'description', 'id', 'name', 'position', 'role']);
  assert.equal(sellers[0].name, 'Prospecting');
  assert.ok(sellers.every((s) => s.role === 'seller' && s.archived === false));
  const managers = expectStatus(await get('m1', '/skills?role=manager'), 200).skills;
  assert.deepEqual(managers.map((s) => s.name).slice(0, 3), ['Coaching', 'Hiring', 'Running one-on-ones']);
  isError(await get('s1a', '/skills?role=admin'), 400, 'invalid', 'role');
  const anon = await call(base, 'GET', '/skills');
  isError(anon, 401, 'unauthorized');
});

test('skills are edited by admins only: 403 for a manager and a seller, 201/200 for the admin', async () => {
  const body = { role: 'seller', name: 'Social selling', description: 'Finds buyers where they talk' };
  isError(await post('m1', '/skills', body), 403, 'forbidden');
  isError(await post('s1a', '/skills', body), 403, 'forbidden');
  const created = await post('admin', '/skills', body);
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.name, 'Social selling');
  assert.equal(created.body.position, 8); // after the last seller skill
  assert.equal(created.body.archived, false);
  isError(await post('admin', '/skills', body), 409, 'conflict', 'name');

  isError(await patch('vp', `/skills/${created.body.id}`, { archived: true }), 403, 'forbidden');
  isError(await patch('s1a', `/skills/${created.body.id}`, { name: 'Mine now' }), 403, 'forbidden');
  const sellers = expectStatus(await get('s1a', '/skills?role=seller'), 200).skills;
  assert.ok(sellers.some((s) => s.id === created.body.id && s.name === 'Social selling'));

  const archived = await patch('admin', `/skills/${created.body.id}`, { archived: true, position: 20, description: 'Retired' });
  assert.equal(archived.status, 200, archived.text);
  assert.equal(archived.body.archived, true);
  assert.equal(archived.body.position, 20);
  const visible = expectStatus(await get('s1a', '/skills?role=seller'), 200).skills;
  assert.ok(!visible.some((s) => s.id === created.body.id));
  const withArchived = expectStatus(await get('s1a', '/skills?role=seller&archived=1'), 200).skills;
  assert.ok(withArchived.some((s) => s.id === created.body.id && s.archived));
  isError(await patch('admin', '/skills/999999', { name: 'Ghost' }), 404, 'not_found');
});

test('skill bodies are strict: unknown fields, wrong types, bad roles and names are 400', async () => {
  const u = isError(await post('admin', '/skills', { role: 'seller', name: 'Cold calling', colour: 'red' }), 400, 'invalid');
  assert.match(u.message, /colour/);
  isError(await post('admin', '/skills', { role: 'seller', name: 'Cold calling', position: 'first' }), 400, 'invalid', 'position');
  isError(await post('admin', '/skills', { role: 'seller', name: 'Cold calling', position: -1 }), 400, 'invalid', 'position');
  isError(await post('admin', '/skills', { role: 'admin', name: 'Cold calling' }), 400, 'invalid', 'role');
  isError(await post('admin', '/skills', { role: 'seller' }), 400, 'invalid', 'name');
  isError(await post('admin', '/skills', { role: 'seller', name: '   ' }), 400, 'invalid', 'name');
  isError(await patch('admin', `/skills/${skills.Discovery.id}`, { role: 'manager' }), 400, 'invalid');
  isError(await patch('admin', `/skills/${skills.Discovery.id}`, { archived: 'yes' }), 400, 'invalid', 'archived');
  const ok = await post('admin', '/skills', { role: 'manager', name: 'Cold calling' });
  assert.equal(ok.status, 201, ok.text);
});

// ---- ratings and the matrix -----------------------------------------------------------------

test('the source of a rating is decided by who asks: self, a manager, the manager\'s manager', async () => {
  const self = await post('s1a', `/people/${P.s1a.id}/ratings`, rating('Prospecting', 2, 5, { comment: 'I love cold calls' }));
  assert.equal(self.status, 201, self.text);
  assert.equal(self.body.source, 'self');
  assert.equal(self.body.rater.id, P.s1a.id);
  assert.equal(self.body.rated_on, today);
  assert.equal(self.body.comment, 'I love cold calls');

  const mgr = await post('m1', `/people/${P.s1a.id}/ratings`, rating('Prospecting', 1, 4));
  assert.equal(mgr.status, 201, mgr.text);
  assert.equal(mgr.body.source, 'manager');
  assert.deepEqual(mgr.body.rater, { id: P.m1.id, name: 'Maya North' });

  const vp = await post('vp', `/people/${P.s1a.id}/ratings`, rating('Discovery', 4, 3));
  assert.equal(vp.status, 201, vp.text);
  assert.equal(vp.body.source, 'manager');
  assert.equal(vp.body.rater.id, P.vp.id);

  // a manager rates themself as self, on the manager framework
  const m1self = await post('m1', `/people/${P.m1.id}/ratings`, { skill_id: skills.Coaching.id, competence: 3, confidence: 3 });
  assert.equal(m1self.status, 201, m1self.text);
  assert.equal(m1self.body.source, 'self');
});

test('GET /people/{id}/growth: latest self and manager ratings, gap, signal and history', async () => {
  const s = P.s1b.id;
  expectStatus(await post('s1b', `/people/${s}/ratings`, rating('Negotiation', 3, 2)), 201);
  expectStatus(await post('m1', `/people/${s}/ratings`, rating('Negotiation', 4, 2)), 201);
  expectStatus(await post('s1b', `/people/${s}/ratings`, rating('Negotiation', 3, 1)), 201);
  expectStatus(await post('s1b', `/people/${s}/ratings`, rating('Qualification', 3, 5)), 201);

  const g = expectStatus(await get('s1b', `/people/${s}/growth`), 200);
  assert.equal(g.person_id, s);
  assert.equal(g.framework, 'seller');
  assert.equal(g.skills.length, 7);
  assert.deepEqual(g.skills.map((x) => x.skill.name), Object.values(skills).filter((x) => x.role === 'seller').map((x) => x.name));
  const neg = row(g, 'Negotiation');
  assert.equal(neg.self.competence, 3);
  assert.equal(neg.self.confidence, 1); // the latest self rating
  assert.equal(neg.self.rated_on, today);
  assert.equal(neg.manager.competence, 4);
  assert.deepEqual(neg.manager.rater, { id: P.m1.id, name: 'Maya North' });
  assert.equal(neg.gap, -3); // self confidence 1 against the manager's competence 4
  assert.equal(neg.signal, 'more skilled than they believe');
  assert.deepEqual(neg.history.map((h) => [h.source, h.competence, h.confidence]), [['self', 3, 2], ['manager', 4, 2], ['self', 3, 1]]);
  const qual = row(g, 'Qualification');
  assert.equal(qual.manager, null);
  assert.equal(qual.gap, 2); // no manager rating: their own confidence against their own competence
  assert.equal(qual.signal, 'confident beyond current skill');
  const pro = row(g, 'Prospecting');
  assert.deepEqual([pro.self, pro.manager, pro.gap, pro.signal, pro.history], [null, null, null, null, []]);
  assert.deepEqual(g.goals, []);

  // a manager's framework
  const m = expectStatus(await get('vp', `/people/${P.m1.id}/growth`), 200);
  assert.equal(m.framework, 'manager');
  assert.equal(row(m, 'Coaching').self.competence, 3);
});

test('growth is read by the person, anyone above and admins; a seller reading another seller gets 404', async () => {
  const path = `/people/${P.s1a.id}/growth`;
  for (const h of ['s1a', 'm1', 'vp', 'admin']) expectStatus(await get(h, path), 200);
  isError(await get('s1b', path), 404, 'not_found');
  isError(await get('s2a', path), 404, 'not_found');
  // the same answer as for nobody at all
  isError(await get('s1b', '/people/999999/growth'), 404, 'not_found');
  isError(await get('admin', '/people/999999/growth'), 404, 'not_found');
});

test('a manager cannot read growth outside their subtree (404), nor their own manager\'s', async () => {
  expectStatus(await get('m1', `/people/${P.s1a.id}/growth`), 200);
  isError(await get('m2', `/people/${P.s1a.id}/growth`), 404, 'not_found');
  isError(await get('m2', `/people/${P.m1.id}/growth`), 404, 'not_found');
  isError(await get('m1', `/people/${P.vp.id}/growth`), 404, 'not_found');
  isError(await get('s1a', `/people/${P.m1.id}/growth`), 404, 'not_found');
  expectStatus(await get('m2', `/people/${P.s2a.id}/growth`), 200);
});

test('a report cannot rate their manager: 403; the manager rating the report succeeds', async () => {
  const before = expectStatus(await get('admin', `/people/${P.m2.id}/growth`), 200);
  isError(await post('s2a', `/people/${P.m2.id}/ratings`, { skill_id: skills.Coaching.id, competence: 1, confidence: 1 }), 403, 'forbidden');
  isError(await post('m2', `/people/${P.vp.id}/ratings`, { skill_id: skills.Coaching.id, competence: 1, confidence: 1 }), 403, 'forbidden');
  assert.deepEqual(expectStatus(await get('admin', `/people/${P.m2.id}/growth`), 200), before);
  expectStatus(await post('m2', `/people/${P.s2a.id}/ratings`, rating('Discovery', 3, 3)), 201);
});

test('an admin who is not above the person may read but not rate: 403', async () => {
  const path = `/people/${P.s2b.id}`;
  isError(await post('admin', `${path}/ratings`, rating('Discovery', 3, 3)), 403, 'forbidden');
  const g = expectStatus(await get('admin', `${path}/growth`), 200);
  assert.equal(row(g, 'Discovery').history.length, 0);
  expectStatus(await post('s2b', `${path}/ratings`, rating('Discovery', 3, 3)), 201);
  isError(await post('admin', `${path}/goals`, { title: 'Imposed' }), 403, 'forbidden');
  expectStatus(await get('admin', `${path}/goals`), 200);
});

test('rating someone one may not see answers 404, not 403', async () => {
  isError(await post('s1b', `/people/${P.s1a.id}/ratings`, rating('Discovery', 5, 5)), 404, 'not_found');
  isError(await post('m2', `/people/${P.s1a.id}/ratings`, rating('Discovery', 5, 5)), 404, 'not_found');
  isError(await post('m2', '/people/999999/ratings', rating('Discovery', 5, 5)), 404, 'not_found');
  const g = expectStatus(await get('s1a', `/people/${P.s1a.id}/growth`), 200);
  assert.ok(!row(g, 'Discovery').history.some((h) => h.competence === 5));
});

test('ratings outside 1..5 are 400 naming the field; bodies are strict', async () => {
  const path = `/people/${P.s1a.id}/ratings`;
  for (const v of [0, 6, -1, 100, 2 ** 32 + 1, -(2 ** 32) + 3]) {
    isError(await post('m1', path, rating('Presenting value', v, 3)), 400, 'invalid', 'competence');
    isError(await post('m1', path, rating('Presenting value', 3, v)), 400, 'invalid', 'confidence');
  }
  isError(await post('m1', path, rating('Presenting value', 2.5, 3)), 400, 'invalid', 'competence');
  isError(await post('m1', path, rating('Presenting value', '3', 3)), 400, 'invalid', 'competence');
  isError(await post('m1', path, { skill_id: skills['Presenting value'].id, confidence: 3 }), 400, 'invalid', 'competence');
  isError(await post('m1', path, { competence: 3, confidence: 3 }), 400, 'invalid', 'skill_id');
  isError(await post('m1', path, { ...rating('Presenting value', 3, 3), source: 'self' }), 400, 'invalid');
  isError(await post('m1', path, { skill_id: skills.Coaching.id, competence: 3, confidence: 3 }), 400, 'invalid', 'skill_id');
  isError(await post('m1', path, { skill_id: 999999, competence: 3, confidence: 3 }), 400, 'invalid', 'skill_id');
  isError(await post('m1', path, rating('Presenting value', 3, 3, { comment: '=HYPERLINK("x")' })), 400, 'invalid', 'comment');
  const dup = await call(base, 'POST', path, { session: await as('m1'), raw: `{"skill_id":${skills['Presenting value'].id},"competence":3,"competence":4,"confidence":3}` });
  isError(dup, 400, 'invalid');
  const g = expectStatus(await get('m1', `/people/${P.s1a.id}/growth`), 200);
  assert.equal(row(g, 'Presenting value').history.length, 0);
  // the boundaries are ratings
  expectStatus(await post('m1', path, rating('Presenting value', 1, 5)), 201);
  expectStatus(await post('m1', path, rating('Presenting value', 5, 1)), 201);
});

// ---- goals and check-ins ---------------------------------------------------------------------

test('goals: created by the person or above, listed, read with check-ins, patched', async () => {
  const path = `/people/${P.s2a.id}/goals`;
  const mine = await post('s2a', path, { title: 'Run better discovery calls', skill_id: skills.Discovery.id, target_date: '2026-12-31' });
  assert.equal(mine.status, 201, mine.text);
  assert.equal(mine.body.person_id, P.s2a.id);
  assert.deepEqual(mine.body.skill, { id: skills.Discovery.id, name: 'Discovery' });
  assert.equal(mine.body.status, 'open');
  assert.equal(mine.body.progress, 0);
  assert.equal(mine.body.last_checkin, null);
  assert.equal(mine.body.target_date, '2026-12-31');
  assert.deepEqual(mine.body.checkins, []);
  assert.ok(Number.isInteger(mine.body.created_at));
  const byManager = await post('m2', path, { title: 'Shadow two negotiations' });
  assert.equal(byManager.status, 201, byManager.text);
  assert.equal(byManager.body.skill, null);
  assert.equal(byManager.body.target_date, null);
  expectStatus(await post('vp', path, { title: 'Present at the team meeting', skill_id: skills['Presenting value'].id }), 201);

  const list = expectStatus(await get('m2', path), 200).goals;
  assert.equal(list.length, 3);
  assert.deepEqual(Object.keys(list[0]).sort(), ['created_at', 'id', 'last_checkin', 'person_id', 'progress', 'skill', 'status', 'target_date', 'title']);

  const p = await patch('s2a', `/goals/${mine.body.id}`, { title: 'Run great discovery calls', skill_id: null, target_date: null });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.title, 'Run great discovery calls');
  assert.equal(p.body.skill, null);
  assert.equal(p.body.target_date, null);
  const dropped = await patch('m2', `/goals/${byManager.body.id}`, { status: 'dropped' });
  assert.equal(dropped.body.status, 'dropped');
  // the growth page carries the goals too
  const g = expectStatus(await get('s2a', `/people/${P.s2a.id}/growth`), 200);
  assert.equal(g.goals.length, 3);
  assert.equal(g.goals.at(-1).status, 'dropped'); // open ones first
});

test('goals are hidden and closed to those who may not see the person', async () => {
  const goal = expectStatus(await post('s1a', `/people/${P.s1a.id}/goals`, { title: 'Book ten meetings a week' }), 201);
  const gp = `/goals/${goal.id}`;
  for (const h of ['s1a', 'm1', 'vp', 'admin']) expectStatus(await get(h, gp), 200);
  for (const h of ['s1b', 'm2', 's2a']) {
    isError(await get(h, gp), 404, 'not_found');
    isError(await get(h, `/people/${P.s1a.id}/goals`), 404, 'not_found');
    isError(await patch(h, gp, { status: 'done' }), 404, 'not_found');
    isError(await post(h, `${gp}/checkins`, { progress: 90 }), 404, 'not_found');
    isError(await post(h, `/people/${P.s1a.id}/goals`, { title: 'Sneaky' }), 404, 'not_found');
  }
  // an admin not above reads but does not write
  isError(await patch('admin', gp, { status: 'done' }), 403, 'forbidden');
  isError(await post('admin', `${gp}/checkins`, { progress: 90 }), 403, 'forbidden');
  // a report does not write their manager's goals
  const mg = expectStatus(await post('m1', `/people/${P.m1.id}/goals`, { title: 'Hire two AEs' }), 201);
  isError(await post('s1a', `/people/${P.m1.id}/goals`, { title: 'Be nicer' }), 403, 'forbidden');
  isError(await get('s1a', `/goals/${mg.id}`), 404, 'not_found');
  const after = expectStatus(await get('m1', gp), 200);
  assert.equal(after.status, 'open');
  assert.equal(after.progress, 0);
  assert.deepEqual(after.checkins, []);
  assert.equal(expectStatus(await get('admin', `/people/${P.s1a.id}/goals`), 200).goals.length, 1);
  isError(await get('admin', '/goals/999999'), 404, 'not_found');
});

test('check-ins set the progress; 100 does not close the goal; progress outside 0..100 is 400', async () => {
  const goal = expectStatus(await post('m1', `/people/${P.s1b.id}/goals`, { title: 'Forecast within 10%', skill_id: skills['Forecasting discipline'].id }), 201);
  const cp = `/goals/${goal.id}/checkins`;
  for (const v of [-1, 101, 1000, 2 ** 32 + 50]) isError(await post('s1b', cp, { progress: v }), 400, 'invalid', 'progress');
  isError(await post('s1b', cp, { progress: 50.5 }), 400, 'invalid', 'progress');
  isError(await post('s1b', cp, { note: 'no progress given' }), 400, 'invalid', 'progress');
  isError(await post('s1b', cp, { progress: 50, mood: 'good' }), 400, 'invalid');
  assert.equal(expectStatus(await get('s1b', `/goals/${goal.id}`), 200).checkins.length, 0);

  const c1 = await post('s1b', cp, { progress: 40, note: 'Two calls within range' });
  assert.equal(c1.status, 201, c1.text);
  assert.deepEqual({ ...c1.body, id: 0 }, { id: 0, goal_id: goal.id, author: { id: P.s1b.id, name: 'Ben Costa' }, progress: 40, note: 'Two calls within range', created_on: today });
  const c2 = await post('m1', cp, { progress: 100 });
  assert.equal(c2.status, 201, c2.text);
  const g = expectStatus(await get('s1b', `/goals/${goal.id}`), 200);
  assert.equal(g.progress, 100);
  assert.equal(g.status, 'open');
  assert.equal(g.last_checkin, today);
  assert.deepEqual(g.checkins.map((c) => [c.author.name, c.progress]), [['Ben Costa', 40], ['Maya North', 100]]);
  // the boundary 0 is a progress
  expectStatus(await post('s1b', cp, { progress: 0 }), 201);
  assert.equal(expectStatus(await get('s1b', `/goals/${goal.id}`), 200).progress, 0);
});

test('goal bodies are strict and checked', async () => {
  const path = `/people/${P.s2b.id}/goals`;
  isError(await post('s2b', path, { title: 'x', status: 'done' }), 400, 'invalid'); // not a create field
  isError(await post('s2b', path, { title: 'x', owner: 3 }), 400, 'invalid');
  isError(await post('s2b', path, {}), 400, 'invalid', 'title');
  isError(await post('s2b', path, { title: '' }), 400, 'invalid', 'title');
  isError(await post('s2b', path, { title: 'x', target_date: '2026-02-30' }), 400, 'invalid', 'target_date');
  isError(await post('s2b', path, { title: 'x', skill_id: 999999 }), 400, 'invalid', 'skill_id');
  isError(await post('s2b', path, { title: 'x', skill_id: 'Discovery' }), 400, 'invalid', 'skill_id');
  assert.equal(expectStatus(await get('s2b', path), 200).goals.length, 0);
  const ok = expectStatus(await post('s2b', path, { title: 'Learn the product deeply' }), 201);
  isError(await patch('s2b', `/goals/${ok.id}`, { status: 'closed' }), 400, 'invalid', 'status');
  isError(await patch('s2b', `/goals/${ok.id}`, { progress: 50 }), 400, 'invalid');
  isError(await patch('s2b', `/goals/${ok.id}`, { title: null }), 400, 'invalid', 'title');
  expectStatus(await patch('s2b', `/goals/${ok.id}`, { status: 'done' }), 200);
});

// ---- recent ----------------------------------------------------------------------------------

test('GET /growth/recent: the caller\'s subtree with self included, previous ratings, check-ins', async () => {
  const s = P.s2a.id;
  expectStatus(await post('s2a', `/people/${s}/ratings`, rating('Account planning', 2, 3)), 201);
  expectStatus(await post('s2a', `/people/${s}/ratings`, rating('Account planning', 3, 3)), 201);
  const goal = expectStatus(await post('s2a', `/people/${s}/goals`, { title: 'Plan my top three accounts' }), 201);
  expectStatus(await post('s2a', `/goals/${goal.id}/checkins`, { progress: 30 }), 201);

  const people = (list) => new Set(list.map((x) => x.person.id));
  const m2 = expectStatus(await get('m2', '/growth/recent?days=30'), 200);
  const latest = m2.ratings.find((r) => r.person.id === s && r.skill.name === 'Account planning');
  assert.equal(latest.competence, 3);
  assert.equal(latest.source, 'self');
  assert.equal(latest.rated_on, today);
  assert.deepEqual(latest.previous, { competence: 2, confidence: 3, rated_on: today });
  assert.ok(m2.ratings.some((r) => r.previous === null));
  assert.ok(m2.checkins.some((c) => c.goal.id === goal.id && c.progress === 30 && c.person.name === 'Cara Diaz'));
  for (const id of people(m2.ratings)) assert.ok([P.m2.id, P.s2a.id, P.s2b.id].includes(id), `m2 sees ${id}`);
  assert.ok(!people(m2.ratings).has(P.s1a.id));

  // a seller: only themself; the VP and the admin: everyone
  const s1a = expectStatus(await get('s1a', '/growth/recent'), 200);
  assert.deepEqual([...people(s1a.ratings)], [P.s1a.id]);
  assert.ok(s1a.checkins.every((c) => c.person.id === P.s1a.id));
  const m1 = expectStatus(await get('m1', '/growth/recent'), 200);
  assert.ok(people(m1.ratings).has(P.m1.id)); // self included
  assert.ok(people(m1.ratings).has(P.s1a.id));
  assert.ok(!people(m1.ratings).has(P.s2a.id));
  for (const h of ['vp', 'admin']) {
    const all = expectStatus(await get(h, '/growth/recent?days=7'), 200);
    assert.ok(people(all.ratings).has(P.s1a.id) && people(all.ratings).has(P.s2a.id), h);
  }
  for (const d of ['0', '-3', 'abc', '99999']) isError(await get('m2', `/growth/recent?days=${d}`), 400, 'invalid', 'days');
});
