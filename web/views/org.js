// views/org.js -- the reporting tree of everyone the user may see (GET /people).
//
// Nested lists with a real button per manager to show or hide their reports
// (aria-expanded) and a link per person. Keys: Tab through it as usual; on a
// name, Up/Down move between visible names, Right opens, Left closes or goes
// to the manager. A filter shows the matches and the managers above them.
import { h, replace } from '../dom.js';
import { byName, count } from '../format.js';
import { pageHeader, loading, errorBox, empty, statusChip, filterBox } from '../ui.js';

/** {roots, children: Map(id -> [people])}: roots have no manager the user can see. */
export function buildTree(people) {
  const ids = new Set(people.map((p) => p.id));
  const children = new Map();
  const roots = [];
  for (const p of [...people].sort(byName)) {
    if (p.manager_id === null || !ids.has(p.manager_id)) roots.push(p);
    else {
      if (!children.has(p.manager_id)) children.set(p.manager_id, []);
      children.get(p.manager_id).push(p);
    }
  }
  return { roots, children };
}

function subtreeSize(id, children) {
  let n = 0;
  for (const c of children.get(id) || []) n += 1 + subtreeSize(c.id, children);
  return n;
}

export async function render(root, ctx) {
  ctx.setTitle('Org');
  const header = pageHeader('Org', { intro: 'The reporting lines you can see.' });
  const body = h('div', null, loading('Loading the org…'));
  root.append(header, body);

  let people;
  try {
    people = (await ctx.api.get('/people', { cache: true })).people;
  } catch (err) {
    if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load the org', retry: () => ctx.navigate('#/org') }));
    return;
  }
  if (!ctx.isCurrent()) return;
  header.querySelector('.intro').textContent = `The reporting lines you can see: ${count(people.length)}.`;
  if (!people.length) {
    replace(body, empty(ctx.session.user.role === 'admin' ? 'No people yet. Add people or import a CSV file.' : 'No one to show.'));
    return;
  }

  const { roots, children } = buildTree(people);
  const nodes = new Map(); // id -> {li, button, sub, link}

  const setOpen = (node, open) => {
    if (!node.button) return;
    node.button.setAttribute('aria-expanded', String(open));
    node.button.querySelector('.sr-only').textContent = `${open ? 'Hide' : 'Show'} ${node.person.name}'s reports`;
    node.sub.hidden = !open;
  };

  const renderNode = (p, depth) => {
    const kids = children.get(p.id) || [];
    const subId = `org-sub-${p.id}`;
    const link = h('a', { href: `#/people/${p.id}`, class: 'tree-name', dataset: { id: String(p.id) } }, p.name);
    const node = { person: p, link, button: null, sub: null, parent: null, li: null };
    let button = null;
    if (kids.length) {
      button = h(
        'button',
        { type: 'button', class: 'twisty', 'aria-expanded': 'true', 'aria-controls': subId, title: 'Show or hide reports' },
        h('span', { class: 'twisty-icon', 'aria-hidden': 'true' }),
        h('span', { class: 'sr-only' }, ''),
      );
      button.addEventListener('click', () => setOpen(node, button.getAttribute('aria-expanded') !== 'true'));
    }
    const row = h(
      'div',
      { class: 'tree-row' },
      button || h('span', { class: 'twisty-space', 'aria-hidden': 'true' }),
      h(
        'div',
        { class: 'tree-main' },
        link,
        h('span', { class: 'tree-meta' }, [p.title, p.team].filter(Boolean).join(' · ')),
      ),
      statusChip(p, ctx.today),
      kids.length ? h('span', { class: 'tree-count' }, `${kids.length} direct · ${subtreeSize(p.id, children)} in all`) : null,
    );
    const sub = kids.length ? h('ul', { id: subId, class: 'tree-level' }, kids.map((k) => renderNode(k, depth + 1))) : null;
    const li = h('li', { class: 'tree-item' }, row, sub);
    Object.assign(node, { button, sub, li });
    nodes.set(p.id, node);
    for (const k of kids) nodes.get(k.id).parent = node;
    return li;
  };

  const tree = h('ul', { class: 'tree', 'aria-label': 'Reporting lines' }, roots.map((p) => renderNode(p, 1)));
  const all = [...nodes.values()];
  // Small orgs open fully; larger ones open two levels.
  if (people.length > 150) {
    const depthOf = (n) => (n.parent ? depthOf(n.parent) + 1 : 1);
    for (const n of all) setOpen(n, depthOf(n) < 2);
  } else {
    for (const n of all) setOpen(n, true);
  }

  const visibleLinks = () => [...tree.querySelectorAll('.tree-name')].filter((a) => a.offsetParent !== null);
  tree.addEventListener('keydown', (e) => {
    const a = e.target.closest('.tree-name');
    if (!a) return;
    const node = nodes.get(Number(a.dataset.id));
    const list = visibleLinks();
    const i = list.indexOf(a);
    if (e.key === 'ArrowDown' && i < list.length - 1) list[i + 1].focus();
    else if (e.key === 'ArrowUp' && i > 0) list[i - 1].focus();
    else if (e.key === 'ArrowRight' && node.button) setOpen(node, true);
    else if (e.key === 'ArrowLeft') {
      if (node.button && node.button.getAttribute('aria-expanded') === 'true') setOpen(node, false);
      else if (node.parent) node.parent.link.focus();
    } else if (e.key === 'Home') list[0].focus();
    else if (e.key === 'End') list[list.length - 1].focus();
    else return;
    e.preventDefault();
  });

  const none = h('p', { class: 'empty', hidden: true, role: 'status' });
  const filter = filterBox('Find a person', (text) => {
    let shown = 0;
    if (!text) {
      for (const n of all) {
        n.li.hidden = false;
        n.li.classList.remove('match');
      }
      none.hidden = true;
      return;
    }
    const keep = new Set();
    for (const n of all) {
      const p = n.person;
      const hit = [p.name, p.title, p.team, p.email].some((v) => v && v.toLowerCase().includes(text));
      n.li.classList.toggle('match', hit);
      if (hit) {
        shown += 1;
        for (let up = n; up; up = up.parent) keep.add(up);
      }
    }
    for (const n of all) {
      n.li.hidden = !keep.has(n);
      if (keep.has(n)) setOpen(n, true);
    }
    none.hidden = shown > 0;
    none.textContent = shown ? '' : 'No one matches that.';
  }, 'Name, title or team');

  const controls = h(
    'div',
    { class: 'toolbar' },
    filter,
    all.some((n) => n.button) && h(
      'div',
      { class: 'toolbar-buttons' },
      h('button', { type: 'button', class: 'button', onclick: () => all.forEach((n) => setOpen(n, true)) }, 'Expand all'),
      h('button', { type: 'button', class: 'button', onclick: () => all.forEach((n) => setOpen(n, !n.parent)) }, 'Collapse all'),
    ),
  );
  // A filter helps from a handful of people on; for a seller (only themself) it is noise.
  if (people.length < 8) filter.hidden = true;
  replace(body, controls, h('div', { class: 'card tree-card' }, tree, none));
}
