// views/territory.js -- territory scenarios: #/territory lists them (managers and admins) or
// shows a seller their own accounts; #/territory/N is one scenario with its map (drawn here as
// SVG from the accounts' coordinates: no tiles, no internet) and the balance per territory;
// #/territory/compare?a=N&b=M puts two side by side. Admins apply a draft.
import { h, replace } from '../dom.js';
import { pageHeader, empty, announce, confirmDialog } from '../ui.js';
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
  if (ctx.session.user.role === 'admin' && s.status === 'draft') {
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

async function renderCompare(root, ctx) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const c = await ctx.api.get(`/territory/compare?a=${encodeURIComponent(q.get('a') || '')}&b=${encodeURIComponent(q.get('b') || '')}`);
  if (!ctx.isCurrent()) return;
  ctx.setTitle('Compare scenarios');
  const side = (s) => h('section', { class: 'compare-side' }, h('h2', null, h('a', { href: `#/territory/${s.id}` }, s.name)), summary(s, CURRENCY), scenarioMap(s), balanceTable(s, CURRENCY));
  replace(root, pageHeader('Compare scenarios', { intro: `${c.accounts_assigned_differently} accounts are assigned differently.` }), h('div', { class: 'compare-grid' }, side(c.a), side(c.b)));
}

async function renderMine(root, ctx) {
  const { accounts } = await ctx.api.get('/territory/mine');
  if (!ctx.isCurrent()) return;
  ctx.setTitle('My territory');
  const located = accounts.filter((a) => a.latitude !== undefined);
  replace(
    root,
    pageHeader('My territory', { intro: `${accounts.length} accounts` }),
    accounts.length ? territoryMap(located.map((a) => ({ lat: a.latitude, lon: a.longitude, t: 0, label: a.name })), [], `Map of my ${located.length} located accounts`) : empty('You own no accounts yet.'),
    h('ul', { class: 'plain-list' }, accounts.map((a) => h('li', null, a.name))),
  );
}

async function renderList(root, ctx) {
  if (ctx.session.user.role === 'seller') return renderMine(root, ctx);
  const { scenarios } = await ctx.api.get('/territory/scenarios');
  if (!ctx.isCurrent()) return;
  ctx.setTitle('Territories');
  const pick = (name) => h('select', { name, 'aria-label': name === 'a' ? 'First scenario' : 'Second scenario' }, scenarios.map((s) => h('option', { value: String(s.id) }, s.name)));
  const a = pick('a'), b = pick('b');
  if (scenarios.length > 1) b.value = String(scenarios[1].id);
  const form = h('form', { class: 'form card compare-form' }, h('h2', { class: 'card-title' }, 'Compare two scenarios'), a, b, h('button', { type: 'submit', class: 'button' }, 'Compare'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`#/territory/compare?a=${a.value}&b=${b.value}`);
  });
  replace(
    root,
    pageHeader('Territories', { intro: 'Scenarios for realigning accounts between sellers. Admins create them through the API (docs/api.md) and apply them here.' }),
    scenarios.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'data-table scenario-table' },
            h('caption', { class: 'sr-only' }, 'Territory scenarios, newest first'),
            h('thead', null, h('tr', null, ['Scenario', 'Status', 'Sellers', 'Balanced', 'Accounts moving', 'Pipeline moving'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              null,
              scenarios.map((s) =>
                h(
                  'tr',
                  null,
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
  return renderList(root, ctx);
}
