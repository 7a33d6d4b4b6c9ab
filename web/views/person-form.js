// views/person-form.js -- admins: add a person (POST /people) or edit one (PATCH /people/{id}).
// Field errors from the API (error.field) show next to their field.
import { h, replace } from '../dom.js';
import { byName } from '../format.js';
import { pageHeader, loading, errorBox, field, formError, showError, clearErrors, busy, announce } from '../ui.js';

const STATUSES = [
  { value: 'active', label: 'Active' },
  { value: 'leaving', label: 'Leaving' },
  { value: 'left', label: 'Left' },
];

/** Everyone below `id` (they cannot be its manager: that would be a cycle). */
function below(id, people) {
  const out = new Set();
  const walk = (m) => {
    for (const p of people) {
      if (p.manager_id === m && !out.has(p.id)) {
        out.add(p.id);
        walk(p.id);
      }
    }
  };
  walk(id);
  return out;
}

export async function render(root, ctx) {
  const editing = ctx.params.id ? Number(ctx.params.id) : null;
  ctx.setTitle(editing ? 'Edit person' : 'Add person');
  const header = pageHeader(editing ? 'Edit person' : 'Add person', {
    intro: editing ? '' : 'Name, email and start date are needed; the rest can follow.',
  });
  const body = h('div', null, loading());
  root.append(h('nav', { class: 'crumbs', 'aria-label': 'Back' }, h('a', { href: '#/admin/people' }, 'People')), header, body);

  let people;
  let teams;
  let person = null;
  try {
    [people, teams, person] = await Promise.all([
      ctx.api.get('/people', { cache: true }).then((r) => r.people),
      ctx.api.get('/teams').then((r) => r.teams),
      editing ? ctx.api.get(`/people/${editing}`) : Promise.resolve(null),
    ]);
  } catch (err) {
    if (err.status === 404) ctx.notFound('There is no such person.');
    else if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the form', retry: () => ctx.navigate(location.hash) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (person) {
    header.querySelector('h1').textContent = `Edit ${person.name}`;
    ctx.setTitle(`Edit ${person.name}`);
  }

  const v = person || { name: '', email: '', title: '', manager_id: null, team_id: null, start_date: '', status: 'active' };
  const excluded = editing ? below(editing, people) : new Set();
  if (editing) excluded.add(editing);
  const managerOptions = [{ value: '', label: 'No manager' }].concat(
    [...people].sort(byName).filter((p) => !excluded.has(p.id)).map((p) => ({ value: p.id, label: p.title ? `${p.name} (${p.title})` : p.name })),
  );
  const teamOptions = [{ value: '', label: 'No team' }].concat([...teams].sort((a, b) => a.name.localeCompare(b.name)).map((t) => ({ value: t.id, label: t.name })));

  const f = {
    name: field({ label: 'Name', name: 'name', required: true, value: v.name, autocomplete: 'off', attrs: { maxlength: '200' } }),
    email: field({ label: 'Email', name: 'email', type: 'email', required: true, value: v.email, autocomplete: 'off', attrs: { spellcheck: 'false' } }),
    title: field({ label: 'Title', name: 'title', value: v.title || '', hint: 'For example Account Executive.', autocomplete: 'off' }),
    team_id: field({ label: 'Team', name: 'team_id', type: 'select', value: v.team_id ?? '', options: teamOptions, hint: 'New teams are added on the People page.' }),
    manager_id: field({ label: 'Manager', name: 'manager_id', type: 'select', value: v.manager_id ?? '', options: managerOptions, hint: 'The person this one reports to.' }),
    start_date: field({ label: 'Start date', name: 'start_date', type: 'date', required: true, value: v.start_date }),
    status: field({ label: 'Status', name: 'status', type: 'select', value: v.status, options: STATUSES }),
  };
  const cancelHref = editing ? `#/people/${editing}` : '#/admin/people';
  const form = h(
    'form',
    { class: 'form card', novalidate: true },
    formError(),
    h('div', { class: 'form-grid' }, Object.values(f)),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button button-primary' }, editing ? 'Save changes' : 'Add person'),
      h('a', { class: 'button', href: cancelHref }, 'Cancel'),
    ),
  );
  replace(body, form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = (k) => f[k].control.value.trim();
    const idOrNull = (k) => (value(k) === '' ? null : Number(value(k)));
    const next = {
      name: value('name'),
      email: value('email'),
      title: value('title'),
      team_id: idOrNull('team_id'),
      manager_id: idOrNull('manager_id'),
      start_date: value('start_date'),
      status: value('status'),
    };
    for (const [k, label] of [['name', 'a name'], ['email', 'an email address'], ['start_date', 'a start date']]) {
      if (!next[k]) {
        showError(form, { field: k, message: `Enter ${label}.` });
        return;
      }
    }
    let body;
    if (editing) {
      // Only what changed; title '' is sent as '' (no title).
      body = {};
      for (const k of Object.keys(next)) {
        const before = k === 'title' ? person.title || '' : person[k] ?? null;
        if (next[k] !== before) body[k] = next[k];
      }
      if (!Object.keys(body).length) {
        announce('Nothing changed.');
        ctx.navigate(`#/people/${editing}`);
        return;
      }
    } else {
      body = { name: next.name, email: next.email, start_date: next.start_date, status: next.status };
      if (next.title) body.title = next.title;
      if (next.team_id !== null) body.team_id = next.team_id;
      if (next.manager_id !== null) body.manager_id = next.manager_id;
    }
    try {
      const saved = await busy(form, () => (editing ? ctx.api.patch(`/people/${editing}`, body) : ctx.api.post('/people', body)), 'Saving…');
      announce(editing ? `${saved.name} saved.` : `${saved.name} added.`, 'success');
      ctx.navigate(`#/people/${saved.id}`);
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  f.name.control.focus();
}
