// views/oneonones.js -- #/oneonones: the user's one-on-one series (as the
// manager and as the report), who is overdue, open action items, "Prepare
// next"; the direct reports without a series, each with a form to start one;
// and the calendar feed (.ics) of the user's upcoming one-on-ones.
import { h, replace, id as uid } from '../dom.js';
import { formatDate, count, addDays } from '../format.js';
import { pageHeader, loading, errorBox, empty, field, formError, showError, clearErrors, busy, announce } from '../ui.js';
import { CADENCES, cadenceLabel, otherSide, sortSeries, prepareNext, badge, lastHeldText, nextDateText } from '../leading.js';

const OVERDUE_DAYS = 30;

function prepareButton(ctx, series, label = 'Prepare next') {
  const button = h('button', { type: 'button', class: 'button button-primary button-small', dataset: { series: String(series.id) } }, label);
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await prepareNext(ctx.api, series.id);
    } catch (err) {
      button.disabled = false;
      if (err.status !== 401) announce(err.message, 'error');
    }
  });
  return button;
}

/** The meetings of a series, loaded when its disclosure opens. */
function pastMeetings(ctx, series) {
  const list = h('div', { class: 'series-meetings' });
  const details = h('details', { class: 'series-history' }, h('summary', null, 'Meetings'), list);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    replace(list, loading('Loading meetings…'));
    try {
      const full = await ctx.api.get(`/oneonones/${series.id}`);
      const meetings = full.meetings || [];
      replace(
        list,
        meetings.length
          ? h('ul', { class: 'plain-list' }, meetings.map((m) => h('li', null, h('a', { href: `#/meetings/${m.id}` }, formatDate(m.date)), ' ', badge(m.status === 'held' ? 'Held' : m.status === 'cancelled' ? 'Cancelled' : 'Planned', m.status === 'held' ? 'success' : 'muted'))))
          : h('p', { class: 'muted small' }, 'No meeting prepared or held yet.'),
        full.upcoming && full.upcoming.length ? h('p', { class: 'muted small' }, `Next dates: ${full.upcoming.map(formatDate).join(', ')}`) : null,
      );
    } catch (err) {
      loaded = false;
      if (err.status !== 401) replace(list, errorBox(err, { title: 'Could not load the meetings' }));
    }
  });
  return details;
}

