// views/surveys.js -- #/surveys: the open survey to answer and past results;
// #/surveys/7: answer survey 7 (one screen, large targets for phones);
// #/surveys/7/results: what the groups the user may see said, withheld where
// the disclosure rules say so, with the trend of the chosen group.
import { h, replace, id as uid } from '../dom.js';
import { pageHeader, loading, errorBox, empty, formError, busy, announce } from '../ui.js';
import { formatDate, count } from '../format.js';
import { mean, change, driverLabel, favourableBar, heat, score, sparkline, trendByDriver, ANONYMITY_NOTE } from '../surveys.js';

function surveyRow(s) {
  const status = s.open ? (s.answered ? 'Answered, thank you' : s.invited_you ? 'Open: waiting for your answer' : 'Open') : `Closed ${formatDate(s.closes_on)}`;
  return h(
    'li',
    { class: 'survey-row', dataset: { survey: String(s.id) } },
    h('span', null, h('strong', null, s.title), h('span', { class: 'muted' }, ` · ${formatDate(s.opens_on)} to ${formatDate(s.closes_on)} · ${status}`)),
    h(
      'span',
      { class: 'row-actions' },
      s.open && s.invited_you && !s.answered ? h('a', { class: 'button button-primary button-small', href: `#/surveys/${s.id}` }, 'Answer now') : null,
      h('a', { class: 'button button-small', href: `#/surveys/${s.id}/results` }, 'Results'),
    ),
  );
}

async function list(root, ctx) {
  ctx.setTitle('Surveys');
  root.append(pageHeader('Pulse surveys', { intro: 'Short, regular check-ins on how the team is doing. ' + ANONYMITY_NOTE }));
  const body = h('section', { class: 'card' }, loading('Loading surveys…'));
  root.append(body);
  try {
    const { surveys } = await ctx.api.get('/surveys');
    if (!ctx.isCurrent()) return;
    replace(body, h('h2', { class: 'card-title' }, 'Surveys'), surveys.length ? h('ul', { class: 'survey-list' }, surveys.map(surveyRow)) : empty('No surveys yet.'));
  } catch (err) {
    if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load surveys', retry: () => ctx.navigate(location.hash) }));
  }
}

function likert(q) {
  const labels = ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'];
  const name = `q${q.id}`;
  return h(
    'fieldset',
    { class: 'field scale scale-5', dataset: { question: String(q.id) } },
    h('legend', null, q.text),
    h(
      'div',
      { class: 'scale-options' },
      labels.map((label, i) => {
        const rid = uid('a');
        return h('span', { class: 'scale-option' }, h('input', { type: 'radio', name, id: rid, value: String(i + 1), 'aria-label': `${i + 1}: ${label}` }), h('label', { for: rid }, h('span', { class: 'scale-num' }, String(i + 1)), h('span', { class: 'scale-label' }, label)));
      }),
    ),
    h('p', { class: 'scale-ends scale-ends-5 muted small', 'aria-hidden': 'true' }, h('span', null, '1 Strongly disagree'), h('span', null, '5 Strongly agree')),
    h('p', { class: 'field-error', hidden: true }),
  );
}

function enps(q) {
  const name = `q${q.id}`;
  return h(
    'fieldset',
    { class: 'field scale scale-11', dataset: { question: String(q.id) } },
    h('legend', null, q.text),
    h(
      'div',
      { class: 'scale-options' },
      Array.from({ length: 11 }, (_, i) => {
        const rid = uid('a');
        return h('span', { class: 'scale-option' }, h('input', { type: 'radio', name, id: rid, value: String(i), 'aria-label': `${i} of 10` }), h('label', { for: rid }, h('span', { class: 'scale-num' }, String(i))));
      }),
    ),
    h('p', { class: 'scale-ends muted small', 'aria-hidden': 'true' }, h('span', null, 'Not at all likely'), h('span', null, 'Extremely likely')),
    h('p', { class: 'field-error', hidden: true }),
  );
}

function comment(q) {
  const cid = uid('c');
  return h(
    'div',
    { class: 'field', dataset: { question: String(q.id) } },
    h('label', { for: cid }, q.text),
    h('textarea', { id: cid, name: `q${q.id}`, rows: '4', maxlength: '2000' }),
    h('p', { class: 'hint' }, 'Comments are shown only with a group’s results when enough people answered, in alphabetical order. Leave out names and details that would tell who wrote it.'),
  );
}

