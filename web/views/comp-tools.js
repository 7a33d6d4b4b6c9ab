// views/comp-tools.js -- the commission admin page's tools beyond plans and runs: plan
// modelling (a draft plan on a past period, person by person, the biggest losers flagged with
// their leading-people facts), exchange rates, and the audit log; and the credit splits card
// of a deal page. Each talks to the routes in docs/api.md ("Compensation").
import { h, replace } from '../dom.js';
import { field, showError, clearErrors, busy, announce, loading, errorBox, empty } from '../ui.js';
import { formatMoney, formatBp } from '../quotas.js';
import { formatStamp, formatDate } from '../format.js';

// table helpers, shared with views/admin-comp.js
export const cell = (label, ...content) => h('td', { 'data-label': label }, ...content);
export const num = (label, ...content) => h('td', { 'data-label': label, class: 'num' }, ...content);
export const headRow = (...titles) => h('thead', null, h('tr', null, titles.map((t) => h('th', { scope: 'col' }, t))));
export const table = (cls, caption, head, rows) => h('div', { class: 'table-wrap' }, h('table', { class: ['data-table', 'compact', cls] }, h('caption', { class: 'sr-only' }, caption), head, h('tbody', null, rows)));
const signed = (minor, currency) => (minor > 0 ? `+${formatMoney(minor, currency)}` : formatMoney(minor, currency));

/* What we know of a flagged person, in words: why losing money would hurt. */
function factsText(f) {
  if (!f) return '';
  const parts = [];
  if (f.top_performer) parts.push('at or above quota');
  parts.push(f.kudos_received ? `${f.kudos_received} kudos in 90 days` : 'no kudos in 90 days');
  if (f.open_goals) parts.push(`${f.open_goals} open development ${f.open_goals === 1 ? 'goal' : 'goals'}${f.last_goal_checkin ? `, last check-in ${formatDate(f.last_goal_checkin.slice(0, 10))}` : ''}`);
  return parts.join(' · ');
}

// ---- plan modelling ------------------------------------------------------------------------

/** A draft plan run on a past period beside the plans in use; nothing is stored. The draft
 * starts as plan version `startId` of `versions` (each {id, name, version}), and any other
 * version is a choice away. */
