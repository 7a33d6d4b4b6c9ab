// views/pipeline.js -- the pipeline: a kanban board by stage with totals per column, and a
// table with filters. Everyone sees the deals they may see (their own, their tree's, or all).
import { h, replace } from '../dom.js';
import { pageHeader, field, loading, empty, errorBox } from '../ui.js';
import { formatDate } from '../format.js';
import { API } from '../api.js';
import { money, percent, categoryName, CATEGORIES, statusChip } from '../pipeline.js';

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function dealCard(o) {
  return h(
    'li',
    { class: 'kanban-card' },
    h('a', { href: `#/opportunities/${o.id}`, class: 'kanban-deal' }, o.name),
    h('span', { class: 'kanban-meta' }, o.account ? o.account.name : ''),
    h('span', { class: 'kanban-meta' }, `${money(o.amount_minor, o.currency)} · ${percent(o.probability_bp)} · ${formatDate(o.close_date)}`),
    h('span', { class: 'kanban-meta muted' }, o.owner.name),
  );
}

/** Sums per currency, never added across currencies: "€1,200 + $300". */
function sums(list, key) {
  return list.length ? list.map((x) => money(x[key], x.currency)).join(' + ') : money(0, 'EUR');
}

function boardView(board) {
  const totals = board.totals.by_currency;
  return h(
    'div',
    { class: 'kanban-wrap' },
    h(
      'p',
      { class: 'kanban-totals' },
      `${board.totals.count} open ${board.totals.count === 1 ? 'deal' : 'deals'} · ${sums(totals, 'amount_minor')} · weighted ${sums(totals, 'weighted_minor')}`,
      totals.length > 1 ? h('span', { class: 'muted' }, ' (each currency summed apart)') : null,
    ),
    h(
      'div',
      { class: 'kanban', role: 'list', 'aria-label': 'Stages' },
      board.columns.map((c) =>
        h(
          'section',
          { class: 'kanban-column', role: 'listitem', dataset: { stage: c.stage.name } },
          h(
            'header',
            { class: 'kanban-head' },
            h('h2', { class: 'kanban-stage' }, c.stage.name),
            h('p', { class: 'kanban-sum' }, `${c.count} · ${sums(c.by_currency, 'amount_minor')}`),
            h('p', { class: 'kanban-sum muted' }, `weighted ${sums(c.by_currency, 'weighted_minor')} · ${percent(c.stage.probability_bp)}`),
          ),
          c.opportunities.length ? h('ul', { class: 'kanban-cards' }, c.opportunities.map(dealCard)) : h('p', { class: 'muted small' }, 'No deals'),
        ),
      ),
    ),
  );
}

function tableView(list) {
  if (!list.length) return empty('No deals match these filters.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table pipeline-table' },
      h('thead', null, h('tr', null, ['Deal', 'Account', 'Owner', 'Stage', 'Amount', 'Probability', 'Category', 'Close date', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        null,
        list.map((o) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, h('a', { href: `#/opportunities/${o.id}` }, o.name)),
            h('td', { 'data-label': 'Account' }, o.account ? o.account.name : ''),
            h('td', { 'data-label': 'Owner' }, o.owner.name),
            h('td', { 'data-label': 'Stage' }, o.stage.name),
            h('td', { 'data-label': 'Amount', class: 'num' }, money(o.amount_minor, o.currency)),
            h('td', { 'data-label': 'Probability', class: 'num' }, percent(o.probability_bp), o.probability_manual ? h('span', { class: 'muted', title: 'Set by hand' }, ' ✎') : null),
            h('td', { 'data-label': 'Category' }, categoryName(o.forecast_category)),
            h('td', { 'data-label': 'Close date' }, formatDate(o.close_date)),
            h('td', { 'data-label': 'Status' }, statusChip(o.status)),
          ),
        ),
      ),
    ),
  );
}

