// format.js -- dates, tenure and a person's status, as the UI words them.
//
// Dates from the API are 'YYYY-MM-DD' calendar dates; they are compared as
// calendar dates (UTC midnight) so no time zone shifts a start date by a day.

/** Days a new hire ramps: within this many days of their start date they show as ramping. */
export const RAMP_DAYS = 120;

const DAY_MS = 86_400_000;

/** Today as 'YYYY-MM-DD' in the user's own time zone. */
export function todayIso(now = new Date()) {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** 'YYYY-MM-DD' -> {y, m, d} (m 1-12), or null when it is not such a date. */
export function parseDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!match) return null;
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

function utc(p) {
  return Date.UTC(p.y, p.m - 1, p.d);
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from, to) {
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b) return null;
  return Math.round((utc(b) - utc(a)) / DAY_MS);
}

/** Whole months from `from` to `to` (a month counts once its day is reached). */
export function monthsBetween(from, to) {
  const a = parseDate(from);
  const b = parseDate(to);
  if (!a || !b) return null;
  let months = (b.y - a.y) * 12 + (b.m - a.m);
  if (b.d < a.d) months -= 1;
  return months;
}

/** 28 months -> '2 yr 4 mo'; 3 -> '3 mo'; 12 -> '1 yr'. */
export function formatMonths(months) {
  if (months === null || months === undefined || Number.isNaN(months)) return '';
  const m = Math.max(0, Math.round(months));
  const years = Math.floor(m / 12);
  const rest = m % 12;
  if (years === 0) return `${rest} mo`;
  return rest ? `${years} yr ${rest} mo` : `${years} yr`;
}

/**
 * Time since a start date: '2 yr 4 mo', '3 mo', '12 d' (under a month),
 * 'starts in 5 d' (a future start). '' without a date.
 */
export function tenure(startDate, today = todayIso()) {
  const days = daysBetween(startDate, today);
  if (days === null) return '';
  if (days < 0) return `starts in ${-days} d`;
  const months = monthsBetween(startDate, today);
  if (months < 1) return days === 0 ? 'first day' : `${days} d`;
  return formatMonths(months);
}

/** Tenure in months for averages (0 before the start date). */
export function tenureMonths(startDate, today = todayIso()) {
  const days = daysBetween(startDate, today);
  if (days === null || days < 0) return 0;
  return days / 30.4375;
}

/**
 * What the UI says about where a person is, from status and start date:
 * {key, label, detail}. key is one of 'joining' (starts later), 'ramping'
 * (active, started within RAMP_DAYS), 'active', 'leaving', 'left'.
 */
export function personState(person, today = todayIso()) {
  if (person.status === 'left') return { key: 'left', label: 'Left', detail: '' };
  if (person.status === 'leaving') return { key: 'leaving', label: 'Leaving', detail: '' };
  const days = daysBetween(person.start_date, today);
  if (days !== null && days < 0) {
    return { key: 'joining', label: 'Joining', detail: `starts ${formatDate(person.start_date)}` };
  }
  if (days !== null && days < RAMP_DAYS) {
    return { key: 'ramping', label: 'Ramping', detail: `new hire, day ${days + 1} of ${RAMP_DAYS}` };
  }
  return { key: 'active', label: 'Active', detail: '' };
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const stampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** '2024-03-28' -> '28 Mar 2024' (in the user's locale). */
export function formatDate(iso) {
  const p = parseDate(iso);
  return p ? dateFormat.format(new Date(utc(p))) : '';
}

/** Seconds since the epoch -> a local date and time; '' for null. */
export function formatStamp(seconds) {
  if (seconds === null || seconds === undefined) return '';
  return stampFormat.format(new Date(seconds * 1000));
}

/** 1 -> '1 person', 3 -> '3 people' (or a custom noun pair). */
export function count(n, one = 'person', many = 'people') {
  return `${n} ${n === 1 ? one : many}`;
}

/** Compare people by name, the way the API sorts them. */
export function byName(a, b) {
  return a.name.localeCompare(b.name);
}

/** '2026-11-01' plus 7 days -> '2026-11-08'. */
export function addDays(iso, days) {
  const p = parseDate(iso);
  if (!p) return '';
  const d = new Date(utc(p) + days * DAY_MS);
  return d.toISOString().slice(0, 10);
}

/** Seconds since the epoch -> 'YYYY-MM-DD' (UTC); '' for null. */
export function stampToIso(seconds) {
  if (seconds === null || seconds === undefined) return '';
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** How long ago a date was, in words: 'today', 'yesterday', '12 days ago', '3 months ago'. */
export function ago(iso, today = todayIso()) {
  const days = daysBetween(iso, today);
  if (days === null) return '';
  // A date after today (a clock behind the server's): the date itself, never "in 3 days ago".
  if (days < 0) return formatDate(iso);
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  const months = Math.floor(days / 30.4375);
  if (months < 24) return `${months} months ago`;
  return `${Math.floor(months / 12)} years ago`;
}

/** When a date comes: 'today', 'tomorrow', 'in 5 days', or ago() for the past. */
export function fromNow(iso, today = todayIso()) {
  const days = daysBetween(today, iso);
  if (days === null) return '';
  if (days < 0) return ago(iso, today);
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${days} days`;
}
