// cards/admin.js -- the admin home's shortcuts to the admin pages.
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';

const links = [
  ['#/admin/people', 'People', 'Add people, edit titles, teams, managers and status.'],
  ['#/admin/import', 'Import people', 'Load or update everyone from a CSV file.'],
  ['#/admin/users', 'Users', 'Logins and roles; reset a password; disable a login.'],
  ['#/admin/quotas', 'Quotas', 'Fiscal year, quotas per seller and team, ramps for new hires.'],
  ['#/admin/tokens', 'API tokens', 'Tokens for integrations such as a CRM sync.'],
];

registerCard({
  id: 'admin-shortcuts',
  section: 'admin',
  order: 10,
  size: 'full',
  pages: ['admin-home'],
  title: 'Set up and maintain',
  render: () =>
    h(
      'ul',
      { class: 'shortcut-list' },
      links.map(([href, label, text]) => h('li', null, h('a', { href, class: 'shortcut' }, h('span', { class: 'shortcut-label' }, label), h('span', { class: 'shortcut-text' }, text)))),
    ),
});
