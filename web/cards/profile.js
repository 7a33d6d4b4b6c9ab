// cards/profile.js -- a person's details (the seller's own profile card, and
// the top of a person's page). The seller's one-on-ones and growth cards are
// in cards/leading.js, goals in cards/quotas.js, the commission statement in
// cards/comp.js.
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { formatDate } from '../format.js';
import { personLink, statusChip, tenureText } from '../ui.js';

/**
 * The person's manager: their page when the user may read it; for the user's
 * own manager, whose page a seller may not read, the name and title that
 * GET /me gives ({readonly: true}); else {hidden: true}; null for none.
 */
export async function loadManager(api, person) {
  if (person.manager_id === null || person.manager_id === undefined) return null;
  // One's own manager comes with /me: no request for a page a seller may not read.
  const me = await api.get('/me', { cache: true }).catch(() => null);
  if (me && me.person && me.person.id === person.id && me.manager && me.user.role === 'seller') {
    return { ...me.manager, readonly: true };
  }
  try {
    return await api.get(`/people/${person.manager_id}`, { cache: true });
  } catch (err) {
    if (err.status !== 404) throw err;
    if (me && me.person && me.person.id === person.id && me.manager) return { ...me.manager, readonly: true };
    return { hidden: true };
  }
}

/** A description list of a person's details. `manager`: a person, {hidden:true} or null. */
export function personDetails(person, manager, today) {
  const row = (term, ...value) => h('div', { class: 'detail' }, h('dt', null, term), h('dd', null, ...value));
  let managerValue;
  if (!manager) managerValue = h('span', { class: 'muted' }, 'No manager');
  else if (manager.hidden) managerValue = h('span', { class: 'muted' }, 'Not shown to you');
  else if (manager.readonly) managerValue = h('span', null, manager.name, manager.title ? h('span', { class: 'muted' }, ` · ${manager.title}`) : '');
  else managerValue = personLink(manager);
  return h(
    'dl',
    { class: 'details' },
    row('Title', person.title || h('span', { class: 'muted' }, 'No title')),
    row('Team', person.team || h('span', { class: 'muted' }, 'No team')),
    row('Manager', managerValue),
    row('Email', h('a', { href: `mailto:${person.email}` }, person.email)),
    row('Started', formatDate(person.start_date), h('span', { class: 'muted' }, ' · '), tenureText(person, today)),
    row('Status', statusChip(person, today)),
  );
}

registerCard({
  id: 'profile',
  section: 'leading',
  order: 10,
  size: 'full',
  pages: ['seller-home'],
  title: 'Your profile',
  load: (ctx) => loadManager(ctx.api, ctx.subject),
  render: (manager, ctx) => personDetails(ctx.subject, manager, ctx.today),
});

registerCard({
  id: 'goals',
  section: 'managing',
  order: 10,
  pages: ['seller-home'],
  title: 'Goals and attainment',
  placeholder: 'Your quota for each period and how far along you are.',
});
