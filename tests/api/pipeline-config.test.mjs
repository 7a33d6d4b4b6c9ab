// Pipelines and their stages are configured by admins: a new pipeline with its stages, a stage
// added, a default probability changed; plans that make no sense are refused naming the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup } from './lib.mjs';

let base, org, admin;
before(async () => {
  ({ base, org } = await setup());
  admin = org.admin;
});
after(cleanup);

const post = (who, p, body) => call(base, 'POST', p, { session: who, body });
const patch = (who, p, body) => call(base, 'PATCH', p, { session: who, body });
const get = (who, p) => call(base, 'GET', p, { session: who });

const STAGES = [
  { name: 'Qualify', probability_bp: 1000, forecast_category: 'pipeline' },
  { name: 'Propose', probability_bp: 5000, forecast_category: 'best_case' },
  { name: 'Commit', probability_bp: 8000, forecast_category: 'commit' },
  { name: 'Won', probability_bp: 10000, forecast_category: 'closed', outcome: 'won' },
  { name: 'Lost', probability_bp: 0, forecast_category: 'omitted', outcome: 'lost' },
];

test('an admin makes a pipeline with its stages; others may not', async () => {
  const body = { name: 'Renewals', stages: STAGES };
  isError(await post(await org.as('m1'), '/pipelines', body), 403, 'forbidden');
  isError(await post(await org.as('s1a'), '/pipelines', body), 403, 'forbidden');
  const p = expectStatus(await post(admin, '/pipelines', body), 201);
  assert.equal(p.name, 'Renewals');
  assert.deepEqual(p.stages.map((s) => [s.name, s.probability_bp, s.forecast_category]), STAGES.map((s) => [s.name, s.probability_bp, s.forecast_category]));
  const listed = expectStatus(await get(await org.as('s1a'), '/pipelines'), 200).pipelines;
  assert.ok(listed.some((x) => x.id === p.id && x.stages.length === 5));
  isError(await post(admin, '/pipelines', body), 409, 'conflict', 'name');
});

test('a pipeline that makes no sense is refused, naming the field, and nothing is kept', async () => {
  const bad = async (stages, field, re) => {
    const res = await post(admin, '/pipelines', { name: 'Broken', stages });
    isError(res, 400, 'invalid', field);
    if (re) assert.match(res.body.error.message, re);
  };
  await bad(STAGES.filter((s) => s.outcome !== 'won'), 'stages', /one open, one won and one lost/);
  await bad([{ ...STAGES[0], probability_bp: 10001 }, ...STAGES.slice(1)], 'stages', /stages\[0\]\.probability_bp/);
  await bad([STAGES[0], { ...STAGES[1], forecast_category: 'maybe' }, ...STAGES.slice(2)], 'stages', /stages\[1\]\.forecast_category/);
  await bad([...STAGES.slice(0, 3), { ...STAGES[3], probability_bp: 9000 }, STAGES[4]], 'stages', /won stage/);
  await bad([STAGES[0], STAGES[0], ...STAGES.slice(2)], 'stages', /twice/);
  await bad([{ ...STAGES[0], outcome: 'maybe' }, ...STAGES.slice(1)], 'outcome');
  await bad([{ ...STAGES[0], colour: 'red' }, ...STAGES.slice(1)]);
  const names = expectStatus(await get(admin, '/pipelines'), 200).pipelines.map((p) => p.name);
  assert.ok(!names.includes('Broken'));
});

test('stages are added and changed by admins; a stage keeps its outcome', async () => {
  const p = expectStatus(await post(admin, '/pipelines', { name: 'Partners', stages: STAGES }), 201);
  isError(await post(await org.as('m1'), `/pipelines/${p.id}/stages`, { name: 'Legal', probability_bp: 9000, forecast_category: 'commit' }), 403, 'forbidden');
  const added = expectStatus(await post(admin, `/pipelines/${p.id}/stages`, { name: 'Legal', probability_bp: 9000, forecast_category: 'commit', position: 4 }), 201);
  const legal = added.stages.find((s) => s.name === 'Legal');
  assert.ok(legal);
  isError(await post(admin, `/pipelines/${p.id}/stages`, { name: 'Legal', probability_bp: 9000, forecast_category: 'commit' }), 409, 'conflict', 'name');
  isError(await post(admin, '/pipelines/987654/stages', { name: 'X', probability_bp: 1, forecast_category: 'pipeline' }), 404, 'not_found');
  const changed = expectStatus(await patch(admin, `/stages/${legal.id}`, { probability_bp: 9500 }), 200);
  assert.equal(changed.probability_bp, 9500);
  assert.equal(changed.forecast_category, 'commit');
  isError(await patch(await org.as('s1a'), `/stages/${legal.id}`, { probability_bp: 1 }), 403, 'forbidden');
  isError(await patch(admin, `/stages/${legal.id}`, { probability_bp: -1 }), 400, 'invalid', 'probability_bp');
  isError(await patch(admin, `/stages/${legal.id}`, { outcome: 'won' }), 400, 'invalid');
  const won = added.stages.find((s) => s.name === 'Won');
  isError(await patch(admin, `/stages/${won.id}`, { probability_bp: 5000 }), 400, 'invalid', 'probability_bp');
  isError(await patch(admin, '/stages/987654', { probability_bp: 5000 }), 404, 'not_found');
});
