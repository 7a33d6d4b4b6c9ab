// One-on-ones: a full cycle, who may read and write what (private notes above all), series
// rules, the overdue list and the calendar feed. Every refusal sits beside the same request
// made by someone allowed, so the refusal is shown to come from the rule under test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, cleanup, expectStatus, isError, setup } from './lib.mjs';

let base, org, P;
before(async () => {
  ({ base, org } = await setup({ users: ['vp', 'm1', 'm2', 's1a', 's1b', 's2a'] }));
  P = org.people;
});
after(cleanup);

// Every response any caller got, to prove at the end that a private note reached no one but
// its author, on any route.
const seen = [];
async function as(handle, method, path, body, opts = {}) {
  const session = opts.session ?? (await org.as(handle));
  const res = await call(base, method, path, { session, body, raw: opts.raw });
  seen.push({ handle, method, path, status: res.status, text: res.text });
  return res;
}
const ok = (res, status = 200) => expectStatus(res, status);

const DAY = 86_400_000;
const dayStr = (offset = 0) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const TODAY = dayStr(0);

const M1_NOTE = 'M1-PRIVATE: Ana seems burnt out, talk to HR zq81';
const M1_NOTE2 = 'M1-PRIVATE-2: second meeting thought kx07';
const S1A_NOTE = 'S1A-PRIVATE: thinking of leaving for a rival vv42';
const S1A_NOTE2 = 'S1A-PRIVATE-2: ask about promotion hw53';
const SECRETS_OF = { m1: [M1_NOTE, M1_NOTE2], s1a: [S1A_NOTE, S1A_NOTE2] };

// State built by the cycle test and used after it (tests in a file run in order).
const S = {};

