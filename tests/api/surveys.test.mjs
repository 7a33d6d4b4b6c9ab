// Pulse surveys: who may open and answer them, the threshold and who sees which group, and
// that no route, backup or restart links an answer to a person. Each refusal sits beside the
// success it differs from, so a removed check fails a test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ADMIN_EMAIL, ON_PG, PASSWORD, call, cleanup, expectStatus, isError, login, reins, reinsOk,
  secretFile, setup, startServer, tempDir,
} from './lib.mjs';

// The seed org plus two sellers under Maya and one under Milo, so with min_group 3:
// Maya's tree (Ana, Ben, Ivy, Jon), Milo's tree (Cara, Dan, Kim) and the company
// (Vera, Maya, Milo) are the cells.
const EXTRA = {
  s1c: { name: 'Ivy Stone', email: 'ivy.stone@test.example', manager: 'm1', team: 'North' },
  s1d: { name: 'Jon Park', email: 'jon.park@test.example', manager: 'm1', team: 'North' },
  s2c: { name: 'Kim Reyes', email: 'kim.reyes@test.example', manager: 'm2', team: 'South' },
};

let base, org, admin, P, server, dbUrl;
const S = {};
let Q; // question ids by driver
let defaults; // the survey settings of a new database
let survey; // the survey everyone answers
const today = new Date().toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.now() + n * 86400_000).toISOString().slice(0, 10);

before(async () => {
  ({ base, org, server, dbUrl } = await setup());
  admin = org.admin;
  P = { ...org.people };
  for (const [h, p] of Object.entries(EXTRA)) {
    const body = { name: p.name, email: p.email, start_date: '2024-01-15', manager_id: P[p.manager].id, team_id: org.teams[p.team].id };
    P[h] = expectStatus(await call(base, 'POST', '/people', { session: admin, body }), 201);
    reinsOk(['--db', dbUrl, 'user', 'add', '--email', p.email, '--role', 'seller', '--person-email', p.email, '--password', PASSWORD]);
  }
  for (const h of ['vp', 'm1', 'm2', 's1a', 's1b', 's2a', 's2b']) S[h] = await org.as(h);
  for (const [h, p] of Object.entries(EXTRA)) S[h] = await login(base, p.email, PASSWORD);
  S.admin = admin;
  const qs = expectStatus(await get(admin, '/survey-questions'), 200).questions;
  Q = Object.fromEntries(qs.map((q) => [q.driver, q.id]));
  defaults = expectStatus(await get(S.s1a, '/survey-settings'), 200);
  // min_group 3 for this small org; pulses off, so listing opens none of its own accord
  const ok = expectStatus(await patch(admin, '/survey-settings', { min_group: 3, pulses_on: false }), 200);
  assert.equal(ok.min_group, 3);
  assert.equal(ok.pulses_on, false);
});
after(cleanup);

const get = (who, p) => call(base, 'GET', p, { session: who });
const post = (who, p, body) => call(base, 'POST', p, { session: who, body });
const patch = (who, p, body) => call(base, 'PATCH', p, { session: who, body });

/** A full answer: both drivers `score`, eNPS 2*score, and a comment. */
const answers = (score, comment) => [
  { question_id: Q.belonging, score },
  { question_id: Q.direction, score },
  { question_id: Q.enps, score: 2 * score },
  ...(comment === undefined ? [] : [{ question_id: Q.comment, comment }]),
];
let responsesTotal = 0; // every answer recorded, in every survey
const answer = async (h, id, score, comment) => {
  const res = await post(S[h], `/surveys/${id}/responses`, { answers: answers(score, comment) });
  if (res.status === 201) responsesTotal++;
  return res;
};

/**
 * A survey of its own, answered as `plan` says ([handle, score, comment]) and
 * closed by the admin: results show only once a survey has closed.
 */
async function closedSurvey(title, plan) {
  const s = expectStatus(await post(admin, '/surveys', { kind: 'pulse', title, opens_on: today, closes_on: inDays(7), questions: [Q.belonging, Q.direction, Q.enps, Q.comment] }), 201);
  for (const [h, score, comment] of plan) {
    if (comment) given.set(`${h} in ${title}`, comment);
    expectStatus(await answer(h, s.id, score, comment), 201);
  }
  isError(await post(S.m1, `/surveys/${s.id}/close`), 403, 'forbidden');
  expectStatus(await post(admin, `/surveys/${s.id}/close`), 200);
  return s.id;
}
const results = async (who, id) => expectStatus(await get(who, `/surveys/${id}/results`), 200);
const group = (res, key) => res.groups.find((g) => g.key === key);
const keys = (res) => res.groups.map((g) => g.key);

