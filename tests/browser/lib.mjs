// lib.mjs -- helpers of the browser tests: a demo database and a real
// `reins serve` per test file, Debian's chromium driven by playwright-core,
// a tiny API client for comparing what the page shows with what the API says,
// and screenshots into tests/browser/out/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.resolve(ROOT, process.env.REINS_BIN || 'build/reins');
export const OUT = path.join(ROOT, 'tests', 'browser', 'out');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'reins-demo';
export const AS_OF = '2026-11-01';

const cleanups = [];

/** Run `fn` at clean-up (last registered, first run). */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Stop the server, close the browser, remove the temp dir. */
export async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch (err) {
      console.error(`cleanup: ${err.message}`);
    }
  }
}

/**
 * A demo organisation in a fresh temp database. Returns {db, dir, logins}
 * where logins maps 'admin', 'vp', 'manager', 'seller' to emails, parsed
 * from the demo command's output ("  manager  EMAIL").
 */
export function makeDemo() {
  if (!existsSync(BIN)) throw new Error(`no reins binary at ${BIN}: run make build/reins (or set REINS_BIN)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'reins-browser-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  onCleanup(remove);
  process.on('exit', remove); // also when the file ends on an uncaught error
  const db = path.join(dir, 'demo.db');
  const r = spawnSync(BIN, ['--db', db, 'demo', '--seed', '1', '--password', PASSWORD, '--as-of', AS_OF], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`reins demo failed (${r.status ?? r.signal}): ${r.stderr}${r.stdout}`);
  const logins = {};
  for (const line of r.stdout.split('\n')) {
    const m = /^\s+(admin|VP|manager|seller)\s+(\S+@\S+)\s*$/.exec(line);
    if (m) logins[m[1].toLowerCase()] = m[2];
  }
  for (const role of ['admin', 'manager', 'seller']) {
    if (!logins[role]) throw new Error(`reins demo printed no ${role} login:\n${r.stdout}`);
  }
  return { db, dir, logins };
}

/** Start `reins --db DB serve --listen 127.0.0.1:0`; resolves {url, proc, log()}. */
export function startServer(db) {
  return new Promise((resolve, reject) => {
    const proc = spawn(BIN, ['--db', db, 'serve', '--listen', '127.0.0.1:0', '--quiet'], {
      env: { ...process.env, REINS_WEB: path.join(ROOT, 'web') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`reins serve did not start in 15 s:\n${out}`));
    }, 15_000);
    const onData = (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1].replace(/\/$/, ''), proc, log: () => out });
      }
    };
    // Never leave a server behind, even when the test process ends on an uncaught error.
    const killOnExit = () => proc.kill('SIGKILL');
    process.on('exit', killOnExit);
    proc.on('exit', () => process.off('exit', killOnExit));
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`reins serve exited (${code ?? signal}) before listening:\n${out}`));
    });
    onCleanup(
      () =>
        new Promise((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          proc.kill('SIGTERM');
          return undefined;
        }),
    );
  });
}

/** Debian's chromium, headless. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  onCleanup(() => browser.close());
  return browser;
}

/**
 * A fresh browser context and page at 1280x800, its clock at AS_OF. The page records console
 * errors, failed requests and CSP violations in page.problems (checked by
 * expectNoProblems).
 */
export async function newPage(browser, baseURL, { width = 1280, height = 800 } = {}) {
  const context = await browser.newContext({ baseURL, viewport: { width, height }, locale: 'en-GB', timezoneId: 'UTC' });
  // The page's clock stands at the demo's as-of date, so tenure, ramping and
  // the screenshots are the same whatever day the tests run.
  await context.clock.setFixedTime(new Date(`${AS_OF}T09:00:00Z`));
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => page.problems.push(`request failed: ${req.url()} ${req.failure()?.errorText}`));
  return page;
}

/**
 * The console errors that are not expected. A 4xx answer logs "Failed to
 * load resource" in Chromium; pass the statuses a test provokes on purpose.
 */
export function unexpectedProblems(page, allowedStatuses = []) {
  return page.problems.filter((p) => !allowedStatuses.some((s) => p.includes(`status of ${s}`)));
}

/** Log in through the login form. Waits for the home page's heading. */
export async function login(page, email, password = PASSWORD) {
  await page.goto('/#/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForSelector('h1:has-text("Hello")');
}

/** Save a screenshot as tests/browser/out/NAME.png; returns the path. */
export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `${name}.png`);
  // Let the spinner and focus settle; screenshots show the page at rest.
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.mouse.move(0, 0); // no hover effect from the last click
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Copy a screenshot to a committed place (docs/screenshots/), when asked to with
 * REINS_PUBLISH_SCREENSHOTS=1: every run renders a few pixels differently, and a test run
 * should not leave the working tree changed. Returns the target, or null when not asked. */
export function publish(file, relTarget) {
  if (process.env.REINS_PUBLISH_SCREENSHOTS !== '1') return null;
  const target = path.join(ROOT, relTarget);
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(file, target);
  return target;
}

/** A small API client with its own cookie session (for facts to compare with). */
export async function apiSession(baseURL, email, password = PASSWORD) {
  const res = await fetch(`${baseURL}/api/v1/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`API login as ${email}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await res.json();
  // a string body is sent as it is, as CSV (the imports); anything else as JSON
  const call = async (method, p, body) => {
    const csv = typeof body === 'string';
    const r = await fetch(`${baseURL}/api/v1${p}`, {
      method,
      headers: { Cookie: cookie, 'X-CSRF-Token': csrf, ...(body ? { 'Content-Type': csv ? 'text/csv' : 'application/json' } : {}) },
      body: body ? (csv ? body : JSON.stringify(body)) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text && r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  return {
    get: async (p) => {
      const r = await call('GET', p);
      if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    call,
  };
}

/** Everything up to one test file: demo db, server, browser. */
export async function setup() {
  const demo = makeDemo();
  const server = await startServer(demo.db);
  const browser = await launchBrowser();
  return { ...demo, server, url: server.url, browser };
}