test('a full cycle: series, shared agenda, notes, actions, hold, carry-over, done', async () => {
  // m1 starts a weekly series with s1a from today
  const created = await as('m1', 'POST', '/oneonones', { report_id: P.s1a.id, cadence: 'weekly', first_date: TODAY });
  const series = ok(created, 201);
  assert.ok(Number.isInteger(series.id));
  assert.deepEqual(series.manager, { id: P.m1.id, name: 'Maya North' });
  assert.deepEqual(series.report, { id: P.s1a.id, name: 'Ana Lima' });
  assert.equal(series.cadence, 'weekly');
  assert.equal(series.first_date, TODAY);
  assert.equal(series.start_time, '09:00');
  assert.equal(series.duration_minutes, 30);
  assert.equal(series.active, true);
  S.series = series.id;

  // m1 prepares the next meeting: today's, empty; asking again (from either side) gives the same
  const m = ok(await as('m1', 'POST', `/oneonones/${series.id}/next`));
  assert.equal(m.series_id, series.id);
  assert.equal(m.date, TODAY);
  assert.equal(m.status, 'planned');
  assert.equal(m.shared_notes, '');
  assert.equal(m.private_note, '');
  assert.deepEqual(m.agenda, []);
  assert.deepEqual(m.actions, []);
  assert.ok(Array.isArray(m.suggestions));
  assert.equal(ok(await as('s1a', 'POST', `/oneonones/${series.id}/next`)).id, m.id);
  assert.equal(ok(await as('m1', 'POST', `/oneonones/${series.id}/next`)).id, m.id);
  S.m1 = m.id;

  // both add talking points
  const p1 = ok(await as('m1', 'POST', `/meetings/${m.id}/agenda`, { text: 'Pipeline review' }), 201);
  assert.deepEqual({ ...p1, id: 0 }, {
    id: 0, author: { id: P.m1.id, name: 'Maya North' }, text: 'Pipeline review', covered: false, carried_from: null,
  });
  const p2 = ok(await as('s1a', 'POST', `/meetings/${m.id}/agenda`, { text: 'Training budget' }), 201);
  assert.deepEqual(p2.author, { id: P.s1a.id, name: 'Ana Lima' });
  const p3 = ok(await as('s1a', 'POST', `/meetings/${m.id}/agenda`, { text: 'Territory split, Q3' }), 201);
  S.points = { p1: p1.id, p2: p2.id, p3: p3.id };

  // shared notes, seen by both
  const shared = ok(await as('m1', 'PUT', `/meetings/${m.id}/shared-notes`, { text: 'We agreed on 3 demos a week.\nReview in May.' }));
  assert.equal(shared.shared_notes, 'We agreed on 3 demos a week.\nReview in May.');

  // private notes by both: each sees their own
  const mine = ok(await as('m1', 'PUT', `/meetings/${m.id}/private-note`, { text: M1_NOTE }));
  assert.equal(mine.private_note, M1_NOTE);
  const hers = ok(await as('s1a', 'PUT', `/meetings/${m.id}/private-note`, { text: S1A_NOTE }));
  assert.equal(hers.private_note, S1A_NOTE);
  assert.equal(hers.shared_notes, 'We agreed on 3 demos a week.\nReview in May.');

  // an action item for s1a
  const due = dayStr(7);
  const withAction = ok(await as('m1', 'POST', `/meetings/${m.id}/actions`, { text: 'Send the ROI deck to Acme', owner_id: P.s1a.id, due_date: due }), 201);
  assert.equal(withAction.actions.length, 1);
  const action = withAction.actions[0];
  assert.deepEqual({ ...action, id: 0 }, {
    id: 0, owner: { id: P.s1a.id, name: 'Ana Lima' }, text: 'Send the ROI deck to Acme', due_date: due, done: false, meeting_id: m.id,
  });
  S.action = action.id;

  // the pipeline review is covered; the other two are not
  const patched = ok(await as('m1', 'PATCH', `/agenda/${p1.id}`, { covered: true }));
  assert.equal(patched.agenda.find((a) => a.id === p1.id).covered, true);

  // the meeting as s1a sees it before holding it
  const before = ok(await as('s1a', 'GET', `/meetings/${m.id}`));
  assert.deepEqual(before.agenda.map((a) => [a.text, a.covered]), [
    ['Pipeline review', true], ['Training budget', false], ['Territory split, Q3', false],
  ]);
  assert.equal(before.private_note, S1A_NOTE);

  // hold it
  const held = ok(await as('m1', 'POST', `/meetings/${m.id}/hold`));
  assert.equal(held.meeting.id, m.id);
  assert.equal(held.meeting.status, 'held');
  assert.equal(held.meeting.private_note, M1_NOTE);
  assert.ok(Number.isInteger(held.next_meeting_id) && held.next_meeting_id !== m.id);
  S.m2 = held.next_meeting_id;

  // the next meeting: a week later, the two uncovered points carried, the action still open
  const next = ok(await as('s1a', 'GET', `/meetings/${S.m2}`));
  assert.equal(next.date, dayStr(7));
  assert.equal(next.status, 'planned');
  assert.deepEqual(next.agenda.map((a) => [a.text, a.carried_from, a.covered, a.author.id]), [
    ['Training budget', p2.id, false, P.s1a.id],
    ['Territory split, Q3', p3.id, false, P.s1a.id],
  ]);
  assert.equal(next.private_note, '');
  assert.equal(next.shared_notes, '');
  assert.deepEqual(next.actions.map((a) => [a.id, a.done]), [[action.id, false]]);
  // POST next now gives this meeting
  assert.equal(ok(await as('m1', 'POST', `/oneonones/${series.id}/next`)).id, S.m2);

  // the series lists both meetings, newest first, and three upcoming dates
  const got = ok(await as('s1a', 'GET', `/oneonones/${series.id}`));
  assert.deepEqual(got.meetings.map((x) => [x.id, x.date, x.status]), [
    [S.m2, dayStr(7), 'planned'], [m.id, TODAY, 'held'],
  ]);
  assert.deepEqual(got.upcoming, [dayStr(0), dayStr(7), dayStr(14)]);

  // the list: last held today, one open action, not overdue
  const list = ok(await as('m1', 'GET', '/oneonones'));
  const row = list.series.find((x) => x.id === series.id);
  assert.equal(row.last_held, TODAY);
  assert.equal(row.open_actions, 1);
  assert.equal(row.overdue, false);
  assert.equal(row.next_date, TODAY);
  assert.deepEqual(row.report, { id: P.s1a.id, name: 'Ana Lima' });
  assert.ok(ok(await as('s1a', 'GET', '/oneonones')).series.some((x) => x.id === series.id));

  // s1a marks the action done; the list counts none open
  const done = ok(await as('s1a', 'PATCH', `/actions/${action.id}`, { done: true }));
  assert.equal(done.done, true);
  assert.equal(ok(await as('m1', 'GET', '/oneonones')).series.find((x) => x.id === series.id).open_actions, 0);

  // second meeting: private notes in the other order (s1a first), a new action for m1
  ok(await as('s1a', 'PUT', `/meetings/${S.m2}/private-note`, { text: S1A_NOTE2 }));
  ok(await as('m1', 'PUT', `/meetings/${S.m2}/private-note`, { text: M1_NOTE2 }));
  const a2 = ok(await as('s1a', 'POST', `/meetings/${S.m2}/actions`, { text: 'Book the QBR room', owner_id: P.m1.id }), 201);
  const a2id = a2.actions.find((a) => a.text === 'Book the QBR room').id;
  assert.equal(a2.actions.find((a) => a.id === a2id).due_date, null);

  // s1a holds it; in the following meeting the done action is gone and the new one is open
  const held2 = ok(await as('s1a', 'POST', `/meetings/${S.m2}/hold`));
  assert.equal(held2.meeting.private_note, S1A_NOTE2);
  S.m3 = held2.next_meeting_id;
  const third = ok(await as('m1', 'GET', `/meetings/${S.m3}`));
  assert.equal(third.date, dayStr(14));
  assert.deepEqual(third.actions.map((a) => [a.id, a.done]), [[a2id, false]]);
  assert.ok(!third.actions.some((a) => a.id === action.id));
  // the points not covered carried again, now from their copies in the second meeting
  const secondAgenda = ok(await as('m1', 'GET', `/meetings/${S.m2}`)).agenda;
  assert.deepEqual(third.agenda.map((a) => a.carried_from), secondAgenda.map((a) => a.id));
  S.a2 = a2id;
});

// A meeting lists the open actions and those ticked off in it, wherever they were created
// (it once listed a done action only under the meeting that created it).
test('an action done during a later meeting shows as done in that meeting', async () => {
  const second = ok(await as('s1a', 'GET', `/meetings/${S.m2}`));
  const a = second.actions.find((x) => x.id === S.action);
  assert.ok(a, `the action done during meeting ${S.m2} is missing from it: ${JSON.stringify(second.actions)}`);
  assert.equal(a.done, true);
});

