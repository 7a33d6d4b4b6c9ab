// views/forecast.js -- the forecast of a person's tree for a quarter (#/forecast, or
// #/forecast/ID for someone below you): people first (who has not called, whose call drifts
// from the model), then the numbers: calls, adjustments and roll-up beside the model's
// P10-P90 range and the weighted pipeline, the roll-up by category, the pipeline's changes since
// the last call, the forecaster's record (to them and their managers), and the person's own deals
// with their category (the owner may override it) beside the model's view.
import { h, replace } from '../dom.js';
import { pageHeader, field, loading, empty, errorBox, formError, showError, clearErrors, busy, announce, openDialog } from '../ui.js';
import { fmt, drift, attention, rangeChart, scaleOf, isSeller } from '../forecast.js';

const pct = (ppm) => `${Math.round(ppm / 1000) / 10}%`;

function callForm(ctx, period, person, reload) {
  const commit = field({ label: 'Commit', name: 'commit', type: 'number', required: true, value: person?.call ? person.call.commit_minor / 100 : '', attrs: { min: 0, step: 1 } });
  const best = field({ label: 'Best case', name: 'best', type: 'number', required: true, value: person?.call ? person.call.best_case_minor / 100 : '', attrs: { min: 0, step: 1 } });
  const form = h('form', { class: 'form-inline call-form', novalidate: true }, commit, best, formError(), h('button', { type: 'submit', class: 'button button-primary' }, 'Submit call'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const c = Math.round(Number(form.elements.commit.value) * 100), b = Math.round(Number(form.elements.best.value) * 100);
    try {
      await busy(form, () => ctx.api.post('/forecast/calls', { period, commit_minor: c, best_case_minor: b }), 'Submitting…');
      announce(`Your ${period} call is in: commit ${fmt(c)}, best case ${fmt(b)}.`, 'success');
      reload();
    } catch (err) {
      showError(form, err, { commit_minor: 'commit', best_case_minor: 'best' });
    }
  });
  return form;
}

async function adjust(ctx, period, p, reload) {
  const done = await openDialog(`Adjust ${p.name}'s number`, (close) => {
    const commit = field({ label: 'Commit', name: 'commit', type: 'number', required: true, value: (p.number?.commit_minor ?? 0) / 100 });
    const best = field({ label: 'Best case', name: 'best', type: 'number', required: true, value: (p.number?.best_case_minor ?? 0) / 100 });
    const comment = field({ label: 'Why', name: 'comment', type: 'textarea', required: true, hint: `${p.name} sees this. What they called stays as they said it.` });
    const form = h('form', { class: 'form', novalidate: true }, commit, best, comment, formError(),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save adjustment'), h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      try {
        await busy(form, () => ctx.api.post('/forecast/adjustments', { person_id: p.person_id, period, commit_minor: Math.round(Number(form.elements.commit.value) * 100), best_case_minor: Math.round(Number(form.elements.best.value) * 100), comment: form.elements.comment.value }), 'Saving…');
        close(true);
      } catch (err) {
        showError(form, err, { commit_minor: 'commit', best_case_minor: 'best' });
      }
    });
    return form;
  });
  if (done) {
    announce(`Adjusted ${p.name}'s number.`, 'success');
    reload();
  }
}

function peopleFirst(people) {
  const { missing, drifting } = attention(people);
  const item = (p, text) => h('li', null, h('a', { href: `#/forecast/${p.person_id}` }, p.name), ` ${text}`);
  return h('section', { class: 'card', 'aria-labelledby': 'fc-people' }, h('h2', { id: 'fc-people', class: 'card-title' }, 'People first'),
    missing.length ? h('div', null, h('h3', { class: 'small-title' }, `Not called yet (${missing.length})`), h('ul', { class: 'plain-list fc-missing' }, missing.map((p) => item(p, '')))) : h('p', { class: 'muted' }, 'Everyone has called this period.'),
    drifting.length ? h('div', null, h('h3', { class: 'small-title' }, 'Calls far from the model'), h('ul', { class: 'plain-list fc-drifting' }, drifting.map((p) => item(p, `calls ${fmt(p.number.commit_minor)}, the model's middle is ${fmt(p.model.p50_minor)} (${drift(p) > 0 ? '+' : ''}${drift(p)}%): ${drift(p) > 0 ? 'optimistic?' : 'sandbagging?'}`)))) : null,
  );
}

