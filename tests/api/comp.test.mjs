// reins comp calc: a plan run on CSV files, no database, no server.
// Runs the worked example of docs/comp-plans.md (docs/comp-examples/).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { cleanup, csvRecords, reins, reinsOk, tempDir } from './lib.mjs';

after(cleanup);

const EX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'comp-examples');
const ex = (name) => path.join(EX, name);

function calc(period, extra = {}) {
  const dir = tempDir();
  const out = path.join(dir, 'lines.csv');
  const totals = path.join(dir, 'totals.csv');
  const db = path.join(dir, 'never.db');
  const args = ['comp', 'calc', '--plan', extra.plan ?? ex('plan-mixed.json'),
    '--credits', extra.credits ?? ex('credits.csv'), '--quotas', ex('quotas.csv'),
    '--people', ex('people.csv'), '--period', period, '--out', out, '--totals', totals];
  const r = reins(args, { env: { REINS_DB: db } });
  return { ...r, out, totals, db, dir };
}

function totalsOf(file) {
  const t = {};
  for (const r of csvRecords(readFileSync(file, 'utf8'))) t[`${r.person} ${r.period}`] = r;
  return t;
}

test('the mixed plan on the example files: payouts computed by hand', () => {
  const r = calc('2026-Q1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 payees/);
  // the command never opens (or creates) a database
  assert.equal(existsSync(r.db), false);
  const t = totalsOf(r.totals);
  // ana, quota 100,000.00. Jan: D-1 30,000 at 5% = 1,500.00 + SPIF 500.00 = 2,000.00,
  // not below the 2,000.00 draw.
  assert.equal(t['ana 2026-01'].payout, '200000');
  assert.equal(t['ana 2026-01'].draw, '0');
  // Feb: D-2 40,000 crosses 50%: 20,000 at 10% + 20,000 at 10% = 4,000.00, and D-1 re-rated
  // to 10%: 3,000.00 - 1,500.00 paid = 1,500.00. 5,500.00.
  assert.equal(t['ana 2026-02'].payout, '550000');
  assert.equal(t['ana 2026-02'].earned_to_date, '750000');
  assert.equal(t['ana 2026-02'].paid_to_date, '200000');
  // Mar: D-3 60% of 20,000 = 12,000 at 10% = 1,200.00; D-4 25,000: 18,000 at 10% = 1,800.00
  // and 7,000 above 100% at 15% = 1,050.00; the 100% bonus 2,500.00; SPIF 500.00. 7,050.00.
  assert.equal(t['ana 2026-03'].payout, '705000');
  assert.equal(t['ana 2026-03'].attainment_bp, '10700');
  // ben, quota 80,000.00: nothing in Jan and Feb, the recoverable draw advances 2,000.00 each;
  // Mar: 40% of D-3 = 8,000 at 5% = 400.00, topped up to 2,000.00: owed 5,600.00.
  assert.equal(t['ben 2026-01'].payout, '200000');
  assert.equal(t['ben 2026-03'].earned, '40000');
  assert.equal(t['ben 2026-03'].draw, '160000');
  assert.equal(t['ben 2026-03'].draw_balance, '560000');
  const lines = csvRecords(readFileSync(r.out, 'utf8'));
  assert.ok(lines.length > 10);
  for (const l of lines) assert.ok(l.explanation.length > 20, `line ${l.line} has no explanation`);
  const rerate = lines.find((l) => l.rule === 'rerate');
  assert.equal(rerate.credit, '1');
  assert.equal(rerate.prev_rate_ppm, '50000');
  assert.equal(rerate.rate_ppm, '100000');
  assert.match(rerate.explanation, /re-rated from 5% to 10%/);
  // every person's lines add up to their payouts
  const sums = {};
  for (const l of lines) sums[l.person] = (sums[l.person] ?? 0) + Number(l.amount);
  assert.equal(sums.ana, 200000 + 550000 + 705000);
  assert.equal(sums.ben, 600000);
});

test('a cancellation in April claws back March lines, each linked to its original', () => {
  const q1 = csvRecords(readFileSync(calc('2026-Q1').out, 'utf8'));
  const r = calc('2026-04');
  assert.equal(r.status, 0, r.stderr);
  const lines = csvRecords(readFileSync(r.out, 'utf8'));
  const claws = lines.filter((l) => l.rule === 'clawback');
  assert.equal(claws.length, 3); // D-4's two tier parts and its SPIF; the Q1 bonus stays
  for (const c of claws) {
    const orig = q1.find((l) => l.line === c.ref_line);
    assert.ok(orig, `line ${c.ref_line} is a Q1 line`);
    assert.equal(orig.deal, 'D-4');
    assert.equal(Number(c.amount), -Number(orig.amount));
    assert.match(c.explanation, /cancelled on 2026-04-15, 21 days after closing/);
  }
  assert.equal(totalsOf(r.totals)['ana 2026-04'].payout, String(-(180000 + 105000 + 50000)));
});

test('a plan that makes no sense is refused, naming the field', () => {
  const dir = tempDir();
  const plan = JSON.parse(readFileSync(ex('plan-mixed.json'), 'utf8'));
  plan.components[0].tiers[1].from_bp = 4000;
  const bad = path.join(dir, 'overlap.json');
  writeFileSync(bad, JSON.stringify(plan));
  const r = calc('2026-Q1', { plan: bad });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /overlap\.json: plan: components\[0\]\.tiers\[1\]\.from_bp: overlaps tier 0/);
  assert.equal(existsSync(path.join(r.dir, 'lines.csv')), false);
  // the credits file is mapped meanwhile, but the plan's error is still the one reported
  const both = calc('2026-Q1', { plan: bad, credits: path.join(dir, 'missing.csv') });
  assert.equal(both.status, 1);
  assert.match(both.stderr, /overlap\.json: plan: components\[0\]/);
  assert.doesNotMatch(both.stderr, /missing\.csv/);
  const missing = calc('2026-Q1', { credits: path.join(dir, 'missing.csv') });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing\.csv: No such file or directory/);
});

