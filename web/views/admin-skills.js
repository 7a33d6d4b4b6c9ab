// views/admin-skills.js -- admins: the skills framework of each role (seller,
// manager). #/admin/skills?role=manager opens the managers' framework. The
// list editor (add, edit, reorder, archive, restore) is framework-list.js.
import { h } from '../dom.js';
import { pageHeader } from '../ui.js';
import { listEditor } from '../framework-list.js';

const ROLES = [
  ['seller', 'Sellers'],
  ['manager', 'Managers'],
];

function roleFromHash() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  return q.get('role') === 'manager' ? 'manager' : 'seller';
}

function config(role) {
  const who = role === 'manager' ? 'manager' : 'seller';
  return {
    key: 'skills',
    noun: 'skill',
    plural: 'skills',
    listTitle: `${who === 'manager' ? 'Managers' : 'Sellers'}’ skills, in order`,
    addTitle: `Add a ${who} skill`,
    emptyText: `The ${who} framework has no skills in use. Add the first one below.`,
    archivedHint: `Archived skills keep their past ratings and history, but no one is rated on them. Restore one to use it again.`,
    descriptionHint: 'What good looks like, in a sentence or two.',
    listPath: `/skills?role=${role}&archived=1`,
    createPath: '/skills',
    createBody: ({ name, description }) => ({ role, name, description }),
    itemPath: (id) => `/skills/${id}`,
    nameMax: 100,
    descriptionMax: 1000,
  };
}

export async function render(root, ctx) {
  ctx.setTitle('Skills framework');
  let role = roleFromHash();
  const header = pageHeader('Skills framework', {
    intro: 'The skills each person is rated on for competence and confidence: sellers on the sellers’ framework, anyone with reports on the managers’. The order here is the order on every growth page.',
  });
  const body = h('div', { id: 'framework-panel', role: 'region', 'aria-label': 'Framework' });
  const buttons = ROLES.map(([key, label]) => {
    const b = h('button', { type: 'button', class: 'button', 'aria-pressed': String(key === role), 'aria-controls': 'framework-panel' }, label);
    b.addEventListener('click', () => {
      if (role === key) return;
      role = key;
      for (const x of buttons) x.setAttribute('aria-pressed', String(x === b));
      body.setAttribute('aria-label', `${label}’ framework`);
      // Keep the choice in the URL (a reload or a shared link opens the same framework).
      history.replaceState(null, '', key === 'seller' ? '#/admin/skills' : `#/admin/skills?role=${key}`);
      listEditor(ctx, body, config(role));
    });
    return b;
  });
  body.setAttribute('aria-label', `${ROLES.find(([k]) => k === role)[1]}’ framework`);
  const switcher = h('div', { class: 'segmented role-switch', role: 'group', 'aria-label': 'Framework' }, buttons);
  root.append(header, switcher, body);
  await listEditor(ctx, body, config(role));
}
