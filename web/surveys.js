// surveys.js -- what the survey pages and cards share: labels, numbers and the
// small charts of driver scores (docs/api.md, "Pulse surveys").
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

/** "3.84" from mean_x100 = 384. */
export function mean(x100) {
  return x100 == null ? '–' : (x100 / 100).toFixed(2);
}

/** "+0.12" / "−0.30" from a change in hundredths. */
export function change(x100) {
  if (x100 == null) return '';
  const sign = x100 > 0 ? '+' : x100 < 0 ? '−' : '±';
  return `${sign}${(Math.abs(x100) / 100).toFixed(2)}`;
}

export function driverLabel(driver) {
  if (driver === 'enps') return 'eNPS';
  return driver.charAt(0).toUpperCase() + driver.slice(1);
}

/** A horizontal bar for a share in percent, with the number beside it (SVG: the CSP allows no inline styles). */
export function favourableBar(pct, label) {
  const v = Math.max(0, Math.min(100, pct));
  return h(
    'span',
    { class: 'bar' },
    svg('svg', { class: 'bar-chart', viewBox: '0 0 100 10', width: 100, height: 10, role: 'img', 'aria-label': `${label}: ${pct}% favourable` }, svg('rect', { x: 0, y: 0, width: 100, height: 10, class: 'bar-track' }), svg('rect', { x: 0, y: 0, width: v, height: 10, class: 'bar-fill' })),
    h('span', { class: 'bar-text', 'aria-hidden': 'true' }, ` ${pct}%`),
  );
}

/** A heat class from % favourable (or eNPS shifted to the same scale). */
export function heat(driver) {
  const v = driver.favourable_pct != null ? driver.favourable_pct : driver.enps != null ? (driver.enps + 100) / 2 : null;
  if (v == null) return 'heat-none';
  if (v >= 75) return 'heat-high';
  if (v >= 60) return 'heat-mid';
  if (v >= 45) return 'heat-low';
  return 'heat-alert';
}

/** The score of one driver in words and numbers. */
export function score(d) {
  if (d.kind === 'enps') return d.enps != null ? `${d.enps > 0 ? '+' : ''}${d.enps}` : '–';
  return d.mean_x100 != null ? `${mean(d.mean_x100)} · ${d.favourable_pct}%` : '–';
}

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

/**
 * A small line chart of one driver's mean (1 to 5) over surveys; withheld
 * points leave a gap. `points` are [{label, value (x100) | null}].
 */
export function sparkline(points, label) {
  const w = 160;
  const hgt = 40;
  const n = points.length;
  const x = (i) => (n <= 1 ? w / 2 : 4 + (i * (w - 8)) / (n - 1));
  const y = (v) => hgt - 4 - ((v / 100 - 1) / 4) * (hgt - 8);
  const segs = [];
  let cur = [];
  points.forEach((p, i) => {
    if (p.value == null) {
      if (cur.length) segs.push(cur);
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (cur.length) segs.push(cur);
  const shown = points.filter((p) => p.value != null);
  const desc = shown.length ? `${label}: ${shown.map((p) => `${p.label} ${mean(p.value)}`).join(', ')}` : `${label}: no results shown yet`;
  return svg(
    'svg',
    { class: 'sparkline', viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img', 'aria-label': desc },
    svg('line', { x1: 0, x2: w, y1: y(300), y2: y(300), class: 'sparkline-mid' }),
    segs.map((s) => (s.length > 1 ? svg('polyline', { points: s.join(' '), class: 'sparkline-line' }) : null)),
    points.map((p, i) => (p.value == null ? null : svg('circle', { cx: x(i), cy: y(p.value), r: 2.5, class: 'sparkline-dot' }))),
  );
}

/** Per driver, its means over the trend's points: Map driver -> [{label, value}]. */
export function trendByDriver(trend) {
  const byDriver = new Map();
  trend.points.forEach((p, i) => {
    for (const d of p.drivers || []) {
      if (d.kind !== 'likert') continue;
      if (!byDriver.has(d.driver)) byDriver.set(d.driver, trend.points.map((q) => ({ label: q.survey.opens_on, value: null })));
      byDriver.get(d.driver)[i].value = d.mean_x100 ?? null;
    }
  });
  return byDriver;
}

export const ANONYMITY_NOTE =
  'Your answers are stored without your name, without the time you answered and in no order that could give you away. ' +
  'Results are shown only for groups where enough people answered, and never in a way that lets anyone work out a few people’s answers.';
