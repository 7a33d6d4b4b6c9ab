// api.js -- the one way the UI talks to the reins JSON API (docs/api.md).
//
// - the session cookie goes along (same origin); the CSRF token, kept in
//   memory only, goes as X-CSRF-Token on every POST, PUT, PATCH and DELETE;
// - an answer {"error":{...}} becomes an ApiError whose `message` is fit to
//   show a user (never raw JSON or a stack trace) and whose `field` names the
//   input it is about;
// - a 401 on a logged-in call runs the onUnauthorized hook (app.js sends the
//   user to the login page with "your session expired");
// - GETs can be cached for a short while (get(path, {cache: true})); any
//   successful change clears the cache, so a list never lags behind an edit.

export const API = '/api/v1';

let csrfToken = null;
let unauthorizedHook = () => {};
const cache = new Map(); // path -> {at, promise}
const CACHE_MS = 30_000;

/** Keep the CSRF token of this session (from the login answer or GET /me). */
export function setCsrf(token) {
  csrfToken = token || null;
}

/** Called with the ApiError when a logged-in call answers 401. */
export function onUnauthorized(fn) {
  unauthorizedHook = fn;
}

/** Forget every cached answer (after a change, at logout). */
export function clearCache() {
  cache.clear();
}

/** An error of the API, or of reaching it, worded for the user. */
export class ApiError extends Error {
  constructor({ status, code, message, field = null, lines = null, retryAfter = null, requestId = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 when the server could not be reached
    this.code = code;
    this.field = field;
    this.lines = lines; // the CSV import's bad lines, when there are
    this.retryAfter = retryAfter; // seconds, on 429
    this.requestId = requestId;
  }
}

/** "field start_date: 'x' is not a date" -> "'x' is not a date" (the field is shown apart). */
export function withoutFieldPrefix(message) {
  return String(message || '').replace(/^field [A-Za-z_]+:\s*/, '');
}

/** Capitalise a message's first word when it is a plain word (not an email or a value). */
export function capitalise(text) {
  const t = String(text || '').trim();
  return /^[a-z]+(\s|,|:|$)/.test(t) ? t[0].toUpperCase() + t.slice(1) : t;
}

function sentence(text) {
  const s = capitalise(text);
  if (!s) return s;
  return /[.!?)]$/.test(s) ? s : `${s}.`;
}

/** "in 15 minutes" for a Retry-After of 899 seconds. */
export function inHowLong(seconds) {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `in ${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `in ${m} minute${m === 1 ? '' : 's'}`;
  const hrs = Math.ceil(m / 60);
  return `in ${hrs} hour${hrs === 1 ? '' : 's'}`;
}

/** The user-facing message for an error answer. */
function friendlyMessage(status, err, retryAfter, requestId) {
  const serverText = withoutFieldPrefix(err.message);
  switch (status) {
    case 400:
    case 409:
      return sentence(serverText) || 'That was not accepted. Check the form and try again.';
    case 401:
      return err.message === 'wrong email or password'
        ? 'Wrong email or password. Check both and try again.'
        : 'Your session has expired. Please log in again.';
    case 403:
      return /csrf/i.test(err.message || '')
        ? 'This page is out of date with your session. Reload the page and try again.'
        : 'You are not allowed to do that.';
    case 404:
      return 'Not found: it does not exist, or it is outside the part of the org you can see.';
    case 413:
      return 'That is too large for the server (1 MiB for forms, 16 MiB for a CSV file).';
    case 429: {
      const when = retryAfter ? inHowLong(retryAfter) : 'later';
      return `Too many failed attempts. For your security, logging in is paused: try again ${when}.`;
    }
    default:
      if (status >= 500) {
        return `The server had a problem and could not finish this${requestId ? ` (request ${requestId})` : ''}. Try again; if it keeps happening, give your administrator that request id.`;
      }
      return sentence(serverText) || `The server answered ${status}.`;
  }
}

async function readBody(res) {
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return res.text();
}

/**
 * request('POST', '/people', {body: {...}}) -> the parsed answer (null for 204).
 * opts.body: sent as JSON; opts.csv: sent as text/csv; opts.auth: false for
 * calls where a 401 is an ordinary answer (logging in, the first GET /me).
 * Throws ApiError.
 */
export async function request(method, path, opts = {}) {
  const { body, csv, auth = true, retried = false } = opts;
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  const changes = method !== 'GET' && method !== 'HEAD';
  if (changes && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (csv !== undefined) {
    headers['Content-Type'] = 'text/csv';
    init.body = csv;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch(API + path, init);
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network',
      message: 'Cannot reach the reins server. Check your connection and try again.',
    });
  }
  const data = res.status === 204 ? null : await readBody(res);
  if (res.ok) {
    if (changes) clearCache();
    return data;
  }

  const err = (data && typeof data === 'object' && data.error) || {};
  const retryAfter = Number(res.headers.get('Retry-After')) || null;
  const requestId = res.headers.get('X-Request-Id');

  // A stale CSRF token (another tab logged in again): fetch the current one once and retry.
  if (res.status === 403 && changes && !retried && /csrf/i.test(err.message || '')) {
    try {
      const me = await request('GET', '/me', { auth: false });
      if (me && me.csrf_token) {
        setCsrf(me.csrf_token);
        return request(method, path, { ...opts, retried: true });
      }
    } catch {
      /* fall through to the 403 */
    }
  }

  const error = new ApiError({
    status: res.status,
    code: err.code || 'error',
    message: friendlyMessage(res.status, err, retryAfter, requestId),
    field: err.field || null,
    lines: Array.isArray(data && data.lines) ? data.lines : null,
    retryAfter,
    requestId,
  });
  if (res.status === 401 && auth) unauthorizedHook(error);
  throw error;
}

/** GET; with {cache: true} the answer is reused for 30 s (cleared by any change). */
export function get(path, opts = {}) {
  if (!opts.cache) return request('GET', path, opts);
  const hit = cache.get(path);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.promise;
  const promise = request('GET', path, opts);
  cache.set(path, { at: Date.now(), promise });
  promise.catch(() => cache.delete(path));
  return promise;
}

export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts) => request('PATCH', path, { ...opts, body });
export const put = (path, body, opts) => request('PUT', path, { ...opts, body });
export const del = (path, opts) => request('DELETE', path, opts);
export const postCsv = (path, csv, opts) => request('POST', path, { ...opts, csv });
