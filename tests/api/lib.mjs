// lib.mjs -- helpers of the API test suite: fresh databases, the real `reins`
// binary as a server or a command, a small HTTP client, and a seeded test org.
//
// Node 20 built-ins only. Every test file calls `after(cleanup)`: it stops the
// servers the file started and removes the databases and files it made.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The binary under test: $REINS_BIN (relative to the current directory) or build/reins. */
export const BIN = process.env.REINS_BIN
  ? path.resolve(process.env.REINS_BIN)
  : path.join(ROOT, 'build', 'reins');
/** True when the suite runs on PostgreSQL (REINS_TEST_DB=postgres). */
export const ON_PG = process.env.REINS_TEST_DB === 'postgres';
/** The API prefix. */
export const API = '/api/v1';

// ---------------------------------------------------------------------------
// Clean-up

const cleanups = [];

/** Run `fn` at clean-up time (last registered, first run). */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Stop every server and remove every database and temp dir made so far. */
export async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err.message}`);
    }
  }
}

/** A fresh temporary directory, removed at clean-up. */
export function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'reins-api-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---------------------------------------------------------------------------
// The command line

/**
 * Run `reins ARGS` synchronously. Returns {status, signal, stdout, stderr}.
 * opts.input: stdin; opts.env: extra environment.
 */
export function reins(args, { input, env, timeout = 120_000 } = {}) {
  const db = ON_PG && args[0] === '--db' ? args[1] : null;
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    input,
    env: { ...process.env, ...(db ? { REINS_SECRET_FILE: secretFile(db) } : {}), ...env },
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`cannot run ${BIN} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Like reins(), but throws (with stderr) unless the command exits 0. Returns stdout. */
export function reinsOk(args, opts) {
  const r = reins(args, opts);
  if (r.status !== 0) {
    throw new Error(
      `reins ${args.join(' ')} exited ${r.status ?? r.signal}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`,
    );
  }
  return r.stdout;
}

// ---------------------------------------------------------------------------
// Databases

/**
 * A fresh database URL: a new PostgreSQL database (createdb; dropped at
 * clean-up) when REINS_TEST_DB=postgres, else a SQLite file in a new temp dir.
 * With init (the default) `reins init` has been run on it.
 */
export function newDatabase({ init = true } = {}) {
  let url;
  if (ON_PG) {
    const name = `reins_api_${randomBytes(6).toString('hex')}`;
    const r = spawnSync('createdb', [name], { encoding: 'utf8' });
    if (r.error || r.status !== 0) {
      throw new Error(`createdb ${name} failed (are PGHOST etc. set? run under pg_virtualenv): ${r.error?.message ?? r.stderr}`);
    }
    onCleanup(() => {
      spawnSync('dropdb', ['--force', '--if-exists', name], { encoding: 'utf8' });
    });
    url = `postgresql:///${name}`;
  } else {
    url = path.join(tempDir(), 'reins.db');
  }
  if (init) reinsOk(['--db', url, 'init']);
  return url;
}

/**
 * The survey secret file of a database, shared by every server and command
 * on it: DB.secret beside a SQLite file (the server's own default, left to
 * it), a file in a temp dir for PostgreSQL, given as REINS_SECRET_FILE (the
 * default, ./reins.secret, would land in the current directory and be shared
 * by every test database).
 */
const secretFiles = new Map();
export function secretFile(dbUrl) {
  if (!ON_PG) return `${dbUrl}.secret`;
  if (!secretFiles.has(dbUrl)) secretFiles.set(dbUrl, path.join(tempDir(), 'reins.secret'));
  return secretFiles.get(dbUrl);
}

// ---------------------------------------------------------------------------
// The server

const LISTENING = /reins: listening on (http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+))/;

/**
 * Start `reins --db URL serve --listen 127.0.0.1:0` and wait (15 s at most)
 * for its listening line. Resolves to {url, port, proc, stop(), logs(), stderr(), exited}.
 * url is the base, e.g. http://127.0.0.1:40123 (no path).
 */
