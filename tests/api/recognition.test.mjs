// Recognition: company values, the directory, kudos and who may read them, gaps.
// Each refusal sits beside the success it differs from, so a removed check fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup } from './lib.mjs';

let base, org, admin, P, leftPerson;
const S = {};
before(async () => {
  ({ base, org } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b', 's2a', 's2b'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a', 's2b']) S[h] = await org.as(h);
  const res = await call(base, 'POST', '/people', {
    session: admin,
    body: { name: 'Lee Gone', email: 'lee.gone@test.example', start_date: '2023-01-01', manager_id: P.m1.id, team_id: org.teams.North.id, status: 'left' },
  });
  leftPerson = expectStatus(res, 201);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });
const patch = (who, p, body) => call(base, 'PATCH', p, { session: who, body });

let valuesByName;
const valueId = async (name) => {
  if (!valuesByName || !(name in valuesByName)) {
    const all = expectStatus(await get(admin, '/values?archived=1'), 200).values;
    valuesByName = Object.fromEntries(all.map((v) => [v.name, v.id]));
  }
  return valuesByName[name];
};
/** Every kudos id in the database (the admin sees all). */
const allKudosIds = async () => expectStatus(await get(admin, '/kudos?limit=500'), 200).kudos.map((k) => k.id);
const seenBy = async (who, query = '') => expectStatus(await get(who, `/kudos${query}`), 200).kudos.map((k) => k.id);
const give = async (who, to, valueName, message = 'Closed the loop with the customer on time') => {
  const res = await post(who, '/kudos', { to_id: to.id, value_id: await valueId(valueName), message });
  return expectStatus(res, 201);
};

// ---------------------------------------------------------------------------
// Values

test('GET /values: the five defaults in order, for anyone logged in', async () => {
  const body = expectStatus(await get(S.s1a, '/values'), 200);
  assert.deepEqual(body.values.map((v) => v.name), ['Customer first', 'Own it', 'Better together', 'Keep learning', 'Tell it straight']);
  assert.deepEqual(Object.keys(body.values[0]).sort(), ['archived', 'description', 'id', 'name', 'position']);
  assert.equal(body.values[0].archived, false);
  assert.equal(body.values[0].position, 1);
  isError(await get(S.s1a, '/values?archived=yes'), 400, 'invalid', 'archived');
});

test('POST /values: admins only (403 for a manager or seller, nothing created)', async () => {
  isError(await post(S.s1a, '/values', { name: 'Seller value' }), 403, 'forbidden');
  isError(await post(S.vp, '/values', { name: 'Seller value' }), 403, 'forbidden');
  const names = expectStatus(await get(admin, '/values?archived=1'), 200).values.map((v) => v.name);
  assert.ok(!names.includes('Seller value'));
  const res = await post(admin, '/values', { name: 'Seller value', description: 'Made by an admin' });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual({ ...res.body, id: 0 }, { id: 0, name: 'Seller value', description: 'Made by an admin', position: 6, archived: false });
});

test('POST /values: strict body, required name, duplicate name 409', async () => {
  isError(await post(admin, '/values', { name: 'Extra', colour: 'red' }), 400, 'invalid');
  isError(await post(admin, '/values', { name: 'Extra', archived: true }), 400, 'invalid'); // not on create
  isError(await post(admin, '/values', { description: 'no name' }), 400, 'invalid', 'name');
  isError(await post(admin, '/values', { name: null }), 400, 'invalid', 'name');
  isError(await post(admin, '/values', { name: 'Extra', position: '2' }), 400, 'invalid', 'position');
  isError(await post(admin, '/values', { name: 'Extra', position: -1 }), 400, 'invalid', 'position');
  isError(await post(admin, '/values', { name: '=1+1' }), 400, 'invalid', 'name');
  isError(await post(admin, '/values', { name: 'Own it' }), 409, 'conflict', 'name');
  const raw = await call(base, 'POST', '/values', { session: admin, raw: '{"name":"Twice","name":"Twice"}' });
  isError(raw, 400, 'invalid');
  const names = expectStatus(await get(admin, '/values?archived=1'), 200).values.map((v) => v.name);
  assert.ok(!names.includes('Extra') && !names.includes('Twice'));
  const ok = await post(admin, '/values', { name: 'Extra', position: 0 });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.position, 0);
});

