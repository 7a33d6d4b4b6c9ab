// views/admin-users.js -- admins: logins. List, add (role and person), reset
// a password, disable or enable.
import { h, replace } from '../dom.js';
import { byName, count } from '../format.js';
import { pageHeader, loading, errorBox, empty, personLink, field, formError, showError, clearErrors, busy, announce, openDialog, confirmDialog, filterBox } from '../ui.js';

const ROLES = [
  { value: 'seller', label: 'Seller: sees only themself' },
  { value: 'manager', label: 'Manager: sees their whole subtree' },
  { value: 'admin', label: 'Admin: sees and changes everything' },
];

/** A random password of 16 letters and digits (no look-alikes). */
function suggestPassword() {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

function passwordField(label = 'Password') {
  const f = field({ label, name: 'password', type: 'password', required: true, autocomplete: 'new-password', hint: 'At least 8 characters. Share it with them in person or over a trusted channel.', attrs: { minlength: '8' } });
  const suggest = h('button', { type: 'button', class: 'button button-small button-quiet' }, 'Suggest a password');
  suggest.addEventListener('click', () => {
    f.control.type = 'text';
    f.control.value = suggestPassword();
    f.control.focus();
    f.control.select();
  });
  f.append(suggest);
  return f;
}

function addUserForm(ctx, people, users, done) {
  const taken = new Set(users.map((u) => u.person_id).filter((x) => x !== null));
  const personOptions = [{ value: '', label: 'Choose a person…' }].concat(
    [...people].sort(byName).map((p) => ({ value: p.id, label: `${p.name}${p.email ? ` (${p.email})` : ''}${taken.has(p.id) ? ' · has a login' : ''}` })),
  );
  const f = {
    email: field({ label: 'Email (their login)', name: 'email', type: 'email', required: true, autocomplete: 'off', attrs: { spellcheck: 'false' } }),
    role: field({ label: 'Role', name: 'role', type: 'select', value: 'seller', options: ROLES }),
    person_id: field({ label: 'Person', name: 'person_id', type: 'select', options: personOptions, hint: 'Who this login belongs to (not needed for an admin).' }),
    password: passwordField(),
  };
  // Picking a person fills in their email when it is still empty.
  f.person_id.control.addEventListener('change', () => {
    const p = people.find((x) => String(x.id) === f.person_id.control.value);
    if (p && !f.email.control.value) f.email.control.value = p.email;
  });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    formError(),
    h('div', { class: 'form-grid' }, Object.values(f)),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Add user')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const email = f.email.control.value.trim();
    const role = f.role.control.value;
    const personId = f.person_id.control.value ? Number(f.person_id.control.value) : null;
    const password = f.password.control.value;
    if (!email) return showError(form, { field: 'email', message: 'Enter their email address.' });
    if (role !== 'admin' && personId === null) return showError(form, { field: 'person_id', message: 'Choose the person this login belongs to.' });
    if (password.length < 8) return showError(form, { field: 'password', message: 'Use at least 8 characters.' });
    const body = { email, password, role };
    if (personId !== null) body.person_id = personId;
    try {
      await busy(form, () => ctx.api.post('/users', body), 'Adding…');
      announce(`Login for ${email} added.`, 'success');
      done();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return form;
}

function resetPassword(ctx, user) {
  return openDialog(`Reset the password of ${user.email}`, (close) => {
    const pw = passwordField('New password');
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      formError(),
      h('p', null, 'Their sessions end; API tokens keep working.'),
      pw,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'button button-primary' }, 'Reset password')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (pw.control.value.length < 8) return showError(form, { field: 'password', message: 'Use at least 8 characters.' });
      try {
        await busy(form, () => ctx.api.patch(`/users/${user.id}`, { password: pw.control.value }), 'Saving…');
        close(true);
      } catch (err) {
        if (err.status === 401) close(false);
        else showError(form, err);
      }
      return undefined;
    });
    return form;
  });
}