export function startServer(dbUrl, { args = [], env } = {}) {
  const proc = spawn(BIN, ['--db', dbUrl, 'serve', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(ON_PG ? { REINS_SECRET_FILE: secretFile(dbUrl) } : {}), ...env },
  });
  const lines = [];
  let partial = '';
  let errText = '';
  let exitInfo = null;
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    errText += d;
  });

  const server = {
    proc,
    url: null,
    port: null,
    exited,
    /** The stdout lines so far (the listening line, then one per request). */
    logs: () => lines.slice(),
    stderr: () => errText,
    /** Send `signal` (SIGTERM by default) and wait for the exit: {code, signal}. */
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (exitInfo) return exitInfo;
      proc.kill(signal);
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
          proc.kill('SIGKILL');
          reject(new Error(`reins serve did not exit within ${timeoutMs} ms of ${signal}`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  onCleanup(async () => {
    if (!exitInfo) await server.stop('SIGTERM', 5_000).catch(() => proc.kill('SIGKILL'));
  });

  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      if (ready) return;
      proc.kill('SIGKILL');
      reject(new Error(`reins serve printed no listening line within 15 s\nstderr:\n${errText}\nstdout:\n${lines.join('\n')}`));
    }, 15_000);
    proc.stdout.on('data', (d) => {
      partial += d;
      let nl;
      while ((nl = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, nl).replace(/\r$/, '');
        partial = partial.slice(nl + 1);
        lines.push(line);
        const m = !ready && LISTENING.exec(line);
        if (m) {
          ready = true;
          clearTimeout(timer);
          server.url = m[1];
          server.port = Number(m[3]);
          resolve(server);
        }
      }
    });
    exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`reins serve exited (code ${code}, signal ${signal}) before listening\nstderr:\n${errText}`));
    });
  });
}

