// views/admin-values.js -- admins: the company values kudos are given for.
// The list editor (add, edit, reorder, archive, restore) is framework-list.js.
import { h } from '../dom.js';
import { pageHeader } from '../ui.js';
import { listEditor } from '../framework-list.js';

const CONFIG = {
  key: 'values',
  noun: 'value',
  plural: 'values',
  listTitle: 'Values, in order',
  addTitle: 'Add a value',
  emptyText: 'No values in use, so no one can give kudos. Add the first one below.',
  archivedHint: 'Archived values stay on the kudos given for them, but new kudos cannot use them. Restore one to offer it again.',
  descriptionHint: 'Shown under the name in the kudos form.',
  listPath: '/values?archived=1',
  createPath: '/values',
  createBody: ({ name, description }) => ({ name, description }),
  itemPath: (id) => `/values/${id}`,
  nameMax: 100,
  descriptionMax: 500,
};

export async function render(root, ctx) {
  ctx.setTitle('Values');
  root.append(pageHeader('Company values', { intro: 'Every kudos is given for one of these. They are offered in this order in the kudos form.' }));
  const body = h('div');
  root.append(body);
  await listEditor(ctx, body, CONFIG);
}