/** Every comment each respondent gave, to look for in what routes return. */
const given = new Map(); // handle -> comment
const RESPONDENTS = ['s1a', 's1b', 's1c', 's2a', 's2b', 's2c'];

// ---------------------------------------------------------------------------
// Settings and the question bank

test('survey settings: admins only, min_group never below 3', async () => {
  assert.equal(defaults.min_group, 5);
  assert.equal(defaults.min_group_floor, 3);
  assert.equal(defaults.pulses_on, true);
  isError(await patch(S.m1, '/survey-settings', { min_group: 4 }), 403, 'forbidden');
  isError(await patch(S.s1a, '/survey-settings', { min_group: 4 }), 403, 'forbidden');
  isError(await patch(admin, '/survey-settings', { min_group: 2 }), 400, 'invalid', 'min_group');
  isError(await patch(admin, '/survey-settings', { min_group: 0 }), 400, 'invalid', 'min_group');
  isError(await patch(admin, '/survey-settings', { min_group: '4' }), 400, 'invalid', 'min_group');
  isError(await patch(admin, '/survey-settings', { quorum: 4 }), 400, 'invalid');
  assert.equal(expectStatus(await get(admin, '/survey-settings'), 200).min_group, 3);
  expectStatus(await patch(admin, '/survey-settings', { min_group: 4 }), 200);
  assert.equal(expectStatus(await get(S.m1, '/survey-settings'), 200).min_group, 4);
  expectStatus(await patch(admin, '/survey-settings', { min_group: 3 }), 200);
});

test('survey questions: anyone reads the bank, admins alone change it', async () => {
  const qs = expectStatus(await get(S.s1a, '/survey-questions'), 200).questions;
  assert.ok(qs.some((q) => q.kind === 'enps'));
  assert.ok(qs.some((q) => q.kind === 'text'));
  const body = { driver: 'focus', kind: 'likert', text: 'I can focus on the work that matters' };
  isError(await post(S.m1, '/survey-questions', body), 403, 'forbidden');
  isError(await post(S.s1a, '/survey-questions', body), 403, 'forbidden');
  isError(await post(admin, '/survey-questions', { ...body, kind: 'stars' }), 400, 'invalid', 'kind');
  isError(await post(admin, '/survey-questions', { driver: 'focus', kind: 'likert' }), 400, 'invalid', 'text');
  const { id } = expectStatus(await post(admin, '/survey-questions', body), 201);
  isError(await patch(S.m1, `/survey-questions/${id}`, { archived: true }), 403, 'forbidden');
  isError(await patch(admin, `/survey-questions/${id}`, { kind: 'enps' }), 400, 'invalid');
  expectStatus(await patch(admin, `/survey-questions/${id}`, { archived: true }), 200);
  const active = expectStatus(await get(admin, '/survey-questions'), 200).questions;
  assert.ok(!active.some((q) => q.id === id));
  const all = expectStatus(await get(admin, '/survey-questions?archived=1'), 200).questions;
  assert.ok(all.some((q) => q.id === id && q.archived === true));
});

// ---------------------------------------------------------------------------
// Opening a survey

