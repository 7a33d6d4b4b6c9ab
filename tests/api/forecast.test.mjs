// Forecast calls: sellers call, managers adjust (both kept), the tree's roll-up as of a day,
// and who may read or adjust whom. Each refusal sits beside the success it differs from.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup } from './lib.mjs';

let base, org, admin, P;
const S = {};
const today = new Date().toISOString().slice(0, 10);
const period = `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`;
const yesterday = new Date(Date.now() - 86400e3).toISOString().slice(0, 10);

before(async () => {
  ({ base, org } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b', 's2a'] }));
  admin = org.admin;
  P = org.people;
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a']) S[h] = await org.as(h);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });

test('POST /forecast/calls: a seller calls their period; bad input names the field', async () => {
  isError(await post(S.s1a, '/forecast/calls', { period, commit_minor: 500, best_case_minor: 400 }), 400, 'invalid', 'best_case_minor');
  isError(await post(S.s1a, '/forecast/calls', { period: '2026-Q5', commit_minor: 1, best_case_minor: 2 }), 400, 'invalid', 'period');
  isError(await post(S.s1a, '/forecast/calls', { period, commit_minor: -1, best_case_minor: 2 }), 400, 'invalid', 'commit_minor');
  isError(await post(S.s1a, '/forecast/calls', { period, commit_minor: 1.5, best_case_minor: 2 }), 400, 'invalid', 'commit_minor');
  isError(await post(S.s1a, '/forecast/calls', { period, commit_minor: 1, best_case_minor: 2, person_id: P.s1b.id }), 400, 'invalid');
  isError(await post(admin, '/forecast/calls', { period, commit_minor: 1, best_case_minor: 2 }), 403, 'forbidden');
  const first = expectStatus(await post(S.s1a, '/forecast/calls', { period, commit_minor: 100000, best_case_minor: 150000 }), 201);
  assert.equal(first.kind, 'call');
  assert.equal(first.person_id, P.s1a.id);
  assert.equal(first.period, period);
  const second = expectStatus(await post(S.s1a, '/forecast/calls', { period: period.toLowerCase(), commit_minor: 120000, best_case_minor: 160000 }), 201);
  assert.equal(second.period, period);
  expectStatus(await post(S.s2a, '/forecast/calls', { period, commit_minor: 70000, best_case_minor: 90000 }), 201);
  // every submission is kept, oldest first, readable up the tree only
  const mine = expectStatus(await get(S.s1a, `/forecast/calls?period=${period}`), 200).submissions;
  assert.deepEqual(mine.map((s) => s.commit_minor), [100000, 120000]);
  const byManager = expectStatus(await get(S.m1, `/forecast/calls?period=${period}&person_id=${P.s1a.id}`), 200).submissions;
  assert.equal(byManager.length, 2);
  isError(await get(S.m2, `/forecast/calls?period=${period}&person_id=${P.s1a.id}`), 404, 'not_found');
  isError(await get(S.s1b, `/forecast/calls?period=${period}&person_id=${P.s1a.id}`), 404, 'not_found');
});

test('POST /forecast/adjustments: only a manager above, with a comment; the call is kept', async () => {
  const body = { person_id: P.s1a.id, period, commit_minor: 90000, best_case_minor: 140000, comment: 'Two deals depend on one legal review' };
  isError(await post(S.s1b, '/forecast/adjustments', body), 404, 'not_found', 'person_id');
  isError(await post(S.m2, '/forecast/adjustments', body), 404, 'not_found', 'person_id');
  isError(await post(S.s1a, '/forecast/adjustments', body), 403, 'forbidden', 'person_id');
  isError(await post(S.m1, '/forecast/adjustments', { ...body, person_id: P.m1.id }), 403, 'forbidden', 'person_id');
  isError(await post(S.m1, '/forecast/adjustments', { ...body, comment: '' }), 400, 'invalid', 'comment');
  isError(await post(S.m1, '/forecast/adjustments', { ...body, comment: undefined }), 400, 'invalid', 'comment');
  const adj = expectStatus(await post(S.m1, '/forecast/adjustments', body), 201);
  assert.equal(adj.kind, 'adjustment');
  assert.equal(adj.by_person_id, P.m1.id);
  assert.equal(adj.comment, body.comment);
  const all = expectStatus(await get(S.s1a, `/forecast/calls?period=${period}`), 200).submissions;
  assert.deepEqual(all.map((s) => [s.kind, s.commit_minor]), [['call', 100000], ['call', 120000], ['adjustment', 90000]]);
});

test('GET /forecast: the tree rolled up, adjustments over calls, as of a day; refusals', async () => {
  const page = expectStatus(await get(S.m1, `/forecast?period=${period}`), 200);
  assert.equal(page.person_id, P.m1.id);
  assert.deepEqual(page.people.map((p) => p.person_id), [P.m1.id, P.s1a.id, P.s1b.id]);
  const [m1, s1a, s1b] = page.people;
  assert.equal(s1a.call.commit_minor, 120000); // what she said stays
  assert.equal(s1a.adjustment.commit_minor, 90000);
  assert.deepEqual(s1a.number, { commit_minor: 90000, best_case_minor: 140000, source: 'adjustment' });
  assert.equal(s1b.call, null); // has not called
  assert.equal(s1b.number, null);
  assert.equal(m1.reports, 2);
  assert.deepEqual(m1.rollup, { commit_minor: 90000, best_case_minor: 140000 });
  assert.equal(m1.number.source, 'rollup');
  // no history: the model says why instead of failing the page
  assert.equal(page.model, null);
  assert.match(page.model_error, /quarter/);
  // the VP's tree adds both teams
  const vp = expectStatus(await get(S.vp, `/forecast?period=${period}`), 200).people[0];
  assert.deepEqual(vp.rollup, { commit_minor: 160000, best_case_minor: 230000 });
  // a newer call from the seller takes over from the older adjustment
  expectStatus(await post(S.s1a, '/forecast/calls', { period, commit_minor: 110000, best_case_minor: 150000 }), 201);
  const again = expectStatus(await get(S.m1, `/forecast?period=${period}&person_id=${P.s1a.id}`), 200).people;
  assert.equal(again.length, 1);
  assert.deepEqual(again[0].number, { commit_minor: 110000, best_case_minor: 150000, source: 'call' });
  assert.equal(again[0].adjustment, null);
  // as of yesterday nothing had been called
  const before = expectStatus(await get(S.m1, `/forecast?period=${period}&as_of=${yesterday}`), 200);
  assert.ok(before.people.every((p) => p.call === null && p.number === null));
  // outside one's tree: 404, as for nobody
  isError(await get(S.s1a, `/forecast?period=${period}&person_id=${P.m1.id}`), 404, 'not_found');
  isError(await get(S.m2, `/forecast?period=${period}&person_id=${P.s1a.id}`), 404, 'not_found');
  isError(await get(S.m1, `/forecast?period=${period}&person_id=999999`), 404, 'not_found');
  isError(await get(S.m1, `/forecast?period=2026-Q9`), 400, 'invalid', 'period');
  isError(await get(S.m1, `/forecast?as_of=2026-02-30`), 400, 'invalid', 'as_of');
  isError(await get(admin, `/forecast`), 400, 'invalid', 'person_id');
  expectStatus(await get(admin, `/forecast?person_id=${P.vp.id}`), 200);
});