test('adding a point to a held meeting is 409; to the next meeting 201', async () => {
  isError(await as('s1a', 'POST', `/meetings/${S.m1}/agenda`, { text: 'Too late' }), 409, 'conflict');
  isError(await as('m1', 'POST', `/meetings/${S.m2}/agenda`, { text: 'Too late' }), 409, 'conflict');
  ok(await as('s1a', 'POST', `/meetings/${S.m3}/agenda`, { text: 'Not too late' }), 201);
  // holding a held meeting again is 409 too
  isError(await as('m1', 'POST', `/meetings/${S.m1}/hold`), 409, 'conflict');
});

test('private notes: each side reads only their own, meeting by meeting', async () => {
  const m1First = ok(await as('m1', 'GET', `/meetings/${S.m1}`));
  const s1aFirst = ok(await as('s1a', 'GET', `/meetings/${S.m1}`));
  assert.equal(m1First.private_note, M1_NOTE);
  assert.equal(s1aFirst.private_note, S1A_NOTE);
  // second meeting, written in the other order
  assert.equal(ok(await as('m1', 'GET', `/meetings/${S.m2}`)).private_note, M1_NOTE2);
  assert.equal(ok(await as('s1a', 'GET', `/meetings/${S.m2}`)).private_note, S1A_NOTE2);
  // a meeting where only s1a wrote one: m1 sees none
  ok(await as('s1a', 'PUT', `/meetings/${S.m3}/private-note`, { text: S1A_NOTE }));
  assert.equal(ok(await as('m1', 'GET', `/meetings/${S.m3}`)).private_note, '');
  assert.equal(ok(await as('s1a', 'GET', `/meetings/${S.m3}`)).private_note, S1A_NOTE);
  // rewriting one's note replaces it (one per author and meeting)
  ok(await as('s1a', 'PUT', `/meetings/${S.m3}/private-note`, { text: S1A_NOTE2 }));
  assert.equal(ok(await as('s1a', 'GET', `/meetings/${S.m3}`)).private_note, S1A_NOTE2);
  assert.equal(ok(await as('m1', 'GET', `/meetings/${S.m3}`)).private_note, '');
  // and one where only m1 wrote: s1a sees none
  ok(await as('m1', 'PUT', `/meetings/${S.m3}/private-note`, { text: M1_NOTE }));
  assert.equal(ok(await as('s1a', 'GET', `/meetings/${S.m3}`)).private_note, S1A_NOTE2);
  assert.equal(ok(await as('m1', 'GET', `/meetings/${S.m3}`)).private_note, M1_NOTE);
});

test('the other participant uses every meeting route and never gets the private note', async () => {
  // s1a on every route that answers with meeting data, on the meeting m1 wrote a note in
  const id = S.m3;
  const routes = [
    ['GET', `/meetings/${id}`],
    ['POST', `/oneonones/${S.series}/next`],
    ['PUT', `/meetings/${id}/shared-notes`, { text: 'Shared by Ana' }],
    ['POST', `/meetings/${id}/agenda`, { text: 'Ana point' }, 201],
    ['POST', `/meetings/${id}/actions`, { text: 'Ana action', owner_id: P.s1a.id }, 201],
    ['GET', `/oneonones/${S.series}`],
    ['GET', '/oneonones'],
  ];
  for (const [method, path, body, status] of routes) {
    const res = await as('s1a', method, path, body);
    ok(res, status ?? 200);
  }
  const point = ok(await as('s1a', 'GET', `/meetings/${id}`)).agenda.find((a) => a.text === 'Ana point');
  ok(await as('s1a', 'PATCH', `/agenda/${point.id}`, { text: 'Ana point, reworded' }));
  // the same routes as m1, who must not get s1a's note
  for (const [method, path, body, status] of routes) {
    const b = body?.text ? { ...body, text: body.text.replace('Ana', 'Maya') } : body;
    if (b?.owner_id) b.owner_id = P.m1.id;
    ok(await as('m1', method, path, b), status ?? 200);
  }
  ok(await as('m1', 'PATCH', `/agenda/${point.id}`, { covered: true }));
  // the hold response, to s1a (with m1's note in the meeting) ...
  const held = ok(await as('s1a', 'POST', `/meetings/${id}/hold`));
  assert.equal(held.meeting.private_note, S1A_NOTE2);
  // ... and to m1 on the next one, after s1a wrote there
  ok(await as('s1a', 'PUT', `/meetings/${held.next_meeting_id}/private-note`, { text: S1A_NOTE }));
  const held2 = ok(await as('m1', 'POST', `/meetings/${held.next_meeting_id}/hold`));
  assert.equal(held2.meeting.private_note, '');
  S.m5 = held2.next_meeting_id;
});

// The people who are not one of the two: the manager's manager, an admin, another manager, a
// peer of the report.
const OUTSIDERS = ['vp', 'admin', 'm2', 's1b'];