test('a bad credits row names file, line and field', () => {
  const dir = tempDir();
  const text = readFileSync(ex('credits.csv'), 'utf8').replace('D-3,ben,2026-03-20,2000000,4000', 'D-3,ben,2026-03-20,2000000,5000');
  const bad = path.join(dir, 'credits.csv');
  writeFileSync(bad, text);
  const r = calc('2026-Q1', { credits: bad });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /credits\.csv line 5: field split_bp: deal 'D-3' has direct splits of 11000 bp/);
});

test('many lines: written in order, every one, across the writer thread\'s chunks', () => {
  // 12,000 deals for 30 sellers over 2026, some cancelled: over 15,000 lines, so
  // the lines file is handed to the writer thread in many chunks. Asked for the whole year,
  // the file must hold every line of the run, numbered 1..N in order, and its amounts must
  // add up to the totals.
  const dir = tempDir();
  const rows = ['id,deal,person,date,amount,split_bp,product,deal_type,cancelled_on'];
  const quotas = ['person,period,amount'];
  for (let s = 0; s < 30; s++)
    for (let q = 1; q <= 4; q++) quotas.push(`s${s},2026-Q${q},${50000000 + s * 100000}`);
  let id = 1;
  for (let k = 0; k < 12000; k++) {
    const day = 1 + Math.floor((k * 364) / 12000);
    const date = new Date(Date.UTC(2026, 0, day)).toISOString().slice(0, 10);
    const cancel = k % 97 === 0 ? new Date(Date.UTC(2026, 0, day + 20)).toISOString().slice(0, 10) : '';
    const s = (k * 7) % 30;
    const product = k % 3 ? 'Core' : 'Analytics';
    if (k % 5 === 0) {
      rows.push(`${id++},D${k},s${s},${date},${100000 + k},6000,${product},new,${cancel}`);
      rows.push(`${id++},D${k},s${(s + 1) % 30},${date},${100000 + k},4000,${product},new,${cancel}`);
    } else {
      rows.push(`${id++},D${k},s${s},${date},${100000 + k},,${product},renewal,${cancel}`);
    }
  }
  const credits = path.join(dir, 'credits.csv');
  const quotaFile = path.join(dir, 'quotas.csv');
  writeFileSync(credits, rows.join('\n') + '\n');
  writeFileSync(quotaFile, quotas.join('\n') + '\n');
  const out = path.join(dir, 'lines.csv');
  const totals = path.join(dir, 'totals.csv');
  const r = reins(['comp', 'calc', '--plan', ex('plan-mixed.json'), '--credits', credits,
    '--quotas', quotaFile, '--period', '2026', '--out', out, '--totals', totals]);
  assert.equal(r.status, 0, r.stderr);
  const lines = csvRecords(readFileSync(out, 'utf8'));
  const written = Number(/(\d+) lines written/.exec(r.stdout)[1]);
  assert.ok(written > 3 * 4096, `${written} lines: more than three chunks`);
  assert.equal(lines.length, written);
  lines.forEach((l, i) => assert.equal(l.line, String(i + 1)));
  for (const l of lines) if (l.ref_line) assert.ok(Number(l.ref_line) < Number(l.line));
  const sumLines = lines.reduce((a, l) => a + BigInt(l.amount), 0n);
  const sumTotals = csvRecords(readFileSync(totals, 'utf8')).reduce((a, t) => a + BigInt(t.payout), 0n);
  assert.equal(sumLines, sumTotals);
  assert.ok(lines.some((l) => l.rule === 'clawback'));
});