async function answer(root, ctx) {
  const surveyId = Number(ctx.params.id);
  ctx.setTitle('Answer the survey');
  const body = h('section', { class: 'card survey-card' }, loading('Loading the survey…'));
  root.append(body);
  let s;
  try {
    s = await ctx.api.get(`/surveys/${surveyId}`);
  } catch (err) {
    if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the survey', retry: () => ctx.navigate(location.hash) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(s.title);
  if (s.answered || !s.open || !s.invited_you) {
    const why = s.answered ? 'You have answered this survey. Thank you.' : !s.open ? 'This survey is closed.' : 'This survey opened before you joined; the next one is yours.';
    replace(body, h('h1', { class: 'card-title' }, s.title), h('p', null, why), h('p', null, h('a', { href: `#/surveys/${s.id}/results` }, 'See the results')));
    return;
  }
  const scored = s.questions.filter((q) => q.kind !== 'text');
  const form = h(
    'form',
    { class: 'survey-form', novalidate: true },
    formError(),
    s.questions.map((q) => (q.kind === 'likert' ? likert(q) : q.kind === 'enps' ? enps(q) : comment(q))),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Send my answers')),
  );
  replace(
    body,
    h('h1', { class: 'card-title' }, s.title),
    h('p', { class: 'muted' }, `${count(scored.length, 'question', 'questions')}, about ${Math.max(1, Math.round(s.questions.length / 4))} minute${s.questions.length > 6 ? 's' : ''}. Open until ${formatDate(s.closes_on)}.`),
    h('p', { class: 'notice small' }, ANONYMITY_NOTE),
    form,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const slot of form.querySelectorAll('.field-error')) slot.hidden = true;
    const answers = [];
    for (const q of s.questions) {
      if (q.kind === 'text') {
        const t = form.querySelector(`[name="q${q.id}"]`).value.trim();
        if (t) answers.push({ question_id: q.id, comment: t });
        continue;
      }
      const picked = form.querySelector(`input[name="q${q.id}"]:checked`);
      if (!picked) {
        const box = form.querySelector(`[data-question="${q.id}"]`);
        const slot = box.querySelector('.field-error');
        slot.textContent = 'Pick an answer.';
        slot.hidden = false;
        box.querySelector('input').focus();
        return;
      }
      answers.push({ question_id: q.id, score: Number(picked.value) });
    }
    try {
      await busy(form, () => ctx.api.post(`/surveys/${s.id}/responses`, { answers }), 'Sending…');
      ctx.api.clearCache();
      announce('Thank you. Your answers are in.', 'success');
      replace(body, h('h1', { class: 'card-title' }, 'Thank you'), h('p', null, 'Your answers are in, stored without your name. Results appear once enough people have answered.'), h('p', null, h('a', { href: '#/home' }, 'Back home')));
    } catch (err) {
      const slot = form.querySelector('.form-error');
      if (slot) {
        slot.textContent = err.message;
        slot.hidden = false;
      }
    }
  });
}

function driversTable(group) {
  const rows = (group.drivers || []).map((d) =>
    h(
      'tr',
      { dataset: { driver: d.driver } },
      h('th', { scope: 'row' }, driverLabel(d.driver), h('span', { class: 'muted small block' }, d.question)),
      d.kind === 'enps'
        ? [h('td', { class: 'num' }, score(d)), h('td', null, `${d.promoters_pct}% promoters, ${d.detractors_pct}% detractors`), h('td', { class: 'num' }, d.company_enps != null ? `${d.company_enps > 0 ? '+' : ''}${d.company_enps}` : '–')]
        : [h('td', { class: 'num' }, mean(d.mean_x100)), h('td', null, favourableBar(d.favourable_pct, driverLabel(d.driver))), h('td', { class: 'num' }, d.company_mean_x100 != null ? `${mean(d.company_mean_x100)} (${change(d.mean_x100 - d.company_mean_x100)})` : '–')],
    ),
  );
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table drivers-table' }, h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Driver'), h('th', { scope: 'col', class: 'num' }, 'Score'), h('th', { scope: 'col' }, 'Favourable'), h('th', { scope: 'col', class: 'num' }, 'Company'))), h('tbody', null, rows)));
}

