// People: create, read, patch, reporting-line cycles, validation, filters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ORG, call, cleanup, isError, setup } from './lib.mjs';

let base, org, admin, P;
before(async () => {
  ({ base, org } = await setup({ users: false }));
  admin = org.admin;
  P = org.people;
});
after(cleanup);

const post = (body) => call(base, 'POST', '/people', { session: admin, body });
const patch = (id, body) => call(base, 'PATCH', `/people/${id}`, { session: admin, body });
const getPerson = async (id) => (await call(base, 'GET', `/people/${id}`, { session: admin })).body;

test('POST /people creates a person: 201 with every field', async () => {
  const res = await post({
    name: 'Ana Maria Lima', email: 'ana.maria@test.example', title: 'Account Executive',
    manager_id: P.m1.id, team_id: org.teams.North.id, start_date: '2026-09-01', status: 'leaving',
  });
  assert.equal(res.status, 201, res.text);
  assert.ok(Number.isInteger(res.body.id));
  assert.deepEqual({ ...res.body, id: 0 }, {
    id: 0, name: 'Ana Maria Lima', email: 'ana.maria@test.example', title: 'Account Executive',
    manager_id: P.m1.id, team_id: org.teams.North.id, team: 'North', start_date: '2026-09-01', status: 'leaving',
  });
  assert.deepEqual(await getPerson(res.body.id), res.body);
});

