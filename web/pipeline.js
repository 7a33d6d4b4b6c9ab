// pipeline.js -- pieces the pipeline views share: money, probabilities, category names.
import { h } from './dom.js';

const moneyFormats = new Map();

/** 1234567 minor units of 'EUR' -> '€12,345.67' in the user's locale (integers in, text out). */
export function money(minor, currency) {
  const key = currency || 'XXX';
  if (!moneyFormats.has(key)) {
    let f;
    try {
      f = new Intl.NumberFormat(undefined, { style: 'currency', currency: key, maximumFractionDigits: 0 });
    } catch {
      f = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    }
    moneyFormats.set(key, f);
  }
  // whole units are enough on boards; the division is for display only
  return moneyFormats.get(key).format(Math.floor(minor / 100));
}

/** 3500 basis points -> '35%'. */
export function percent(bp) {
  return `${(bp / 100).toFixed(bp % 100 ? 2 : 0).replace(/\.?0+$/, (m) => (m.includes('.') ? '' : m))}%`;
}

export const CATEGORIES = [
  ['pipeline', 'Pipeline'],
  ['best_case', 'Best case'],
  ['commit', 'Commit'],
  ['closed', 'Closed'],
  ['omitted', 'Omitted'],
];

export function categoryName(key) {
  const hit = CATEGORIES.find(([k]) => k === key);
  return hit ? hit[1] : key;
}

export function statusChip(status) {
  const cls = status === 'won' ? 'chip-active' : status === 'lost' ? 'chip-left' : 'chip-joining';
  return h('span', { class: ['chip', cls] }, status === 'won' ? 'Won' : status === 'lost' ? 'Lost' : 'Open');
}
