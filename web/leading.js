// leading.js -- pieces shared by the leading-people pages and cards:
// one-on-ones (series, the other side, "prepare next"), growth ratings as
// dots, kudos items, and a tiny SVG builder for charts (SVG attributes, never
// inline styles: the CSP allows none).
import { h } from './dom.js';
import { formatDate, formatStamp, ago, fromNow } from './format.js';

export const CADENCES = [
  { value: 'weekly', label: 'Weekly' },
  { value: 'biweekly', label: 'Every two weeks' },
  { value: 'monthly', label: 'Monthly' },
];

export function cadenceLabel(cadence) {
  const c = CADENCES.find((x) => x.value === cadence);
  return c ? c.label : cadence || '';
}

/** The participant of `series` who is not `meId`, with the role they play for me. */
export function otherSide(series, meId) {
  if (series.manager && series.manager.id === meId) return { person: series.report, role: 'your report', iAmManager: true };
  return { person: series.manager, role: 'your manager', iAmManager: false };
}

/** The series the user holds as the manager first, then by who is overdue, then by next date. */
export function sortSeries(series) {
  return [...series].sort((a, b) => Number(b.overdue) - Number(a.overdue) || String(a.next_date).localeCompare(String(b.next_date)) || a.id - b.id);
}

/** POST /oneonones/{id}/next and go to that meeting's page. */
export async function prepareNext(api, seriesId) {
  const meeting = await api.post(`/oneonones/${seriesId}/next`);
  location.hash = `#/meetings/${meeting.id}`;
  return meeting;
}

/** A small badge: 'Overdue' etc. kind: 'warning' | 'info' | 'success' | 'muted'. */
export function badge(text, kind = 'muted', title = null) {
  return h('span', { class: ['badge', `badge-${kind}`], title }, text);
}

/** "last held 12 days ago" with the date on hover; "never held" without one. */
export function lastHeldText(iso, today) {
  if (!iso) return h('span', { class: 'muted' }, 'never held');
  return h('time', { datetime: iso, title: formatDate(iso) }, ago(iso, today));
}

/** The next date: "in 3 days" with the date. */
export function nextDateText(iso, today) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso }, formatDate(iso), h('span', { class: 'muted' }, ` · ${fromNow(iso, today)}`));
}

/** A rating 1-5 as five dots, read out as "4 of 5". */
export function ratingDots(value, label = '') {
  if (value === null || value === undefined) return h('span', { class: 'rating-none muted' }, '—', h('span', { class: 'sr-only' }, label ? `${label}: not rated` : 'not rated'));
  const dots = [];
  for (let i = 1; i <= 5; i++) dots.push(h('span', { class: ['dot', i <= value ? 'dot-on' : null] }));
  return h(
    'span',
    { class: 'rating', title: `${label ? `${label}: ` : ''}${value} of 5` },
    h('span', { class: 'dots', 'aria-hidden': 'true' }, dots),
    h('span', { class: 'rating-num', 'aria-hidden': 'true' }, String(value)),
    h('span', { class: 'sr-only' }, `${label ? `${label}: ` : ''}${value} of 5`),
  );
}

/** The coaching meaning of a gap, as a badge (null when there is nothing to say). */
export function signalBadge(signal, gap) {
  if (!signal) return null;
  const kind = gap > 0 ? 'warning' : 'info';
  return badge(signal[0].toUpperCase() + signal.slice(1), kind);
}

/** "+2", "−1", "0" for a gap; '—' for none. */
export function gapText(gap) {
  if (gap === null || gap === undefined) return '—';
  if (gap > 0) return `+${gap}`;
  if (gap < 0) return `−${-gap}`;
  return '0';
}

/** One kudos as a feed item. `meId` words the user's own part as "you". */
export function kudosItem(k, meId, { linkPeople = false } = {}) {
  const name = (p) => {
    if (!p) return 'someone';
    if (p.id === meId) return h('strong', null, 'You');
    return linkPeople ? h('a', { href: `#/people/${p.id}`, class: 'person-link' }, p.name) : h('strong', null, p.name);
  };
  const toName = (p) => (p && p.id === meId ? h('strong', null, 'you') : name(p));
  return h(
    'li',
    { class: 'kudos-item', dataset: { kudos: String(k.id) } },
    h(
      'p',
      { class: 'kudos-head' },
      name(k.from),
      h('span', { class: 'muted' }, ' recognised '),
      toName(k.to),
      k.value ? [' ', badge(k.value.name, 'value')] : null,
    ),
    h('p', { class: 'kudos-message' }, k.message),
    h('p', { class: 'kudos-when muted small' }, h('time', { datetime: new Date(k.created_at * 1000).toISOString() }, formatStamp(k.created_at))),
  );
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Like dom.js h(), for SVG elements: s('line', {x1: 0, ...}). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