test('POST /people with only the required fields: status active, no manager, no team', async () => {
  const res = await post({ name: 'Min Imal', email: 'min.imal@test.example', start_date: '2025-02-03' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.status, 'active');
  assert.equal(res.body.manager_id, null);
  assert.equal(res.body.team_id, null);
  assert.equal(res.body.team, null);
});

test('names with quotes, backslashes and non-ASCII letters come back as sent', async () => {
  const name = 'José "Pepe" Ñúñez \\ 李小龍 😀';
  const res = await post({ name, email: 'jose.nunez@test.example', title: 'Ejecutivo </script>', start_date: '2025-01-01' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.body.name, name);
  const got = await getPerson(res.body.id);
  assert.equal(got.name, name);
  assert.equal(got.title, 'Ejecutivo </script>');
});

test('a missing required field answers 400 naming it', async () => {
  for (const field of ['name', 'email', 'start_date']) {
    const body = { name: 'Req Test', email: `req.${field}@test.example`, start_date: '2025-01-01' };
    delete body[field];
    isError(await post(body), 400, 'invalid', field);
  }
});

test('a duplicate email answers 409 conflict', async () => {
  isError(await post({ name: 'Someone Else', email: ORG.s1a.email, start_date: '2025-01-01' }), 409, 'conflict');
  // and by PATCH too
  isError(await patch(P.s1b.id, { email: ORG.s1a.email }), 409, 'conflict');
  assert.equal((await getPerson(P.s1b.id)).email, ORG.s1b.email);
});

test('a bad date answers 400 naming start_date', async () => {
  for (const d of ['2026-13-01', '2026-02-30', '2025-02-29', '26-01-01', '2026-1-1', 'tomorrow', '2026-01-01T00:00:00Z', '']) {
    isError(await post({ name: 'Bad Date', email: 'bad.date@test.example', start_date: d }), 400, 'invalid', 'start_date');
  }
  isError(await post({ name: 'Bad Date', email: 'bad.date@test.example', start_date: 20260101 }), 400, 'invalid', 'start_date');
  isError(await patch(P.s2a.id, { start_date: '2026-02-30' }), 400, 'invalid', 'start_date');
  // a leap day is a date
  const ok = await post({ name: 'Leap Day', email: 'leap.day@test.example', start_date: '2024-02-29' });
  assert.equal(ok.status, 201, ok.text);
});

test('a bad status answers 400 naming status', async () => {
  isError(await post({ name: 'Bad Status', email: 'bad.status@test.example', start_date: '2025-01-01', status: 'fired' }), 400, 'invalid', 'status');
  isError(await patch(P.s2a.id, { status: 'gone' }), 400, 'invalid', 'status');
});

test('a manager or team that does not exist is refused', async () => {
  const r1 = await post({ name: 'No Boss', email: 'no.boss@test.example', start_date: '2025-01-01', manager_id: 987654 });
  assert.ok(r1.status === 400 || r1.status === 404, `${r1.status} ${r1.text}`);
  const r2 = await post({ name: 'No Team', email: 'no.team@test.example', start_date: '2025-01-01', team_id: 987654 });
  assert.ok(r2.status === 400 || r2.status === 404, `${r2.status} ${r2.text}`);
  const list = (await call(base, 'GET', '/people', { session: admin })).body.people;
  assert.ok(!list.some((p) => p.email === 'no.boss@test.example' || p.email === 'no.team@test.example'));
});

test('PATCH changes the given fields and leaves the others', async () => {
  const before = await getPerson(P.s2b.id);
  const res = await patch(P.s2b.id, { name: 'Daniel Evans', title: 'Account Executive', status: 'leaving', team_id: org.teams.North.id });
  assert.equal(res.status, 200, res.text);
  const after = await getPerson(P.s2b.id);
  assert.deepEqual(after, { ...before, name: 'Daniel Evans', title: 'Account Executive', status: 'leaving', team_id: org.teams.North.id, team: 'North' });
  assert.deepEqual(res.body, after);
});

test('PATCH with null clears the manager and the team', async () => {
  const created = (await post({ name: 'Clear Me', email: 'clear.me@test.example', start_date: '2025-01-01', manager_id: P.m2.id, team_id: org.teams.South.id })).body;
  const res = await patch(created.id, { manager_id: null, team_id: null });
  assert.equal(res.status, 200, res.text);
  const after = await getPerson(created.id);
  assert.equal(after.manager_id, null);
  assert.equal(after.team_id, null);
  assert.equal(after.team, null);
  assert.equal(after.name, 'Clear Me');
});

test('PATCH of a person that does not exist answers 404', async () => {
  isError(await patch(987654, { title: 'Ghost' }), 404, 'not_found');
});

test('a person cannot be their own manager: 400, field manager_id', async () => {
  const before = await getPerson(P.s1a.id);
  isError(await patch(P.s1a.id, { manager_id: P.s1a.id }), 400, 'invalid', 'manager_id');
  assert.deepEqual(await getPerson(P.s1a.id), before);
});

test('a deeper cycle is refused: 400, field manager_id; a legal move succeeds', async () => {
  // vp -> m1 -> s1a: making the VP report to s1a (or to m1) closes a loop
  isError(await patch(P.vp.id, { manager_id: P.s1a.id }), 400, 'invalid', 'manager_id');
  isError(await patch(P.vp.id, { manager_id: P.m1.id }), 400, 'invalid', 'manager_id');
  isError(await patch(P.m1.id, { manager_id: P.s1b.id }), 400, 'invalid', 'manager_id');
  assert.equal((await getPerson(P.vp.id)).manager_id, null);
  assert.equal((await getPerson(P.m1.id)).manager_id, P.vp.id);
  // a chain of four built by hand: a -> b -> c -> d, then a under d
  const ids = [];
  for (const n of ['a', 'b', 'c', 'd']) {
    const body = { name: `Chain ${n.toUpperCase()}`, email: `chain.${n}@test.example`, start_date: '2025-01-01' };
    if (ids.length) body.manager_id = ids.at(-1);
    ids.push((await post(body)).body.id);
  }
  isError(await patch(ids[0], { manager_id: ids[3] }), 400, 'invalid', 'manager_id');
  // moving a seller to the other manager is no cycle
  const ok = await patch(P.s1a.id, { manager_id: P.m2.id });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.manager_id, P.m2.id);
  const back = await patch(P.s1a.id, { manager_id: P.m1.id });
  assert.equal(back.status, 200, back.text);
  // a person may be moved above their former manager once no longer below them
  const d = await patch(ids[3], { manager_id: null });
  assert.equal(d.status, 200, d.text);
  const a = await patch(ids[0], { manager_id: ids[3] });
  assert.equal(a.status, 200, `d no longer below a, so a may report to d: ${a.text}`);
});

test('GET /people is sorted by name', async () => {
  const list = (await call(base, 'GET', '/people', { session: admin })).body.people;
  const got = list.map((p) => p.name);
  assert.deepEqual(got, [...got].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
});

test('filters: status, team_id, manager_id, and combined', async () => {
  const q = async (qs) => (await call(base, 'GET', `/people?${qs}`, { session: admin })).body.people;
  const all = await q('');
  const leaving = await q('status=leaving');
  assert.ok(leaving.length >= 2);
  assert.deepEqual(leaving.map((p) => p.id), all.filter((p) => p.status === 'leaving').map((p) => p.id));
  const north = await q(`team_id=${org.teams.North.id}`);
  assert.deepEqual(north.map((p) => p.id), all.filter((p) => p.team_id === org.teams.North.id).map((p) => p.id));
  assert.ok(north.length >= 3);
  const underM1 = await q(`manager_id=${P.m1.id}`);
  assert.deepEqual(underM1.map((p) => p.id), all.filter((p) => p.manager_id === P.m1.id).map((p) => p.id));
  assert.ok(underM1.some((p) => p.id === P.s1a.id) && !underM1.some((p) => p.id === P.m1.id), 'manager_id gives direct reports');
  const both = await q(`team_id=${org.teams.North.id}&status=leaving`);
  assert.deepEqual(both.map((p) => p.id), all.filter((p) => p.team_id === org.teams.North.id && p.status === 'leaving').map((p) => p.id));
  assert.deepEqual(await q('status=active&team_id=987654'), []);
});
