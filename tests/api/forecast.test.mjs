// reins forecast and reins forecast backtest: the command line on CSV files (no database).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { cleanup, reins, reinsOk, tempDir } from './lib.mjs';

after(cleanup);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// The hand-made history of tests/unit/forecast/test_forecast.c: Q1 2026 to
// learn from, two Propose deals of 50.00 in Q2 (ana's won, ben's lost).
function deal(id, owner, stage, status, amount = 1000, at = '2026-01-01', closeAt = '2026-02-01') {
  return [
    `${id},${owner},${at},stage,${stage}`,
    `${id},${owner},${at},amount_minor,${amount}`,
    `${id},${owner},${at},close_date,2026-03-15`,
    `${id},${owner},${closeAt},status,${status}`,
  ];
}
const HISTORY = [
  'deal_id,owner,at,field,value',
  ...deal('p1', 'ana', 'Propose', 'won'), ...deal('p2', 'ana', 'Propose', 'won'),
  ...deal('p3', 'ana', 'Propose', 'won'), ...deal('p4', 'ana', 'Propose', 'lost'),
  ...deal('n1', 'ana', 'Negotiate', 'won'),
  ...['q1', 'q2', 'q3', 'q4', 'q5'].flatMap((q) => deal(q, 'ana', 'Qualify', 'lost')),
  'x1,ana,2026-01-10,amount_minor,100', 'x1,ana,2026-02-10,status,won',
  'x2,ana,2026-01-10,amount_minor,200', 'x2,ana,2026-02-10,status,won',
  'x3,ana,2026-01-10,amount_minor,300', 'x3,ana,2026-02-10,status,won',
  'b1,ben,2026-02-01,created,', 'b1,ben,2026-02-15,status,lost',
  'a2,ana,2026-03-20,stage,Propose', 'a2,ana,2026-03-20,amount_minor,5000',
  'a2,ana,2026-03-20,close_date,2026-05-01', 'a2,ana,2026-05-01,status,won',
  'b2,ben,2026-03-20,stage,Propose', 'b2,ben,2026-03-20,amount_minor,5000',
  'b2,ben,2026-03-20,close_date,2026-05-01', 'b2,ben,2026-05-10,status,lost',
  'z1,ana,2026-06-30,created,',
  '',
].join('\n');

function files(extra = {}) {
  const dir = tempDir();
  const out = {};
  for (const [name, text] of Object.entries({ 'history.csv': HISTORY, ...extra })) {
    out[name] = path.join(dir, name);
    writeFileSync(out[name], text);
  }
  return out;
}

/** The row of `label` in a forecast table, as its whitespace-separated cells. */
function row(stdout, label) {
  const line = stdout.split('\n').find((l) => l.trim().split(/\s+/)[0] === label);
  assert.ok(line, `no row ${label} in:\n${stdout}`);
  return line.trim().split(/\s+/);
}

test('forecast prints the range, the weighted pipeline and quotas, the same for a seed', () => {
  const f = files({
    'people.csv': 'id,manager_id\nlea,\nana,lea\nben,lea\n',
    'quotas.csv': 'person_id,period,amount_minor\nana,2026-Q2,4000\nben,2026-Q2,4000\n',
  });
  const args = ['forecast', '--as-of', '2026-04-01', '--period', '2026-Q2', '--history', f['history.csv'],
    '--people', f['people.csv'], '--quotas', f['quotas.csv'], '--seed', '7', '--trials', '5000'];
  const out = reinsOk(args);
  assert.match(out, /forecast 2026-Q2 as of 2026-04-01: 2 open deals, 5000 trials, seed 7/);
  // weighted: 2 x 50.00 x (3 + 10 x 5/12) / 14 = 2 x 25.60
  const total = row(out, 'total');
  assert.equal(total[2], '51.20');
  // lea's quota is her team's: 80.00
  assert.equal(row(out, 'lea')[7], '80.00');
  const [p10, p50, p90] = total.slice(4, 7).map(Number);
  assert.ok(p10 <= p50 && p50 <= p90, out);
  assert.ok(row(out, 'ana') && row(out, 'ben'));
  assert.equal(reinsOk(args), out, 'the same seed gives the same forecast');
  const threads1 = reinsOk([...args, '--threads', '1']);
  assert.equal(threads1, out, 'the thread count does not change it');
});

