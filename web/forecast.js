// forecast.js -- shared by the forecast page and its home card: drift, who has not called,
// and the SVG range chart (the model's P10-P90 bar, P50 tick, the call as a diamond).
import { money } from './pipeline.js';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The currency the demo and a single-currency company use; amounts are in minor units. */
export const CURRENCY = 'EUR';
export const fmt = (minor) => money(minor, CURRENCY);

/** Whether a person is a seller in this view: no reports. */
export const isSeller = (p) => p.reports === 0;

/** The commit's distance from the model's P50, in percent (null without either). */
export function drift(p) {
  if (!p.number || !p.model || !p.model.p50_minor) return null;
  return Math.round(((p.number.commit_minor - p.model.p50_minor) / p.model.p50_minor) * 100);
}

/** Sellers who have not called this period, and sellers whose commit is 25% or more off. */
export function attention(people) {
  const sellers = people.filter(isSeller);
  return {
    missing: sellers.filter((p) => !p.call),
    drifting: sellers.filter((p) => p.call && Math.abs(drift(p) ?? 0) >= 25).sort((a, b) => Math.abs(drift(b)) - Math.abs(drift(a))),
  };
}

/**
 * A range chart on a shared scale `max` (minor units): the model's P10-P90 as a bar, P50 as a
 * tick, the weighted pipeline as a hollow circle, the commit as a diamond.
 */
export function rangeChart(p, max, { width = 220, height = 22 } = {}) {
  const m = p.model;
  const x = (v) => 4 + Math.max(0, Math.min(1, v / (max || 1))) * (width - 8);
  const label = m
    ? `Model P10 ${fmt(m.p10_minor)}, P50 ${fmt(m.p50_minor)}, P90 ${fmt(m.p90_minor)}; weighted ${fmt(m.weighted_minor)}${p.number ? `; commit ${fmt(p.number.commit_minor)}` : '; no call'}`
    : 'No model range';
  const s = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'range-chart' });
  const title = svg('title', {});
  title.textContent = label;
  s.append(title, svg('line', { x1: 4, x2: width - 4, y1: height / 2, y2: height / 2, stroke: 'currentColor', 'stroke-opacity': 0.15 }));
  if (m) {
    s.append(svg('rect', { x: x(m.p10_minor), y: 5, width: Math.max(2, x(m.p90_minor) - x(m.p10_minor)), height: height - 10, rx: 3, fill: '#5b7fd6', 'fill-opacity': 0.35, class: 'range-band' }));
    s.append(svg('line', { x1: x(m.p50_minor), x2: x(m.p50_minor), y1: 3, y2: height - 3, stroke: '#2b4fa8', 'stroke-width': 2, class: 'range-p50' }));
    s.append(svg('circle', { cx: x(m.weighted_minor), cy: height / 2, r: 3.5, fill: 'none', stroke: '#7a7a7a', 'stroke-width': 1.5, class: 'range-weighted' }));
  }
  if (p.number) {
    const cx = x(p.number.commit_minor), cy = height / 2;
    s.append(svg('path', { d: `M${cx} ${cy - 6} L${cx + 6} ${cy} L${cx} ${cy + 6} L${cx - 6} ${cy} Z`, fill: '#d9822b', class: 'range-call' }));
  }
  return s;
}

/** The scale for a set of people: the largest P90, commit or best case. */
export function scaleOf(people) {
  let max = 0;
  for (const p of people) max = Math.max(max, p.model?.p90_minor ?? 0, p.number?.best_case_minor ?? 0, p.model?.weighted_minor ?? 0);
  return max;
}
