// views/home.js -- the first screen after login: a board of cards (home-cards.js).
//   manager: their team first (GET /people/{me}/reports), the numbers after;
//   seller:  their own profile, then what later parts bring;
//   admin:   everyone (GET /people), then the admin shortcuts.
import { h, replace } from '../dom.js';
import { renderBoard } from '../home-cards.js';
import { withDepth } from '../team-table.js';
import { pageHeader, loading, errorBox } from '../ui.js';
import { count } from '../format.js';

function firstName(name) {
  return String(name || '').split(/\s+/)[0];
}

export async function render(root, ctx) {
  const { user, person } = ctx.session;
  let page = 'seller-home';
  if (user.role === 'admin') page = 'admin-home';
  else if (user.role === 'manager' && person) page = 'manager-home';

  const title = person ? `Hello, ${firstName(person.name)}` : 'Hello';
  ctx.setTitle('Home');
  const intro = h('p', { class: 'intro' }, page === 'admin-home' ? 'The whole organisation, people first.' : '');
  const header = pageHeader(title);
  header.querySelector('.page-title').append(intro);
  const body = h('div', null, loading(page === 'seller-home' ? 'Loading your page…' : 'Loading your team…'));
  root.append(header, body);

  const load = async () => {
    replace(body, loading(page === 'seller-home' ? 'Loading your page…' : 'Loading your team…'));
    let team = [];
    try {
      if (page === 'manager-home') {
        team = (await ctx.api.get(`/people/${person.id}/reports`, { cache: true })).people;
      } else if (page === 'admin-home') {
        team = withDepth((await ctx.api.get('/people', { cache: true })).people, null);
      }
    } catch (err) {
      if (err.status === 401) return;
      replace(body, errorBox(err, { title: 'Could not load your team', retry: load }));
      return;
    }
    if (!ctx.isCurrent()) return;
    if (page === 'manager-home') {
      const direct = team.filter((p) => p.depth === 1).length;
      intro.textContent = [person.title, person.team, `${count(direct)} reporting to you${team.length > direct ? `, ${team.length} in your wider team` : ''}`].filter(Boolean).join(' · ');
    } else if (page === 'seller-home' && person) {
      intro.textContent = [person.title, person.team].filter(Boolean).join(' · ');
    }
    const boardCtx = {
      page,
      api: ctx.api,
      user,
      me: person,
      role: user.role,
      today: ctx.today,
      subject: person,
      team,
    };
    replace(body, person || page === 'admin-home' ? renderBoard(page, boardCtx) : errorBox({ message: 'Your login is not linked to a person yet. Ask an administrator to link it.' }, { title: 'No profile' }));
  };
  await load();
}