function numbersTable(ctx, period, page, reload) {
  const max = scaleOf(page.people);
  const me = ctx.session.person;
  const amounts = (a) => (a ? `${fmt(a.commit_minor)} / ${fmt(a.best_case_minor)}` : '—');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table forecast-table' },
    h('thead', null, h('tr', null, ['Person', 'Call (commit / best)', 'Adjusted', 'Roll-up', 'Number', 'Closed · Commit · Best case · Pipeline', 'Model P10 · P50 · P90', 'Range', 'Weighted', 'Quota · chance', 'Record', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, page.people.map((p) => h('tr', { dataset: { person: p.person_id } },
      h('th', { scope: 'row', class: `fc-depth-${Math.min(p.depth, 4)}` }, h('a', { href: `#/forecast/${p.person_id}` }, p.name), isSeller(p) ? null : h('span', { class: 'muted small' }, ` · ${p.reports} reports`)),
      h('td', { 'data-label': 'Call', class: 'num' }, amounts(p.call)),
      h('td', { 'data-label': 'Adjusted', class: 'num', title: p.adjustment ? `${p.adjustment.by_name}: ${p.adjustment.comment}` : '' }, p.adjustment ? amounts(p.adjustment) : '—', p.adjustment ? h('div', { class: 'muted small' }, p.adjustment.comment) : null),
      h('td', { 'data-label': 'Roll-up', class: 'num' }, isSeller(p) ? '' : amounts(p.rollup)),
      h('td', { 'data-label': 'Number', class: 'num' }, amounts(p.number)),
      h('td', { 'data-label': 'By category', class: 'num fc-categories' }, ['closed', 'commit', 'best_case', 'pipeline'].map((c) => fmt(p.categories[`${c}_minor`])).join(' · ')),
      h('td', { 'data-label': 'Model', class: 'num' }, p.model ? `${fmt(p.model.p10_minor)} · ${fmt(p.model.p50_minor)} · ${fmt(p.model.p90_minor)}` : '—'),
      h('td', { 'data-label': 'Range' }, rangeChart(p, max)),
      h('td', { 'data-label': 'Weighted', class: 'num' }, p.model ? fmt(p.model.weighted_minor) : '—'),
      h('td', { 'data-label': 'Quota · chance', class: 'num fc-quota' }, p.model?.quota_minor != null ? `${fmt(p.model.quota_minor)} · ${pct(p.model.p_quota_ppm)}` : '—'),
      h('td', { 'data-label': 'Record', class: 'small fc-record-cell' }, 'accuracy' in p ? recordText(p.accuracy) : ''),
      h('td', null, me && p.person_id !== me.id ? h('button', { type: 'button', class: 'button button-small', onclick: () => adjust(ctx, period, p, reload) }, 'Adjust') : null),
    )))));
}

const CATEGORY = { pipeline: 'Pipeline', best_case: 'Best case', commit: 'Commit', closed: 'Closed', omitted: 'Omitted' };
const OVERRIDABLE = ['pipeline', 'best_case', 'commit', 'omitted'];

// The owner's own judgement of a deal: a select whose first option hands it back to the stage.
function categoryControl(ctx, d, reload) {
  const sel = h('select', { 'aria-label': `${d.name}: forecast category`, class: 'fc-category' },
    h('option', { value: '', selected: !d.override }, `As the stage says (${CATEGORY[d.stage_category] ?? d.stage_category})`),
    OVERRIDABLE.map((c) => h('option', { value: c, selected: d.override === c }, CATEGORY[c])));
  sel.addEventListener('change', async () => {
    sel.disabled = true;
    try {
      await ctx.api.post('/forecast/overrides', { opportunity_id: d.id, category: sel.value || null });
      announce(sel.value ? `${d.name} is in ${CATEGORY[sel.value]} by your call.` : `${d.name} follows its stage again.`, 'success');
      reload();
    } catch (err) {
      sel.disabled = false;
      announce(err.message || 'Could not change the category.', 'error');
    }
  });
  return sel;
}

