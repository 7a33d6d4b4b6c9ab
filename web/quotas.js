// quotas.js -- goals and attainment pieces shared by the cards and the admin page
// (docs/api.md, "Goals and quotas"): money in minor units, basis points, pace, the
// attainment summary and the people table.
import { h } from './dom.js';
import { personLink } from './ui.js';

/** 1234567 minor units of EUR -> "€12,345.67" (whole units when there are no cents). */
export function formatMoney(minor, currency) {
  const major = Number(minor) / 100;
  const cents = Number(minor) % 100 !== 0;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: 2 }).format(major);
  } catch {
    return `${major.toLocaleString('en', { minimumFractionDigits: cents ? 2 : 0 })} ${currency}`;
  }
}

/** 5123 basis points -> "51%"; null -> "—". */
export function formatBp(bp) {
  return bp === null || bp === undefined ? '—' : `${Math.round(bp / 100)}%`;
}

/** Major units typed by a person ("25,000" or "25000.50") -> minor units, or null. */
export function parseMoney(text) {
  const s = String(text || '').replace(/[\s,]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [units, cents = ''] = s.split('.');
  return Number(units) * 100 + Number(cents.padEnd(2, '0'));
}

/** How the pace reads: ahead (>= 100% of expected), close (>= 85%), behind. */
export function paceState(a) {
  if (a.pace_bp === null) return { key: 'none', text: 'Not started' };
  if (a.pace_bp >= 10000) return { key: 'ahead', text: 'On pace' };
  if (a.pace_bp >= 8500) return { key: 'close', text: 'Close to pace' };
  return { key: 'behind', text: 'Behind pace' };
}

export function paceChip(a) {
  const p = paceState(a);
  return h('span', { class: ['chip', `chip-pace-${p.key}`] }, p.text);
}

/** A progress bar of won against quota (capped at 100% for the bar; the text says more). */
export function attainmentBar(a, label) {
  const value = a.quota_minor > 0 ? Math.min(a.won_minor, a.quota_minor) : 0;
  return h('progress', { max: String(Math.max(a.quota_minor, 1)), value: String(value), 'aria-label': label });
}

/** The ramp note of a line, or null when fully ramped. */
export function rampNote(line) {
  if (!line.has_quota || line.ramp_bp >= 10000) return null;
  return `Ramping: ${formatBp(line.ramp_bp)} of the full ${formatMoney(line.quota_set_minor, line.currency)}`;
}

/** The headline facts of one attainment line: won, quota, attainment, expected, pace. */
export function attainmentFacts(line, { periodLabel }) {
  const a = line.attainment;
  const cur = line.currency;
  if (!line.has_quota && !a.quota_minor) {
    return h(
      'div',
      { class: 'facts' },
      h('p', { class: 'muted' }, `No quota set for ${periodLabel}.`),
      h('p', null, `Won so far: ${formatMoney(a.won_minor, cur)} in ${a.won_deals} ${a.won_deals === 1 ? 'deal' : 'deals'}.`),
    );
  }
  const ramp = rampNote(line);
  return h(
    'div',
    { class: 'facts attainment' },
    h(
      'dl',
      { class: 'fact-grid' },
      h('div', { class: 'fact', dataset: { fact: 'attainment' } }, h('dt', null, 'Attainment'), h('dd', null, formatBp(a.attainment_bp)),
        h('dd', { class: 'fact-note' }, `${formatMoney(a.won_minor, cur)} of ${formatMoney(a.quota_minor, cur)}`)),
      h('div', { class: 'fact', dataset: { fact: 'pace' } }, h('dt', null, 'Pace'), h('dd', null, formatBp(a.pace_bp)),
        h('dd', { class: 'fact-note' }, `expected by now ${formatMoney(a.expected_minor, cur)}`)),
    ),
    h('div', { class: 'goal-progress' }, attainmentBar(a, `Won against quota for ${periodLabel}`), paceChip(a)),
    h('p', { class: 'muted small' },
      `Day ${a.days_elapsed} of ${a.days_total}. ${a.remaining_minor > 0 ? `${formatMoney(a.remaining_minor, cur)} to go` : 'Quota reached'}` +
        (a.quota_deals !== null ? ` · ${a.won_deals} of ${a.quota_deals} deals` : ` · ${a.won_deals} ${a.won_deals === 1 ? 'deal' : 'deals'} won`) +
        (a.other_currency_deals ? ` · ${a.other_currency_deals} in another currency not counted` : '')),
    ramp ? h('p', { class: 'notice notice-info small', dataset: { ramp: String(line.ramp_bp) } }, `${ramp}, because ${line.name.split(/\s+/)[0]} started recently.`) : null,
  );
}

/** A table of people's lines: name, quota (ramp), won, attainment, pace. */
export function attainmentTable(lines, { caption }) {
  return h(
    'table',
    { class: 'data-table compact attainment-table' },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', null, h('tr', null, ['Name', 'Quota', 'Won', 'Attainment', 'Pace'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      lines.map((l) => {
        const a = l.attainment;
        return h(
          'tr',
          { dataset: { person: String(l.person_id) } },
          h('th', { scope: 'row', class: l.depth > 1 ? 'indent' : null }, personLink({ id: l.person_id, name: l.name })),
          h('td', null, l.has_quota ? formatMoney(a.quota_minor, l.currency) : '—', l.has_quota && l.ramp_bp < 10000 ? h('span', { class: 'chip chip-ramping' }, `ramp ${formatBp(l.ramp_bp)}`) : null),
          h('td', null, formatMoney(a.won_minor, l.currency)),
          h('td', null, formatBp(a.attainment_bp)),
          h('td', null, l.has_quota ? paceChip(a) : '—'),
        );
      }),
    ),
  );
}