test('POST /surveys: admins only; 400s name the field', async () => {
  const body = { kind: 'full', title: 'Spring check-in', opens_on: today, closes_on: inDays(7), questions: [Q.belonging, Q.direction, Q.enps, Q.comment] };
  isError(await post(S.m1, '/surveys', body), 403, 'forbidden');
  isError(await post(S.vp, '/surveys', body), 403, 'forbidden');
  isError(await post(S.s1a, '/surveys', body), 403, 'forbidden');
  isError(await post(admin, '/surveys', { ...body, kind: 'weekly' }), 400, 'invalid', 'kind');
  isError(await post(admin, '/surveys', { ...body, closes_on: inDays(-1) }), 400, 'invalid', 'closes_on');
  isError(await post(admin, '/surveys', { ...body, opens_on: '2026-13-01' }), 400, 'invalid', 'opens_on');
  isError(await post(admin, '/surveys', { ...body, questions: [] }), 400, 'invalid', 'questions');
  isError(await post(admin, '/surveys', { ...body, questions: [Q.comment] }), 400, 'invalid', 'questions');
  isError(await post(admin, '/surveys', { ...body, questions: [987654] }), 400, 'invalid', 'questions');
  isError(await post(admin, '/surveys', { ...body, questions: ['x'] }), 400, 'invalid', 'questions');
  isError(await post(admin, '/surveys', { ...body, anonymous: false }), 400, 'invalid');
  assert.equal(expectStatus(await get(admin, '/surveys'), 200).surveys.length, 0);
  survey = expectStatus(await post(admin, '/surveys', body), 201);
  assert.equal(survey.invited, 10);
  assert.equal(survey.min_group, 3);
  assert.deepEqual(survey.questions.map((q) => q.id), body.questions);
  const mine = expectStatus(await get(S.s1a, '/surveys'), 200).surveys;
  assert.equal(mine.length, 1);
  assert.equal(mine[0].open, true);
  assert.equal(mine[0].invited_you, true);
  assert.equal(mine[0].answered, false);
});

// ---------------------------------------------------------------------------
// Answering

test('POST /surveys/{id}/responses: 201, then 409; 400s name the field', async () => {
  const id = survey.id;
  const bad = async (body, field) => isError(await post(S.s2a, `/surveys/${id}/responses`, body), 400, 'invalid', field);
  await bad({ answers: answers(6) }, 'answers'); // likert above 5
  await bad({ answers: answers(0) }, 'answers'); // likert below 1
  await bad({ answers: [...answers(3).slice(0, 2), { question_id: Q.enps, score: 11 }] }, 'answers');
  await bad({ answers: answers(3).slice(1) }, 'answers'); // a scored question left out
  await bad({ answers: [...answers(3), { question_id: Q.growth, score: 3 }] }, 'answers'); // not in this survey
  await bad({ answers: [...answers(3), { question_id: 987654, score: 3 }] }, 'answers');
  await bad({ answers: [{ question_id: Q.belonging, score: 3, comment: 'both' }, ...answers(3).slice(1)] }, 'answers');
  await bad({ answers: [{ question_id: Q.belonging, score: '3' }, ...answers(3).slice(1)] }, 'answers');
  await bad({ answers: 'all fives' }, 'answers');
  isError(await post(S.s2a, `/surveys/${id}/responses`, { answers: answers(3), person_id: P.s2a.id }), 400, 'invalid');
  isError(await post(S.s2a, `/surveys/987654/responses`, { answers: answers(3) }), 404, 'not_found');
  // an account without a person cannot answer
  isError(await post(admin, `/surveys/${id}/responses`, { answers: answers(3) }), 403, 'forbidden');
  // nothing of that was recorded: the same person answers now
  given.set('s2a', 'milo team comment kilo');
  expectStatus(await answer('s2a', id, 2, given.get('s2a')), 201);
  isError(await answer('s2a', id, 5, 'a second go'), 409, 'conflict');
  const mine = expectStatus(await get(S.s2a, '/surveys'), 200).surveys.find((x) => x.id === id);
  assert.equal(mine.answered, true);
  assert.equal(mine.answered_count, 1);
  // a survey that opens tomorrow takes no answers yet
  const later = expectStatus(await post(admin, '/surveys', { kind: 'pulse', title: 'Tomorrow', opens_on: inDays(1), closes_on: inDays(3), questions: [Q.belonging, Q.direction, Q.enps] }), 201);
  assert.equal(expectStatus(await get(S.s2a, `/surveys/${later.id}`), 200).open, false);
  isError(await answer('s2a', later.id, 3), 400, 'invalid');
});

test('someone who joined after the survey opened is not invited (403)', async () => {
  const email = 'late.joiner@test.example';
  const late = expectStatus(await call(base, 'POST', '/people', { session: admin, body: { name: 'Lee Late', email, start_date: today, manager_id: P.m2.id, team_id: org.teams.South.id } }), 201);
  reinsOk(['--db', dbUrl, 'user', 'add', '--email', email, '--role', 'seller', '--person-email', email, '--password', PASSWORD]);
  const s = await login(base, email, PASSWORD);
  isError(await call(base, 'POST', `/surveys/${survey.id}/responses`, { session: s, body: { answers: answers(3) } }), 403, 'forbidden');
  const listed = expectStatus(await call(base, 'GET', '/surveys', { session: s }), 200).surveys;
  assert.equal(listed.find((x) => x.id === survey.id).invited_you, false);
  // they are not counted among the invited either
  assert.equal(expectStatus(await get(admin, `/surveys/${survey.id}`), 200).invited, 10);
  // deactivate them again so the org stays as described above
  expectStatus(await patch(admin, `/people/${late.id}`, { status: 'left' }), 200);
});

