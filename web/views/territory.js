// views/territory.js -- territory scenarios: #/territory lists them (managers and admins) or
// shows a seller their own accounts and what the latest realignment changed for them;
// #/territory/new is the scenario form (which accounts, measures, tolerance, sellers and their
// homes, a move limit or penalty, locked accounts); #/territory/N is one scenario with its map
// (drawn here as SVG from the accounts' coordinates: no tiles, no internet) and the balance per
// territory; #/territory/compare?ids=N,M,.. puts two to four side by side. Admins, and managers
// for their own tree, apply a draft.
import { h, replace, id as uid } from '../dom.js';
import { pageHeader, empty, announce, confirmDialog, field, showError, clearErrors, busy, formError } from '../ui.js';
import { formatStamp } from '../format.js';
import { money } from '../pipeline.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = 12; // .terr-0 .. .terr-11 in style.css

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * The map: every located account as a dot coloured by its territory, each seller's home as a
 * ringed square. An equirectangular projection with longitude scaled by the cosine of the mean
 * latitude, fitted to the box: true enough in shape for one company's region.
 */
export function territoryMap(points, homes, caption) {
  const W = 640, H = 420, PAD = 16;
  const all = points.concat(homes);
  const svgEl = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'territory-map', role: 'img', 'aria-label': caption });
  svgEl.append(svg('title', null, caption), svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' }));
  if (!all.length) return svgEl;
  const meanLat = all.reduce((s, p) => s + p.lat, 0) / all.length;
  const k = Math.cos((meanLat * Math.PI) / 180) || 1;
  const xs = all.map((p) => p.lon * k), ys = all.map((p) => p.lat);
  const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
  const scale = Math.min((W - 2 * PAD) / (maxX - minX || 1), (H - 2 * PAD) / (maxY - minY || 1));
  const px = (p) => PAD + (p.lon * k - minX) * scale;
  const py = (p) => H - PAD - (p.lat - minY) * scale;
  for (const p of points) {
    svgEl.append(svg('circle', { cx: px(p).toFixed(1), cy: py(p).toFixed(1), r: 4, class: `dot terr-${p.t % COLOURS}` }, svg('title', null, p.label)));
  }
  for (const p of homes) {
    const x = px(p), y = py(p);
    svgEl.append(svg('rect', { x: (x - 6).toFixed(1), y: (y - 6).toFixed(1), width: 12, height: 12, class: `home terr-${p.t % COLOURS}` }, svg('title', null, p.label)));
  }
  return svgEl;
}

function scenarioMap(s) {
  const index = new Map(s.sellers.map((x, i) => [x.person_id, i]));
  const points = s.accounts
    .filter((a) => a.located)
    .map((a) => ({ lat: a.latitude, lon: a.longitude, t: index.get(a.to_owner_id), label: `${a.name}: ${s.sellers[index.get(a.to_owner_id)].name}${a.from_owner_id !== a.to_owner_id ? ' (moves)' : ''}` }));
  const homes = s.sellers.map((x, i) => ({ lat: x.home_latitude, lon: x.home_longitude, t: i, label: `${x.name}'s home` }));
  return territoryMap(points, homes, `Map of ${s.name}: ${points.length} accounts in ${s.sellers.length} territories`);
}

const km = (m) => `${Math.round(m / 1000).toLocaleString()} km`;

function balanceTable(s, currency) {
  const n = s.sellers.length || 1;
  const mean = (key) => s.sellers.reduce((t, x) => t + x[key], 0) / n;
  const dev = (v, m) => (m ? `${v >= m ? '+' : ''}${(((v - m) / m) * 100).toFixed(1)}%` : '');
  const mA = mean('accounts'), mP = mean('potential_minor');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table balance-table' },
      h('caption', null, `Balance per territory (tolerance ±${(s.tolerance_bp / 100).toFixed(1)}% on ${s.measures.replaceAll(',', ', ')})`),
      h('thead', null, h('tr', null, ['Territory', 'Accounts', 'vs mean', 'Potential', 'vs mean', 'Open pipeline', 'Distance to home', 'Gains', 'Losses', 'Pipeline gained'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        null,
        s.sellers.map((x, i) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, h('span', { class: `swatch terr-${i % COLOURS}`, 'aria-hidden': 'true' }), ' ', x.name),
            h('td', { class: 'num' }, String(x.accounts)),
            h('td', { class: 'num' }, dev(x.accounts, mA)),
            h('td', { class: 'num' }, money(x.potential_minor, currency)),
            h('td', { class: 'num' }, dev(x.potential_minor, mP)),
            h('td', { class: 'num' }, money(x.pipeline_minor, currency)),
            h('td', { class: 'num' }, km(x.distance_m)),
            h('td', { class: 'num' }, String(x.gained)),
            h('td', { class: 'num' }, String(x.lost)),
            h('td', { class: 'num' }, money(x.pipeline_gained_minor, currency)),
          ),
        ),
      ),
    ),
  );
}