test('a non-participant gets 404 on the series, its meetings, agenda and actions', async () => {
  const meeting = ok(await as('m1', 'POST', `/oneonones/${S.series}/next`));
  assert.equal(meeting.status, 'planned');
  const point = ok(await as('s1a', 'POST', `/meetings/${meeting.id}/agenda`, { text: 'Outsider probe' }), 201);
  const action = ok(await as('m1', 'POST', `/meetings/${meeting.id}/actions`, { text: 'Probe action', owner_id: P.m1.id }), 201)
    .actions.find((a) => a.text === 'Probe action');
  const before = ok(await as('m1', 'GET', `/meetings/${meeting.id}`));
  const probes = [
    ['GET', `/oneonones/${S.series}`],
    ['PATCH', `/oneonones/${S.series}`, { duration_minutes: 60 }],
    ['POST', `/oneonones/${S.series}/next`],
    ['GET', `/meetings/${meeting.id}`],
    ['GET', `/meetings/${S.m1}`],
    ['POST', `/meetings/${meeting.id}/agenda`, { text: 'sneaky' }],
    ['PUT', `/meetings/${meeting.id}/shared-notes`, { text: 'overwritten' }],
    ['PUT', `/meetings/${meeting.id}/private-note`, { text: 'mine too' }],
    ['POST', `/meetings/${meeting.id}/actions`, { text: 'sneaky', owner_id: P.m1.id }],
    ['POST', `/meetings/${meeting.id}/hold`],
    ['PATCH', `/agenda/${point.id}`, { covered: true }],
    ['PATCH', `/agenda/${S.points.p1}`, { text: 'reworded' }],
    ['DELETE', `/agenda/${point.id}`],
    ['PATCH', `/actions/${action.id}`, { done: true }],
  ];
  for (const who of OUTSIDERS) {
    for (const [method, path, body] of probes) {
      const res = await as(who, method, path, body);
      try {
        isError(res, 404, 'not_found');
      } catch (err) {
        throw new Error(`${who} ${method} ${path}: ${err.message}`);
      }
    }
    // the list answers, without this series
    const list = ok(await as(who, 'GET', '/oneonones'));
    assert.ok(!list.series.some((s) => s.id === S.series), `${who} lists the series`);
  }
  // nothing changed: same meeting, still planned, same series
  const after = ok(await as('m1', 'GET', `/meetings/${meeting.id}`));
  assert.deepEqual(after, before);
  assert.equal(ok(await as('m1', 'GET', `/oneonones/${S.series}`)).duration_minutes, 30);
  // the same requests by a participant succeed (the 404s came from who asked)
  ok(await as('s1a', 'PATCH', `/agenda/${point.id}`, { covered: true }));
  ok(await as('m1', 'PATCH', `/actions/${action.id}`, { done: true }));
  ok(await as('s1a', 'PUT', `/meetings/${meeting.id}/shared-notes`, { text: 'fine' }));
  const res = await as('s1a', 'DELETE', `/agenda/${point.id}`);
  assert.equal(res.status, 204, res.text);
});

test('the people export and the calendar feeds never carry a private note', async () => {
  const csv = await as('admin', 'GET', '/export/people');
  assert.equal(csv.status, 200, csv.text);
  assert.ok(csv.text.includes('ana.lima@test.example'));
  for (const handle of ['m1', 's1a']) {
    const feed = await as(handle, 'GET', `/people/${P[handle].id}/oneonones.ics`);
    assert.equal(feed.status, 200, feed.text);
  }
});

test('no response to anyone but its author ever carried a private note', () => {
  assert.ok(seen.length > 100, `only ${seen.length} responses recorded`);
  for (const [author, notes] of Object.entries(SECRETS_OF)) {
    for (const note of notes) {
      const leaks = seen.filter((r) => r.handle !== author && r.text.includes(note));
      assert.deepEqual(leaks.map((r) => `${r.handle} ${r.method} ${r.path} ${r.status}`), [], `${author}'s note leaked`);
      // and the author did get it back (the routes were exercised with the note present)
      assert.ok(seen.some((r) => r.handle === author && r.text.includes(note)), `${author} never saw ${note}`);
    }
  }
  // the other participant was answered with meeting data many times, on many routes
  const routes = new Set(seen.filter((r) => r.handle === 's1a' && r.status < 300).map((r) => `${r.method} ${r.path.replace(/\d+/g, 'N')}`));
  for (const r of ['GET /meetings/N', 'POST /oneonones/N/next', 'PUT /meetings/N/shared-notes', 'POST /meetings/N/hold',
    'POST /meetings/N/agenda', 'PATCH /agenda/N', 'POST /meetings/N/actions', 'GET /oneonones/N', 'GET /oneonones']) {
    assert.ok(routes.has(r), `s1a never used ${r}`);
  }
});

test('only the manager may PATCH the series; the report gets 403', async () => {
  isError(await as('s1a', 'PATCH', `/oneonones/${S.series}`, { duration_minutes: 45 }), 403, 'forbidden');
  isError(await as('s1a', 'PATCH', `/oneonones/${S.series}`, { active: false }), 403, 'forbidden');
  assert.equal(ok(await as('s1a', 'GET', `/oneonones/${S.series}`)).duration_minutes, 30);
  const res = ok(await as('m1', 'PATCH', `/oneonones/${S.series}`, { duration_minutes: 45, start_time: '10:15' }));
  assert.equal(res.duration_minutes, 45);
  assert.equal(res.start_time, '10:15');
  assert.equal(res.cadence, 'weekly');
  assert.ok(Array.isArray(res.meetings) && Array.isArray(res.upcoming));
  // bad values, and unknown fields
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { cadence: 'daily' }), 400, 'invalid', 'cadence');
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { start_time: '25:00' }), 400, 'invalid', 'start_time');
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { duration_minutes: 241 }), 400, 'invalid', 'duration_minutes');
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { first_date: '2026-02-30' }), 400, 'invalid', 'first_date');
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { colour: 'blue' }), 400, 'invalid');
  assert.equal(ok(await as('m1', 'GET', `/oneonones/${S.series}`)).duration_minutes, 45);
});

