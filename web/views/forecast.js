// views/forecast.js -- the forecast of a person's tree for a quarter (#/forecast, or
// #/forecast/ID for someone below you): people first (who has not called, whose call drifts
// from the model), then the numbers: calls, adjustments and roll-up beside the model's
// P10-P90 range and the weighted pipeline, and the person's own deals as the model sees them.
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
    h('thead', null, h('tr', null, ['Person', 'Call (commit / best)', 'Adjusted', 'Roll-up', 'Number', 'Model P10 · P50 · P90', 'Range', 'Weighted', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, page.people.map((p) => h('tr', { dataset: { person: p.person_id } },
      h('th', { scope: 'row', class: `fc-depth-${Math.min(p.depth, 4)}` }, h('a', { href: `#/forecast/${p.person_id}` }, p.name), isSeller(p) ? null : h('span', { class: 'muted small' }, ` · ${p.reports} reports`)),
      h('td', { 'data-label': 'Call', class: 'num' }, amounts(p.call)),
      h('td', { 'data-label': 'Adjusted', class: 'num', title: p.adjustment ? `${p.adjustment.by_name}: ${p.adjustment.comment}` : '' }, p.adjustment ? amounts(p.adjustment) : '—', p.adjustment ? h('div', { class: 'muted small' }, p.adjustment.comment) : null),
      h('td', { 'data-label': 'Roll-up', class: 'num' }, isSeller(p) ? '' : amounts(p.rollup)),
      h('td', { 'data-label': 'Number', class: 'num' }, amounts(p.number)),
      h('td', { 'data-label': 'Model', class: 'num' }, p.model ? `${fmt(p.model.p10_minor)} · ${fmt(p.model.p50_minor)} · ${fmt(p.model.p90_minor)}` : '—'),
      h('td', { 'data-label': 'Range' }, rangeChart(p, max)),
      h('td', { 'data-label': 'Weighted', class: 'num' }, p.model ? fmt(p.model.weighted_minor) : '—'),
      h('td', null, me && p.person_id !== me.id ? h('button', { type: 'button', class: 'button button-small', onclick: () => adjust(ctx, period, p, reload) }, 'Adjust') : null),
    )))));
}

function dealsTable(deals) {
  if (!deals.length) return empty('No open deals of their own in the model.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table fc-deals' },
    h('thead', null, h('tr', null, ['Deal', 'Stage', 'Amount', 'Close', 'Model', 'Why'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, deals.map((d) => h('tr', null,
      h('th', { scope: 'row' }, h('a', { href: `#/opportunities/${d.id}` }, d.name)),
      h('td', { 'data-label': 'Stage' }, d.stage),
      h('td', { 'data-label': 'Amount', class: 'num' }, fmt(d.amount_minor)),
      h('td', { 'data-label': 'Close' }, d.close_date),
      h('td', { 'data-label': 'Model', class: 'num' }, pct(d.p_ppm)),
      h('td', { 'data-label': 'Why' }, [`stage rate ${pct(d.stage_rate_ppm)}`, ...d.reasons].join('; ')),
    )))));
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
      const page = await ctx.api.get(`/forecast?person_id=${who}${periodQ ? `&period=${encodeURIComponent(periodQ)}` : ''}`);
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
        h('section', { class: 'card', 'aria-labelledby': 'fc-deals' }, h('h2', { id: 'fc-deals', class: 'card-title' }, `${root0?.name ?? ''}'s deals as the model sees them`), dealsTable(page.deals)),
      );
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the forecast', retry: load }));
    }
  };
  await load();
}