test('--deals lists each open deal with its probability and reasons', () => {
  const f = files();
  const out = reinsOk(['forecast', '--as-of', '2026-04-01', '--period', '2026-Q2',
    '--history', f['history.csv'], '--deals']);
  assert.match(out, /Propose\s+51\.2%\s+\(won 3 of 4\)/);
  assert.match(out, /^a2\s+ana\s+Propose\s+50\.00 2026-05-01\s+\d+\.\d%\s+stage rate 51\.2%/m);
  assert.match(out, /^b2\s+ben\s+Propose/m);
});

test('bad rows name the file, the line and the field; nothing is forecast', () => {
  const f = files({
    'bad.csv': 'deal_id,owner,at,field,value\nd1,ana,2026-01-01,created,\nd1,ana,2026-02-30,stage,Q\n',
    'badpeople.csv': 'id,manager_id\nana,ben\nben,ana\n',
  });
  let r = reins(['forecast', '--as-of', '2026-04-01', '--period', '2026-Q2', '--history', f['bad.csv']]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.csv line 3: field at: '2026-02-30' is not a date/);
  assert.equal(r.stdout, '');
  r = reins(['forecast', '--as-of', '2026-04-01', '--period', '2026-Q2', '--history', f['history.csv'],
    '--people', f['badpeople.csv']]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /badpeople\.csv: field manager_id: .* form a cycle/);
  r = reins(['forecast', '--as-of', '2026-04-01', '--history', f['history.csv']]);
  assert.equal(r.status, 2);
  r = reins(['forecast', '--as-of', '2026-04-01', '--period', '2026-Q7', '--history', f['history.csv']]);
  assert.equal(r.status, 2);
  r = reins(['forecast', '--as-of', '2026-02-01', '--period', '2026-Q1', '--history', f['history.csv']]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no complete quarter of history before 2026-02-01/);
});

test('backtest scores the weighted pipeline and the calls by hand', () => {
  const f = files({
    'calls.csv': 'forecaster,period,at,amount_minor\nana,2026-Q2,2026-04-22,6000\nben,2026-Q2,2026-04-22,500\n',
  });
  const out = reinsOk(['forecast', 'backtest', '--history', f['history.csv'], '--calls', f['calls.csv']]);
  assert.match(out, /backtest: 1 quarters, 3 as-of points/);
  // weighted 51.20, 59.52, 50.00 against 50.00 booked: 7.15%
  assert.match(out, /^weighted pipeline, total\s+3\s+7\.2%\s+\+7\.2%\s+-$/m);
  assert.match(out, /^calls: ana\s+1\s+20\.0%\s+\+20\.0%/m);
  assert.match(out, /^calls: ben\s+1\s+-\s+-/m);
  assert.match(out, /^model P50, total\s+3\s+\S+\s+\S+\s+\d+\.\d%$/m);
  assert.match(out, /^model mean, total\s+3\s+\S+\s+\S+\s+-$/m);
});

test('backtest on a generated history shows who sandbags and who is optimistic', () => {
  const dir = tempDir();
  const people = path.join(dir, 'people.csv');
  const calls = path.join(dir, 'calls.csv');
  const history = path.join(dir, 'history.csv');
  const gen = spawnSync('awk', ['-v', 'seed=3', '-v', 'sellers=6', '-v', 'per_manager=3',
    '-v', 'start=2025-01-01', '-v', 'end=2026-07-01', '-v', 'rate=2',
    '-v', `people=${people}`, '-v', `calls=${calls}`,
    '-f', path.join(ROOT, 'bench', 'forecast', 'gen.awk')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(gen.status, 0, gen.stderr);
  writeFileSync(history, gen.stdout);
  const out = reinsOk(['forecast', 'backtest', '--history', history, '--people', people, '--calls', calls]);
  const bias = (name) => {
    const m = out.match(new RegExp(`^calls: ${name}\\s+\\d+\\s+\\S+\\s+([+-]\\d+\\.\\d)%`, 'm'));
    assert.ok(m, `no calls row for ${name}:\n${out}`);
    return Number(m[1]);
  };
  // the generator makes s001 and s004 sandbag (-20%), s002 and s005 optimistic (+25%)
  assert.ok(bias('s001') < -10 && bias('s004') < -10, out);
  assert.ok(bias('s002') > 10 && bias('s005') > 10, out);
  assert.match(out, /^model P50, per seller\s+\d+/m);
});
