// views/person.js -- one person: details, manager, the chain above them that
// the user can see, then the board of the 'person' page (their team first).
import { h, replace } from '../dom.js';
import { renderBoard } from '../home-cards.js';
import { loadManager, personDetails } from '../cards/profile.js';
import { pageHeader, loading, errorBox, empty } from '../ui.js';

export async function render(root, ctx) {
  const id = Number(ctx.params.id);
  ctx.setTitle('Person');
  const header = pageHeader('Person');
  const body = h('div', null, loading('Loading…'));
  root.append(h('nav', { class: 'crumbs', 'aria-label': 'Reporting line' }, h('a', { href: '#/org' }, 'Org')), header, body);

  let person;
  let team;
  let everyone;
  try {
    [person, team, everyone] = await Promise.all([
      ctx.api.get(`/people/${id}`),
      ctx.api.get(`/people/${id}/reports`).then((r) => r.people),
      ctx.api.get('/people', { cache: true }).then((r) => r.people),
    ]);
  } catch (err) {
    if (err.status === 404) {
      ctx.notFound('This person does not exist, or is outside the part of the org you can see.');
    } else if (err.status !== 401) {
      replace(body, errorBox(err, { title: 'Could not load this person', retry: () => ctx.navigate(location.hash) }));
    }
    return;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(person.name);

  // The chain of managers the user can see, top first.
  const byId = new Map(everyone.map((p) => [p.id, p]));
  const chain = [];
  for (let up = byId.get(person.manager_id); up && chain.length < 50; up = byId.get(up.manager_id)) chain.unshift(up);
  const crumbs = root.querySelector('.crumbs');
  for (const p of chain) crumbs.append(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'), h('a', { href: `#/people/${p.id}` }, p.name));
  crumbs.append(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'), h('span', { 'aria-current': 'page' }, person.name));

  header.querySelector('h1').textContent = person.name;
  const title = header.querySelector('.page-title');
  title.append(h('p', { class: 'intro' }, [person.title, person.team].filter(Boolean).join(' · ') || ' '));
  if (ctx.session.user.role === 'admin') {
    header.append(h('div', { class: 'page-actions' }, h('a', { class: 'button', href: `#/admin/people/${person.id}` }, 'Edit person')));
  }

  const detailsCard = h('section', { class: 'card card-full', 'aria-labelledby': 'details-title' }, h('h2', { id: 'details-title', class: 'card-title' }, 'Details'), loading());
  replace(body, detailsCard);
  const manager = byId.get(person.manager_id) || (await loadManager(ctx.api, person).catch(() => ({ hidden: true })));
  if (!ctx.isCurrent()) return;
  detailsCard.lastChild.replaceWith(personDetails(person, manager, ctx.today));

  const boardCtx = {
    page: 'person',
    api: ctx.api,
    user: ctx.session.user,
    me: ctx.session.person,
    role: ctx.session.user.role,
    today: ctx.today,
    subject: person,
    team,
  };
  body.append(renderBoard('person', boardCtx));
  if (!team.length) body.append(empty(`No one reports to ${person.name}.`));
}
