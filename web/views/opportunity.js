// views/opportunity.js -- one deal: its facts, its stage and probability (which its owner and
// their managers may change; a hand-set probability stays through stage changes), how often
// its close date slipped, and its whole history.
import { h, replace } from '../dom.js';
import { pageHeader, field, formError, showError, clearErrors, busy, announce } from '../ui.js';
import { formatDate, formatStamp } from '../format.js';
import { money, percent, categoryName, statusChip } from '../pipeline.js';
import { splitsCard } from './comp-tools.js';

const FIELD_NAMES = {
  created: 'Created',
  owner: 'Owner',
  pipeline: 'Pipeline',
  stage: 'Stage',
  amount: 'Amount',
  currency: 'Currency',
  close_date: 'Close date',
  probability: 'Probability',
  forecast_category: 'Category',
  status: 'Status',
};

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', null, label), h('dd', null, value));
}

function historyTable(o) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table history-table' },
      h('caption', { class: 'sr-only' }, 'History, oldest first'),
      h('thead', null, h('tr', null, ['When', 'What changed', 'Stage', 'Amount', 'Close date', 'Probability', 'Category', 'Owner', 'Source'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        null,
        o.history.map((r) =>
          h(
            'tr',
            null,
            h('td', { 'data-label': 'When' }, formatStamp(r.changed_at)),
            h('td', { 'data-label': 'What changed' }, r.changes.map((c) => FIELD_NAMES[c] || c).join(', ')),
            h('td', { 'data-label': 'Stage' }, r.stage.name),
            h('td', { 'data-label': 'Amount', class: 'num' }, money(r.amount_minor, r.currency)),
            h('td', { 'data-label': 'Close date' }, formatDate(r.close_date)),
            h('td', { 'data-label': 'Probability', class: 'num' }, percent(r.probability_bp)),
            h('td', { 'data-label': 'Category' }, categoryName(r.forecast_category)),
            h('td', { 'data-label': 'Owner' }, r.owner.name),
            h('td', { 'data-label': 'Source' }, r.source),
          ),
        ),
      ),
    ),
  );
}

export async function render(root, ctx) {
  ctx.setTitle('Deal');
  const id = ctx.params.id;
  let o;
  try {
    o = await ctx.api.get(`/opportunities/${id}`);
  } catch (err) {
    if (err.status === 404) return ctx.notFound('There is no such deal, or it is not one you may see.');
    throw err;
  }
  const { pipelines } = await ctx.api.get('/pipelines', { cache: true });
  if (!ctx.isCurrent()) return;
  ctx.setTitle(o.name);
  const body = h('div');
  root.append(pageHeader(o.name, { intro: o.account ? o.account.name : '' }), body);

  function draw() {
    const stages = pipelines.flatMap((p) => p.stages.map((s) => ({ value: s.id, label: `${p.name}: ${s.name}` })));
    const stage = field({ label: 'Stage', name: 'stage_id', type: 'select', options: stages, value: o.stage.id });
    const stageForm = h('form', { class: 'form card', novalidate: true }, h('h2', { class: 'card-title' }, 'Move the deal'), formError(), stage, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Move')));
    stageForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(stageForm);
      try {
        o = await busy(stageForm, () => ctx.api.put(`/opportunities/${id}/stage`, { stage_id: Number(stage.control.value) }), 'Moving…');
        announce('Stage changed', 'success');
        draw();
      } catch (err) {
        if (err.status !== 401) showError(stageForm, err);
      }
    });

    const prob = field({ label: 'Probability (%)', name: 'probability_bp', type: 'number', value: String(o.probability_bp / 100), attrs: { min: '0', max: '100', step: '1' }, hint: o.probability_manual ? 'Set by hand: stage changes keep it.' : 'The stage’s default.' });
    const probForm = h(
      'form',
      { class: 'form card', novalidate: true },
      h('h2', { class: 'card-title' }, 'Probability'),
      formError(),
      prob,
      h(
        'div',
        { class: 'form-actions' },
        h('button', { type: 'submit', class: 'button button-primary' }, 'Set by hand'),
        o.probability_manual ? h('button', { type: 'button', class: 'button button-quiet', id: 'probability-reset' }, 'Use the stage’s default') : null,
      ),
    );
    const setProbability = async (value) => {
      clearErrors(probForm);
      try {
        o = await busy(probForm, () => ctx.api.put(`/opportunities/${id}/probability`, { probability_bp: value }), 'Saving…');
        announce('Probability saved', 'success');
        draw();
      } catch (err) {
        if (err.status !== 401) showError(probForm, err);
      }
    };
    probForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const pct = Number(prob.control.value);
      if (prob.control.value === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
        showError(probForm, { field: 'probability_bp', message: 'A percentage from 0 to 100.' });
        return;
      }
      setProbability(Math.round(pct * 100));
    });
    probForm.querySelector('#probability-reset')?.addEventListener('click', () => setProbability(null));

    replace(
      body,
      h(
        'dl',
        { class: 'fact-grid deal-facts' },
        fact('Status', statusChip(o.status)),
        fact('Stage', `${o.pipeline.name}: ${o.stage.name}`),
        fact('Amount', money(o.amount_minor, o.currency)),
        fact('Probability', `${percent(o.probability_bp)}${o.probability_manual ? ' (set by hand)' : ''}`),
        fact('Category', categoryName(o.forecast_category)),
        fact('Close date', formatDate(o.close_date)),
        fact('Created', formatDate(o.created_date)),
        fact('Owner', o.owner.name),
        fact('Close date slipped', o.slips.count ? `${o.slips.count} ${o.slips.count === 1 ? 'time' : 'times'}, ${o.slips.days} days in all` : 'Never'),
        o.deal_type ? fact('Deal type', o.deal_type) : null,
        o.products ? fact('Products', o.products) : null,
        o.closed_reason ? fact('Reason', o.closed_reason) : null,
        o.external_id ? fact('CRM id', `${o.source} ${o.external_id}`) : null,
      ),
      h('div', { class: 'card-grid' }, stageForm, probForm, splitsCard(ctx, o)),
      h('h2', { class: 'section-title' }, 'History'),
      historyTable(o),
    );
  }
  draw();
}
