// views/admin-tokens.js -- API tokens: list, issue (the secret is shown once,
// with a copy button) and revoke. Anyone manages their own; an admin sees all
// and may issue one for another user.
import { h, replace } from '../dom.js';
import { formatStamp } from '../format.js';
import { pageHeader, loading, errorBox, empty, field, formError, showError, clearErrors, busy, announce, confirmDialog } from '../ui.js';

async function copyText(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard permission: select the text so Ctrl+C copies it.
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

function secretPanel(answer, onDone) {
  const input = h('input', { type: 'text', readonly: true, value: answer.secret, id: 'token-secret', class: 'secret', spellcheck: 'false', 'aria-describedby': 'token-secret-note' });
  const copied = h('span', { class: 'copied', role: 'status' });
  const copy = h('button', { type: 'button', class: 'button button-primary' }, 'Copy');
  copy.addEventListener('click', async () => {
    const ok = await copyText(answer.secret, input);
    copied.textContent = ok ? 'Copied.' : 'Select the text and copy it with Ctrl+C.';
  });
  const done = h('button', { type: 'button', class: 'button' }, 'Done');
  done.addEventListener('click', onDone);
  return h(
    'section',
    { class: 'card secret-card', 'aria-labelledby': 'secret-title' },
    h('h2', { id: 'secret-title', class: 'card-title' }, `Token “${answer.token.name}” issued`),
    h('p', { id: 'token-secret-note', class: 'notice notice-warning' }, 'Copy it now: it is shown only this once. Only its hash is stored, so it cannot be shown again.'),
    h('div', { class: 'field' }, h('label', { for: 'token-secret' }, 'Token'), h('div', { class: 'secret-row' }, input, copy)),
    copied,
    h('p', { class: 'muted small' }, 'Integrations send it as the header ', h('code', null, 'Authorization: Bearer rns_…'), '.'),
    h('div', { class: 'form-actions' }, done),
  );
}

export async function render(root, ctx) {
  const isAdmin = ctx.session.user.role === 'admin';
  ctx.setTitle('API tokens');
  root.append(
    pageHeader('API tokens', {
      intro: isAdmin
        ? 'Tokens let integrations (a CRM sync, a script) use the API without a password. You see everyone’s tokens.'
        : 'Tokens let your integrations and scripts use the API as you, without your password.',
    }),
  );
  const secretSlot = h('div');
  const issueCard = h('section', { class: 'card', 'aria-labelledby': 'issue-title' }, h('h2', { id: 'issue-title', class: 'card-title' }, 'Issue a token'));
  const list = h('section', { class: 'card card-full', 'aria-labelledby': 'tokens-title' }, h('h2', { id: 'tokens-title', class: 'card-title' }, 'Tokens'), loading('Loading tokens…'));
  root.append(secretSlot, issueCard, list);

  let users = [];
  if (isAdmin) {
    try {
      users = (await ctx.api.get('/users')).users;
    } catch (err) {
      if (err.status === 401) return;
    }
  }
  const emailOf = new Map(users.map((u) => [u.id, u.email]));

  const name = field({ label: 'Name', name: 'name', required: true, hint: 'What uses it, for example “CRM sync”.', autocomplete: 'off', attrs: { maxlength: '100' } });
  const owner = isAdmin
    ? field({
        label: 'For user',
        name: 'user_id',
        type: 'select',
        value: ctx.session.user.id,
        options: users.map((u) => ({ value: u.id, label: u.id === ctx.session.user.id ? `${u.email} (you)` : u.email })),
        hint: 'The token acts as this user, with their rights.',
      })
    : null;
  const form = h('form', { class: 'form', novalidate: true }, formError(), h('div', { class: 'form-grid' }, name, owner), h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Issue token')));
  issueCard.append(form);

  const load = async () => {
    let tokens;
    try {
      tokens = (await ctx.api.get('/tokens')).tokens;
    } catch (err) {
      if (err.status !== 401) replace(list, h('h2', { class: 'card-title', id: 'tokens-title' }, 'Tokens'), errorBox(err, { title: 'Could not load tokens', retry: load }));
      return;
    }
    if (!ctx.isCurrent()) return;
    const rows = tokens.map((t) => {
      const revoke = t.revoked_at
        ? null
        : h('button', { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Revoke ${t.name}` }, 'Revoke');
      if (revoke) {
        revoke.addEventListener('click', async () => {
          const ok = await confirmDialog(`Revoke “${t.name}”?`, 'Whatever uses it stops working at once. This cannot be undone.', 'Revoke', { danger: true });
          if (!ok) return revoke.focus();
          try {
            await ctx.api.del(`/tokens/${t.id}`);
            announce(`Token ${t.name} revoked.`, 'success');
            await load();
            list.querySelector('h2').setAttribute('tabindex', '-1');
            list.querySelector('h2').focus();
          } catch (err) {
            if (err.status !== 401) announce(err.message, 'error');
          }
          return undefined;
        });
      }
      return h(
        'tr',
        { class: t.revoked_at ? 'is-disabled' : null },
        h('th', { scope: 'row' }, t.name),
        h('td', { 'data-label': 'Starts with' }, h('code', null, `${t.prefix}…`)),
        isAdmin ? h('td', { 'data-label': 'User' }, emailOf.get(t.user_id) || `user ${t.user_id}`) : null,
        h('td', { 'data-label': 'Issued' }, formatStamp(t.created_at)),
        h('td', { 'data-label': 'Last used' }, t.last_used_at ? formatStamp(t.last_used_at) : h('span', { class: 'muted' }, 'Never')),
        h('td', { 'data-label': 'State' }, t.revoked_at ? h('span', { class: 'chip chip-left', title: `Revoked ${formatStamp(t.revoked_at)}` }, 'Revoked') : h('span', { class: 'chip chip-active' }, 'Active')),
        h('td', { class: 'actions' }, revoke),
      );
    });
    const headers = ['Name', 'Starts with', isAdmin ? 'User' : null, 'Issued', 'Last used', 'State'].filter(Boolean);
    replace(
      list,
      h('h2', { class: 'card-title', id: 'tokens-title' }, 'Tokens'),
      tokens.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'data-table' },
              h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
              h('tbody', null, rows),
            ),
          )
        : empty('No tokens yet. Issue one above when an integration needs the API.'),
    );
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = name.control.value.trim();
    if (!value) return showError(form, { field: 'name', message: 'Give the token a name, so you know later what uses it.' });
    const body = { name: value };
    if (owner && Number(owner.control.value) !== ctx.session.user.id) body.user_id = Number(owner.control.value);
    try {
      const answer = await busy(form, () => ctx.api.post('/tokens', body), 'Issuing…');
      name.control.value = '';
      replace(secretSlot, secretPanel(answer, () => {
        replace(secretSlot);
        name.control.focus();
      }));
      secretSlot.querySelector('#token-secret').focus();
      secretSlot.querySelector('#token-secret').select();
      load();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });

  await load();
}