export async function render(root, ctx) {
  ctx.setTitle('Users');
  const toggle = h('button', { type: 'button', class: 'button button-primary', 'aria-expanded': 'false', 'aria-controls': 'add-user' }, 'Add user');
  const header = pageHeader('Users', { intro: 'Who can log in, and with which role. A manager sees their subtree; a seller sees only themself.', actions: toggle });
  const addPanel = h('section', { class: 'card', id: 'add-user', hidden: true, 'aria-labelledby': 'add-user-title' }, h('h2', { class: 'card-title', id: 'add-user-title' }, 'Add a user'));
  const body = h('div', null, loading('Loading users…'));
  root.append(header, addPanel, body);
  toggle.addEventListener('click', () => {
    const open = addPanel.hidden;
    addPanel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) addPanel.querySelector('input, select')?.focus();
  });

  const load = async (refocusLabel = null) => {
    let users;
    let people;
    try {
      [users, people] = await Promise.all([ctx.api.get('/users').then((r) => r.users), ctx.api.get('/people', { cache: true }).then((r) => r.people)]);
    } catch (err) {
      if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load users', retry: () => load() }));
      return;
    }
    if (!ctx.isCurrent()) return;
    const byId = new Map(people.map((p) => [p.id, p]));
    replace(addPanel, h('h2', { class: 'card-title', id: 'add-user-title' }, 'Add a user'), addUserForm(ctx, people, users, () => {
      addPanel.hidden = true;
      toggle.setAttribute('aria-expanded', 'false');
      load();
    }));

    const rows = users.map((u) => {
      const person = u.person_id !== null ? byId.get(u.person_id) : null;
      const isMe = u.id === ctx.session.user.id;
      const reset = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Reset the password of ${u.email}` }, 'Reset password');
      reset.addEventListener('click', async () => {
        if (await resetPassword(ctx, u)) announce(`Password of ${u.email} reset. Their sessions have ended.`, 'success');
        reset.focus();
      });
      const disable = h('button', { type: 'button', class: ['button', 'button-small', u.disabled ? null : 'button-danger-quiet'], 'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.email}`, disabled: isMe && !u.disabled ? true : null, title: isMe ? 'You cannot disable yourself' : null }, u.disabled ? 'Enable' : 'Disable');
      disable.addEventListener('click', async () => {
        if (!u.disabled) {
          const ok = await confirmDialog(`Disable ${u.email}?`, 'They are logged out everywhere and their API tokens stop working. You can enable the login again later.', 'Disable', { danger: true });
          if (!ok) return disable.focus();
        }
        try {
          await ctx.api.patch(`/users/${u.id}`, { disabled: !u.disabled });
          announce(`${u.email} ${u.disabled ? 'enabled' : 'disabled'}.`, 'success');
          await load(`${u.disabled ? 'Disable' : 'Enable'} ${u.email}`);
        } catch (err) {
          if (err.status !== 401) announce(err.message, 'error');
        }
        return undefined;
      });
      const tr = h(
        'tr',
        { class: u.disabled ? 'is-disabled' : null },
        h('th', { scope: 'row' }, u.email, isMe ? h('span', { class: 'muted' }, ' (you)') : null),
        h('td', { 'data-label': 'Role' }, h('span', { class: `role role-${u.role}` }, u.role)),
        h('td', { 'data-label': 'Person' }, person ? personLink(person) : u.person_id !== null ? `#${u.person_id}` : h('span', { class: 'muted' }, '—')),
        h('td', { 'data-label': 'Login' }, u.disabled ? h('span', { class: 'chip chip-left' }, 'Disabled') : h('span', { class: 'chip chip-active' }, 'Enabled')),
        h('td', { class: 'actions' }, reset, disable),
      );
      tr.search = `${u.email} ${u.role} ${person ? person.name : ''}`.toLowerCase();
      return tr;
    });
    const status = h('p', { class: 'muted', role: 'status' }, count(users.length, 'user', 'users'));
    const filter = filterBox('Find users', (text) => {
      let n = 0;
      for (const tr of rows) {
        tr.hidden = Boolean(text) && !tr.search.includes(text);
        if (!tr.hidden) n += 1;
      }
      status.textContent = text ? `${n} of ${users.length} shown` : count(users.length, 'user', 'users');
    }, 'Email, role or name');
    replace(
      body,
      h('div', { class: 'toolbar' }, filter, status),
      h(
        'section',
        { class: 'card card-full' },
        users.length
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'data-table' },
                h('caption', { class: 'sr-only' }, 'Users'),
                h('thead', null, h('tr', null, ['Email', 'Role', 'Person', 'Login'].map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
                h('tbody', null, rows),
              ),
            )
          : empty('No users yet.'),
      ),
    );
    if (refocusLabel) body.querySelector(`button[aria-label="${CSS.escape(refocusLabel)}"]`)?.focus();
  };
  await load();
}
