// views/admin-people.js -- admins: everyone in a table to find and edit, and the teams.
import { h, replace } from '../dom.js';
import { byName, count, formatDate } from '../format.js';
import { pageHeader, loading, errorBox, empty, personLink, statusChip, filterBox, field, formError, showError, busy, announce } from '../ui.js';

function teamsPanel(ctx, teams, reload) {
  const name = field({ label: 'New team name', name: 'name', required: true, attrs: { maxlength: '100' } });
  const form = h('form', { class: 'inline-form', novalidate: true }, formError(), name, h('button', { type: 'submit', class: 'button' }, 'Add team'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = name.control.value.trim();
    if (!value) {
      showError(form, { field: 'name', message: 'Enter a name for the team.' });
      return;
    }
    try {
      await busy(form, () => ctx.api.post('/teams', { name: value }));
      announce(`Team ${value} added.`, 'success');
      reload();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'teams-title' },
    h('h2', { id: 'teams-title', class: 'card-title' }, 'Teams'),
    teams.length
      ? h('ul', { class: 'team-chips' }, teams.map((t) => h('li', null, h('span', { class: 'team-chip' }, t.name, h('span', { class: 'muted' }, ` ${t.members}`)))))
      : h('p', { class: 'muted' }, 'No teams yet.'),
    form,
  );
}

export async function render(root, ctx) {
  ctx.setTitle('People');
  const header = pageHeader('People', {
    intro: 'Everyone in the organisation. Open a person to see their page; edit to change their details.',
    actions: [h('a', { class: 'button button-primary', href: '#/admin/people/new' }, 'Add person'), h('a', { class: 'button', href: '#/admin/import' }, 'Import CSV')],
  });
  const body = h('div', null, loading('Loading people…'));
  root.append(header, body);

  const load = async () => {
    let people;
    let teams;
    try {
      [people, teams] = await Promise.all([ctx.api.get('/people').then((r) => r.people), ctx.api.get('/teams').then((r) => r.teams)]);
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load people', retry: load }));
      return;
    }
    if (!ctx.isCurrent()) return;
    const byId = new Map(people.map((p) => [p.id, p]));
    const rows = people.sort(byName).map((p) => {
      const manager = byId.get(p.manager_id);
      const tr = h(
        'tr',
        null,
        h('th', { scope: 'row' }, personLink(p)),
        h('td', { 'data-label': 'Email' }, p.email),
        h('td', { 'data-label': 'Title' }, p.title || '—'),
        h('td', { 'data-label': 'Team' }, p.team || '—'),
        h('td', { 'data-label': 'Manager' }, manager ? personLink(manager) : '—'),
        h('td', { 'data-label': 'Started' }, formatDate(p.start_date)),
        h('td', { 'data-label': 'Status' }, statusChip(p, ctx.today)),
        h('td', { class: 'actions' }, h('a', { class: 'button button-small', href: `#/admin/people/${p.id}`, 'aria-label': `Edit ${p.name}` }, 'Edit')),
      );
      tr.search = [p.name, p.email, p.title, p.team, manager && manager.name].filter(Boolean).join(' ').toLowerCase();
      return tr;
    });
    const shownCount = h('p', { class: 'muted', role: 'status' }, count(people.length));
    const table = people.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table' },
            h('caption', { class: 'sr-only' }, 'People'),
            h('thead', null, h('tr', null, ['Name', 'Email', 'Title', 'Team', 'Manager', 'Started', 'Status'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
            h('tbody', null, rows),
          ),
        )
      : empty('No people yet. Add the first person, or import everyone from a CSV file.');
    const filter = filterBox('Find people', (text) => {
      let n = 0;
      for (const tr of rows) {
        tr.hidden = Boolean(text) && !tr.search.includes(text);
        if (!tr.hidden) n += 1;
      }
      shownCount.textContent = text ? `${n} of ${people.length} shown` : count(people.length);
    }, 'Name, email, title, team');
    replace(body, h('div', { class: 'toolbar' }, filter, shownCount), h('section', { class: 'card card-full' }, table), teamsPanel(ctx, teams, load));
  };
  await load();
}