// ---------------------------------------------------------------------------
// Results

test('results: nothing shows while the survey is open, however many answered', async () => {
  const id = survey.id;
  given.set('s2b', 'milo team comment lima');
  expectStatus(await answer('s2b', id, 2, given.get('s2b')), 201);
  given.set('s2c', 'milo team comment alpha');
  expectStatus(await answer('s2c', id, 5, given.get('s2c')), 201);
  // three answered in Milo's tree, enough for the threshold: still withheld, for
  // everyone, the admin too, so no one can compare the results before and after one answer
  const r = await results(admin, id);
  assert.equal(r.survey.closed, false);
  assert.equal(r.participation.answered, 3);
  for (const g of r.groups) {
    assert.equal(g.shown, false, g.key);
    assert.equal(g.drivers, undefined, g.key);
    assert.equal(g.comments, undefined, g.key);
    assert.match(g.reason, /closes/);
  }
  assert.ok(!JSON.stringify(r).includes('milo team comment'));
  const trend = expectStatus(await get(S.m2, `/surveys/trend?group=tree:${P.m2.id}`), 200);
  assert.deepEqual(trend.points.map((p) => [p.shown, p.drivers]), [[false, undefined]]);
});

test('results: withheld below the threshold (scores and comments), shown at it', async () => {
  // two answered in Milo's tree
  const two = await closedSurvey('Two in the south', [['s2a', 2, 'south two kilo'], ['s2b', 2, 'south two lima']]);
  let r = await results(admin, two);
  assert.equal(r.survey.closed, true);
  for (const key of ['company', `tree:${P.m2.id}`, `team:${org.teams.South.id}`]) {
    const g = group(r, key);
    assert.ok(g, key);
    assert.equal(g.shown, false, key);
    assert.equal(g.answered, 2, key);
    assert.equal(g.drivers, undefined, key);
    assert.equal(g.comments, undefined, key);
    assert.equal(g.respondents, undefined, key);
  }
  assert.ok(!JSON.stringify(r).includes('south two'));
  // a closed survey takes no more answers
  isError(await answer('s2c', two, 3), 400, 'invalid');
  // the third: shown, with its comments, alphabetical
  const three = await closedSurvey('Three in the south', [['s2a', 2, 'south three kilo'], ['s2b', 2, 'south three lima'], ['s2c', 5, 'south three alpha']]);
  r = await results(admin, three);
  const milo = group(r, `tree:${P.m2.id}`);
  assert.equal(milo.shown, true);
  assert.equal(milo.respondents, 3);
  assert.deepEqual(milo.comments, ['south three alpha', 'south three kilo', 'south three lima']);
  const belonging = milo.drivers.find((d) => d.driver === 'belonging');
  assert.equal(belonging.mean_x100, 300); // (2 + 2 + 5) / 3
  assert.equal(belonging.favourable_pct, 33);
  // Maya's tree: nobody, withheld
  assert.equal(group(r, `tree:${P.m1.id}`).shown, false);
});

