// views/admin-surveys.js -- admins: the anonymity threshold, the pulse cadence,
// the question bank (add, reword, archive, restore) and starting a survey.
import { h, replace } from '../dom.js';
import { pageHeader, loading, errorBox, field, formError, showError, clearErrors, busy, announce } from '../ui.js';
import { todayIso, addDays } from '../format.js';
import { driverLabel } from '../surveys.js';

function settingsForm(ctx, s) {
  const min = field({ label: 'Smallest group shown', name: 'min_group', type: 'number', value: s.min_group, required: true, hint: `Results and comments of a group show only when at least this many answered (never below ${s.min_group_floor}).`, attrs: { min: String(s.min_group_floor), max: '1000' } });
  const every = field({ label: 'A pulse every (days)', name: 'pulse_every_days', type: 'number', value: s.pulse_every_days, required: true, attrs: { min: '1', max: '366' } });
  const open = field({ label: 'Each pulse open for (days)', name: 'pulse_open_days', type: 'number', value: s.pulse_open_days, required: true, attrs: { min: '1', max: '366' } });
  const nq = field({ label: 'Rotating drivers per pulse', name: 'pulse_questions', type: 'number', value: s.pulse_questions, required: true, hint: 'Plus eNPS and the comment, every time.', attrs: { min: '1', max: '50' } });
  const onId = 'pulses-on';
  const on = h('div', { class: 'field checkbox' }, h('input', { type: 'checkbox', id: onId, name: 'pulses_on', checked: s.pulses_on }), h('label', { for: onId }, 'Open pulses automatically'));
  const form = h('form', { class: 'settings-form', novalidate: true }, formError(), min, on, every, open, nq, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save settings')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { pulses_on: on.querySelector('input').checked };
    for (const f of [min, every, open, nq]) body[f.control.name] = Number(f.control.value);
    try {
      await busy(form, () => ctx.api.patch('/survey-settings', body), 'Saving…');
      announce('Survey settings saved.', 'success');
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

function questionRow(ctx, q, reload) {
  const toggle = h('button', { type: 'button', class: 'button button-small' }, q.archived ? 'Restore' : 'Archive');
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      await ctx.api.patch(`/survey-questions/${q.id}`, { archived: !q.archived });
      reload();
    } catch (err) {
      toggle.disabled = false;
      toggle.after(h('span', { class: 'field-error' }, err.message));
    }
  });
  return h('li', { class: ['survey-question', q.archived ? 'archived' : null], dataset: { question: String(q.id) } }, h('span', null, h('strong', null, driverLabel(q.driver)), h('span', { class: 'muted' }, ` · ${q.kind} · `), q.text, q.archived ? h('span', { class: 'muted' }, ' (archived)') : null), toggle);
}

function addQuestionForm(ctx, reload) {
  const driver = field({ label: 'Driver', name: 'driver', required: true, hint: 'What it measures, e.g. belonging.' });
  const kind = field({ label: 'Kind', name: 'kind', type: 'select', value: 'likert', options: [{ value: 'likert', label: 'Agree scale 1 to 5' }, { value: 'enps', label: 'eNPS 0 to 10' }, { value: 'text', label: 'Comment' }] });
  const text = field({ label: 'Question', name: 'text', required: true, attrs: { maxlength: '300' } });
  const form = h('form', { novalidate: true }, formError(), driver, kind, text, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Add question')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      await busy(form, () => ctx.api.post('/survey-questions', { driver: driver.control.value.trim(), kind: kind.control.value, text: text.control.value.trim() }), 'Adding…');
      announce('Question added.', 'success');
      reload();
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

function startForm(ctx) {
  const today = todayIso();
  const title = field({ label: 'Title', name: 'title', required: true, value: `Engagement survey ${today.slice(0, 7)}` });
  const kind = field({ label: 'Kind', name: 'kind', type: 'select', value: 'full', options: [{ value: 'full', label: 'Full survey: every active question' }, { value: 'pulse', label: 'Pulse: every active question now' }] });
  const opens = field({ label: 'Opens on', name: 'opens_on', type: 'date', value: today, required: true });
  const closes = field({ label: 'Closes on', name: 'closes_on', type: 'date', value: addDays(today, 13), required: true });
  const form = h('form', { novalidate: true }, formError(), title, kind, opens, closes, h('p', { class: 'hint' }, 'Everyone active when it opens is invited; people who join later answer the next one.'), h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Start survey')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    try {
      const s = await busy(form, () => ctx.api.post('/surveys', { kind: kind.control.value, title: title.control.value.trim(), opens_on: opens.control.value, closes_on: closes.control.value }), 'Starting…');
      announce(`${s.title} started: ${s.invited} people invited.`, 'success');
    } catch (err) {
      showError(form, err);
    }
  });
  return form;
}

export async function render(root, ctx) {
  ctx.setTitle('Surveys');
  root.append(pageHeader('Surveys', { intro: 'Answers are stored apart from who gave them; results show only where no one can be singled out.' }));
  const grid = h('div', { class: 'card-grid' });
  const settingsCard = h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Anonymity and pulses'), loading());
  const bankCard = h('section', { class: 'card card-wide' }, h('h2', { class: 'card-title' }, 'Question bank'), loading());
  const startCard = h('section', { class: 'card' }, h('h2', { class: 'card-title' }, 'Start a survey'), startForm(ctx));
  grid.append(settingsCard, bankCard, startCard);
  root.append(grid);
  const reload = async () => {
    try {
      const { questions } = await ctx.api.get('/survey-questions?archived=1');
      if (!ctx.isCurrent()) return;
      replace(bankCard, h('h2', { class: 'card-title' }, 'Question bank'), h('ul', { class: 'survey-questions' }, questions.map((q) => questionRow(ctx, q, reload))), h('h3', null, 'Add a question'), addQuestionForm(ctx, reload));
    } catch (err) {
      if (err.status !== 401) replace(bankCard, errorBox(err, { title: 'Could not load the questions', retry: reload }));
    }
  };
  try {
    const s = await ctx.api.get('/survey-settings');
    if (ctx.isCurrent()) replace(settingsCard, h('h2', { class: 'card-title' }, 'Anonymity and pulses'), settingsForm(ctx, s));
  } catch (err) {
    if (err.status !== 401) replace(settingsCard, errorBox(err, { title: 'Could not load the settings' }));
  }
  await reload();
}