test('only its author may reword or delete a talking point; either side may cover it', async () => {
  const mt = S.m5;
  const mine = ok(await as('m1', 'POST', `/meetings/${mt}/agenda`, { text: "Maya's point" }), 201);
  const hers = ok(await as('s1a', 'POST', `/meetings/${mt}/agenda`, { text: "Ana's point" }), 201);
  isError(await as('s1a', 'PATCH', `/agenda/${mine.id}`, { text: 'hijacked' }), 403, 'forbidden');
  isError(await as('m1', 'PATCH', `/agenda/${hers.id}`, { text: 'hijacked' }), 403, 'forbidden');
  isError(await as('s1a', 'DELETE', `/agenda/${mine.id}`), 403, 'forbidden');
  isError(await as('m1', 'DELETE', `/agenda/${hers.id}`), 403, 'forbidden');
  let m = ok(await as('m1', 'GET', `/meetings/${mt}`));
  assert.equal(m.agenda.find((a) => a.id === mine.id).text, "Maya's point");
  assert.equal(m.agenda.find((a) => a.id === hers.id).text, "Ana's point");
  // the authors may
  ok(await as('m1', 'PATCH', `/agenda/${mine.id}`, { text: "Maya's point, reworded" }));
  ok(await as('s1a', 'PATCH', `/agenda/${hers.id}`, { text: "Ana's point, reworded" }));
  // covering is for either side
  ok(await as('m1', 'PATCH', `/agenda/${hers.id}`, { covered: true }));
  m = ok(await as('s1a', 'GET', `/meetings/${mt}`));
  assert.deepEqual(m.agenda.filter((a) => [mine.id, hers.id].includes(a.id)).map((a) => [a.text, a.covered]), [
    ["Maya's point, reworded", false], ["Ana's point, reworded", true],
  ]);
  let res = await as('s1a', 'DELETE', `/agenda/${hers.id}`);
  assert.equal(res.status, 204, res.text);
  res = await as('m1', 'DELETE', `/agenda/${mine.id}`);
  assert.equal(res.status, 204, res.text);
  m = ok(await as('m1', 'GET', `/meetings/${mt}`));
  assert.ok(!m.agenda.some((a) => [mine.id, hers.id].includes(a.id)));
  isError(await as('m1', 'PATCH', `/agenda/${mine.id}`, { covered: true }), 404, 'not_found');
  // strict bodies
  const p = ok(await as('m1', 'POST', `/meetings/${mt}/agenda`, { text: 'strict' }), 201);
  isError(await as('m1', 'PATCH', `/agenda/${p.id}`, { text: 'x', author_id: P.s1a.id }), 400, 'invalid');
  isError(await as('m1', 'PATCH', `/agenda/${p.id}`, { covered: 'yes' }), 400, 'invalid', 'covered');
  isError(await as('m1', 'POST', `/meetings/${mt}/agenda`, { text: 'x', covered: true }), 400, 'invalid');
  isError(await as('m1', 'POST', `/meetings/${mt}/agenda`, { text: '   ' }), 400, 'invalid', 'text');
  isError(await as('m1', 'POST', `/meetings/${mt}/agenda`, {}), 400, 'invalid', 'text');
  isError(await as('m1', 'POST', `/meetings/${mt}/agenda`, { text: 'x'.repeat(501) }), 400, 'invalid', 'text');
});

// A held meeting's agenda is its record (its points are what carried copies refer to):
// deleting one is 409 with the reason, not the database's foreign-key error.
test('its author may delete a point that was carried to the next meeting', async () => {
  isError(await as('s1a', 'DELETE', `/agenda/${S.points.p2}`), 409, 'conflict');
});

test('an action owner must be one of the two: 400 owner_id otherwise', async () => {
  const mt = S.m5;
  for (const other of ['s1b', 'vp', 'm2']) {
    isError(await as('m1', 'POST', `/meetings/${mt}/actions`, { text: 'Outside owner', owner_id: P[other].id }), 400, 'invalid', 'owner_id');
  }
  isError(await as('m1', 'POST', `/meetings/${mt}/actions`, { text: 'No owner' }), 400, 'invalid', 'owner_id');
  isError(await as('m1', 'POST', `/meetings/${mt}/actions`, { text: 'Bad due', owner_id: P.m1.id, due_date: '2026-02-30' }), 400, 'invalid', 'due_date');
  isError(await as('m1', 'POST', `/meetings/${mt}/actions`, { text: 'x', owner_id: P.m1.id, priority: 1 }), 400, 'invalid');
  const acts = ok(await as('m1', 'GET', `/meetings/${mt}`)).actions;
  assert.ok(!acts.some((a) => ['Outside owner', 'No owner', 'Bad due'].includes(a.text)));
  // either participant may own one
  for (const owner of ['m1', 's1a']) {
    const m = ok(await as('m1', 'POST', `/meetings/${mt}/actions`, { text: `Owned by ${owner}`, owner_id: P[owner].id, due_date: dayStr(3) }), 201);
    assert.equal(m.actions.find((a) => a.text === `Owned by ${owner}`).owner.id, P[owner].id);
  }
  // PATCH an action: strict, and text / due date change
  const a = ok(await as('s1a', 'GET', `/meetings/${mt}`)).actions.find((x) => x.text === 'Owned by s1a');
  isError(await as('s1a', 'PATCH', `/actions/${a.id}`, { done: true, owner_id: P.m1.id }), 400, 'invalid');
  isError(await as('s1a', 'PATCH', `/actions/${a.id}`, { due_date: 'soon' }), 400, 'invalid', 'due_date');
  ok(await as('s1a', 'PATCH', `/actions/${a.id}`, { text: 'Owned by s1a, reworded', due_date: null }));
  const after = ok(await as('m1', 'GET', `/meetings/${mt}`)).actions.find((x) => x.id === a.id);
  assert.equal(after.text, 'Owned by s1a, reworded');
  assert.equal(after.due_date, null);
  assert.equal(after.done, false);
});