test('results: a seller sees the company only; a manager their tree, not a peer\'s', async () => {
  for (const h of ['s1a', 's1b', 's1c']) {
    given.set(h, `maya team comment ${h}`);
    expectStatus(await answer(h, survey.id, 4, given.get(h)), 201);
  }
  const id = await closedSurvey('Everyone below', [
    ['s1a', 4, 'maya team says a'], ['s1b', 4, 'maya team says b'], ['s1c', 4, 'maya team says c'],
    ['s2a', 2, 'milo team says a'], ['s2b', 2, 'milo team says b'], ['s2c', 5, 'milo team says c'],
  ]);
  const admins = await results(admin, id);
  const m1Tree = `tree:${P.m1.id}`, m2Tree = `tree:${P.m2.id}`;
  assert.equal(group(admins, m1Tree).shown, true);
  assert.equal(group(admins, m2Tree).shown, true);
  assert.equal(group(admins, 'company').respondents, 6);
  // every shown group has at least min_group respondents
  for (const g of admins.groups) if (g.shown) assert.ok(g.respondents >= 3, g.key);

  const seller = await results(S.s1a, id);
  assert.deepEqual(keys(seller), ['company']);
  const m1 = await results(S.m1, id);
  assert.ok(keys(m1).includes(m1Tree));
  assert.ok(!keys(m1).includes(m2Tree));
  assert.ok(!keys(m1).some((k) => k.startsWith(`${m2Tree}/`) || k === `team:${org.teams.South.id}`));
  // Milo's team's comments reach Maya only among the whole company's
  for (const g of m1.groups) if (g.key !== 'company') assert.ok(!JSON.stringify(g).includes('milo team says'), g.key);
  const m2 = await results(S.m2, id);
  assert.ok(keys(m2).includes(m2Tree));
  assert.ok(!keys(m2).includes(m1Tree));
  for (const g of m2.groups) if (g.key !== 'company') assert.ok(!JSON.stringify(g).includes('maya team says'), g.key);
  // the VP sees both trees below her
  const vp = await results(S.vp, id);
  assert.ok(keys(vp).includes(m1Tree) && keys(vp).includes(m2Tree));
  // trends: a peer's tree is a 404, one's own a 200 with this survey shown last
  isError(await get(S.m1, `/surveys/trend?group=${m2Tree}`), 404, 'not_found');
  isError(await get(S.s1a, `/surveys/trend?group=${m1Tree}`), 404, 'not_found');
  const own = expectStatus(await get(S.m1, `/surveys/trend?group=${m1Tree}`), 200);
  const point = own.points.find((p) => p.survey.id === id);
  assert.equal(point.shown, true);
  assert.equal(point.comments, undefined);
  isError(await get(S.m1, '/surveys/trend'), 400, 'invalid', 'group');
});

test('results: no differencing (the company beside the VP\'s tree would reveal one manager)', async () => {
  const vpTree = `tree:${P.vp.id}`;
  const sellers = (tag) => ['s1a', 's1b', 's1c', 's2a', 's2b', 's2c'].map((h, i) => [h, 3 + (i % 2), `${tag} ${h}`]);
  let r = await results(admin, await closedSurvey('Sellers only', sellers('sellers only')));
  assert.equal(group(r, 'company').respondents, 6);
  assert.equal(group(r, vpTree).shown, true); // the same six people
  // Maya (in the company's own cell, with Vera and Milo) answers too: the company has 7, Vera's
  // tree still 6; showing both would give away Maya's answers
  given.set('m1', 'a manager speaking up');
  expectStatus(await answer('m1', survey.id, 1, given.get('m1')), 201);
  const id = await closedSurvey('With a manager', [...sellers('with a manager'), ['m1', 1, 'a manager speaks up again']]);
  r = await results(admin, id);
  assert.equal(group(r, 'company').shown, true);
  assert.equal(group(r, 'company').respondents, 7);
  assert.equal(group(r, vpTree).shown, false);
  assert.equal(group(r, vpTree).drivers, undefined);
  assert.equal(group(r, vpTree).comments, undefined);
  const vp = await results(S.vp, id);
  assert.equal(group(vp, vpTree).shown, false);
  for (const g of vp.groups) if (g.shown) assert.ok(g.respondents >= 3, g.key);
});

// ---------------------------------------------------------------------------
// No route links an answer to a person

/** Every string and every key in a JSON value, flattened. */
function flatten(v, out = { strings: [], keys: [] }) {
  if (typeof v === 'string') out.strings.push(v);
  else if (Array.isArray(v)) v.forEach((x) => flatten(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.keys.push(k);
      flatten(x, out);
    }
  }
  return out;
}

