// Teams: list with member counts, create, duplicates.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, isError, setup } from './lib.mjs';

let base, org, admin;
before(async () => {
  ({ base, org } = await setup({ users: ['s2a'] }));
  admin = org.admin;
});
after(cleanup);

const listTeams = async (session = admin) => (await call(base, 'GET', '/teams', { session })).body.teams;

test('GET /teams lists the teams with their member counts', async () => {
  const res = await call(base, 'GET', '/teams', { session: admin });
  assert.equal(res.status, 200, res.text);
  const byName = Object.fromEntries(res.body.teams.map((t) => [t.name, t]));
  assert.deepEqual(byName.North, { id: org.teams.North.id, name: 'North', members: 3 });
  assert.deepEqual(byName.South, { id: org.teams.South.id, name: 'South', members: 3 });
});

test('POST /teams creates a team: 201 with id and name', async () => {
  const res = await call(base, 'POST', '/teams', { session: admin, body: { name: 'West' } });
  assert.equal(res.status, 201, res.text);
  assert.ok(Number.isInteger(res.body.id), res.text);
  assert.equal(res.body.name, 'West');
  const west = (await listTeams()).find((t) => t.name === 'West');
  assert.deepEqual(west, { id: res.body.id, name: 'West', members: 0 });
});

test('a duplicate team name answers 409 conflict', async () => {
  isError(await call(base, 'POST', '/teams', { session: admin, body: { name: 'North' } }), 409, 'conflict');
  // whatever the case: "north" is the team North
  isError(await call(base, 'POST', '/teams', { session: admin, body: { name: 'north' } }), 409, 'conflict', 'name');
  assert.equal((await listTeams()).filter((t) => t.name.toLowerCase() === 'north').length, 1);
});

test('a team without a name answers 400', async () => {
  isError(await call(base, 'POST', '/teams', { session: admin, body: {} }), 400, 'invalid');
  isError(await call(base, 'POST', '/teams', { session: admin, body: { name: null } }), 400, 'invalid');
});

test('member counts follow people moving between teams', async () => {
  const west = (await listTeams()).find((t) => t.name === 'West');
  const r = await call(base, 'PATCH', `/people/${org.people.s1a.id}`, { session: admin, body: { team_id: west.id } });
  assert.equal(r.status, 200, r.text);
  const teams = Object.fromEntries((await listTeams()).map((t) => [t.name, t.members]));
  assert.equal(teams.West, 1);
  assert.equal(teams.North, 2);
});

test('people carry the team name', async () => {
  const p = (await call(base, 'GET', `/people/${org.people.s2a.id}`, { session: admin })).body;
  assert.equal(p.team_id, org.teams.South.id);
  assert.equal(p.team, 'South');
});

test('a seller may list the teams but not create one', async () => {
  const s = await org.as('s2a');
  assert.ok((await listTeams(s)).some((t) => t.name === 'South'));
  isError(await call(base, 'POST', '/teams', { session: s, body: { name: 'Sellers Only' } }), 403, 'forbidden');
  assert.ok(!(await listTeams()).some((t) => t.name === 'Sellers Only'));
});