function heatmap(groups) {
  const rows = groups.filter((g) => (g.kind === 'tree' || g.kind === 'team') && g.shown !== undefined);
  if (rows.length < 2) return null;
  const drivers = [];
  for (const g of rows) for (const d of g.drivers || []) if (!drivers.includes(d.driver)) drivers.push(d.driver);
  if (!drivers.length) return null;
  return h(
    'section',
    { class: 'card card-full' },
    h('h2', { class: 'card-title' }, 'Heatmap: teams × drivers'),
    h('p', { class: 'muted small' }, 'Share favourable per driver (eNPS for eNPS). Withheld cells are groups where too few answered, or where showing them would reveal a few people.'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table heatmap' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Group'), drivers.map((d) => h('th', { scope: 'col' }, driverLabel(d))))),
        h(
          'tbody',
          null,
          rows.map((g) =>
            h(
              'tr',
              { dataset: { group: g.key } },
              h('th', { scope: 'row' }, g.name),
              drivers.map((dn) => {
                if (!g.shown) return h('td', { class: 'heat-none' }, h('span', { class: 'muted' }, 'withheld'));
                const d = (g.drivers || []).find((x) => x.driver === dn);
                if (!d) return h('td', { class: 'heat-none' }, '–');
                return h('td', { class: heat(d) }, d.kind === 'enps' ? score(d) : `${d.favourable_pct}%`);
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

async function results(root, ctx) {
  const surveyId = Number(ctx.params.id);
  ctx.setTitle('Survey results');
  const head = h('div');
  const main = h('div', { class: 'card-grid' }, h('section', { class: 'card card-full' }, loading('Loading results…')));
  root.append(head, main);
  let r;
  try {
    r = await ctx.api.get(`/surveys/${surveyId}/results`);
  } catch (err) {
    if (err.status !== 401) replace(main, errorBox(err, { title: 'Could not load the results', retry: () => ctx.navigate(location.hash) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(`${r.survey.title}: results`);
  replace(head, pageHeader(`${r.survey.title}: results`, { intro: `${r.participation.answered} of ${r.participation.invited} people answered. Groups with fewer than ${r.survey.min_group} answers, and groups that would reveal a few people beside another, are withheld.` }));
  const groups = r.groups;
  const mine = ctx.session.person ? groups.find((g) => g.key === `tree:${ctx.session.person.id}`) : null;
  let current = (mine || groups[0]).key;
  const pickId = uid('group');
  const picker = h('select', { id: pickId }, groups.map((g) => h('option', { value: g.key, selected: g.key === current }, g.shown ? `${g.name} (${g.respondents} answers)` : `${g.name} (withheld)`)));
  const groupCard = h('section', { class: 'card card-full', 'aria-live': 'polite' });
  const trendCard = h('section', { class: 'card card-full' });
  const show = async () => {
    const g = groups.find((x) => x.key === current);
    replace(
      groupCard,
      h('h2', { class: 'card-title' }, g.name),
      g.shown
        ? [
            h('p', { class: 'muted' }, `${g.respondents} answers from ${count(g.invited)} invited (${g.participation_pct}%).`),
            driversTable(g),
            h('h3', null, 'Comments'),
            g.comments && g.comments.length ? h('ul', { class: 'comment-list' }, g.comments.map((c) => h('li', null, c))) : h('p', { class: 'muted' }, 'No comments.'),
          ]
        : h('p', { class: 'notice notice-warning' }, `Withheld. ${g.reason ? g.reason.replace(/^withheld: /, '').replace(/^./, (c) => c.toUpperCase()) : ''}.`),
    );
    replace(trendCard, h('h2', { class: 'card-title' }, `Trend: ${g.name}`), loading('Loading the trend…'));
    try {
      const t = await ctx.api.get(`/surveys/trend?group=${encodeURIComponent(current)}`);
      const by = trendByDriver(t);
      replace(
        trendCard,
        h('h2', { class: 'card-title' }, `Trend: ${g.name}`),
        by.size
          ? h('table', { class: 'table trend-table' }, h('tbody', null, [...by.entries()].map(([d, pts]) => h('tr', { dataset: { driver: d } }, h('th', { scope: 'row' }, driverLabel(d)), h('td', null, sparkline(pts, driverLabel(d))), h('td', { class: 'num' }, mean([...pts].reverse().find((p) => p.value != null)?.value))))))
          : h('p', { class: 'muted' }, 'No shown results for this group yet.'),
      );
    } catch (err) {
      if (err.status !== 401) replace(trendCard, errorBox(err, { title: 'Could not load the trend' }));
    }
  };
  picker.addEventListener('change', () => {
    current = picker.value;
    show();
  });
  replace(main, h('div', { class: 'card card-full toolbar' }, h('label', { for: pickId }, 'Group '), picker), groupCard, heatmap(groups), trendCard);
  await show();
}

export async function render(root, ctx) {
  if (ctx.params && ctx.params.id && ctx.params.results) return results(root, ctx);
  if (ctx.params && ctx.params.id) return answer(root, ctx);
  return list(root, ctx);
}