test('starting a series: subtree only (400 report_id), skip-level allowed, duplicate 409', async () => {
  const body = (report, extra = {}) => ({ report_id: P[report].id, cadence: 'biweekly', first_date: dayStr(1), ...extra });
  // a manager with someone outside their subtree, a seller with their own manager, a peer
  isError(await as('m1', 'POST', '/oneonones', body('s2a')), 400, 'invalid', 'report_id');
  isError(await as('m2', 'POST', '/oneonones', body('s1a')), 400, 'invalid', 'report_id');
  isError(await as('m1', 'POST', '/oneonones', body('vp')), 400, 'invalid', 'report_id');
  isError(await as('m1', 'POST', '/oneonones', body('m1')), 400, 'invalid', 'report_id');
  isError(await as('s1a', 'POST', '/oneonones', body('m1')), 400, 'invalid', 'report_id');
  isError(await as('s1b', 'POST', '/oneonones', body('s1a')), 400, 'invalid', 'report_id');
  // the VP with s1a: skip-level, allowed
  const skip = ok(await as('vp', 'POST', '/oneonones', body('s1a', { start_time: '16:30', duration_minutes: 25 })), 201);
  assert.deepEqual(skip.manager, { id: P.vp.id, name: 'Vera Vance' });
  assert.deepEqual(skip.report, { id: P.s1a.id, name: 'Ana Lima' });
  assert.equal(skip.cadence, 'biweekly');
  assert.equal(skip.start_time, '16:30');
  assert.equal(skip.duration_minutes, 25);
  S.skip = skip.id;
  // ... and it is theirs: m1 (the manager in between) cannot read it
  isError(await as('m1', 'GET', `/oneonones/${skip.id}`), 404, 'not_found');
  ok(await as('s1a', 'GET', `/oneonones/${skip.id}`));
  // the same pair twice: 409, whatever the cadence
  isError(await as('m1', 'POST', '/oneonones', body('s1a', { cadence: 'monthly' })), 409, 'conflict');
  isError(await as('vp', 'POST', '/oneonones', body('s1a')), 409, 'conflict');
  // m1 with s1b is new: 201
  ok(await as('m1', 'POST', '/oneonones', body('s1b')), 201);
  // bad values name their field
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { cadence: 'daily' })), 400, 'invalid', 'cadence');
  isError(await as('m2', 'POST', '/oneonones', { report_id: P.s2a.id, first_date: TODAY }), 400, 'invalid', 'cadence');
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { first_date: '2026-02-29' })), 400, 'invalid', 'first_date');
  isError(await as('m2', 'POST', '/oneonones', { report_id: P.s2a.id, cadence: 'weekly' }), 400, 'invalid', 'first_date');
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { start_time: '9am' })), 400, 'invalid', 'start_time');
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { duration_minutes: 4 })), 400, 'invalid', 'duration_minutes');
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { duration_minutes: 30.5 })), 400, 'invalid', 'duration_minutes');
  isError(await as('m2', 'POST', '/oneonones', { cadence: 'weekly', first_date: TODAY }), 400, 'invalid', 'report_id');
  isError(await as('m2', 'POST', '/oneonones', body('s2a', { colour: 'blue' })), 400, 'invalid');
  isError(await as('m2', 'POST', '/oneonones', undefined, { raw: `{"report_id":${P.s2a.id},"report_id":${P.s2a.id},"cadence":"weekly","first_date":"${TODAY}"}` }), 400, 'invalid');
  // only an admin may name the manager
  isError(await as('m2', 'POST', '/oneonones', body('s2b', { manager_id: P.m2.id })), 403, 'forbidden');
  assert.ok(!ok(await as('m2', 'GET', '/oneonones')).series.some((s) => s.report.id === P.s2b.id));
});

// A duration is checked before it is narrowed to an int: 2^32 + 30 once passed as 30.
test('a duration that overflows an int is refused, not wrapped', async () => {
  isError(await as('m1', 'PATCH', `/oneonones/${S.series}`, { duration_minutes: 4294967326 }), 400, 'invalid', 'duration_minutes');
  const res = await as('m2', 'POST', '/oneonones', { report_id: P.s2b.id, cadence: 'weekly', first_date: TODAY, duration_minutes: 4294967326 });
  const created = res.status === 201 ? res.body : null;
  try {
    isError(res, 400, 'invalid', 'duration_minutes');
  } finally {
    // leave the pair free for the tests below, whatever happened
    if (created) S.wrapped = created.id;
  }
});