function summary(s, currency) {
  return h(
    'dl',
    { class: 'fact-grid' },
    [
      ['Status', s.status === 'applied' ? `Applied ${formatStamp(s.applied_at)}` : 'Draft'],
      ['Balanced', s.balanced ? 'Yes' : `No (worst ${(s.max_violation_bp / 100).toFixed(1)}% over)`],
      ['Accounts that change owner', String(s.accounts_moved)],
      ['Open pipeline that changes owner', money(s.pipeline_moved_minor, currency)],
      ['Total distance to homes', km(s.distance_m)],
      ['Locked accounts', String((s.locks || []).length)],
      ['Left out (no coordinates)', String(s.left_out)],
    ].map(([k, v]) => h('div', { class: 'fact' }, h('dt', null, k), h('dd', null, v))),
  );
}

const CURRENCY = 'EUR';

async function renderScenario(root, ctx, id) {
  let s;
  try {
    s = await ctx.api.get(`/territory/scenarios/${id}`);
  } catch (err) {
    if (err.status === 404 || err.status === 403) return ctx.notFound('There is no such scenario, or it is not one you may see.');
    throw err;
  }
  if (!ctx.isCurrent()) return;
  ctx.setTitle(s.name);
  const actions = [];
  // managers apply scenarios of their own tree; the server says no to the rest
  if (ctx.session.user.role !== 'seller' && s.status === 'draft') {
    const apply = h('button', { type: 'button', class: 'button button-primary' }, 'Apply this scenario');
    apply.addEventListener('click', async () => {
      const ok = await confirmDialog('Apply the scenario?', `${s.accounts_moved} accounts and ${money(s.pipeline_moved_minor, CURRENCY)} of open pipeline change owner. This cannot be undone here.`, 'Apply');
      if (!ok) return;
      try {
        const r = await ctx.api.post(`/territory/scenarios/${id}/apply`, {});
        announce(`Applied: ${r.accounts_changed} accounts changed owner.`, 'success');
        replace(root);
        await renderScenario(root, ctx, id);
      } catch (err) {
        announce(err.message, 'error');
      }
    });
    actions.push(apply);
  }
  replace(root, pageHeader(s.name, { intro: 'A territory scenario', actions }), summary(s, CURRENCY), h('div', { class: 'territory-layout' }, h('figure', { class: 'map-figure' }, scenarioMap(s), h('figcaption', null, 'Dots are accounts, squares the sellers\u2019 homes; colours match the table.')), balanceTable(s, CURRENCY)));
}

/** A group of controls with its own error slot, so showError can point at it by API field. */
function group(name, legend, hint, ...content) {
  const errorId = uid(`g-${name}`);
  const el = h('fieldset', { class: 'field field-group', dataset: { field: name }, 'aria-describedby': errorId }, h('legend', null, legend), hint ? h('p', { class: 'hint' }, hint) : null, content, h('p', { class: 'field-error', id: errorId, hidden: true }));
  el.control = el.querySelector('input, select') || el;
  return el;
}

const option = (value, label) => h('option', { value: String(value) }, label);