test('PATCH /values/{id}: admins only; archive hides a value from the default list', async () => {
  const id = expectStatus(await post(admin, '/values', { name: 'Short lived' }), 201).id;
  isError(await patch(S.m1, `/values/${id}`, { archived: true }), 403, 'forbidden');
  assert.ok(expectStatus(await get(S.m1, '/values'), 200).values.some((v) => v.id === id));
  isError(await patch(admin, `/values/${id}`, { archived: 'yes' }), 400, 'invalid', 'archived');
  isError(await patch(admin, `/values/${id}`, { hidden: true }), 400, 'invalid');
  isError(await patch(admin, `/values/${id}`, { name: 'Own it' }), 409, 'conflict', 'name');
  isError(await patch(admin, '/values/99999', { archived: true }), 404, 'not_found');
  const res = await patch(admin, `/values/${id}`, { archived: true, description: 'Retired' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.archived, true);
  assert.equal(res.body.description, 'Retired');
  assert.equal(res.body.name, 'Short lived');
  assert.ok(!expectStatus(await get(S.m1, '/values'), 200).values.some((v) => v.id === id));
  assert.ok(expectStatus(await get(S.m1, '/values?archived=1'), 200).values.some((v) => v.id === id && v.archived));
});

// ---------------------------------------------------------------------------
// Directory

test('GET /directory: everyone not left, across teams, without emails or dates', async () => {
  const body = expectStatus(await get(S.s1a, '/directory'), 200);
  const ids = body.people.map((p) => p.id);
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a', 's2b']) assert.ok(ids.includes(P[h].id), h);
  assert.ok(!ids.includes(leftPerson.id));
  const cara = body.people.find((p) => p.id === P.s2a.id);
  assert.deepEqual(cara, { id: P.s2a.id, name: 'Cara Diaz', title: 'Account Executive', team: 'South' });
  assert.equal(body.people.find((p) => p.id === P.vp.id).team, null);
  for (const p of body.people) assert.deepEqual(Object.keys(p).sort(), ['id', 'name', 'team', 'title']);
  assert.ok(!JSON.stringify(body).includes('@'), 'no emails');
  const names = body.people.map((p) => p.name);
  assert.deepEqual(names, [...names].sort());
});

// ---------------------------------------------------------------------------
// Gaps, before anyone was recognised

test('GET /recognition/gaps: only the caller\'s subtree, never recognised first', async () => {
  const gaps = async (who, q = '') => expectStatus(await get(who, `/recognition/gaps${q}`), 200).people;
  const m2 = await gaps(S.m2);
  assert.deepEqual(m2.map((p) => p.id).sort(), [P.s2a.id, P.s2b.id].sort());
  assert.deepEqual(m2[0].last_recognised_at, null);
  assert.deepEqual(Object.keys(m2[0]).sort(), ['id', 'last_recognised_at', 'name']);
  const m1 = await gaps(S.m1);
  assert.deepEqual(m1.map((p) => p.id).sort(), [P.s1a.id, P.s1b.id].sort()); // not Lee, who left
  assert.deepEqual(await gaps(S.s1a), []); // a seller has nobody below
  const vp = (await gaps(S.vp)).map((p) => p.id);
  assert.deepEqual(vp.sort(), ['m1', 'm2', 's1a', 's1b', 's2a', 's2b'].map((h) => P[h].id).sort());
  const everyone = (await gaps(admin)).map((p) => p.id);
  assert.ok(everyone.includes(P.vp.id) && !everyone.includes(leftPerson.id));

  // recognised now: off the list; with days the line moves, and the time is there
  const k = await give(S.s1a, P.s2a, 'Better together', 'Covered my Globex demo at an hour\'s notice');
  assert.deepEqual((await gaps(S.m2)).map((p) => p.id), [P.s2b.id]);
  assert.deepEqual((await gaps(S.m2, '?days=1')).map((p) => p.id), [P.s2b.id]);
  assert.deepEqual((await gaps(S.m2, '?days=3650')).map((p) => p.id), [P.s2b.id]);
  assert.ok(Math.abs(k.created_at - Date.now() / 1000) < 120);

  for (const bad of ['0', '3651', 'x', '-5', '']) isError(await get(S.m2, `/recognition/gaps?days=${bad}`), 400, 'invalid', 'days');
});

// ---------------------------------------------------------------------------
// Giving kudos

test('POST /kudos: 201 with the kudos, and both sides can read it', async () => {
  const own = await valueId('Own it');
  const res = await post(S.s1b, '/kudos', { to_id: P.s1a.id, value_id: own, message: 'Fixed the Initech quote within the hour' });
  assert.equal(res.status, 201, res.text);
  assert.deepEqual({ ...res.body, id: 0, created_at: 0 }, {
    id: 0,
    from: { id: P.s1b.id, name: 'Ben Costa' },
    to: { id: P.s1a.id, name: 'Ana Lima' },
    value: { id: own, name: 'Own it' },
    message: 'Fixed the Initech quote within the hour',
    created_at: 0,
  });
  for (const who of [S.s1b, S.s1a]) assert.deepEqual((await get(who, '/kudos')).body.kudos.find((k) => k.id === res.body.id), res.body);
});

test('POST /kudos refusals: to oneself, to someone who left, with an archived value; none recorded', async () => {
  const before = await allKudosIds();
  const own = await valueId('Own it');
  const msg = 'Kept Globex out of commit until the paper was real';
  isError(await post(S.s1a, '/kudos', { to_id: P.s1a.id, value_id: own, message: msg }), 400, 'invalid', 'to_id');
  isError(await post(S.s1a, '/kudos', { to_id: leftPerson.id, value_id: own, message: msg }), 400, 'invalid', 'to_id');
  isError(await post(S.s1a, '/kudos', { to_id: 99999, value_id: own, message: msg }), 400, 'invalid', 'to_id');
  const archived = await valueId('Short lived');
  isError(await post(S.s1a, '/kudos', { to_id: P.s1b.id, value_id: archived, message: msg }), 400, 'invalid', 'value_id');
  isError(await post(S.s1a, '/kudos', { to_id: P.s1b.id, value_id: 99999, message: msg }), 400, 'invalid', 'value_id');
  assert.deepEqual(await allKudosIds(), before);
  // the same kudos to a colleague with a current value goes through
  const ok = await post(S.s1a, '/kudos', { to_id: P.s1b.id, value_id: own, message: msg });
  assert.equal(ok.status, 201, ok.text);
});

test('POST /kudos: strict body and a message of 1 to 1000 characters', async () => {
  const before = await allKudosIds();
  const body = { to_id: P.s2b.id, value_id: await valueId('Customer first') };
  isError(await post(S.s2a, '/kudos', { ...body, message: 'Great call', emoji: '🎉' }), 400, 'invalid');
  isError(await post(S.s2a, '/kudos', { ...body, message: 'Great call', from_id: P.s1a.id }), 400, 'invalid');
  isError(await post(S.s2a, '/kudos', { ...body }), 400, 'invalid', 'message');
  isError(await post(S.s2a, '/kudos', { ...body, message: '' }), 400, 'invalid', 'message');
  isError(await post(S.s2a, '/kudos', { ...body, message: '   ' }), 400, 'invalid', 'message');
  isError(await post(S.s2a, '/kudos', { ...body, message: 'é'.repeat(1001) }), 400, 'invalid', 'message');
  isError(await post(S.s2a, '/kudos', { ...body, message: 42 }), 400, 'invalid', 'message');
  isError(await post(S.s2a, '/kudos', { ...body, to_id: String(P.s2b.id), message: 'Great call' }), 400, 'invalid', 'to_id');
  isError(await post(S.s2a, '/kudos', { to_id: P.s2b.id, message: 'Great call' }), 400, 'invalid', 'value_id');
  isError(await post(S.s2a, '/kudos', { value_id: body.value_id, message: 'Great call' }), 400, 'invalid', 'to_id');
  isError(await call(base, 'POST', '/kudos', { session: S.s2a, raw: `{"to_id":${P.s2b.id},"to_id":${P.s1a.id},"value_id":${body.value_id},"message":"x"}` }), 400, 'invalid');
  isError(await call(base, 'POST', '/kudos', { session: S.s2a, raw: '[1,2]' }), 400, 'invalid');
  assert.deepEqual(await allKudosIds(), before);
  const long = await post(S.s2a, '/kudos', { ...body, message: 'é'.repeat(1000) });
  assert.equal(long.status, 201, long.text);
  assert.equal(long.body.message, 'é'.repeat(1000));
});

test('POST /kudos needs a person: an admin account without one gets 403, but may read', async () => {
  const before = await allKudosIds();
  const e = isError(await post(admin, '/kudos', { to_id: P.s1a.id, value_id: await valueId('Own it'), message: 'Thanks' }), 403, 'forbidden');
  assert.match(e.message, /person/);
  assert.deepEqual(await allKudosIds(), before);
  assert.ok(before.length > 0);
});

test('POST /kudos without the CSRF token is refused (cookie session)', async () => {
  const before = await allKudosIds();
  const res = await call(base, 'POST', '/kudos', { session: S.s1a, csrf: false, body: { to_id: P.s1b.id, value_id: await valueId('Own it'), message: 'Thanks' } });
  isError(res, 403, 'forbidden');
  assert.deepEqual(await allKudosIds(), before);
});

// ---------------------------------------------------------------------------
// Who may read which kudos

test('kudos from a seller to another team: the receiver\'s manager and team see it, an unrelated seller does not', async () => {
  // Ana (North) recognises Dan (South)
  const k = await give(S.s1a, P.s2b, 'Better together', 'Shared the Hooli discovery notes with South');
  const sees = async (h) => (await seenBy(S[h])).includes(k.id);
  assert.ok(await sees('s1a'), 'the giver');
  assert.ok(await sees('s2b'), 'the receiver');
  assert.ok(await sees('m2'), "the receiver's manager");
  assert.ok(await sees('vp'), "the receiver's manager's manager");
  assert.ok(await sees('s2a'), "the receiver's team");
  assert.ok((await seenBy(admin)).includes(k.id), 'an admin');
  assert.ok(!(await sees('s1b')), "the giver's teammate, unrelated to the receiver");
  assert.ok(!(await sees('m1')), "the giver's manager, not above the receiver");
  // filtered by person: still only what the caller may see
  assert.ok(!(await seenBy(S.s1b, `?person_id=${P.s2b.id}`)).includes(k.id));
  assert.ok((await seenBy(S.m2, `?person_id=${P.s1a.id}`)).includes(k.id));
});

test('the receiver sees their kudos without a team; people outside do not', async () => {
  // Cara (South) recognises Vera, who is on no team
  const k = await give(S.s2a, P.vp, 'Keep learning', 'Ran the forecasting clinic for all of South');
  assert.ok((await seenBy(S.vp)).includes(k.id), 'the receiver');
  assert.ok((await seenBy(S.s2a)).includes(k.id), 'the giver');
  for (const h of ['m2', 'm1', 's1a', 's2b']) assert.ok(!(await seenBy(S[h])).includes(k.id), h);
});

test('a seller cannot read kudos given within another team', async () => {
  // Cara -> Dan, both South
  const k = await give(S.s2a, P.s2b, 'Tell it straight', 'Flagged the Vandelay slip early');
  assert.ok((await seenBy(S.s2b)).includes(k.id));
  assert.ok((await seenBy(S.m2)).includes(k.id));
  for (const h of ['s1a', 's1b', 'm1']) {
    assert.ok(!(await seenBy(S[h])).includes(k.id), h);
    assert.ok(!(await seenBy(S[h], `?person_id=${P.s2a.id}`)).includes(k.id), `${h} filtered`);
    assert.ok(!(await seenBy(S[h], `?person_id=${P.s2b.id}&limit=500`)).includes(k.id), `${h} filtered`);
  }
  // kudos within North are visible to North's sellers, not South's
  const n = await give(S.m1, P.s1b, 'Customer first', 'Went on site at Oscorp for the rollout');
  assert.ok((await seenBy(S.s1a)).includes(n.id));
  assert.ok(!(await seenBy(S.s2a)).includes(n.id));
});

test('GET /kudos: newest first, person filter, limit, bad queries 400', async () => {
  const all = expectStatus(await get(admin, '/kudos?limit=500'), 200).kudos;
  assert.ok(all.length >= 6);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created_at > all[i].created_at || (all[i - 1].created_at === all[i].created_at && all[i - 1].id > all[i].id));
  const one = expectStatus(await get(admin, '/kudos?limit=1'), 200).kudos;
  assert.deepEqual(one, [all[0]]);
  const aboutAna = expectStatus(await get(admin, `/kudos?person_id=${P.s1a.id}`), 200).kudos;
  assert.ok(aboutAna.length > 0);
  for (const k of aboutAna) assert.ok(k.from.id === P.s1a.id || k.to.id === P.s1a.id);
  assert.equal(aboutAna.length, all.filter((k) => k.from.id === P.s1a.id || k.to.id === P.s1a.id).length);
  assert.deepEqual(expectStatus(await get(admin, '/kudos?person_id=99999'), 200).kudos, []);
  for (const q of ['limit=0', 'limit=501', 'limit=ten', 'limit=']) isError(await get(S.s1a, `/kudos?${q}`), 400, 'invalid', 'limit');
  for (const q of ['person_id=0', 'person_id=-1', 'person_id=x']) isError(await get(S.s1a, `/kudos?${q}`), 400, 'invalid', 'person_id');
});

test('recognition routes need a login', async () => {
  for (const p of ['/values', '/directory', '/kudos', '/recognition/gaps']) isError(await call(base, 'GET', p), 401, 'unauthorized');
  isError(await call(base, 'POST', '/kudos', { body: { to_id: P.s1a.id, value_id: 1, message: 'x' } }), 401, 'unauthorized');
  isError(await call(base, 'DELETE', '/kudos', { session: S.s1a }), 405, 'method_not_allowed');
});
