// app.js -- the reins browser UI: session, hash routes, the page shell.
//
// Routes live in the URL's hash (#/home, #/people/7 ...), so the server only
// serves index.html at "/". Each route is a view module exporting
// render(root, ctx): it fills `root` (synchronously with at least its
// heading, then whatever it loads).
//
// The files: api.js (every API call), dom.js (building nodes, never HTML
// strings), format.js (dates, tenure, status), ui.js (shared pieces: fields,
// errors, dialogs), home-cards.js (the registry of cards and team-table
// columns that later parts extend), team-table.js, cards/*.js (the cards and
// columns of today), leading.js and growth.js (one-on-ones, growth and
// recognition pieces shared by cards and views), framework-list.js (the
// admins' editor of the skills and the values), views/*.js (one per route). Plain ES modules, no build
// step, no dependencies; the Content-Security-Policy allows no inline script
// or style, so there is none.
import * as api from './api.js';
import { h, replace } from './dom.js';
import { todayIso } from './format.js';
import './cards/index.js';
import * as loginView from './views/login.js';
import * as homeView from './views/home.js';
import * as orgView from './views/org.js';
import * as personView from './views/person.js';
import * as peopleAdmin from './views/admin-people.js';
import * as personForm from './views/person-form.js';
import * as usersAdmin from './views/admin-users.js';
import * as importAdmin from './views/admin-import.js';
import * as tokensView from './views/admin-tokens.js';
import * as oneononesView from './views/oneonones.js';
import * as meetingView from './views/meeting.js';
import * as kudosView from './views/kudos.js';
import * as skillsAdmin from './views/admin-skills.js';
import * as valuesAdmin from './views/admin-values.js';
import * as surveysView from './views/surveys.js';
import * as surveysAdmin from './views/admin-surveys.js';
import * as pipelineView from './views/pipeline.js';
import * as territoryView from './views/territory.js';
import * as opportunityView from './views/opportunity.js';
import * as crmImportAdmin from './views/admin-crm-import.js';
import * as pipelinesAdmin from './views/admin-pipelines.js';
import * as quotasAdmin from './views/admin-quotas.js';
import * as compAdmin from './views/admin-comp.js';
import * as forecastView from './views/forecast.js';

const routes = [
  { path: /^\/login$/, view: loginView, public: true },
  { path: /^\/home$/, view: homeView, nav: 'home' },
  { path: /^\/org$/, view: orgView, nav: 'org' },
  { path: /^\/people\/(\d+)$/, view: personView, nav: 'org', params: ['id'] },
  { path: /^\/oneonones$/, view: oneononesView, nav: 'oneonones' },
  { path: /^\/meetings\/(\d+)$/, view: meetingView, nav: 'oneonones', params: ['id'] },
  { path: /^\/kudos$/, view: kudosView, nav: 'kudos' },
  { path: /^\/surveys$/, view: surveysView, nav: 'surveys' },
  { path: /^\/surveys\/(\d+)$/, view: surveysView, nav: 'surveys', params: ['id'] },
  { path: /^\/surveys\/(\d+)\/(results)$/, view: surveysView, nav: 'surveys', params: ['id', 'results'] },
  { path: /^\/admin\/surveys$/, view: surveysAdmin, nav: 'admin-surveys', admin: true },
  { path: /^\/pipeline$/, view: pipelineView, nav: 'pipeline' },
  { path: /^\/opportunities\/(\d+)$/, view: opportunityView, nav: 'pipeline', params: ['id'] },
  { path: /^\/forecast$/, view: forecastView, nav: 'forecast' },
  { path: /^\/forecast\/(\d+)$/, view: forecastView, nav: 'forecast', params: ['id'] },
  { path: /^\/territory$/, view: territoryView, nav: 'territory' },
  { path: /^\/territory\/compare$/, view: territoryView, nav: 'territory' },
  { path: /^\/territory\/new$/, view: territoryView, nav: 'territory' },
  { path: /^\/territory\/(\d+)$/, view: territoryView, nav: 'territory', params: ['id'] },
  { path: /^\/admin\/crm-import$/, view: crmImportAdmin, nav: 'crm-import', admin: true },
  { path: /^\/admin\/pipelines$/, view: pipelinesAdmin, nav: 'pipelines', admin: true },
  { path: /^\/admin\/people$/, view: peopleAdmin, nav: 'people', admin: true },
  { path: /^\/admin\/people\/new$/, view: personForm, nav: 'people', admin: true },
  { path: /^\/admin\/people\/(\d+)$/, view: personForm, nav: 'people', admin: true, params: ['id'] },
  { path: /^\/admin\/users$/, view: usersAdmin, nav: 'users', admin: true },
  { path: /^\/admin\/import$/, view: importAdmin, nav: 'import', admin: true },
  { path: /^\/admin\/skills$/, view: skillsAdmin, nav: 'skills', admin: true },
  { path: /^\/admin\/values$/, view: valuesAdmin, nav: 'values', admin: true },
  { path: /^\/admin\/quotas$/, view: quotasAdmin, nav: 'quotas', admin: true },
  { path: /^\/admin\/comp$/, view: compAdmin, nav: 'admin-comp', admin: true },
  // Anyone may hold API tokens (their own); an admin sees and revokes all.
  { path: /^\/admin\/tokens$/, view: tokensView, nav: 'tokens' },
];