/** Wait until a log line of `server` satisfies `pred` (3 s at most); returns it or null. */
export async function waitForLog(server, pred, timeoutMs = 3_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const line = server.logs().find(pred);
    if (line !== undefined) return line;
    if (Date.now() > end) return null;
    await sleep(25);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// The HTTP client

function fullPath(p) {
  return p.startsWith('/api/') || p === '/api' ? p : API + p;
}

/**
 * One request. `p` is a path under /api/v1 ("/people") or a full one ("/api/v2/x").
 * opts.session: {cookie, csrf} (a login) or {token} (an API token);
 * opts.csrf: undefined sends the session's CSRF token on POST/PUT/PATCH/DELETE,
 *   false sends none, a string sends that one;
 * opts.body: JSON-encoded; opts.raw: sent as is (Content-Type application/json
 *   unless opts.headers says otherwise); opts.headers: extra headers.
 * Resolves to {status, headers, body (parsed JSON or null), text, requestId}.
 */
export async function call(base, method, p, { session, csrf, body, raw, headers = {} } = {}) {
  const h = {};
  let payload;
  if (raw !== undefined) {
    payload = raw;
    h['content-type'] = 'application/json';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  if (session?.cookie) {
    h.cookie = session.cookie;
    const token = csrf === undefined ? session.csrf : csrf;
    if (token && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = token;
  }
  if (session?.token) h.authorization = `Bearer ${session.token}`;
  for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
  const res = await fetch(String(base) + fullPath(p), { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, body: json, text, requestId: res.headers.get('x-request-id') };
}

/** Log in; throws unless 200. Returns {cookie, csrf, user, setCookie, res}. */
export async function login(base, email, password) {
  const res = await call(base, 'POST', '/session', { body: { email, password } });
  if (res.status !== 200) {
    throw new Error(`login ${email}: ${res.status} ${res.text}`);
  }
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('reins_session='));
  if (!setCookie) throw new Error(`login ${email}: no reins_session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return {
    cookie: setCookie.split(';')[0],
    csrf: res.body?.csrf_token,
    user: res.body?.user,
    setCookie,
    res,
  };
}

/**
 * A raw HTTP/1.1 request with node:http, for bodies fetch() cannot shape:
 * `chunked: true` sends Transfer-Encoding: chunked, else Content-Length
 * (`declaredLength` may lie about it). The body is written in 64 KiB pieces
 * after the headers (and after up to `earlyWaitMs` for an early answer); the
 * writing stops as soon as a response arrives (a server may answer 413 early
 * and close). Resolves {status, headers, text}.
 */
export function rawRequest(base, { method = 'POST', path: p, headers = {}, body = '', chunked = false, declaredLength, earlyWaitMs = 100 } = {}) {
  const u = new URL(fullPath(p), base);
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const h = { ...headers };
  if (!chunked) h['content-length'] = String(declaredLength ?? buf.length);
  return new Promise((resolve, reject) => {
    let response = null;
    let text = '';
    let settled = false;
    const done = (fn, v) => {
      if (!settled) {
        settled = true;
        fn(v);
      }
    };
    const req = http.request({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers: h, agent: false });
    let onResponse;
    const responded = new Promise((r) => {
      onResponse = r;
    });
    req.on('response', (res) => {
      response = res;
      onResponse();
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => done(resolve, { status: res.statusCode, headers: res.headers, text }));
      res.on('error', () => done(resolve, { status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', (err) => {
      if (response) done(resolve, { status: response.statusCode, headers: response.headers, text });
      else done(reject, new Error(`${err.code ?? err.message}: the connection broke before any response (did the server close it with unread data?)`));
    });
    req.setTimeout(30_000, () => req.destroy(new Error('raw request timed out')));
    req.flushHeaders();
    (async () => {
      // Give a server that judges the declared length alone time to answer first
      // (earlyWaitMs at most): a client that sends into a closed connection gets a
      // reset that may swallow the answer.
      await Promise.race([sleep(earlyWaitMs), responded]);
      const piece = 64 * 1024;
      for (let off = 0; off < buf.length && !response && !req.destroyed; off += piece) {
        const ok = req.write(buf.subarray(off, off + piece));
        if (!ok) {
          await new Promise((r) => {
            const go = () => {
              req.off('drain', go);
              req.off('close', go);
              r();
            };
            req.on('drain', go);
            req.on('close', go);
          });
        }
        else await new Promise((r) => setImmediate(r));
      }
      if (!req.destroyed) {
        if (response) req.destroy();
        else req.end();
      }
    })().catch((err) => done(reject, err));
  });
}

// ---------------------------------------------------------------------------
// Assertions shared by the files

/** The error shape of docs/api.md: {"error":{"code","message"[,"field"]}}. */
export function isError(res, status, code, field) {
  const where = `${res.status} ${res.text}`;
  if (res.status !== status) throw new Error(`expected status ${status}, got ${where}`);
  const e = res.body?.error;
  if (!e || typeof e !== 'object') throw new Error(`expected an error object, got ${where}`);
  if (e.code !== code) throw new Error(`expected error code ${code}, got ${where}`);
  if (typeof e.message !== 'string' || !e.message) throw new Error(`expected an error message, got ${where}`);
  if (field !== undefined && e.field !== field) throw new Error(`expected error field ${field}, got ${where}`);
  return e;
}

/** Throw unless `res.status` is `status`, showing the body. */
export function expectStatus(res, status) {
  if (res.status !== status) throw new Error(`expected status ${status}, got ${res.status} ${res.text}`);
  return res.body;
}

// ---------------------------------------------------------------------------
// CSV (RFC 4180-ish) for import and export

export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV text -> array of objects keyed by the lower-cased header names. */
export function csvRecords(text) {
  const [header, ...rows] = parseCsv(text);
  const keys = header.map((h) => h.trim().toLowerCase());
  return rows.filter((r) => r.length > 1 || r[0] !== '').map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? ''])));
}

/** Records sorted by email, for comparing two exports. */
export function byEmail(records) {
  return [...records].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

export function csvLine(values) {
  return values
    .map((v) => {
      const s = v == null ? '' : String(v);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(',');
}

// ---------------------------------------------------------------------------
// The test org

export const PASSWORD = 'correct horse battery';
export const ADMIN_EMAIL = 'admin@test.example';

/**
 * The people of the seed org: a VP, two managers under her, two sellers
 * under each manager. Keys are the handles the tests use.
 */
export const ORG = {
  vp: { name: 'Vera Vance', email: 'vera.vance@test.example', title: 'VP Sales', manager: null, team: null, role: 'manager' },
  m1: { name: 'Maya North', email: 'maya.north@test.example', title: 'Sales Manager', manager: 'vp', team: 'North', role: 'manager' },
  m2: { name: 'Milo South', email: 'milo.south@test.example', title: 'Sales Manager', manager: 'vp', team: 'South', role: 'manager' },
  s1a: { name: 'Ana Lima', email: 'ana.lima@test.example', title: 'Account Executive', manager: 'm1', team: 'North', role: 'seller' },
  s1b: { name: 'Ben Costa', email: 'ben.costa@test.example', title: 'Account Executive', manager: 'm1', team: 'North', role: 'seller' },
  s2a: { name: 'Cara Diaz', email: 'cara.diaz@test.example', title: 'Account Executive', manager: 'm2', team: 'South', role: 'seller' },
  s2b: { name: 'Dan Evans', email: 'dan.evans@test.example', title: 'SDR', manager: 'm2', team: 'South', role: 'seller' },
};

/**
 * Seed the org on a running server: `reins user add` for the admin (before
 * or while the server runs), teams and people through the API as the admin,
 * then `reins user add` for every person (VP and managers as managers), or
 * only for the handles listed in `users` (false: none; each login costs an
 * Argon2 hash, so files ask only for what they use).
 * Returns {admin, people, teams, as(handle), dbUrl, server}:
 * people[handle] is the person as the API returned it; as(handle) logs in
 * once and reuses the session.
 */
export async function seedOrg(server, dbUrl, { users = true } = {}) {
  reinsOk(['--db', dbUrl, 'user', 'add', '--email', ADMIN_EMAIL, '--role', 'admin', '--password', PASSWORD]);
  const admin = await login(server.url, ADMIN_EMAIL, PASSWORD);
  const teams = {};
  for (const name of ['North', 'South']) {
    const res = await call(server.url, 'POST', '/teams', { session: admin, body: { name } });
    teams[name] = expectStatus(res, 201);
  }
  const people = {};
  for (const [handle, p] of Object.entries(ORG)) {
    const body = { name: p.name, email: p.email, title: p.title, start_date: '2024-01-15' };
    if (p.manager) body.manager_id = people[p.manager].id;
    if (p.team) body.team_id = teams[p.team].id;
    const res = await call(server.url, 'POST', '/people', { session: admin, body });
    people[handle] = expectStatus(res, 201);
  }
  if (users) {
    const handles = Array.isArray(users) ? users : Object.keys(ORG);
    for (const p of handles.map((h) => ORG[h])) {
      reinsOk(['--db', dbUrl, 'user', 'add', '--email', p.email, '--role', p.role, '--person-email', p.email, '--password', PASSWORD]);
    }
  }
  const sessions = new Map();
  return {
    admin,
    people,
    teams,
    dbUrl,
    server,
    as(handle) {
      if (handle === 'admin') return Promise.resolve(admin);
      if (!sessions.has(handle)) sessions.set(handle, login(server.url, ORG[handle].email, PASSWORD));
      return sessions.get(handle);
    },
  };
}

/** A fresh database, a server on it and the seeded org, in one call. */
export async function setup(opts) {
  const dbUrl = newDatabase();
  const server = await startServer(dbUrl);
  const org = await seedOrg(server, dbUrl, opts);
  return { dbUrl, server, org, base: server.url };
}
