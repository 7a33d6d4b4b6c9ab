// views/admin-quotas.js -- admins: the fiscal year, the default ramp, quotas per seller and
// team for a period, each person's own ramp, and the quota CSV import (docs/api.md,
// "Goals and quotas").
import { h, replace } from '../dom.js';
import { withoutFieldPrefix, capitalise } from '../api.js';
import { importFailure } from './admin-import.js';
import { pageHeader, field, showError, clearErrors, busy, announce, openDialog, loading, errorBox } from '../ui.js';
import { formatBp, formatMoney, parseMoney } from '../quotas.js';
import { formatDate } from '../format.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "25, 50, 75" (percent) -> [2500, 5000, 7500]; null when not a list of 0..100. */
function parseSteps(text) {
  const parts = String(text || '').split(/[,\s]+/).filter(Boolean);
  const bp = parts.map((p) => (/^\d+(\.\d{1,2})?%?$/.test(p) ? Math.round(parseFloat(p) * 100) : NaN));
  return bp.every((x) => Number.isFinite(x) && x >= 0 && x <= 10000) ? bp : null;
}
const stepsText = (steps) => steps.map((bp) => `${bp / 100}`).join(', ');

function settingsForm(ctx, settings, onSaved) {
  const month = field({ label: 'Fiscal year starts in', name: 'fiscal_start_month', type: 'select', value: settings.fiscal_start_month, options: MONTHS.map((m, i) => ({ value: i + 1, label: m })), hint: 'A fiscal year is named by the calendar year it ends in.' });
  const currency = field({ label: 'Currency of roll-ups', name: 'currency', value: settings.currency, attrs: { maxlength: '3', size: '4' }, hint: 'Team and tree totals count quotas and deals in this currency.' });
  const ramp = field({ label: 'Default ramp for new hires (% of full quota by month)', name: 'default_ramp', value: stepsText(settings.default_ramp), hint: 'For example 25, 50, 75: then 100% from the fourth month. Empty for no ramp.' });
  const form = h('form', { class: 'card form-card quota-settings', novalidate: true }, h('h2', null, 'Fiscal year and ramp'), month, currency, ramp, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save settings')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const steps = parseSteps(ramp.control.value);
    if (!steps) return showError(form, { field: 'default_ramp', message: 'Write percentages from 0 to 100 separated by commas, such as 25, 50, 75.' });
    try {
      await busy(form, () => ctx.api.put('/quotas/settings', { fiscal_start_month: Number(month.control.value), currency: currency.control.value.trim().toUpperCase(), default_ramp: steps }), 'Saving…');
      announce('Settings saved.', 'success');
      onSaved();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return form;
}

function rampDialog(ctx, person) {
  return openDialog(`Ramp for ${person.name}`, (close) => {
    const body = h('div', null, loading());
    (async () => {
      const r = await ctx.api.get(`/people/${person.id}/ramp`);
      const steps = field({ label: 'Percent of full quota by month', name: 'steps', value: stepsText(r.steps), hint: `Started ${formatDate(r.start_date)}. ${r.override ? 'This is their own schedule.' : 'This is the default schedule.'}` });
      const form = h('form', { novalidate: true }, steps,
        h('p', { class: 'small muted' }, 'By month: ', r.months.map((m) => `${m.month} ${formatBp(m.bp)}`).join(' · ')),
        h('div', { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel'),
          r.override ? h('button', { type: 'button', class: 'button', onclick: async () => { await ctx.api.del(`/people/${person.id}/ramp`); close(true); } }, 'Use the default') : null,
          h('button', { type: 'submit', class: 'button button-primary' }, 'Save ramp')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const bp = parseSteps(steps.control.value);
        if (!bp) return showError(form, { field: 'steps', message: 'Write percentages from 0 to 100 separated by commas.' });
        try {
          await busy(form, () => ctx.api.put(`/people/${person.id}/ramp`, { steps: bp }), 'Saving…');
          close(true);
        } catch (err) {
          if (err.status !== 401) showError(form, err);
        }
      });
      replace(body, form);
    })().catch((err) => replace(body, errorBox(err)));
    return body;
  });
}

function quotaRow(ctx, subject, isTeam, quota, period, currency, extra) {
  const key = isTeam ? `team-${subject.id}` : `person-${subject.id}`;
  const amount = h('input', { type: 'text', inputmode: 'decimal', name: 'amount', value: quota ? String(quota.amount_minor / 100) : '', 'aria-label': `Quota for ${subject.name} in ${period.key}`, size: '10' });
  const deals = h('input', { type: 'number', min: '0', name: 'deals', value: quota && quota.deal_count !== null ? String(quota.deal_count) : '', 'aria-label': `Deal goal for ${subject.name}`, class: 'input-narrow' });
  const status = h('span', { class: 'small muted', role: 'status' });
  let current = quota;
  const save = h('button', { type: 'button', class: 'button button-small' }, 'Save');
  save.addEventListener('click', async () => {
    const text = amount.value.trim();
    status.textContent = '';
    try {
      if (!text) {
        if (current) await ctx.api.del(`/quotas/${current.id}`);
        current = null;
        status.textContent = 'Cleared';
        return;
      }
      const minor = parseMoney(text);
      if (minor === null) {
        status.textContent = 'Write an amount such as 25000 or 25000.50';
        return;
      }
      const body = { period: period.key, amount_minor: minor, currency: current ? current.currency : currency };
      if (isTeam) body.team_id = subject.id;
      else body.person_id = subject.id;
      if (deals.value.trim()) body.deal_count = Number(deals.value);
      current = await ctx.api.put('/quotas', body);
      status.textContent = `Saved ${formatMoney(current.amount_minor, current.currency)}`;
    } catch (err) {
      if (err.status !== 401) status.textContent = capitalise(withoutFieldPrefix(err.message));
    }
  });
  return h('tr', { dataset: { row: key } }, h('th', { scope: 'row' }, subject.name), h('td', null, extra), h('td', null, amount), h('td', null, deals), h('td', null, save, ' ', status));
}

async function quotaTable(ctx, box, period, settings) {
  replace(box, loading());
  const [quotas, teams, people] = await Promise.all([ctx.api.get(`/quotas?period=${period.key}`), ctx.api.get('/teams'), ctx.api.get('/people?status=active')]);
  const byPerson = new Map(quotas.quotas.filter((q) => q.person_id).map((q) => [q.person_id, q]));
  const byTeam = new Map(quotas.quotas.filter((q) => q.team_id).map((q) => [q.team_id, q]));
  const summed = await Promise.all(teams.teams.map((t) => ctx.api.get(`/attainment/teams/${t.id}?period=${period.key}`).then((a) => a.summed_minor, () => null)));
  const rampButton = (p) => {
    const b = h('button', { type: 'button', class: 'button button-small' }, 'Ramp…');
    b.addEventListener('click', async () => {
      if (await rampDialog(ctx, p)) announce(`Ramp for ${p.name} saved.`, 'success');
    });
    return b;
  };
  const head = (first) => h('thead', null, h('tr', null, [first, '', 'Quota', 'Deals', ''].map((t) => h('th', { scope: 'col' }, t))));
  replace(
    box,
    h('h3', null, `Teams, ${period.key}`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table compact quota-table', dataset: { kind: 'teams' } }, head('Team'),
      h('tbody', null, teams.teams.map((t, i) => quotaRow(ctx, t, true, byTeam.get(t.id), period, settings.currency, summed[i] === null ? '' : h('span', { class: 'small muted' }, `members' quotas: ${formatMoney(summed[i], settings.currency)}`)))))),
    h('h3', null, `People, ${period.key}`),
    h('div', { class: 'table-wrap' }, h('table', { class: 'data-table compact quota-table', dataset: { kind: 'people' } }, head('Person'),
      h('tbody', null, people.people.map((p) => quotaRow(ctx, p, false, byPerson.get(p.id), period, settings.currency, [h('span', { class: 'small muted' }, `started ${formatDate(p.start_date)} `), rampButton(p)]))))),
  );
}

function importCard(ctx, onDone) {
  const file = field({ label: 'Quota file (CSV)', name: 'file', type: 'file', attrs: { accept: '.csv,text/csv' }, hint: 'Columns: email or team, period, amount, currency, and optionally deals. Nothing is set unless every line is good.' });
  const result = h('div');
  const form = h('form', { class: 'card form-card', novalidate: true }, h('h2', null, 'Import quotas'), file, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Import')), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = file.control.files[0];
    if (!chosen) return showError(form, { field: 'file', message: 'Choose a CSV file first.' });
    try {
      const answer = await busy(form, async () => ctx.api.postCsv('/import/quotas', await chosen.text()), 'Importing…');
      replace(result, h('p', { class: 'notice notice-success', role: 'status' }, `${answer.created} quotas added, ${answer.updated} replaced.`));
      onDone();
    } catch (err) {
      if (err.status === 401) return;
      replace(result, importFailure(err, chosen.name, 'line'));
    }
  });
  return form;
}

export async function render(root, ctx) {
  ctx.setTitle('Quotas');
  root.append(pageHeader('Quotas', { intro: 'Set what each seller and team aims for, by month, fiscal quarter or fiscal year. New hires ramp up from their start date.' }));
  const settingsBox = h('div');
  const kind = field({ label: 'Period', name: 'kind', type: 'select', value: 'quarter', options: [{ value: 'month', label: 'Month' }, { value: 'quarter', label: 'Fiscal quarter' }, { value: 'year', label: 'Fiscal year' }] });
  const label = h('strong', { class: 'period-key', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'button button-small' }, '← Previous');
  const next = h('button', { type: 'button', class: 'button button-small' }, 'Next →');
  const tableBox = h('div');
  root.append(settingsBox, h('section', { class: 'card quota-periods' }, h('h2', null, 'Quotas by period'), h('div', { class: 'period-picker' }, kind, prev, label, next), tableBox), importCard(ctx, () => show(period.key)));
  let period, settings;
  const show = async (key) => {
    try {
      period = await ctx.api.get(key ? `/periods?period=${key}` : `/periods?kind=${kind.control.value}&date=${ctx.today}`);
      label.textContent = `${period.key} (${formatDate(period.start)} to ${formatDate(period.end)})`;
      await quotaTable(ctx, tableBox, period, settings);
    } catch (err) {
      if (err.status !== 401) replace(tableBox, errorBox(err, { retry: () => show(key) }));
    }
  };
  const loadSettings = async () => {
    settings = await ctx.api.get('/quotas/settings');
    replace(settingsBox, settingsForm(ctx, settings, async () => { await loadSettings(); await show(); }));
  };
  kind.control.addEventListener('change', () => show());
  prev.addEventListener('click', () => show(period.previous));
  next.addEventListener('click', () => show(period.next));
  try {
    await loadSettings();
  } catch (err) {
    if (err.status !== 401) replace(settingsBox, errorBox(err));
    return;
  }
  await show();
}