test('no survey route returns per-person answers, for anyone', async () => {
  const id = survey.id;
  expectStatus(await post(admin, `/surveys/${id}/close`), 200);
  const routes = [
    '/surveys', `/surveys/${id}`, `/surveys/${id}/results`, '/surveys/summary',
    '/surveys/trend?group=company', `/surveys/trend?group=tree:${P.m1.id}`, `/surveys/trend?group=tree:${P.m2.id}`,
    `/surveys/trend?group=tree:${P.vp.id}`, '/survey-questions?archived=1', '/survey-settings',
  ];
  const ids = new Set(RESPONDENTS.map((h) => P[h].id));
  const names = RESPONDENTS.flatMap((h) => [P[h].name, P[h].email, P[h].email.split('@')[0]]);
  let looked = 0;
  for (const who of ['admin', 'vp', 'm1', 'm2', 's1a', 's2a']) {
    for (const route of routes) {
      const res = await get(S[who], route);
      if (res.status === 404 && route.includes('trend')) continue; // a group they may not see
      expectStatus(res, 200);
      looked++;
      const { strings, keys: ks } = flatten(res.body);
      // no field that names a person or a user at all
      for (const k of ks) assert.ok(!/person|email|user|respondent_id|author|who/i.test(k), `${route} as ${who}: key ${k}`);
      // no respondent's name or email anywhere
      for (const n of names) assert.ok(!strings.some((s) => s.includes(n)), `${route} as ${who}: ${n}`);
      // answers appear only as a group's comments, never beside a person id
      const walk = (v) => {
        if (!v || typeof v !== 'object') return;
        if (!Array.isArray(v)) {
          const hasAnswer = Object.values(v).some((x) => typeof x === 'string' && [...given.values()].includes(x));
          assert.ok(!hasAnswer, `${route} as ${who}: an answer as a field of an object`);
          if ('id' in v && ids.has(v.id) && ('comments' in v || 'drivers' in v || 'score' in v)) {
            assert.fail(`${route} as ${who}: results under a respondent's id`);
          }
        }
        Object.values(v).forEach(walk);
      };
      walk(res.body);
    }
  }
  assert.ok(looked >= 40);
  // the comments do reach those who may see them, so the walk above had something to find
  const company = group(await results(admin, id), 'company');
  assert.equal(company.comments.length, 7);
});

// ---------------------------------------------------------------------------
// Backups and restarts