/** The scenario form: what an admin or a manager can run, and the body the API takes. */
async function renderNew(root, ctx) {
  const [{ accounts, segments, industries }, { teams }, { people }] = await Promise.all([ctx.api.get('/territory/accounts'), ctx.api.get('/teams'), ctx.api.get('/people?status=active')]);
  if (!ctx.isCurrent()) return;
  ctx.setTitle('New territory scenario');
  const located = accounts.filter((a) => a.located);
  const name = field({ label: 'Name', name: 'name', required: true, attrs: { maxlength: 200 } });
  const segment = field({ label: 'Segment', name: 'segment', type: 'select', options: [{ value: '', label: 'Any segment' }, ...segments.map((x) => ({ value: x, label: x }))] });
  const industry = field({ label: 'Industry', name: 'industry', type: 'select', options: [{ value: '', label: 'Any industry' }, ...industries.map((x) => ({ value: x, label: x }))] });
  const team = field({ label: "Owner's team", name: 'team_id', type: 'select', options: [{ value: '', label: 'Any team' }, ...teams.map((t) => ({ value: t.id, label: t.name }))] });
  const ownersOnly = h('input', { type: 'checkbox', name: 'owners_only', checked: true });
  const ownersOnlyField = h('div', { class: 'field', dataset: { field: 'owners_only' } }, h('label', { class: 'check' }, ownersOnly, ' Only the accounts the ticked sellers own now'), h('p', { class: 'hint' }, 'Untick to share every account the filters pick (those of other sellers too) between the ticked sellers.'));
  const measureBoxes = [
    ['accounts', 'Account count', true],
    ['potential', 'Potential', true],
    ['pipeline', 'Open pipeline', false],
  ].map(([v, label, on]) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'measure', value: v, checked: on }), ` ${label}`));
  const measures = group('measures', 'Balance on', null, measureBoxes);
  const tolerance = field({ label: 'Tolerance (± % of the mean)', name: 'tolerance_bp', type: 'number', value: '5', attrs: { min: 0, max: 100, step: 0.5, inputmode: 'decimal' } });
  const maxMoves = field({ label: 'At most this many accounts change owner', name: 'max_moves', type: 'number', hint: 'Empty: no limit.', attrs: { min: 0, step: 1 } });
  const penalty = field({ label: 'Penalty per account that changes owner (km)', name: 'move_penalty_km', type: 'number', value: '0', hint: 'Each move costs as much as this much extra travel: higher keeps more relationships.', attrs: { min: 0, step: 1 } });

  // sellers: a row each, with the home their territory is measured from
  const rows = people.map((p) => {
    const pick = h('input', { type: 'checkbox', name: 'seller', value: String(p.id), 'aria-label': `Give ${p.name} a territory` });
    const kind = h('select', { name: 'home_kind', 'aria-label': `${p.name}'s home` }, option('centroid', 'Centre of their accounts'), option('given', 'Coordinates'), option('account', 'An account'));
    const lat = h('input', { type: 'number', name: 'home_lat', step: 'any', min: -90, max: 90, 'aria-label': `${p.name}'s home latitude`, placeholder: 'latitude', hidden: true });
    const lon = h('input', { type: 'number', name: 'home_lon', step: 'any', min: -180, max: 180, 'aria-label': `${p.name}'s home longitude`, placeholder: 'longitude', hidden: true });
    const acc = h('select', { name: 'home_account', 'aria-label': `${p.name}'s home account`, hidden: true }, located.map((a) => option(a.id, a.name)));
    kind.addEventListener('change', () => {
      lat.hidden = lon.hidden = kind.value !== 'given';
      acc.hidden = kind.value !== 'account';
    });
    const row = h('li', { class: 'seller-row', dataset: { person: String(p.id) } }, h('label', { class: 'check' }, pick, ` ${p.name}`, p.team ? h('span', { class: 'muted' }, ` · ${p.team}`) : null), h('span', { class: 'seller-home' }, kind, lat, lon, acc));
    return { p, pick, kind, lat, lon, acc, row };
  });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const recount = () => {
    const k = rows.filter((r) => r.pick.checked).length;
    count.textContent = `${k} ${k === 1 ? 'territory' : 'territories'}: one per seller ticked.`;
    refreshLockSellers();
  };
  const sellers = group('sellers', 'Sellers who get a territory', 'Each ticked seller gets one territory; k is how many you tick. A home is where their distances are measured from.', count, h('ul', { class: 'plain-list seller-list' }, rows.map((r) => r.row)));
  const homesSlot = group('homes', 'Homes', null);
  homesSlot.hidden = true; // only holds the error slot for the homes field; the homes are above

  // locks: account -> seller
  const lockList = h('ul', { class: 'plain-list lock-list' });
  const lockSellerSelects = [];
  function refreshLockSellers() {
    const chosen = rows.filter((r) => r.pick.checked);
    for (const sel of lockSellerSelects) {
      const before = sel.value;
      replace(sel, chosen.map((r) => option(r.p.id, r.p.name)));
      if (chosen.some((r) => String(r.p.id) === before)) sel.value = before;
    }
  }
  const addLock = h('button', { type: 'button', class: 'button' }, 'Add a locked account');
  addLock.addEventListener('click', () => {
    const n = lockList.children.length + 1;
    const acc = h('select', { name: 'lock_account', 'aria-label': `Locked account ${n}` }, located.map((a) => option(a.id, a.name)));
    const who = h('select', { name: 'lock_person', 'aria-label': `Locked account ${n} goes to` });
    lockSellerSelects.push(who);
    refreshLockSellers();
    const remove = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Remove locked account ${n}` }, 'Remove');
    const li = h('li', { class: 'lock-row' }, acc, ' stays with ', who, ' ', remove);
    remove.addEventListener('click', () => {
      lockSellerSelects.splice(lockSellerSelects.indexOf(who), 1);
      li.remove();
    });
    lockList.append(li);
    acc.focus();
  });
  const locks = group('locks', 'Locked accounts', 'A locked account goes to its seller whatever the balance.', lockList, addLock);
  for (const r of rows) r.pick.addEventListener('change', recount);

  const form = h(
    'form',
    { class: 'form card scenario-form', novalidate: true },
    formError(),
    name,
    h('fieldset', { class: 'field-group' }, h('legend', null, 'Which accounts'), ownersOnlyField, segment, industry, team),
    measures,
    tolerance,
    sellers,
    homesSlot,
    h('fieldset', { class: 'field-group' }, h('legend', null, 'Keeping relationships'), maxMoves, penalty),
    locks,
    h('button', { type: 'submit', class: 'button button-primary' }, 'Run the scenario'),
  );
  recount();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const chosen = rows.filter((r) => r.pick.checked);
    const body = {
      name: name.control.value.trim(),
      segment: segment.control.value,
      industry: industry.control.value,
      owners_only: ownersOnly.checked,
      measures: [...form.querySelectorAll('input[name="measure"]:checked')].map((x) => x.value),
      tolerance_bp: Math.round(Number(tolerance.control.value || '0') * 100),
      sellers: chosen.map((r) => r.p.id),
      move_penalty_km: Math.round(Number(penalty.control.value || '0')),
      homes: chosen
        .filter((r) => r.kind.value !== 'centroid')
        .map((r) => (r.kind.value === 'given' ? { person_id: r.p.id, latitude: Number(r.lat.value), longitude: Number(r.lon.value) } : { person_id: r.p.id, account_id: Number(r.acc.value) })),
      locks: [...lockList.children].map((li) => ({ account_id: Number(li.querySelector('[name="lock_account"]').value), person_id: Number(li.querySelector('[name="lock_person"]').value) })),
    };
    if (team.control.value) body.team_id = Number(team.control.value);
    if (maxMoves.control.value !== '') body.max_moves = Math.round(Number(maxMoves.control.value));
    try {
      const s = await busy(form, () => ctx.api.post('/territory/scenarios', body), 'Running…');
      announce(`Scenario “${s.name}” ran: ${s.accounts_moved} accounts would change owner.`, 'success');
      ctx.navigate(`#/territory/${s.id}`);
    } catch (err) {
      if (err.field === 'homes') homesSlot.hidden = false;
      showError(form, err, { team_id: 'team_id' });
    }
  });
  replace(root, pageHeader('New territory scenario', { intro: 'Pick the accounts, what to balance, the sellers and what must not move; the scenario runs and is kept as a draft to compare and apply.' }), form);
}