/** The deals as they stood at the end of a past day, from their history. */
function asOfView(rows, date) {
  if (!rows.length) return empty(`No deals were known on ${formatDate(date)}.`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table pipeline-table as-of-table' },
      h('caption', null, `As it stood at the end of ${formatDate(date)}`),
      h('thead', null, h('tr', null, ['Deal', 'Owner', 'Stage', 'Amount', 'Probability', 'Category', 'Close date', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, h('a', { href: `#/opportunities/${r.opportunity_id}` }, `#${r.opportunity_id}`)),
            h('td', { 'data-label': 'Owner' }, r.owner.name),
            h('td', { 'data-label': 'Stage' }, r.stage.name),
            h('td', { 'data-label': 'Amount', class: 'num' }, money(r.amount_minor, r.currency)),
            h('td', { 'data-label': 'Probability', class: 'num' }, percent(r.probability_bp)),
            h('td', { 'data-label': 'Category' }, categoryName(r.forecast_category)),
            h('td', { 'data-label': 'Close date' }, formatDate(r.close_date)),
            h('td', { 'data-label': 'Status' }, statusChip(r.status)),
          ),
        ),
      ),
    ),
  );
}

export async function render(root, ctx) {
  ctx.setTitle('Pipeline');
  root.append(pageHeader('Pipeline', { intro: 'Open deals by stage, and every deal you may see with filters. Amounts are totals of the deals shown.' }));
  const body = h('div', null, loading());
  root.append(body);
  const { pipelines } = await ctx.api.get('/pipelines', { cache: true });
  if (!ctx.isCurrent()) return;

  const pipe = field({ label: 'Pipeline', name: 'pipeline', type: 'select', options: pipelines.map((p) => ({ value: p.id, label: p.name })) });
  const mode = field({ label: 'View', name: 'view', type: 'select', options: [{ value: 'board', label: 'Board' }, { value: 'table', label: 'Table' }, { value: 'as-of', label: 'As of a date' }] });
  const asOf = field({ label: 'As of', name: 'as_of', type: 'date', value: ctx.today, hint: 'For “As of a date”: the pipeline as it stood then.' });
  const status = field({ label: 'Status', name: 'status', type: 'select', options: [{ value: '', label: 'Any' }, { value: 'open', label: 'Open' }, { value: 'won', label: 'Won' }, { value: 'lost', label: 'Lost' }], value: 'open' });
  const category = field({ label: 'Category', name: 'forecast_category', type: 'select', options: [{ value: '', label: 'Any' }, ...CATEGORIES.map(([value, label]) => ({ value, label }))] });
  const from = field({ label: 'Closing from', name: 'close_from', type: 'date' });
  const to = field({ label: 'Closing to', name: 'close_to', type: 'date' });
  const q = field({ label: 'Deal name', name: 'q', type: 'search', attrs: { autocomplete: 'off' } });
  const bar = h('form', { class: 'toolbar pipeline-filters', role: 'search' }, pipe, mode, status, category, from, to, q, asOf);
  const out = h('div', { class: 'pipeline-out', 'aria-live': 'polite' });
  const download = h('p', { class: 'small' }, h('a', { href: `${API}/export/opportunities`, download: 'opportunities.csv' }, 'Download your deals as CSV'));
  replace(body, bar, out, download);

  let seq = 0;
  async function load() {
    const mine = ++seq;
    replace(out, loading());
    const filters = {
      status: status.control.value,
      forecast_category: category.control.value,
      close_from: from.control.value,
      close_to: to.control.value,
      q: q.control.value.trim(),
    };
    try {
      if (mode.control.value === 'as-of') {
        const date = asOf.control.value || ctx.today;
        const { opportunities } = await ctx.api.get(`/pipeline/as-of${query({ date })}`);
        const shown = opportunities.filter((r) => (!filters.status || r.status === filters.status) && (!filters.forecast_category || r.forecast_category === filters.forecast_category));
        if (mine === seq && ctx.isCurrent()) replace(out, asOfView(shown, date));
      } else if (mode.control.value === 'board') {
        const board = await ctx.api.get(`/pipelines/${pipe.control.value}/board${query(filters)}`);
        if (mine === seq && ctx.isCurrent()) replace(out, boardView(board));
      } else {
        const { opportunities } = await ctx.api.get(`/opportunities${query({ ...filters, pipeline_id: pipe.control.value })}`);
        if (mine === seq && ctx.isCurrent()) replace(out, tableView(opportunities));
      }
    } catch (err) {
      if (mine === seq && err.status !== 401) replace(out, errorBox(err, { retry: load }));
    }
  }
  bar.addEventListener('change', load);
  bar.addEventListener('submit', (e) => {
    e.preventDefault();
    load();
  });
  let timer;
  q.control.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  });
  await load();
}
