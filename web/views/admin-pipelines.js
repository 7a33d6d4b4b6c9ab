// views/admin-pipelines.js -- admins: the pipelines and their stages. Each stage's default
// probability and forecast category can change (deals take them as they next enter the stage);
// a stage can be added; a new pipeline starts with the usual stages, checked as a whole.
import { h, replace } from '../dom.js';
import { pageHeader, loading, errorBox, field, formError, showError, clearErrors, busy, announce } from '../ui.js';

const CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'];
const categoryOptions = CATEGORIES.map((c) => ({ value: c, label: c.replace('_', ' ') }));

function stageRow(ctx, s) {
  const outcome = s.won ? 'won' : s.lost ? 'lost' : 'open';
  const pct = h('input', { type: 'number', min: '0', max: '100', step: '0.01', value: String(s.probability_bp / 100), 'aria-label': `${s.name}: default probability in percent`, disabled: outcome !== 'open' });
  const cat = h('select', { 'aria-label': `${s.name}: forecast category`, disabled: outcome !== 'open' }, categoryOptions.map((o) => h('option', { value: o.value, selected: o.value === s.forecast_category }, o.label)));
  const save = h('button', { type: 'button', class: 'button button-small', hidden: outcome !== 'open' }, 'Save');
  const status = h('span', { class: 'hint', role: 'status' });
  save.addEventListener('click', async () => {
    save.disabled = true;
    status.textContent = '';
    try {
      await ctx.api.patch(`/stages/${s.id}`, { probability_bp: Math.round(Number(pct.value) * 100), forecast_category: cat.value });
      status.textContent = 'Saved';
    } catch (err) {
      status.textContent = err.message;
    } finally {
      save.disabled = false;
    }
  });
  return h('tr', { dataset: { stage: String(s.id) } }, h('th', { scope: 'row' }, s.name), h('td', null, outcome), h('td', null, pct), h('td', null, cat), h('td', null, save, ' ', status));
}

function addStageForm(ctx, pipeline, reload) {
  const name = field({ label: 'Stage name', name: 'name', required: true });
  const pct = field({ label: 'Default probability (%)', name: 'probability_bp', type: 'number', required: true, attrs: { min: '0', max: '100', step: '0.01' } });
  const cat = field({ label: 'Forecast category', name: 'forecast_category', type: 'select', value: 'pipeline', options: categoryOptions });
  const form = h('form', { novalidate: true, class: 'inline-form' }, formError(), name, pct, cat, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Add stage')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await busy(form, () => ctx.api.post(`/pipelines/${pipeline.id}/stages`, { name: name.control.value.trim(), probability_bp: Math.round(Number(pct.control.value) * 100), forecast_category: cat.control.value }), 'Adding…');
      announce('Stage added.', 'success');
      reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

function newPipelineForm(ctx, reload) {
  const name = field({ label: 'Name', name: 'name', required: true, hint: 'It starts with Qualify, Propose, Commit, Won and Lost; change or add stages after.' });
  const form = h('form', { novalidate: true }, formError(), name, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Create pipeline')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const stages = [
      { name: 'Qualify', probability_bp: 1000, forecast_category: 'pipeline' },
      { name: 'Propose', probability_bp: 4000, forecast_category: 'best_case' },
      { name: 'Commit', probability_bp: 8000, forecast_category: 'commit' },
      { name: 'Won', probability_bp: 10000, forecast_category: 'closed', outcome: 'won' },
      { name: 'Lost', probability_bp: 0, forecast_category: 'omitted', outcome: 'lost' },
    ];
    try {
      await busy(form, () => ctx.api.post('/pipelines', { name: name.control.value.trim(), stages }), 'Creating…');
      announce('Pipeline created.', 'success');
      reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

export async function render(root, ctx) {
  ctx.setTitle('Pipelines');
  root.append(pageHeader('Pipelines and stages', { intro: 'Each stage brings its default probability and forecast category to the deals that enter it. A probability a seller set by hand stays.' }));
  const body = h('div', { class: 'card-grid' }, h('section', { class: 'card card-full' }, loading()));
  root.append(body);
  const reload = async () => {
    try {
      const { pipelines } = await ctx.api.get('/pipelines');
      if (!ctx.isCurrent()) return;
      replace(
        body,
        pipelines.map((p) =>
          h(
            'section',
            { class: 'card card-full', dataset: { pipeline: String(p.id) } },
            h('h2', { class: 'card-title' }, p.name),
            h('div', { class: 'table-wrap' }, h('table', { class: 'table' }, h('thead', null, h('tr', null, ['Stage', 'Outcome', 'Probability (%)', 'Category', ''].map((t) => h('th', { scope: 'col' }, t)))), h('tbody', null, p.stages.map((s) => stageRow(ctx, s))))),
            h('details', null, h('summary', null, 'Add a stage'), addStageForm(ctx, p, reload)),
          ),
        ),
        h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'New pipeline'), newPipelineForm(ctx, reload)),
      );
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the pipelines', retry: reload }));
    }
  };
  await reload();
}
