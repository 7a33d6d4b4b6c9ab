// team-table.js -- the team table: direct reports first, then the wider
// subtree grouped under each person's manager (in reporting-tree order), with
// the columns of the registry (home-cards.js), people first, numbers second.
import { h } from './dom.js';
import { columnsFor } from './home-cards.js';
import { byName, count } from './format.js';
import { personLink, empty } from './ui.js';

/**
 * Give each person a depth below the subject (1 = direct report). `people`
 * may hold anyone; roots are those whose manager is the subject (or, without
 * a subject, those whose manager is not in the list).
 */
export function withDepth(people, subjectId = null) {
  const byId = new Map(people.map((p) => [p.id, p]));
  const children = new Map();
  const roots = [];
  for (const p of people) {
    if (p.id === subjectId) continue;
    const isRoot = subjectId === null ? p.manager_id === null || !byId.has(p.manager_id) : p.manager_id === subjectId;
    if (isRoot) roots.push(p);
    else {
      if (!children.has(p.manager_id)) children.set(p.manager_id, []);
      children.get(p.manager_id).push(p);
    }
  }
  const out = [];
  const walk = (list, depth) => {
    for (const p of [...list].sort(byName)) {
      out.push({ ...p, depth });
      walk(children.get(p.id) || [], depth + 1);
    }
  };
  walk(roots, 1);
  return out;
}

/**
 * Groups for the table: [{manager (null for the first group), people}], the
 * direct reports first, then each manager's reports in tree order.
 */
export function groupTeam(team) {
  const byId = new Map(team.map((p) => [p.id, p]));
  const kids = new Map();
  const direct = [];
  for (const p of team) {
    if (p.depth === 1) direct.push(p);
    else {
      if (!kids.has(p.manager_id)) kids.set(p.manager_id, []);
      kids.get(p.manager_id).push(p);
    }
  }
  const groups = [{ manager: null, people: direct.sort(byName) }];
  const walk = (list) => {
    for (const p of list) {
      const below = (kids.get(p.id) || []).sort(byName);
      if (below.length) groups.push({ manager: byId.get(p.id), people: below });
    }
    for (const p of list) walk((kids.get(p.id) || []).sort(byName));
  };
  walk(direct);
  return groups;
}

/**
 * The table for ctx.team on ctx.page. opts.firstGroup names the first group
 * ('Direct reports' by default).
 */
export async function teamTable(ctx, { firstGroup = 'Direct reports', emptyText = 'No one reports here yet.' } = {}) {
  if (!ctx.team.length) return empty(emptyText);
  const cols = columnsFor(ctx.page, ctx);
  const loaded = await Promise.allSettled(cols.map((c) => (c.load ? c.load(ctx) : Promise.resolve(undefined))));
  const data = loaded.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  loaded.forEach((r, i) => {
    if (r.status === 'rejected') console.error(`column ${cols[i].id}:`, r.reason);
  });

  const cell = (col, i, person) => {
    if (loaded[i].status === 'rejected') return h('td', { 'data-label': col.label || col.header, class: 'muted' }, '—');
    const content = col.cell(person, data[i], ctx);
    return i === 0
      ? h('th', { scope: 'row', class: `col-${col.id}` }, content)
      : h('td', { 'data-label': col.label || col.header, class: `col-${col.id}` }, content);
  };

  const groups = groupTeam(ctx.team);
  const table = h(
    'table',
    { class: 'team-table' },
    h('caption', { class: 'sr-only' }, `${firstGroup} and the wider team`),
    h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col', class: `col-${c.id}` }, c.header)))),
    groups.map((g) =>
      h(
        'tbody',
        { class: g.manager ? 'group group-wider' : 'group group-direct' },
        h(
          'tr',
          { class: 'group-row' },
          h(
            'th',
            { scope: 'colgroup', colspan: String(cols.length) },
            g.manager ? ['Reporting to ', personLink(g.manager)] : firstGroup,
            h('span', { class: 'group-count' }, ` · ${count(g.people.length)}`),
          ),
        ),
        g.people.map((p) => h('tr', { dataset: { person: String(p.id) } }, cols.map((c, i) => cell(c, i, p)))),
      ),
    ),
  );
  return h('div', { class: 'table-wrap' }, table);
}
