// growth.js -- a person's growth: the skills matrix (competence and
// confidence, 1 to 5, by self and by manager; the gap and its coaching
// signal), each skill's history as a small SVG chart, the rating form, and
// development goals with progress, check-ins and their history.
//
// growthPanel(ctx, person) is the body of the 'growth' card (seller home, a
// person's page). Who may write: ratings by the person (self) or anyone above
// them (manager); goals and check-ins the same. An admin only reads.
import { h, replace, id as uid } from './dom.js';
import { formatDate, daysBetween, ago } from './format.js';
import { loading, errorBox, empty, field, formError, showError, clearErrors, busy, announce } from './ui.js';
import { ratingDots, signalBadge, gapText, badge, s } from './leading.js';

/** 'self' when the user is the person, 'manager' when above them, else null (read only). */
export async function raterRole(ctx, person) {
  if (!ctx.me) return null;
  if (ctx.me.id === person.id) return 'self';
  if (ctx.role === 'seller') return null;
  const everyone = (await ctx.api.get('/people', { cache: true })).people;
  const byId = new Map(everyone.map((p) => [p.id, p]));
  for (let up = byId.get(person.manager_id), n = 0; up && n < 100; up = byId.get(up.manager_id), n++) {
    if (up.id === ctx.me.id) return 'manager';
  }
  return null;
}

// ---------------------------------------------------------------- charts

const W = 520;
const H = 170;
const PAD = { l: 28, r: 12, t: 10, b: 24 };

function xScale(dates) {
  const first = dates[0];
  const span = Math.max(1, daysBetween(first, dates[dates.length - 1]) || 0);
  return (d, w = W, pad = PAD) => (dates.length === 1 ? (pad.l + w - pad.r) / 2 : pad.l + ((w - pad.l - pad.r) * daysBetween(first, d)) / span);
}

function series(history) {
  const out = [];
  for (const source of ['manager', 'self']) {
    const points = history.filter((r) => r.source === source).sort((a, b) => String(a.rated_on).localeCompare(String(b.rated_on)));
    if (!points.length) continue;
    out.push({ source, measure: 'competence', points });
    out.push({ source, measure: 'confidence', points });
  }
  return out;
}