export function modelCard(ctx, currentDocument, versions = [], startId = null) {
  const doc = field({ label: 'Draft plan', name: 'plan', type: 'textarea', value: currentDocument ? JSON.stringify(currentDocument, null, 2) : '', attrs: { rows: '12', spellcheck: 'false', class: 'code-input' }, hint: 'Starts as a plan version: change a rate or a tier and model it.' });
  const start = versions.length > 1 ? field({ label: 'Start from', name: 'start', type: 'select', options: versions.map((v) => ({ value: v.id, label: `${v.name} v${v.version}` })), hint: 'Replaces the draft with that version’s document.' }) : null;
  if (start) {
    start.control.value = String(startId);
    start.control.addEventListener('change', async () => {
      clearErrors(form);
      try {
        doc.control.value = JSON.stringify((await ctx.api.get(`/comp/plans/${start.control.value}`)).document, null, 2);
      } catch (err) {
        if (err.status !== 401) showError(form, err);
      }
    });
  }
  const period = field({ label: 'Past period', name: 'period', required: true, attrs: { placeholder: '2026-09', size: '9' }, hint: 'A payout period that has ended.' });
  const result = h('div', { class: 'comp-model-result' });
  const form = h('form', { class: 'card form-card comp-model', novalidate: true }, h('h2', null, 'Model a plan change'),
    h('p', { class: 'small muted' }, 'Runs the draft on the real deals and quotas of a past period, beside what the plans in use earn on the same data today (closed runs may have paid otherwise, before later changes). The people who would lose most are flagged with what we know of them: a top performer losing money is a retention risk to talk about before the plan ships.'),
    start, doc, period, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Model')), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(result);
    let plan;
    try {
      plan = JSON.parse(doc.control.value);
    } catch (err) {
      return showError(form, { field: 'plan', message: `This is not JSON: ${err.message}` });
    }
    try {
      const m = await busy(form, () => ctx.api.post('/comp/plans/model', { plan, period: period.control.value.trim() }), 'Modelling…');
      const cur = plan.currency;
      const flagged = m.people.filter((p) => p.flagged && p.change_minor < 0);
      replace(result,
        h('p', { class: 'comp-model-totals', role: 'status' }, `${m.period}: the plans in use earn ${formatMoney(m.totals.current_minor, cur)}; ${m.draft_name} would pay ${formatMoney(m.totals.draft_minor, cur)} (${signed(m.totals.change_minor, cur)}).`),
        flagged.length ? h('div', { class: 'notice notice-warning comp-model-flags' }, h('p', null, h('strong', null, 'Talk with these people before the plan ships:')),
          h('ul', null, flagged.map((p) => h('li', { 'data-person': String(p.person_id) }, h('a', { href: `#/people/${p.person_id}` }, p.name), ` would lose ${formatMoney(-p.change_minor, cur)} — ${factsText(p.facts)}`)))) : null,
        m.people.length ? table('comp-model-people', 'Per person: what the plans in use earn and what the draft would pay',
          headRow('Person', 'Attainment', 'Now', 'Draft', 'Change', ''),
          m.people.map((p) => h('tr', { 'data-person': String(p.person_id), class: p.flagged ? 'flagged' : null },
            cell('Person', h('a', { href: `#/people/${p.person_id}` }, p.name)),
            num('Attainment', p.attainment_bp == null ? '—' : formatBp(p.attainment_bp)),
            num('Now', formatMoney(p.current_minor, cur)),
            num('Draft', formatMoney(p.draft_minor, cur)),
            num('Change', signed(p.change_minor, cur)),
            cell('', p.flagged ? h('span', { class: 'chip chip-leaving' }, 'Flagged') : '')))) : empty('Nobody was on a plan in that period.'));
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return form;
}

// ---- exchange rates ------------------------------------------------------------------------

export function fxCard(ctx) {
  const date = field({ label: 'From date', name: 'effective_date', type: 'date', required: true });
  const from = field({ label: 'From currency', name: 'from_currency', required: true, attrs: { size: '4', placeholder: 'EUR' } });
  const to = field({ label: 'To currency', name: 'to_currency', required: true, attrs: { size: '4', placeholder: 'USD' } });
  const rate = field({ label: 'Rate', name: 'rate_ppm', required: true, attrs: { placeholder: '1.0845', inputmode: 'decimal' }, hint: 'Units of the second currency for one of the first, up to six decimals.' });
  const list = h('div', null, loading());
  const form = h('form', { class: 'form-card comp-fx', novalidate: true }, date, from, to, rate, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Set rate')));
  const card = h('section', { class: 'card comp-section' }, h('h2', null, 'Exchange rates'),
    h('p', { class: 'small muted' }, 'A deal in another currency than its plan is converted at the latest rate on or before its close date; a deal without one stops the run and says which rate is missing.'), list, form);
  async function load() {
    try {
      const { rates } = await ctx.api.get('/comp/fx-rates');
      replace(list, rates.length ? table('comp-fx-rates', 'Exchange rates', headRow('From date', 'Currencies', 'Rate'),
        rates.map((r) => h('tr', null, cell('From date', formatDate(r.effective_date)), cell('Currencies', `${r.from_currency} → ${r.to_currency}`), num('Rate', `1 ${r.from_currency} = ${(r.rate_ppm / 1e6).toFixed(6)} ${r.to_currency}`)))) : empty('No exchange rates yet.'));
    } catch (err) {
      if (err.status !== 401) replace(list, errorBox(err, { retry: load }));
    }
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    // a decimal rate to whole millionths, without floating point
    const m = rate.control.value.trim().match(/^(\d+)(?:\.(\d{1,6}))?$/);
    if (!m) return showError(form, { field: 'rate_ppm', message: 'A positive number with at most six decimals, e.g. 1.0845.' });
    const ppm = Number(m[1]) * 1e6 + Number((m[2] || '').padEnd(6, '0'));
    try {
      await busy(form, () => ctx.api.post('/comp/fx-rates', { effective_date: date.control.value, from_currency: from.control.value.trim().toUpperCase(), to_currency: to.control.value.trim().toUpperCase(), rate_ppm: ppm }), 'Saving…');
      announce('Exchange rate set', 'success');
      load();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  load();
  return card;
}

// ---- audit log -----------------------------------------------------------------------------

/** An audit row's summary in words: "period 2026-01; payout 1,234.56" or, for splits,
 * "before: none; after: Ana Lima 50%, Ben Ode 50%". */
function summaryText(summary) {
  if (!summary || typeof summary !== 'object') return summary == null ? '' : String(summary);
  const split = (x) => `${x.name ?? `person ${x.person_id}`} ${(x.share_bp / 100).toFixed(x.share_bp % 100 ? 2 : 0)}%${x.kind === 'overlay' ? ' overlay' : ''}`;
  const value = (k, v) => {
    if (v === null) return 'none';
    if (Array.isArray(v)) return v.length ? v.map((x) => (x && typeof x === 'object' && 'share_bp' in x ? split(x) : JSON.stringify(x))).join(', ') : 'none';
    if (typeof v === 'object') return JSON.stringify(v);
    if (k.endsWith('_minor') && Number.isInteger(v)) return (v / 100).toLocaleString('en', { minimumFractionDigits: 2 });
    return String(v);
  };
  // a person named says more than their id
  const shown = Object.entries(summary).filter(([k]) => !(k === 'person_id' && 'person' in summary));
  return shown.map(([k, v]) => `${k.replace(/_minor$/, '').replace(/_/g, ' ')}: ${value(k, v)}`).join('; ');
}

export function auditCard(ctx) {
  const list = h('div', null, loading());
  const details = h('details', { class: 'card comp-section comp-audit' }, h('summary', null, h('h2', null, 'Audit log')), list);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const { audit } = await ctx.api.get('/comp/audit');
      replace(list, audit.length ? table('comp-audit-log', 'Every change to plans, runs, splits, disputes and rates, newest first', headRow('When', 'Who', 'What', 'Object', 'Details'),
        audit.map((a) => h('tr', null, cell('When', formatStamp(a.at)), cell('Who', a.by ?? h('span', { class: 'muted' }, 'reins (demo or command line)')), cell('What', a.action), cell('Object', `${a.object} ${a.object_id}`),
          cell('Details', h('span', { class: 'small' }, summaryText(a.summary)))))) : empty('Nothing has changed yet.'));
    } catch (err) {
      loaded = false;
      if (err.status !== 401) replace(list, errorBox(err));
    }
  });
  return details;
}

// ---- a deal's credit splits (the deal page) ------------------------------------------------

/** Who is credited for deal `o`, and (for admins and managers) a form to change it. */
export function splitsCard(ctx, o) {
  const box = h('section', { class: 'card deal-splits' }, h('h2', { class: 'card-title' }, 'Commission credit'), loading());
  (async () => {
    let s, people;
    try {
      s = await ctx.api.get(`/comp/deals/${o.id}/splits`);
      people = ctx.session.user.role === 'seller' ? [] : (await ctx.api.get('/people?status=active')).people;
    } catch (err) {
      if (err.status !== 401) replace(box, h('h2', { class: 'card-title' }, 'Commission credit'), errorBox(err));
      return;
    }
    const names = new Map(people.map((p) => [p.id, p.name]));
    names.set(o.owner.id, o.owner.name);
    const share = (bp) => `${(bp / 100).toFixed(bp % 100 ? 2 : 0)}%`;
    const say = (x) => `${x.name ?? names.get(x.person_id)}: ${share(x.share_bp)}${x.kind === 'overlay' ? ' (overlay)' : ''}`;
    const items = (splits) => (splits.length ? splits.map((x) => h('li', null, say(x))) : h('li', null, `${o.owner.name} is credited the whole deal.`));
    const summary = h('ul', { class: 'split-list' }, items(s.splits));
    if (ctx.session.user.role === 'seller') return replace(box, h('h2', { class: 'card-title' }, 'Commission credit'), summary);
    const rows = h('div', { class: 'split-rows' });
    const addRow = (x = { person_id: o.owner.id, kind: 'direct', share_bp: 10000 }) => {
      const who = h('select', { 'aria-label': 'Person' }, people.map((p) => h('option', { value: String(p.id), selected: p.id === x.person_id }, p.name)));
      const kind = h('select', { 'aria-label': 'Kind' }, ['direct', 'overlay'].map((k) => h('option', { value: k, selected: k === x.kind }, k)));
      const pct = h('input', { type: 'number', min: '0.01', max: '100', step: '0.01', value: String(x.share_bp / 100), 'aria-label': 'Share (%)' });
      const remove = h('button', { type: 'button', class: 'button button-quiet' }, 'Remove');
      const row = h('div', { class: 'split-row' }, who, kind, pct, h('span', null, '%'), remove);
      remove.addEventListener('click', () => row.remove());
      row.value = () => ({ person_id: Number(who.value), kind: kind.value, share_bp: Math.round(Number(pct.value) * 100) });
      rows.append(row);
    };
    s.splits.forEach((x) => addRow(x));
    const add = h('button', { type: 'button', class: 'button button-quiet' }, 'Add a person');
    add.addEventListener('click', () => addRow({ person_id: o.owner.id, kind: 'direct', share_bp: 0 }));
    const form = h('form', { class: 'form', novalidate: true }, h('p', { class: 'small muted' }, 'Direct shares come to 100%; overlay credit comes on top. With no rows the owner is credited the whole deal.'), rows,
      h('div', { class: 'form-actions' }, add, h('button', { type: 'submit', class: 'button button-primary' }, 'Save credit')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      try {
        const splits = [...rows.children].map((r) => r.value());
        const saved = await busy(form, () => ctx.api.put(`/comp/deals/${o.id}/splits`, { splits }), 'Saving…');
        s = saved;
        announce('Credit saved', 'success');
        replace(summary, items(saved.splits));
      } catch (err) {
        if (err.status !== 401) showError(form, err);
      }
    });
    replace(box, h('h2', { class: 'card-title' }, 'Commission credit'), summary, form);
  })();
  return box;
}