const signed = (n) => (n > 0 ? `+${n}` : String(n));

/** Two to four scenarios side by side: the summary, then each seller across them, then maps. */
async function renderCompare(root, ctx) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const ids = q.get('ids') || [q.get('a'), q.get('b')].filter(Boolean).join(',');
  const c = await ctx.api.get(`/territory/compare?ids=${encodeURIComponent(ids)}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle('Compare scenarios');
  const list = c.scenarios;
  const head = h('tr', null, h('th', { scope: 'col' }, ''), list.map((s) => h('th', { scope: 'col' }, h('a', { href: `#/territory/${s.id}` }, s.name))));
  const line = (label, f) => h('tr', null, h('th', { scope: 'row' }, label), list.map((s, i) => h('td', { class: 'num' }, f(s, i))));
  const located = (s) => s.accounts.filter((a) => a.located).length || 1;
  const worst = (s, key) => {
    const n = s.sellers.length || 1;
    const mean = s.sellers.reduce((t, x) => t + x[key], 0) / n;
    return mean ? `${((Math.max(...s.sellers.map((x) => Math.abs(x[key] - mean))) / mean) * 100).toFixed(1)}%` : '—';
  };
  const summaryTable = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table compare-table' },
      h('caption', null, 'Scenarios side by side'),
      h('thead', null, head),
      h(
        'tbody',
        null,
        line('Status', (s) => s.status),
        line('Balanced', (s) => (s.balanced ? 'Yes' : `No (${(s.max_violation_bp / 100).toFixed(1)}% over)`)),
        line('Largest gap from the mean: accounts', (s) => worst(s, 'accounts')),
        line('Largest gap from the mean: potential', (s) => worst(s, 'potential_minor')),
        line('Compactness: total distance to homes', (s) => km(s.distance_m)),
        line('Compactness: mean distance per account', (s) => km(s.distance_m / located(s))),
        line('Accounts that change owner', (s) => String(s.accounts_moved)),
        line('Open pipeline that changes owner', (s) => money(s.pipeline_moved_minor, CURRENCY)),
        line('Accounts assigned differently from the first', (s, i) => String(c.assigned_differently[i])),
      ),
    ),
  );
  // each seller across the scenarios: accounts (gained - lost) and pipeline in and out
  const people = new Map();
  for (const s of list) for (const x of s.sellers) if (!people.has(x.person_id)) people.set(x.person_id, x.name);
  const cell = (s, pid) => {
    const x = s.sellers.find((y) => y.person_id === pid);
    if (!x) return h('td', { class: 'muted' }, 'not in it');
    return h('td', { class: 'num' }, `${x.accounts} accounts (${signed(x.gained)} / −${x.lost}) · ${money(x.potential_minor, CURRENCY)} potential · pipeline +${money(x.pipeline_gained_minor, CURRENCY)} / −${money(x.pipeline_lost_minor, CURRENCY)}`);
  };
  const perSeller = h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table compare-sellers' },
      h('caption', null, 'Per seller: accounts (gained / lost), potential, pipeline gained / lost'),
      h('thead', null, head.cloneNode(true)),
      h('tbody', null, [...people].map(([pid, nm]) => h('tr', null, h('th', { scope: 'row' }, nm), list.map((s) => cell(s, pid))))),
    ),
  );
  const side = (s) => h('section', { class: 'compare-side' }, h('h2', null, h('a', { href: `#/territory/${s.id}` }, s.name)), scenarioMap(s), balanceTable(s, CURRENCY));
  replace(root, pageHeader('Compare scenarios', { intro: `${list.length} scenarios side by side.` }), summaryTable, perSeller, h('div', { class: 'compare-grid' }, list.map(side)));
}