/** A skill's ratings over time: competence and confidence lines, by manager (solid) and self (dashed). */
export function historyChart(history, skillName) {
  const dates = [...new Set(history.map((r) => r.rated_on))].sort();
  if (!dates.length) return h('p', { class: 'muted small' }, 'No ratings yet.');
  const x = xScale(dates);
  const y = (v) => PAD.t + ((H - PAD.t - PAD.b) * (5 - v)) / 4;
  const grid = [1, 2, 3, 4, 5].map((v) => [
    s('line', { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), class: 'chart-grid' }),
    s('text', { x: PAD.l - 8, y: y(v) + 4, class: 'chart-label', 'text-anchor': 'end' }, String(v)),
  ]);
  const ticks = [dates[0], dates[dates.length - 1]].filter((d, i, a) => a.indexOf(d) === i).map((d, i, a) =>
    s('text', { x: x(d), y: H - 6, class: 'chart-label', 'text-anchor': a.length === 1 ? 'middle' : i === 0 ? 'start' : 'end' }, formatDate(d)),
  );
  const lines = series(history).map((sr) => {
    const pts = sr.points.map((p) => [x(p.rated_on), y(p[sr.measure])]);
    const cls = ['chart-line', `line-${sr.measure}`, `src-${sr.source}`];
    return s(
      'g',
      { class: cls },
      pts.length > 1 ? s('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none' }) : null,
      sr.points.map((p, i) => s('circle', { cx: pts[i][0], cy: pts[i][1], r: 3.5 }, s('title', null, `${sr.source === 'self' ? 'Self' : 'Manager'} ${sr.measure} ${p[sr.measure]} on ${formatDate(p.rated_on)}`))),
    );
  });
  return h(
    'figure',
    { class: 'history-chart' },
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${skillName}: ratings over time`, class: 'chart' }, grid, ticks, lines),
    h(
      'figcaption',
      { class: 'chart-legend' },
      h('span', { class: 'legend legend-competence' }, 'Competence'),
      h('span', { class: 'legend legend-confidence' }, 'Confidence'),
      h('span', { class: 'legend legend-manager' }, 'by manager'),
      h('span', { class: 'legend legend-self' }, 'by self'),
    ),
  );
}

/** A tiny trend line: competence and confidence, the manager's when there are any, else self. */
function sparkline(history) {
  const mine = history.filter((r) => r.source === 'manager');
  const pts = (mine.length ? mine : history).slice().sort((a, b) => String(a.rated_on).localeCompare(String(b.rated_on)));
  if (pts.length < 2) return null;
  const w = 84;
  const ht = 26;
  const dates = pts.map((p) => p.rated_on);
  const first = dates[0];
  const span = Math.max(1, daysBetween(first, dates[dates.length - 1]));
  const x = (d) => 2 + ((w - 4) * daysBetween(first, d)) / span;
  const y = (v) => 2 + ((ht - 4) * (5 - v)) / 4;
  const line = (measure) => s('polyline', { points: pts.map((p) => `${x(p.rated_on)},${y(p[measure])}`).join(' '), class: `spark line-${measure}`, fill: 'none' });
  return s('svg', { viewBox: `0 0 ${w} ${ht}`, class: 'sparkline', 'aria-hidden': 'true', focusable: 'false' }, line('competence'), line('confidence'));
}

function historyTable(history) {
  const rows = [...history].sort((a, b) => String(b.rated_on).localeCompare(String(a.rated_on)));
  return h(
    'table',
    { class: 'data-table compact history-table' },
    h('caption', { class: 'sr-only' }, 'Ratings over time'),
    h('thead', null, h('tr', null, ['Date', 'By', 'Competence', 'Confidence'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          h('td', { 'data-label': 'Date' }, formatDate(r.rated_on)),
          h('td', { 'data-label': 'By' }, r.source === 'self' ? 'Self' : 'Manager'),
          h('td', { 'data-label': 'Competence' }, String(r.competence)),
          h('td', { 'data-label': 'Confidence' }, String(r.confidence)),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- matrix

function matrix(data, { onRate, canRate }) {
  const cols = 8;
  const rows = [];
  for (const row of data.skills) {
    const sk = row.skill;
    const detailId = uid('hist');
    const detail = h('tr', { class: 'history-row', id: detailId, hidden: true }, h('td', { colspan: String(cols) }, h('div', { class: 'history-body' }, historyChart(row.history || [], sk.name), (row.history || []).length ? historyTable(row.history) : null)));
    const toggle = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-expanded': 'false', 'aria-controls': detailId, 'aria-label': `History of ${sk.name}` }, 'History');
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      detail.hidden = !open;
    });
    const rate = canRate ? h('button', { type: 'button', class: 'button button-small', 'aria-label': `Rate ${sk.name}` }, 'Rate') : null;
    if (rate) rate.addEventListener('click', () => onRate(sk.id));
    const flagged = row.signal && row.gap !== null && Math.abs(row.gap) >= 2;
    rows.push(
      h(
        'tr',
        { class: ['skill-row', flagged ? (row.gap > 0 ? 'signal-over' : 'signal-under') : null], dataset: { skill: String(sk.id) } },
        h('th', { scope: 'row' }, h('span', { class: 'skill-name' }, sk.name), sk.description ? h('span', { class: 'muted small block' }, sk.description) : null),
        h('td', { 'data-label': 'Self: competence', class: 'col-rating' }, ratingDots(row.self && row.self.competence, 'Self competence')),
        h('td', { 'data-label': 'Self: confidence', class: 'col-rating' }, ratingDots(row.self && row.self.confidence, 'Self confidence')),
        h('td', { 'data-label': 'Manager: competence', class: 'col-rating col-group' }, ratingDots(row.manager && row.manager.competence, 'Manager competence')),
        h('td', { 'data-label': 'Manager: confidence', class: 'col-rating' }, ratingDots(row.manager && row.manager.confidence, 'Manager confidence')),
        h('td', { 'data-label': 'Gap', class: 'col-gap' }, h('span', { class: 'gap-num', title: 'Confidence minus competence' }, gapText(row.gap)), flagged ? signalBadge(row.signal, row.gap) : null),
        h('td', { 'data-label': 'Trend', class: 'col-trend' }, sparkline(row.history || []), (row.history || []).length ? toggle : h('span', { class: 'muted small' }, 'no history')),
        h('td', { class: 'actions' }, rate),
      ),
      detail,
    );
  }
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table growth-matrix' },
      h('caption', { class: 'sr-only' }, 'Skills: competence and confidence, by self and by manager'),
      h(
        'thead',
        null,
        h(
          'tr',
          { class: 'head-groups' },
          h('th', { scope: 'col', rowspan: '2' }, 'Skill'),
          h('th', { scope: 'colgroup', colspan: '2' }, 'Self'),
          h('th', { scope: 'colgroup', colspan: '2', class: 'col-group' }, 'Manager'),
          h('th', { scope: 'col', rowspan: '2' }, 'Gap'),
          h('th', { scope: 'col', rowspan: '2' }, 'Trend'),
          h('th', { scope: 'col', rowspan: '2' }, h('span', { class: 'sr-only' }, 'Actions')),
        ),
        h('tr', null, h('th', { scope: 'col' }, 'Competence'), h('th', { scope: 'col' }, 'Confidence'), h('th', { scope: 'col', class: 'col-group' }, 'Competence'), h('th', { scope: 'col' }, 'Confidence')),
      ),
      h('tbody', null, rows),
    ),
  );
}

/** Five radio buttons 1-5 in a fieldset. */
function scale(name, legend, hint, value) {
  const hintId = uid(`${name}-hint`);
  return h(
    'fieldset',
    { class: 'scale field', dataset: { field: name }, 'aria-describedby': hintId },
    h('legend', null, legend),
    h('p', { class: 'hint', id: hintId }, hint),
    h(
      'div',
      { class: 'scale-options' },
      [1, 2, 3, 4, 5].map((v) => {
        const rid = uid(`${name}-${v}`);
        return h('span', { class: 'scale-option' }, h('input', { type: 'radio', name, id: rid, value: String(v), checked: Number(value) === v }), h('label', { for: rid }, String(v)));
      }),
    ),
    h('p', { class: 'field-error', hidden: true }),
  );
}

function ratingForm(ctx, person, data, role, reload) {
  const firstName = person.name.split(/\s+/)[0];
  const skillSel = field({ label: 'Skill', name: 'skill_id', type: 'select', required: true, options: data.skills.map((r) => ({ value: r.skill.id, label: r.skill.name })) });
  const slot = h('div', { class: 'scales' });
  const prior = (skillId) => {
    const row = data.skills.find((r) => r.skill.id === Number(skillId));
    return row ? row[role] : null;
  };
  const fill = () => {
    const p = prior(skillSel.control.value);
    replace(
      slot,
      scale('competence', 'Competence', role === 'self' ? 'Can you do it? 1: not yet, 5: could teach it.' : `Can ${firstName} do it? 1: not yet, 5: could teach it.`, p && p.competence),
      scale('confidence', 'Confidence', role === 'self' ? 'Do you believe you can? 1: not at all, 5: fully.' : `Does ${firstName} believe they can? 1: not at all, 5: fully.`, p && p.confidence),
    );
  };
  skillSel.control.addEventListener('change', fill);
  fill();
  const comment = field({ label: 'Comment', name: 'comment', type: 'textarea', hint: 'Optional: what you saw, or what would move it up.', attrs: { rows: '2', maxlength: '1000' } });
  const headingId = uid('rate');
  const form = h(
    'form',
    { class: 'rating-form', novalidate: true, 'aria-labelledby': headingId },
    h('h4', { id: headingId, class: 'sub-title' }, role === 'self' ? 'Rate yourself' : `Rate ${firstName}, as their manager`),
    formError(),
    h('div', { class: 'rating-grid' }, skillSel, slot),
    comment,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Save rating')),
  );
  form.selectSkill = (skillId) => {
    skillSel.control.value = String(skillId);
    fill();
    form.scrollIntoView({ block: 'nearest' });
    skillSel.control.focus();
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const comp = form.querySelector('input[name="competence"]:checked');
    const conf = form.querySelector('input[name="confidence"]:checked');
    if (!comp || !conf) {
      const fs = form.querySelector(`fieldset[data-field="${!comp ? 'competence' : 'confidence'}"]`);
      const slotEl = fs.querySelector('.field-error');
      slotEl.textContent = 'Pick a number from 1 to 5.';
      slotEl.hidden = false;
      fs.querySelector('input').focus();
      return;
    }
    const body = { skill_id: Number(skillSel.control.value), competence: Number(comp.value), confidence: Number(conf.value) };
    if (comment.control.value.trim()) body.comment = comment.control.value.trim();
    try {
      await busy(form, () => ctx.api.post(`/people/${person.id}/ratings`, body), 'Saving…');
      const skill = data.skills.find((r) => r.skill.id === body.skill_id);
      announce(`Rating of ${skill ? skill.skill.name : 'the skill'} saved.`, 'success');
      await reload(body.skill_id);
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return form;
}

// ---------------------------------------------------------------- goals

const GOAL_STATUS = { open: ['Open', 'info'], done: ['Done', 'success'], dropped: ['Dropped', 'muted'] };

function checkinForm(ctx, goal, reload) {
  const progress = field({ label: 'Progress (%)', name: 'progress', type: 'number', value: goal.progress ?? 0, required: true, attrs: { min: '0', max: '100', step: '5', inputmode: 'numeric' } });
  const note = field({ label: 'Note', name: 'note', type: 'textarea', hint: 'What moved, what is in the way.', attrs: { rows: '2', maxlength: '1000' } });
  const form = h('form', { class: 'checkin-form', novalidate: true }, formError(), h('div', { class: 'checkin-grid' }, progress, note), h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary button-small' }, 'Save check-in')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = Number(progress.control.value);
    if (progress.control.value === '' || !Number.isInteger(value) || value < 0 || value > 100) return showError(form, { field: 'progress', message: 'A whole number from 0 to 100.' });
    try {
      await busy(form, () => ctx.api.post(`/goals/${goal.id}/checkins`, { progress: value, note: note.control.value.trim() }), 'Saving…');
      announce('Check-in saved.', 'success');
      await reload();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return form;
}

function goalItem(ctx, goal, canWrite, reload) {
  const [statusLabel, statusKind] = GOAL_STATUS[goal.status] || [goal.status, 'muted'];
  const extra = h('div', { class: 'goal-extra' });
  const titleId = uid('goal');
  const buttons = [];
  const show = (which, build) => {
    if (extra.dataset.open === which) {
      replace(extra);
      extra.dataset.open = '';
      return;
    }
    extra.dataset.open = which;
    replace(extra, build());
    const first = extra.querySelector('input, textarea, select, button');
    if (first) first.focus();
  };
  if (canWrite && goal.status === 'open') {
    const b = h('button', { type: 'button', class: 'button button-small', 'aria-describedby': titleId }, 'Check in');
    b.addEventListener('click', () => show('checkin', () => checkinForm(ctx, goal, reload)));
    buttons.push(b);
  }
  const hist = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-describedby': titleId }, 'History');
  hist.addEventListener('click', () =>
    show('history', () => {
      const box = h('div', { class: 'goal-history' }, loading('Loading check-ins…'));
      ctx.api
        .get(`/goals/${goal.id}`)
        .then((full) => {
          const list = full.checkins || [];
          replace(
            box,
            list.length
              ? h(
                  'ol',
                  { class: 'checkin-list' },
                  list.map((c) =>
                    h(
                      'li',
                      null,
                      h('span', { class: 'checkin-progress' }, `${c.progress}%`),
                      h('span', { class: 'muted small' }, ` · ${formatDate(c.created_on)}${c.author ? ` · ${ctx.me && c.author.id === ctx.me.id ? 'you' : c.author.name}` : ''}`),
                      c.note ? h('p', { class: 'checkin-note' }, c.note) : null,
                    ),
                  ),
                )
              : h('p', { class: 'muted small' }, 'No check-ins yet.'),
          );
        })
        .catch((err) => {
          if (err.status !== 401) replace(box, errorBox(err, { title: 'Could not load the check-ins' }));
        });
      return box;
    }),
  );
  buttons.push(hist);
  if (canWrite) {
    const setStatus = async (status, text) => {
      try {
        await ctx.api.patch(`/goals/${goal.id}`, { status });
        announce(text, 'success');
        await reload();
      } catch (err) {
        if (err.status !== 401) announce(err.message, 'error');
      }
    };
    if (goal.status === 'open') {
      const done = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-describedby': titleId }, 'Mark done');
      done.addEventListener('click', () => setStatus('done', 'Goal marked done.'));
      const drop = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-describedby': titleId }, 'Drop');
      drop.addEventListener('click', () => setStatus('dropped', 'Goal dropped.'));
      buttons.push(done, drop);
    } else {
      const reopen = h('button', { type: 'button', class: 'button button-small button-quiet', 'aria-describedby': titleId }, 'Reopen');
      reopen.addEventListener('click', () => setStatus('open', 'Goal open again.'));
      buttons.push(reopen);
    }
  }
  const pct = Math.max(0, Math.min(100, Number(goal.progress) || 0));
  const barId = uid('bar');
  const late = goal.status === 'open' && goal.target_date && daysBetween(ctx.today, goal.target_date) < 0;
  return h(
    'li',
    { class: ['goal', `goal-${goal.status}`], dataset: { goal: String(goal.id) } },
    h(
      'div',
      { class: 'goal-head' },
      h('h4', { class: 'goal-title', id: titleId }, goal.title),
      badge(statusLabel, statusKind),
      goal.skill ? badge(goal.skill.name, 'value') : null,
    ),
    h(
      'div',
      { class: 'goal-progress' },
      h('progress', { id: barId, max: '100', value: String(pct), 'aria-label': `${goal.title}: progress` }, `${pct}%`),
      h('span', { class: 'goal-pct' }, `${pct}%`),
    ),
    h(
      'p',
      { class: 'item-meta' },
      goal.target_date ? ['Target ', h('time', { datetime: goal.target_date }, formatDate(goal.target_date))] : 'No target date',
      late ? [' ', badge('Past target', 'warning')] : null,
      ' · ',
      goal.last_checkin ? `last check-in ${ago(goal.last_checkin, ctx.today)}` : 'no check-in yet',
    ),
    h('div', { class: 'goal-buttons' }, buttons),
    extra,
  );
}

function goalForm(ctx, person, data, reload) {
  const title = field({ label: 'Goal', name: 'title', required: true, hint: 'One thing to get better at, said so you can tell when it is done.', attrs: { maxlength: '200', autocomplete: 'off' } });
  const skill = field({ label: 'Skill', name: 'skill_id', type: 'select', options: [{ value: '', label: 'No skill' }, ...data.skills.map((r) => ({ value: r.skill.id, label: r.skill.name }))] });
  const target = field({ label: 'Target date', name: 'target_date', type: 'date' });
  const form = h('form', { class: 'goal-form', novalidate: true }, formError(), h('div', { class: 'form-grid' }, title, skill, target), h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Add goal')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const text = title.control.value.trim();
    if (!text) return showError(form, { field: 'title', message: 'Name the goal.' });
    const body = { title: text };
    if (skill.control.value) body.skill_id = Number(skill.control.value);
    if (target.control.value) body.target_date = target.control.value;
    try {
      await busy(form, () => ctx.api.post(`/people/${person.id}/goals`, body), 'Adding…');
      announce('Goal added.', 'success');
      await reload();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return form;
}

// ---------------------------------------------------------------- the panel

/** The whole growth panel for `person`. */
export function growthPanel(ctx, person) {
  const root = h('div', { class: 'growth', dataset: { person: String(person.id) } }, loading('Loading growth…'));
  const self = ctx.me && ctx.me.id === person.id;
  const load = async (focusSkill = null) => {
    let data;
    let role;
    try {
      [data, role] = await Promise.all([ctx.api.get(`/people/${person.id}/growth`), raterRole(ctx, person).catch(() => null)]);
    } catch (err) {
      if (err.status !== 401) replace(root, errorBox(err, { title: 'Could not load growth', retry: () => load() }));
      return;
    }
    const skills = data.skills || [];
    let goals = data.goals;
    if (!Array.isArray(goals)) goals = (await ctx.api.get(`/people/${person.id}/goals`).catch(() => ({ goals: [] }))).goals || [];
    const signals = skills.filter((r) => r.signal && r.gap !== null && Math.abs(r.gap) >= 2);
    let form = null;
    const parts = [];
    parts.push(
      h(
        'p',
        { class: 'growth-intro muted small' },
        `${data.framework === 'manager' ? 'Manager' : 'Seller'} skills, 1 to 5. `,
        h('strong', null, 'Competence'),
        ': can do it. ',
        h('strong', null, 'Confidence'),
        ': believes they can. The gap is confidence minus competence; 2 or more either way is worth a conversation.',
      ),
    );
    if (signals.length) {
      // One line per kind of gap: what it means for coaching, and the skills it is about.
      const kinds = [
        { over: true, advice: 'Coach the skill: practice, feedback, a stretch with support.' },
        { over: false, advice: 'Build belief: point to the evidence, hand them the ball.' },
      ];
      parts.push(
        h(
          'ul',
          { class: 'signal-list' },
          kinds.map((k) => {
            const list = signals.filter((r) => (r.gap > 0) === k.over);
            if (!list.length) return null;
            const label = list[0].signal[0].toUpperCase() + list[0].signal.slice(1);
            return h(
              'li',
              { class: k.over ? 'signal-over' : 'signal-under' },
              h('strong', null, `${label}: `),
              list.map((r, i) => [i ? ', ' : '', `${r.skill.name} (${gapText(r.gap)})`]),
              '. ',
              k.advice,
            );
          }),
        ),
      );
    }
    if (skills.length) {
      parts.push(matrix({ ...data, skills }, { canRate: Boolean(role), onRate: (skillId) => form && form.selectSkill(skillId) }));
    } else {
      parts.push(empty('No skills in the framework yet. An administrator adds them.'));
    }
    if (role && skills.length) {
      form = ratingForm(ctx, person, { ...data, skills }, role, load);
      parts.push(form);
    }
    parts.push(h('h4', { class: 'sub-title' }, self ? 'Your development goals' : 'Development goals'));
    parts.push(
      goals.length
        ? h('ul', { class: 'goal-list' }, [...goals].sort((a, b) => (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1)).map((g) => goalItem(ctx, g, Boolean(role), load)))
        : h('p', { class: 'muted' }, 'No development goals yet.'),
    );
    if (role) {
      const add = h('details', { class: 'add-goal' }, h('summary', null, 'Add a development goal'), goalForm(ctx, person, { ...data, skills }, load));
      parts.push(add);
    }
    replace(root, parts);
    if (focusSkill) {
      const row = root.querySelector(`tr[data-skill="${focusSkill}"]`);
      if (row) row.classList.add('just-rated');
    }
  };
  load();
  return root;
}