function seriesTable(ctx, series, meId) {
  const rows = sortSeries(series)
    .sort((a, b) => Number(a.manager.id === meId) - Number(b.manager.id === meId))
    .map((s) => {
    const other = otherSide(s, meId);
    return h(
      'tr',
      { dataset: { series: String(s.id), person: String(other.person.id) }, class: s.active === false ? 'is-disabled' : null },
      h('th', { scope: 'row' }, other.iAmManager ? h('a', { href: `#/people/${other.person.id}`, class: 'person-link' }, other.person.name) : h('span', { class: 'person-name' }, other.person.name), h('span', { class: 'muted small block' }, other.role)),
      h('td', { 'data-label': 'Cadence' }, cadenceLabel(s.cadence), s.active === false ? [' ', badge('Paused')] : null),
      h('td', { 'data-label': 'Last held' }, lastHeldText(s.last_held, ctx.today), s.overdue ? [' ', badge('Overdue', 'warning', `No one-on-one held in ${OVERDUE_DAYS} days`)] : null),
      h('td', { 'data-label': 'Next' }, nextDateText(s.next_date, ctx.today)),
      h('td', { 'data-label': 'Open actions', class: 'num' }, s.open_actions ? String(s.open_actions) : h('span', { class: 'muted' }, '0')),
      h('td', { class: 'actions' }, h('div', { class: 'series-actions' }, prepareButton(ctx, s), pastMeetings(ctx, s))),
    );
  });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table series-table' },
      h('caption', { class: 'sr-only' }, 'Your one-on-ones'),
      h('thead', null, h('tr', null, ['With', 'Cadence', 'Last held', 'Next', 'Open actions'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', null, rows),
    ),
  );
}

/** The form that starts a series with one direct report. */
function startForm(ctx, person, onDone) {
  const cadence = field({ label: 'Cadence', name: 'cadence', type: 'select', value: 'biweekly', options: CADENCES });
  const first = field({ label: 'First date', name: 'first_date', type: 'date', value: addDays(ctx.today, 1), required: true });
  const headingId = uid('start');
  const form = h(
    'form',
    { class: 'start-form', novalidate: true, 'aria-labelledby': headingId, dataset: { person: String(person.id) } },
    h('h3', { id: headingId, class: 'start-name' }, person.name),
    formError(),
    h('div', { class: 'inline-form' }, cadence, first, h('button', { type: 'submit', class: 'button button-primary' }, 'Start one-on-ones')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    if (!first.control.value) return showError(form, { field: 'first_date', message: 'Pick the date of the first one-on-one.' });
    try {
      await busy(form, () => ctx.api.post('/oneonones', { report_id: person.id, cadence: cadence.control.value, first_date: first.control.value }), 'Starting…');
      announce(`One-on-ones with ${person.name} start ${formatDate(first.control.value)}.`, 'success');
      onDone();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return form;
}

function calendarCard(ctx) {
  const me = ctx.session.person;
  const path = `/api/v1/people/${me.id}/oneonones.ics`;
  const url = `${location.origin}${path}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'ics-title' },
    h('h2', { id: 'ics-title', class: 'card-title' }, 'In your calendar'),
    h('p', null, 'Your upcoming one-on-ones as a calendar feed (iCalendar, ', h('code', null, '.ics'), '):'),
    h('p', null, h('code', { class: 'feed-url' }, url)),
    h(
      'p',
      { class: 'muted small' },
      'A calendar app fetches it with an API token, sent as ',
      h('code', null, 'Authorization: Bearer rns_…'),
      '. ',
      h('a', { href: '#/admin/tokens' }, 'Issue a token'),
      ' for your calendar, and keep it to yourself: it acts as you.',
    ),
    h('p', null, h('a', { href: path, class: 'button button-small', download: 'one-on-ones.ics' }, 'Download now')),
  );
}

export async function render(root, ctx) {
  ctx.setTitle('One-on-ones');
  const me = ctx.session.person;
  root.append(pageHeader('One-on-ones', { intro: 'A regular conversation with each person: a shared agenda you both add to, notes, and action items that come back until they are done.' }));
  if (!me) {
    root.append(empty('One-on-ones are between a manager and their report. Your login is not linked to a person.'));
    return;
  }
  const body = h('div', { class: 'stack' }, loading('Loading your one-on-ones…'));
  root.append(body);

  const load = async () => {
    let answer;
    try {
      answer = await ctx.api.get(`/oneonones?overdue_days=${OVERDUE_DAYS}`);
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load your one-on-ones', retry: load }));
      return;
    }
    if (!ctx.isCurrent()) return;
    const series = answer.series || [];
    const without = answer.without_series || [];
    const overdue = series.filter((s) => s.overdue);
    const open = series.reduce((n, s) => n + (s.open_actions || 0), 0);

    const summary = series.length
      ? h(
          'p',
          { class: 'lead-summary' },
          `${count(series.length, 'series', 'series')}`,
          overdue.length ? [' · ', badge(`${overdue.length} overdue`, 'warning')] : ' · none overdue',
          ` · ${count(open, 'open action item', 'open action items')}`,
        )
      : null;

    const list = h(
      'section',
      { class: 'card card-full', 'aria-labelledby': 'series-title' },
      h('h2', { id: 'series-title', class: 'card-title' }, 'Your one-on-ones'),
      summary,
      series.length ? seriesTable(ctx, series, me.id) : empty(without.length ? 'No one-on-ones yet. Start one with each of your direct reports below.' : 'No one-on-ones yet. When your manager starts a series with you, it shows here.'),
    );
    const parts = [list];
    if (without.length) {
      parts.push(
        h(
          'section',
          { class: 'card card-full', 'aria-labelledby': 'without-title' },
          h('h2', { id: 'without-title', class: 'card-title' }, 'Direct reports without one-on-ones'),
          h('p', { class: 'muted' }, 'Pick how often you meet and the first date; reins dates the next ones and tells you when one is overdue.'),
          h('div', { class: 'start-list' }, without.map((p) => startForm(ctx, p, load))),
        ),
      );
    }
    parts.push(calendarCard(ctx));
    replace(body, parts);
  };
  await load();
}