/** What the latest realignment changed for the seller: a conversation, not only a list. */
function myChanges(ch) {
  if (!ch || !ch.scenario || (!ch.gained.length && !ch.lost.length)) return null;
  const sum = (l) => l.reduce((t, a) => t + a.pipeline_minor, 0);
  const item = (a, dir) => h('li', null, `${a.name}${a.other ? ` (${dir} ${a.other})` : ''}`);
  return h(
    'section',
    { class: 'card territory-changes' },
    h('h2', { class: 'card-title' }, `What “${ch.scenario.name}” changed for you`),
    ch.gained.length ? h('div', null, h('p', null, `You gained ${ch.gained.length} ${ch.gained.length === 1 ? 'account' : 'accounts'} and ${money(sum(ch.gained), CURRENCY)} of open pipeline.`), h('ul', { class: 'plain-list gained-list' }, ch.gained.map((a) => item(a, 'from')))) : null,
    ch.lost.length ? h('div', null, h('p', null, `You handed over ${ch.lost.length} ${ch.lost.length === 1 ? 'account' : 'accounts'} and ${money(sum(ch.lost), CURRENCY)} of open pipeline.`), h('ul', { class: 'plain-list lost-list' }, ch.lost.map((a) => item(a, 'to')))) : null,
  );
}