/** The backup as SQL text: `sqlite3 .dump` or `pg_restore -f -`. */
function backupSql(file) {
  const r = ON_PG
    ? spawnSync('pg_restore', ['--no-owner', '-f', '-', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync('sqlite3', [file, '.dump'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`cannot read the backup (${ON_PG ? 'pg_restore' : 'sqlite3'}): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** The columns of `table` in a SQL dump, and the dump's lines of its rows. */
function tableInDump(sql, table) {
  const create = new RegExp(`CREATE TABLE (?:"?public"?\\.)?"?${table}"?\\s*\\(([\\s\\S]*?)\\n?\\)(?: WITHOUT ROWID)?;`).exec(sql);
  assert.ok(create, `no CREATE TABLE ${table} in the backup`);
  const columns = create[1]
    .split('\n')
    .flatMap((l) => l.split(/,(?![^(]*\))/))
    .map((l) => l.trim())
    .filter((l) => l && !/^(PRIMARY|CHECK|CONSTRAINT|FOREIGN|UNIQUE)/i.test(l))
    .map((l) => l.split(/\s+/)[0].replaceAll('"', ''));
  const lines = sql.split('\n');
  const rows = [];
  if (ON_PG) {
    const start = lines.findIndex((l) => new RegExp(`^COPY (?:public\\.)?${table} `).test(l));
    for (let i = start + 1; start >= 0 && lines[i] !== '\\.'; i++) rows.push(lines[i]);
  } else {
    for (const l of lines) if (l.startsWith(`INSERT INTO ${table} `) || l.startsWith(`INSERT INTO "${table}" `)) rows.push(l);
  }
  return { columns, rows };
}

test('reins backup: the copy links no answer to a person and holds no secret', async () => {
  const dir = tempDir();
  const file = path.join(dir, ON_PG ? 'backup.dump' : 'backup.db');
  reinsOk(['--db', dbUrl, 'backup', file]);
  const sql = backupSql(file);
  const responses = tableInDump(sql, 'survey_responses');
  assert.deepEqual(responses.columns, ['id', 'survey_id', 'cell', 'answers']);
  assert.equal(responses.rows.length, responsesTotal);
  const participation = tableInDump(sql, 'survey_participation');
  assert.deepEqual(participation.columns, ['survey_id', 'person_key']);
  assert.equal(participation.rows.length, responsesTotal);
  // answers are sealed: no comment is anywhere in the copy, and every
  // response holds a sealed answer of its survey's one size
  const lines = sql.split('\n');
  for (const [h, comment] of given) {
    assert.equal(lines.filter((l) => l.includes(comment)).length, 0, `${h}'s comment is in the copy`);
  }
  const sizes = new Map();
  for (const row of responses.rows) {
    const sealed = row.match(/x1:[A-Za-z0-9+/=]+/);
    assert.ok(sealed, `a response without a sealed answer: ${row.slice(0, 80)}`);
    const survey = row.match(ON_PG ? /^[0-9a-f]{32}\t(\d+)\t/ : /'[0-9a-f]{32}',\s*(\d+),/)[1];
    if (!sizes.has(survey)) sizes.set(survey, sealed[0].length);
    assert.equal(sealed[0].length, sizes.get(survey), `survey ${survey}: sealed answers of two sizes`);
  }
  // the response and participation rows name no one
  for (const row of [...responses.rows, ...participation.rows]) {
    for (const h of RESPONDENTS) {
      assert.ok(!row.includes(P[h].email) && !row.includes(P[h].name), `${h} named in ${row}`);
    }
  }
  for (const row of participation.rows) assert.match(row, /[0-9a-f]{64}/);
  // the secret is not in the copy, and no secret file came with it
  const secretPath = secretFile(dbUrl);
  const secret = readFileSync(secretPath, 'utf8').trim();
  assert.match(secret, /^[0-9a-f]{64}$/);
  assert.ok(!sql.includes(secret));
  assert.ok(!readFileSync(file).includes(Buffer.from(secret)));
  assert.ok(!readFileSync(file).includes(Buffer.from(secret, 'hex')));
  assert.deepEqual(readdirSync(dir), [path.basename(file)]);
  assert.ok(!existsSync(`${file}.secret`));
});

test('after a restart with the same secret file, answers are still counted once', async () => {
  const open = expectStatus(await post(admin, '/surveys', { kind: 'pulse', title: 'Across a restart', opens_on: today, closes_on: inDays(7), questions: [Q.belonging, Q.direction, Q.enps, Q.comment] }), 201);
  expectStatus(await answer('s1a', open.id, 4), 201);
  await server.stop();
  const again = await startServer(dbUrl);
  base = again.url;
  const s1a = await login(base, ORG_EMAIL('s1a'), PASSWORD);
  const listed = expectStatus(await call(base, 'GET', '/surveys', { session: s1a }), 200).surveys;
  assert.equal(listed.find((x) => x.id === open.id).answered, true);
  assert.equal(listed.find((x) => x.id === survey.id).answered, true);
  isError(await call(base, 'POST', `/surveys/${open.id}/responses`, { session: s1a, body: { answers: answers(1) } }), 409, 'conflict');
  // one who has not answered yet still can
  const s1d = await login(base, EXTRA.s1d.email, PASSWORD);
  expectStatus(await call(base, 'POST', `/surveys/${open.id}/responses`, { session: s1d, body: { answers: answers(3) } }), 201);
  const adminAgain = await login(base, ADMIN_EMAIL, PASSWORD);
  const r = expectStatus(await call(base, 'GET', `/surveys/${open.id}/results`, { session: adminAgain }), 200);
  assert.equal(r.participation.answered, 2);
  await again.stop();

  // Another secret file: with it no answer could be opened and people could
  // answer twice, so the server refuses to start on it and names the file.
  const other = path.join(tempDir(), 'other.secret');
  await assert.rejects(startServer(dbUrl, { env: { REINS_SECRET_FILE: other } }), /other\.secret is not the one/);
  const refused = reins(['--db', dbUrl, 'serve', '--listen', '127.0.0.1:0', '--secret-file', other], { timeout: 15_000 });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /other\.secret is not the one this database's survey answers were sealed with/);
  assert.ok(existsSync(other));
  assert.notEqual(readFileSync(other, 'utf8').trim(), readFileSync(secretFile(dbUrl), 'utf8').trim());
  // the right one still works
  const back = await startServer(dbUrl);
  await back.stop();
});

// A server refuses to start on a secret file that is not one.
test('a broken secret file stops the server from starting', async () => {
  const bad = path.join(tempDir(), 'bad.secret');
  spawnSync('sh', ['-c', `printf 'not a secret' > '${bad}'`]);
  await assert.rejects(startServer(dbUrl, { env: { REINS_SECRET_FILE: bad } }), /secret/);
  const r = reins(['--db', dbUrl, 'serve', '--listen', '127.0.0.1:0', '--secret-file', bad], { timeout: 15_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /secret/);
});

function ORG_EMAIL(h) {
  return P[h].email;
}