function dealsTable(ctx, deals, mine, reload) {
  if (!deals.length) return empty('No open deals of their own.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table fc-deals' },
    h('thead', null, h('tr', null, ['Deal', 'Stage', 'Amount', 'Close', 'Category', 'Model', 'Why (the model)'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, deals.map((d) => h('tr', { dataset: { deal: d.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/opportunities/${d.id}` }, d.name)),
      h('td', { 'data-label': 'Stage' }, d.stage),
      h('td', { 'data-label': 'Amount', class: 'num' }, fmt(d.amount_minor)),
      h('td', { 'data-label': 'Close' }, d.close_date),
      h('td', { 'data-label': 'Category' }, mine ? categoryControl(ctx, d, reload) : CATEGORY[d.category],
        !mine && d.override ? h('div', { class: 'muted small' }, `by their call; the stage says ${CATEGORY[d.stage_category]}`) : null),
      h('td', { 'data-label': 'Model', class: 'num' }, d.model ? pct(d.model.p_ppm) : '—'),
      h('td', { 'data-label': 'Why' }, d.model ? [`stage rate ${pct(d.model.stage_rate_ppm)}`, ...d.model.reasons].join('; ') : ''),
    )))));
}

const CHANGE = { pushed: 'Pushed out', pulled: 'Pulled in', won: 'Won', lost: 'Lost', added: 'Added', amount: 'Amount changed' };
const signed = (minor) => `${minor > 0 ? '+' : minor < 0 ? '−' : ''}${fmt(Math.abs(minor))}`;

function changesCard(page) {
  const c = page.changes;
  const since = new Date(c.since * 1000).toISOString().slice(0, 10);
  const basis = c.basis === 'call' ? `since ${page.people[0]?.name ?? 'the'}’s last call (${since})` : c.basis === 'date' ? `since ${since}` : 'in the last seven days (no call yet)';
  const kinds = Object.keys(CHANGE).filter((k) => c.totals[k].count);
  return h('section', { class: 'card', 'aria-labelledby': 'fc-changes' }, h('h2', { id: 'fc-changes', class: 'card-title' }, `Pipeline changes ${basis}`),
    kinds.length ? h('ul', { class: 'plain-list fc-change-totals' }, kinds.map((k) => h('li', { dataset: { kind: k } }, `${CHANGE[k]}: ${c.totals[k].count} (${signed(c.totals[k].amount_minor)})`))) : h('p', { class: 'muted' }, 'Nothing changed in this period’s deals.'),
    c.items.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data-table fc-changes' },
      h('thead', null, h('tr', null, ['Change', 'Deal', 'Owner', 'Before', 'Now', 'Effect'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, c.items.map((x) => h('tr', { dataset: { kind: x.kind, deal: x.id } },
        h('td', { 'data-label': 'Change' }, CHANGE[x.kind]),
        h('th', { scope: 'row' }, h('a', { href: `#/opportunities/${x.id}` }, x.name)),
        h('td', { 'data-label': 'Owner' }, x.owner_name),
        h('td', { 'data-label': 'Before' }, x.before ? `${fmt(x.before.amount_minor)}, ${x.before.close_date}` : '—'),
        h('td', { 'data-label': 'Now' }, `${fmt(x.amount_minor)}, ${x.close_date}${x.kind === 'won' || x.kind === 'lost' ? '' : `, ${CATEGORY[x.category]}`}`),
        h('td', { 'data-label': 'Effect', class: 'num' }, signed(x.effect_minor)),
      ))))) : null);
}

// A forecaster's record, worded for coaching: how far their calls landed and which way.
export function recordText(a) {
  if (!a) return 'No ended quarter with a call yet.';
  const parts = [];
  if (a.mape_bp !== null) parts.push(`calls landed ${Math.round(a.mape_bp / 100)}% from what closed on average`);
  if (a.bias_bp !== null) {
    const b = Math.round(a.bias_bp / 100);
    parts.push(Math.abs(b) < 5 ? 'no lean either way' : b < 0 ? `leaning low by ${-b}% (sandbagging?)` : `leaning high by ${b}% (optimistic?)`);
  }
  return `${a.calls} call${a.calls === 1 ? '' : 's'}: ${parts.join(', ') || 'nothing closed to compare with'}`;
}

function recordCard(root0, mine) {
  if (!('accuracy' in (root0 ?? {}))) return null;
  return h('section', { class: 'card', 'aria-labelledby': 'fc-record' }, h('h2', { id: 'fc-record', class: 'card-title' }, mine ? 'Your forecasting record' : `${root0.name}’s forecasting record`),
    h('p', { class: 'fc-record' }, recordText(root0.accuracy)),
    h('p', { class: 'muted small' }, `Past quarters' calls against what closed, shown only to ${mine ? 'you and your managers' : 'them and their managers'}: something to talk about in a one-on-one, not a ranking.`));
}

export async function render(root, ctx) {
  ctx.setTitle('Forecast');
  const me = ctx.session.person;
  const who = ctx.params.id ? Number(ctx.params.id) : me?.id;
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const periodQ = q.get('period');
  root.append(pageHeader('Forecast', { intro: 'Calls and the model’s range for the quarter: the bar is where the model expects 80% of outcomes, the tick its middle, the diamond the call, the circle the weighted pipeline.' }));
  const body = h('div', { class: 'forecast-page' }, loading('Running the model…'));
  root.append(body);
  if (!who) return replace(body, empty('Forecasts are for people: this account has none.'));
  const load = async () => {
    try {
      const sinceQ = q.get('since');
      const page = await ctx.api.get(`/forecast?person_id=${who}${periodQ ? `&period=${encodeURIComponent(periodQ)}` : ''}${sinceQ ? `&since=${encodeURIComponent(sinceQ)}` : ''}`);
      if (!ctx.isCurrent()) return;
      const root0 = page.people[0];
      const tree = root0 && !isSeller(root0);
      ctx.setTitle(`Forecast ${page.period}: ${root0?.name ?? ''}`);
      replace(body,
        h('p', { class: 'muted' }, `${page.period}, as of ${page.as_of}. `, page.model ? `The model learned from ${page.model.quarters} quarters (${page.model.examples} deals, ${page.model.wins} won).` : `No model: ${page.model_error}`),
        tree ? peopleFirst(page.people) : null,
        me && who === me.id ? h('section', { class: 'card', 'aria-labelledby': 'fc-mine' }, h('h2', { id: 'fc-mine', class: 'card-title' }, `Your call for ${page.period}`),
          root0?.adjustment ? h('p', null, `${root0.adjustment.by_name} adjusted your number to ${fmt(root0.adjustment.commit_minor)}: “${root0.adjustment.comment}”`) : null,
          callForm(ctx, page.period, root0, load)) : null,
        h('section', { class: 'card', 'aria-labelledby': 'fc-numbers' }, h('h2', { id: 'fc-numbers', class: 'card-title' }, tree ? 'The numbers' : 'The call and the model'), numbersTable(ctx, page.period, page, load)),
        changesCard(page),
        recordCard(root0, me && who === me.id),
        h('section', { class: 'card', 'aria-labelledby': 'fc-deals' }, h('h2', { id: 'fc-deals', class: 'card-title' }, me && who === me.id ? 'Your deals: your category beside the model’s view' : `${root0?.name ?? ''}'s deals: their category beside the model’s view`), dealsTable(ctx, page.deals, me && who === me.id, load)),
      );
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the forecast', retry: load }));
    }
  };
  await load();
}