async function renderMine(root, ctx) {
  const { accounts, changes } = await ctx.api.get('/territory/mine');
  if (!ctx.isCurrent()) return;
  ctx.setTitle('My territory');
  const located = accounts.filter((a) => a.latitude !== undefined);
  replace(
    root,
    pageHeader('My territory', { intro: `${accounts.length} accounts` }),
    myChanges(changes),
    accounts.length ? territoryMap(located.map((a) => ({ lat: a.latitude, lon: a.longitude, t: 0, label: a.name })), [], `Map of my ${located.length} located accounts`) : empty('You own no accounts yet.'),
    h('ul', { class: 'plain-list' }, accounts.map((a) => h('li', null, a.name))),
  );
}

async function renderList(root, ctx) {
  if (ctx.session.user.role === 'seller') return renderMine(root, ctx);
  const { scenarios } = await ctx.api.get('/territory/scenarios');
  if (!ctx.isCurrent()) return;
  ctx.setTitle('Territories');
  const picks = scenarios.map((s) => h('input', { type: 'checkbox', name: 'compare', value: String(s.id), 'aria-label': `Compare ${s.name}` }));
  const note = h('p', { class: 'muted', 'aria-live': 'polite' });
  const compareButton = h('button', { type: 'submit', class: 'button' }, 'Compare the ticked scenarios');
  const form = h('form', { class: 'compare-form' }, compareButton, note);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ids = picks.filter((p) => p.checked).map((p) => p.value);
    if (ids.length < 2 || ids.length > 4) {
      note.textContent = 'Tick two to four scenarios to compare.';
      return;
    }
    ctx.navigate(`#/territory/compare?ids=${ids.join(',')}`);
  });
  const create = h('a', { href: '#/territory/new', class: 'button button-primary' }, 'New scenario');
  replace(
    root,
    pageHeader('Territories', { intro: 'Scenarios for realigning accounts between sellers: run several, compare them, apply one.', actions: [create] }),
    scenarios.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table scenario-table' },
            h('caption', { class: 'sr-only' }, 'Territory scenarios, newest first'),
            h('thead', null, h('tr', null, ['Compare', 'Scenario', 'Status', 'Sellers', 'Balanced', 'Accounts moving', 'Pipeline moving'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              null,
              scenarios.map((s, i) =>
                h(
                  'tr',
                  null,
                  h('td', null, picks[i]),
                  h('th', { scope: 'row' }, h('a', { href: `#/territory/${s.id}` }, s.name)),
                  h('td', null, s.status),
                  h('td', { class: 'num' }, String(s.sellers.length)),
                  h('td', null, s.balanced ? 'Yes' : 'No'),
                  h('td', { class: 'num' }, String(s.accounts_moved)),
                  h('td', { class: 'num' }, money(s.pipeline_moved_minor, CURRENCY)),
                ),
              ),
            ),
          ),
        )
      : empty('No scenarios yet.'),
    scenarios.length > 1 ? form : null,
  );
}

export async function render(root, ctx) {
  ctx.setTitle('Territories');
  if (ctx.params.id) return renderScenario(root, ctx, ctx.params.id);
  if (/^#\/territory\/compare/.test(location.hash)) return renderCompare(root, ctx);
  if (/^#\/territory\/new/.test(location.hash)) return renderNew(root, ctx);
  return renderList(root, ctx);
}