/** The logged-in user: {user, person} or null. */
const session = { user: null, person: null };
let flash = null; // a message for the next login page: {text, kind}
let afterLogin = '#/home';
let firstRender = true;

const HAD_SESSION = 'reins.had-session';

export function currentSession() {
  return session;
}

/** Start a session from the login answer or GET /me. */
function startSession({ user, person = null, csrf_token: csrf }) {
  session.user = user;
  session.person = person;
  api.setCsrf(csrf);
  try {
    sessionStorage.setItem(HAD_SESSION, '1');
  } catch {
    /* storage may be off; only the "expired" wording depends on it */
  }
}

function endSession(message, kind = 'info') {
  session.user = null;
  session.person = null;
  api.setCsrf(null);
  api.clearCache();
  try {
    sessionStorage.removeItem(HAD_SESSION);
  } catch {
    /* as above */
  }
  if (message) flash = { text: message, kind };
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// A 401 on any logged-in call: the session is gone (expired, logged out elsewhere, disabled).
api.onUnauthorized(() => {
  if (!session.user) return;
  const here = location.hash;
  endSession('Your session expired. Please log in again.', 'warning');
  if (here && !here.startsWith('#/login')) afterLogin = here;
  go('#/login');
});

/** Called by the login view with the answer of POST /api/v1/session. */
async function loggedIn(answer) {
  // The login answer is the same as GET /me: user, person, manager, CSRF token.
  startSession(answer);
  const target = afterLogin && !afterLogin.startsWith('#/login') ? afterLogin : '#/home';
  afterLogin = '#/home';
  go(target);
}

async function logout() {
  try {
    await api.del('/session', { auth: false });
  } catch {
    /* logged out either way: the cookie is useless after this */
  }
  endSession('You are logged out.');
  afterLogin = '#/home';
  go('#/login');
}

// ---------------------------------------------------------------------------
// The shell: top bar with navigation and the account menu.

function navItems() {
  const items = [['home', '#/home', 'Home']];
  // One-on-ones are between two people: only for a login linked to a person.
  if (session.person) items.push(['oneonones', '#/oneonones', 'One-on-ones']);
  items.push(['kudos', '#/kudos', 'Kudos'], ['surveys', '#/surveys', 'Surveys'], ['pipeline', '#/pipeline', 'Pipeline'], ['forecast', '#/forecast', 'Forecast'], ['territory', '#/territory', 'Territories'], ['org', '#/org', 'Org']);
  if (session.user.role === 'admin') {
    items.push(['people', '#/admin/people', 'People'], ['users', '#/admin/users', 'Users'], ['import', '#/admin/import', 'Import'], ['crm-import', '#/admin/crm-import', 'CRM import'], ['pipelines', '#/admin/pipelines', 'Pipelines'], ['skills', '#/admin/skills', 'Skills'], ['values', '#/admin/values', 'Values'], ['admin-surveys', '#/admin/surveys', 'Survey setup'], ['quotas', '#/admin/quotas', 'Quotas'], ['admin-comp', '#/admin/comp', 'Commission'], ['tokens', '#/admin/tokens', 'API tokens']);
  }
  return items;
}

function renderShell(current) {
  const bar = document.getElementById('topbar');
  if (!session.user) {
    bar.hidden = true;
    replace(bar);
    return;
  }
  const who = session.person ? session.person.name : session.user.email;
  bar.hidden = false;
  replace(
    bar,
    h('a', { class: 'brand', href: '#/home' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'r'), h('span', { class: 'brand-name' }, 'reins')),
    h(
      'nav',
      { class: 'nav', 'aria-label': 'Main' },
      h('ul', null, navItems().map(([key, href, label]) => h('li', null, h('a', { href, 'aria-current': key === current ? 'page' : null }, label)))),
    ),
    h(
      'div',
      { class: 'account' },
      h('span', { class: 'who' }, h('span', { class: 'who-name' }, who), h('span', { class: 'who-role' }, session.user.role)),
      session.user.role !== 'admin' ? h('a', { href: '#/admin/tokens', class: 'account-link', 'aria-current': current === 'tokens' ? 'page' : null }, 'API tokens') : null,
      h('button', { type: 'button', class: 'button button-small', id: 'logout', onclick: logout }, 'Log out'),
    ),
  );
}

// ---------------------------------------------------------------------------
// Routing

function match(hash) {
  const path = hash.replace(/^#/, '').split('?')[0] || '/';
  for (const r of routes) {
    const m = r.path.exec(path);
    if (m) {
      const params = {};
      (r.params || []).forEach((name, i) => {
        params[name] = m[i + 1];
      });
      return { route: r, params };
    }
  }
  return null;
}

function notFound(root, text) {
  replace(
    root,
    h('header', { class: 'page-header' }, h('div', { class: 'page-title' }, h('h1', { tabindex: '-1' }, 'Not here'))),
    h('div', { class: 'empty' }, h('p', null, text), h('a', { href: '#/home', class: 'button' }, 'Go to your home page')),
  );
}

let routeSeq = 0;

async function route() {
  const seq = ++routeSeq;
  const hash = location.hash || '';
  const found = match(hash);
  const main = document.getElementById('main');

  if (!found) {
    go(session.user ? '#/home' : '#/login');
    return;
  }
  const { route: r, params } = found;
  if (!r.public && !session.user) {
    if (hash && hash !== '#/home') afterLogin = hash;
    go('#/login');
    return;
  }
  if (r.public && session.user) {
    go('#/home');
    return;
  }

  renderShell(r.nav);
  document.body.classList.toggle('logged-out', !session.user);
  const root = h('div', { class: ['view', `view-${r.nav || 'login'}`] });
  replace(main, root);

  if (r.admin && session.user.role !== 'admin') {
    document.title = 'Not allowed · reins';
    notFound(root, 'This page is for administrators.');
  } else {
    const ctx = {
      api,
      params,
      session,
      today: todayIso(),
      navigate: go,
      setTitle: (t) => {
        if (seq === routeSeq) document.title = t ? `${t} · reins` : 'reins';
      },
      isCurrent: () => seq === routeSeq,
      // for the login view
      flash: () => {
        const f = flash;
        flash = null;
        return f;
      },
      loggedIn,
      hadSession: () => {
        try {
          return sessionStorage.getItem(HAD_SESSION) === '1';
        } catch {
          return false;
        }
      },
      notFound: (text) => notFound(root, text),
    };
    const done = Promise.resolve()
      .then(() => r.view.render(root, ctx))
      .catch((err) => {
        console.error(err);
        if (seq === routeSeq && !(err instanceof api.ApiError && err.status === 401)) {
          replace(root, h('div', { class: 'error-box', role: 'alert' }, h('p', { class: 'error-title' }, 'This page could not be shown'), h('p', null, err instanceof api.ApiError ? err.message : 'Something went wrong. Reload the page to try again.')));
        }
      });
    // Move focus to the new page's heading (not on the first load, where the
    // browser's own start is right; the login view focuses its first field).
    await Promise.resolve();
    if (!firstRender && r.view !== loginView) {
      const h1 = root.querySelector('h1');
      if (h1) h1.focus({ preventScroll: false });
    }
    firstRender = false;
    await done;
  }
}

// ---------------------------------------------------------------------------
// Start

function showFatal() {
  const box = document.getElementById('fatal');
  if (!box || !box.hidden) return;
  replace(box, h('p', null, 'Something went wrong on this page. ', h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Reload')));
  box.hidden = false;
}
window.addEventListener('error', (e) => {
  console.error(e.error || e.message);
  showFatal();
});
window.addEventListener('unhandledrejection', (e) => {
  console.error(e.reason);
  showFatal();
});

document.getElementById('skip-link').addEventListener('click', (e) => {
  e.preventDefault();
  const target = document.querySelector('#main h1') || document.getElementById('main');
  target.focus();
});

async function start() {
  const main = document.getElementById('main');
  try {
    const me = await api.get('/me', { auth: false });
    startSession(me);
  } catch (err) {
    if (err.status === 401) {
      try {
        if (sessionStorage.getItem(HAD_SESSION) === '1') {
          endSession('Your session expired. Please log in again.', 'warning');
        }
      } catch {
        /* storage off */
      }
    } else {
      replace(main, h('div', { class: 'error-box', role: 'alert' }, h('p', { class: 'error-title' }, 'reins could not start'), h('p', null, err.message), h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Try again')));
      return;
    }
  }
  window.addEventListener('hashchange', route);
  route();
}

start();