test("'-' reads an input from standard input and writes an output to standard output", () => {
  const want = calc('2026-Q1');
  assert.equal(want.status, 0, want.stderr);
  const lines = readFileSync(want.out, 'utf8');
  const totals = readFileSync(want.totals, 'utf8');
  const base = ['comp', 'calc', '--plan', ex('plan-mixed.json'), '--quotas', ex('quotas.csv'),
    '--people', ex('people.csv'), '--period', '2026-Q1'];
  const dir = tempDir();
  const piped = reins([...base, '--credits', '-', '--out', '-', '--totals', path.join(dir, 't.csv')],
    { input: readFileSync(ex('credits.csv')) });
  assert.equal(piped.status, 0, piped.stderr);
  assert.equal(piped.stdout, lines); // the lines alone: the summary goes to stderr
  assert.match(piped.stderr, /14 lines written to standard output, total payout 2055000/);
  assert.equal(readFileSync(path.join(dir, 't.csv'), 'utf8'), totals);
  const t = reins([...base, '--credits', ex('credits.csv'), '--out', path.join(dir, 'l.csv'), '--totals', '-']);
  assert.equal(t.status, 0, t.stderr);
  assert.equal(t.stdout, totals);
  assert.equal(readFileSync(path.join(dir, 'l.csv'), 'utf8'), lines);
  // a bad row on standard input is named as such
  const bad = reins([...base, '--credits', '-', '--out', '-'], { input: 'id,deal,person\n1,D,ana\n' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /standard input line 1: missing column 'date'/);
  assert.equal(bad.stdout, '');
  // one stream each way
  const two = reins([...base, '--credits', '-', '--plan', '-', '--out', 'o.csv']);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /only one of --plan, --credits, --quotas and --people can be '-'/);
  const outs = reins([...base, '--credits', ex('credits.csv'), '--out', '-', '--totals', '-']);
  assert.equal(outs.status, 2);
  assert.match(outs.stderr, /only one of --out and --totals can be '-'/);
});

test('a failed run leaves the files of a run before as they were; a good one keeps their mode', () => {
  const first = calc('2026-Q1');
  assert.equal(first.status, 0, first.stderr);
  const lines = readFileSync(first.out, 'utf8');
  const totals = readFileSync(first.totals, 'utf8');
  chmodSync(first.out, 0o600); // payroll figures for their owner only
  // the lines are computed and written, then the totals cannot be: neither file changes
  const args = ['comp', 'calc', '--plan', ex('plan-mixed.json'), '--credits', ex('credits.csv'),
    '--quotas', ex('quotas.csv'), '--people', ex('people.csv'), '--period', '2026-Q2',
    '--out', first.out];
  const failed = reins([...args, '--totals', path.join(first.dir, 'no', 'such', 'dir.csv')]);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /dir\.csv: No such file or directory/);
  assert.equal(readFileSync(first.out, 'utf8'), lines);
  assert.equal(readFileSync(first.totals, 'utf8'), totals);
  assert.deepEqual(readdirSync(first.dir).sort(), ['lines.csv', 'totals.csv']); // no temporary file left
  // the same run with a writable totals file replaces both, and lines.csv stays 0600
  const ok = reins([...args, '--totals', first.totals]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.notEqual(readFileSync(first.out, 'utf8'), lines);
  assert.match(readFileSync(first.out, 'utf8'), /^line,period,person/);
  assert.equal(statSync(first.out).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(first.dir).sort(), ['lines.csv', 'totals.csv']);
});

test('usage errors exit 2', () => {
  assert.equal(reins(['comp', 'calc', '--plan', ex('plan-mixed.json')]).status, 2);
  assert.equal(reins(['comp', 'calc', '--plan', 'p', '--credits', 'c', '--quotas', 'q', '--period', '2026-13', '--out', 'o']).status, 2);
  assert.match(reinsOk(['comp', 'calc', '--help']), /usage: reins comp calc/);
});