test('an admin may start a series for a pair, and then cannot read it', async () => {
  const pair = { report_id: P.s2a.id, cadence: 'weekly', first_date: dayStr(-60) };
  // the admin must name a manager above the report
  isError(await as('admin', 'POST', '/oneonones', { ...pair, manager_id: P.m1.id }), 400, 'invalid', 'report_id');
  isError(await as('admin', 'POST', '/oneonones', pair), 403, 'forbidden');
  const s = ok(await as('admin', 'POST', '/oneonones', { ...pair, manager_id: P.m2.id }), 201);
  assert.deepEqual(s.manager, { id: P.m2.id, name: 'Milo South' });
  S.overdueSeries = s.id;
  isError(await as('admin', 'GET', `/oneonones/${s.id}`), 404, 'not_found');
  ok(await as('m2', 'GET', `/oneonones/${s.id}`));
});

test('overdue: nothing held for 60 days is overdue at 30; without_series lists direct reports only', async () => {
  let list = ok(await as('m2', 'GET', '/oneonones?overdue_days=30'));
  let row = list.series.find((x) => x.id === S.overdueSeries);
  assert.equal(row.first_date, dayStr(-60));
  assert.equal(row.last_held, null);
  assert.equal(row.overdue, true);
  assert.equal(row.open_actions, 0);
  assert.equal(row.next_date, dayStr(3)); // 63 days after the first is the next weekly date
  // the default is 30 days too; 90 days is not overdue
  assert.equal(ok(await as('m2', 'GET', '/oneonones')).series.find((x) => x.id === S.overdueSeries).overdue, true);
  assert.equal(ok(await as('m2', 'GET', '/oneonones?overdue_days=90')).series.find((x) => x.id === S.overdueSeries).overdue, false);
  // the report sees the same series, overdue
  assert.equal(ok(await as('s2a', 'GET', '/oneonones?overdue_days=30')).series.find((x) => x.id === S.overdueSeries).overdue, true);
  // a series younger than the threshold is not overdue (m1 with s1b, first date tomorrow)
  const m1list = ok(await as('m1', 'GET', '/oneonones?overdue_days=30'));
  assert.equal(m1list.series.find((x) => x.report.id === P.s1b.id).overdue, false);
  // bad thresholds
  for (const q of ['0', '-1', 'abc', '3651', '']) {
    isError(await as('m2', 'GET', `/oneonones?overdue_days=${q}`), 400, 'invalid', 'overdue_days');
  }
  // without_series: m2's direct reports with no series (s2b, unless the wrapped duration made one)
  list = ok(await as('m2', 'GET', '/oneonones'));
  assert.deepEqual(list.without_series, S.wrapped ? [] : [{ id: P.s2b.id, name: 'Dan Evans' }]);
  // the VP: direct reports only (m1, m2), not the sellers below them
  let vp = ok(await as('vp', 'GET', '/oneonones'));
  assert.deepEqual(vp.without_series, [{ id: P.m2.id, name: 'Milo South' }, { id: P.m1.id, name: 'Maya North' }].sort((a, b) => (a.name < b.name ? -1 : 1)));
  ok(await as('vp', 'POST', '/oneonones', { report_id: P.m1.id, cadence: 'monthly', first_date: TODAY }), 201);
  vp = ok(await as('vp', 'GET', '/oneonones'));
  assert.deepEqual(vp.without_series, [{ id: P.m2.id, name: 'Milo South' }]);
  // someone who left is not listed
  const gone = ok(await call(base, 'POST', '/people', { session: org.admin, body: { name: 'Gus Gone', email: 'gus.gone@test.example', start_date: '2024-01-15', manager_id: P.m1.id, status: 'left' } }), 201);
  assert.ok(!ok(await as('m1', 'GET', '/oneonones')).without_series.some((p) => p.id === gone.id));
  // m1 has series with both reports: nobody without
  assert.deepEqual(ok(await as('m1', 'GET', '/oneonones')).without_series, []);
  // holding a meeting today ends the overdue
  const mt = ok(await as('m2', 'POST', `/oneonones/${S.overdueSeries}/next`));
  ok(await as('m2', 'POST', `/meetings/${mt.id}/hold`));
  row = ok(await as('m2', 'GET', '/oneonones?overdue_days=30')).series.find((x) => x.id === S.overdueSeries);
  assert.equal(row.overdue, false);
  assert.equal(row.last_held, mt.date);
});

// The VEVENTs of a feed, unfolded: [{uid, dtstart, duration, summary}].
function parseIcs(text) {
  assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'), text.slice(0, 40));
  assert.ok(text.endsWith('END:VCALENDAR\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'a bare LF');
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line over 75 octets: ${line}`);
  const lines = text.replace(/\r\n /g, '').split('\r\n');
  const events = [];
  let cur = null;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') cur = {};
    else if (l === 'END:VEVENT') {
      events.push(cur);
      cur = null;
    } else if (cur) {
      const i = l.indexOf(':');
      cur[l.slice(0, i).toLowerCase()] = l.slice(i + 1);
    }
  }
  return events;
}

const icsDate = (d) => d.replaceAll('-', '');

test('the .ics feed: only one\'s own, with a session or a Bearer token, one VEVENT per upcoming date', async () => {
  // s1a's feed: the weekly series with m1 (10:15 for 45 min since the PATCH) and the VP's
  // biweekly skip-level from tomorrow (16:30, 25 min)
  const res = await as('s1a', 'GET', `/people/${P.s1a.id}/oneonones.ics`);
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^text\/calendar/);
  const events = parseIcs(res.text);
  const weekly = events.filter((e) => e.uid.startsWith(`oneonone-${S.series}-`));
  const skip = events.filter((e) => e.uid.startsWith(`oneonone-${S.skip}-`));
  assert.equal(weekly.length + skip.length, events.length, 'events of other series');
  assert.equal(new Set(events.map((e) => e.uid)).size, events.length, 'a duplicated UID');
  // every upcoming date once, in order, from today, with no date skipped
  const check = (evs, first, step, time, dur) => {
    assert.ok(evs.length >= 3);
    evs.forEach((e, i) => {
      assert.equal(e.dtstart, `${icsDate(dayStr(first + i * step))}T${time.replace(':', '')}00`);
      assert.equal(e.duration, `PT${dur}M`);
    });
  };
  check(weekly, 0, 7, '10:15', 45);
  check(skip, 1, 14, '16:30', 25);
  assert.equal(weekly[0].summary, 'One-on-one: Maya North / Ana Lima');
  assert.equal(skip[0].summary, 'One-on-one: Vera Vance / Ana Lima');
  // the series' own idea of the upcoming dates is in the feed
  const upcoming = ok(await as('s1a', 'GET', `/oneonones/${S.skip}`)).upcoming;
  assert.deepEqual(skip.slice(0, 3).map((e) => e.dtstart.slice(0, 8)), upcoming.map(icsDate));

  // another person's feed is 404, for each of them, while their own answers
  isError(await as('m1', 'GET', `/people/${P.s1a.id}/oneonones.ics`), 404, 'not_found');
  isError(await as('vp', 'GET', `/people/${P.s1a.id}/oneonones.ics`), 404, 'not_found');
  isError(await as('admin', 'GET', `/people/${P.s1a.id}/oneonones.ics`), 404, 'not_found');
  isError(await as('s1a', 'GET', `/people/${P.m1.id}/oneonones.ics`), 404, 'not_found');
  isError(await as('s1a', 'GET', `/people/${P.s1b.id}/oneonones.ics`), 404, 'not_found');
  const m1feed = await as('m1', 'GET', `/people/${P.m1.id}/oneonones.ics`);
  assert.equal(m1feed.status, 200, m1feed.text);
  assert.ok(parseIcs(m1feed.text).some((e) => e.uid.startsWith(`oneonone-${S.series}-`)));
  assert.ok(!parseIcs(m1feed.text).some((e) => e.uid.startsWith(`oneonone-${S.skip}-`)));

  // with an API token: the same feed; another person's still 404
  const tok = ok(await as('s1a', 'POST', '/tokens', { name: 'calendar' }), 201);
  const bearer = { token: tok.secret };
  const viaToken = await as('s1a', 'GET', `/people/${P.s1a.id}/oneonones.ics`, undefined, { session: bearer });
  assert.equal(viaToken.status, 200, viaToken.text);
  assert.match(viaToken.headers.get('content-type'), /^text\/calendar/);
  assert.deepEqual(parseIcs(viaToken.text).map((e) => e.uid), events.map((e) => e.uid));
  isError(await as('s1a', 'GET', `/people/${P.m1.id}/oneonones.ics`, undefined, { session: bearer }), 404, 'not_found');
  // no login: 401
  isError(await call(base, 'GET', `/people/${P.s1a.id}/oneonones.ics`), 401, 'unauthorized');

  // a paused series leaves the feed
  ok(await as('vp', 'PATCH', `/oneonones/${S.skip}`, { active: false }));
  const paused = parseIcs((await as('s1a', 'GET', `/people/${P.s1a.id}/oneonones.ics`)).text);
  assert.ok(!paused.some((e) => e.uid.startsWith(`oneonone-${S.skip}-`)));
  assert.equal(paused.length, weekly.length);
});

test('strict JSON on the meeting routes: unknown fields and wrong types are 400', async () => {
  const mt = S.m5;
  isError(await as('m1', 'PUT', `/meetings/${mt}/shared-notes`, { text: 'x', author: 1 }), 400, 'invalid');
  isError(await as('m1', 'PUT', `/meetings/${mt}/private-note`, { text: 'x', visible_to: 's1a' }), 400, 'invalid');
  isError(await as('m1', 'PUT', `/meetings/${mt}/private-note`, { text: 5 }), 400, 'invalid', 'text');
  isError(await as('m1', 'PUT', `/meetings/${mt}/private-note`, {}), 400, 'invalid', 'text');
  isError(await as('m1', 'PUT', `/meetings/${mt}/shared-notes`, undefined, { raw: '{"text":"a","text":"b"}' }), 400, 'invalid');
  isError(await as('m1', 'PUT', `/meetings/${mt}/shared-notes`, undefined, { raw: '{"text":' }), 400, 'invalid');
  const m = ok(await as('m1', 'GET', `/meetings/${mt}`));
  assert.ok(!['x', 'a', 'b'].includes(m.shared_notes));
  // an empty private note is allowed (it clears it)
  ok(await as('m1', 'PUT', `/meetings/${mt}/private-note`, { text: '' }));
  assert.equal(ok(await as('m1', 'GET', `/meetings/${mt}`)).private_note, '');
  // things that do not exist
  isError(await as('m1', 'GET', '/meetings/99999999'), 404, 'not_found');
  isError(await as('m1', 'GET', '/oneonones/99999999'), 404, 'not_found');
  isError(await as('m1', 'PATCH', '/actions/99999999', { done: true }), 404, 'not_found');
  isError(await as('m1', 'PATCH', '/agenda/99999999', { covered: true }), 404, 'not_found');
});
