// home-cards.js -- the registry of cards and team-table columns.
//
// The home pages (and a person's page) are boards of cards, in sections that
// always come in this order: people first, numbers second.
//
//   section 'leading'   "Leading people"  the team, one-on-ones, engagement, growth, recognition
//   section 'managing'  "The numbers"     pipeline, quota, forecast, commission
//   section 'admin'     "Administration"  admin shortcuts (admin home only)
//
// A later part of the product adds its card or column with one call, in a
// module that web/cards/index.js imports; no page is rewritten:
//
//   registerCard({
//     id: 'one-on-ones',                 // unique; registering an id again replaces it
//     section: 'leading',                // 'leading' | 'managing' | 'admin'
//     order: 20,                         // place within the section (lower first)
//     pages: ['manager-home', 'person'], // where it shows (see PAGES)
//     title: 'One-on-ones',              // or (ctx) => string
//     size: 'normal',                    // 'normal' (one of three grid cells) | 'wide' (two) | 'full' (the row), or (ctx) => one of these
//     when: (ctx) => true,               // optional: show only when this is true
//     load: async (ctx) => data,         // optional: fetch what the card needs (ctx.api)
//     render: (data, ctx) => Node,       // the card's body (or a promise of it); a loading state shows until then
//     placeholder: 'text',               // instead of load/render: a muted "arrives later" card
//   });
//
//   registerColumn({
//     id: 'last-one-on-one',
//     section: 'leading',                // columns are ordered: 'people' (who), 'leading', 'managing'
//     order: 10,
//     header: 'Last 1:1',
//     pages: ['manager-home', 'admin-home', 'person'],  // optional: default every team table
//     load: async (ctx) => data,         // optional, once per table: e.g. a map person id -> value
//     cell: (person, data, ctx) => Node | string,
//     label: 'Last one-on-one',          // optional: the longer name, for phones and screen readers
//   });
//
// Every card gets the same context (ctx): {page, user, me (the user's person or
// null), role, today ('YYYY-MM-DD'), api (api.js), subject (the person the page
// is about: the manager themself on a home, the person on a person page), team
// (the subject's subtree, each person with `depth`: 1 for direct reports)}.
// A card that fails to load shows its own error; the rest of the page stands.

import { h, replace } from './dom.js';
import { loading, errorBox } from './ui.js';

/** The pages that are boards. */
export const PAGES = ['manager-home', 'seller-home', 'admin-home', 'person'];

const sections = new Map();
const cards = new Map();
const columns = new Map();

/**
 * Declare a section. `empty` maps a page to the sentence shown when no card
 * of the section shows there (a section without such a sentence is then left out).
 */
export function registerSection({ id, title, order, intro = null, empty = {} }) {
  sections.set(id, { id, title, order, intro, empty });
}

registerSection({ id: 'leading', title: 'Leading people', order: 100 });
registerSection({ id: 'managing', title: 'The numbers', order: 200 });
registerSection({ id: 'admin', title: 'Administration', order: 300 });

/** Add (or replace, by id) a card. */
export function registerCard(def) {
  if (!def || !def.id || !sections.has(def.section)) throw new Error(`registerCard: bad card ${def && def.id}`);
  if (!def.render && !def.placeholder) throw new Error(`registerCard: ${def.id} needs render or placeholder`);
  cards.set(def.id, { order: 100, pages: [], size: 'normal', ...def });
}

/** Change some fields of a registered card: updateCard('team', {order: 5}). */
export function updateCard(id, changes) {
  const card = cards.get(id);
  if (!card) throw new Error(`updateCard: no card ${id}`);
  cards.set(id, { ...card, ...changes });
}

/** Add (or replace, by id) a team-table column. */
export function registerColumn(def) {
  if (!def || !def.id || !def.cell) throw new Error(`registerColumn: bad column ${def && def.id}`);
  columns.set(def.id, { order: 100, section: 'leading', pages: null, ...def });
}

/** The sentence a section shows on `page` when it has no card there. */
export function setSectionEmpty(sectionId, page, text) {
  sections.get(sectionId).empty[page] = text;
}

const COLUMN_SECTIONS = { people: 0, leading: 1, managing: 2 };

/** The columns of a team table on `page`, people first, then leading, then the numbers. */
export function columnsFor(page, ctx) {
  return [...columns.values()]
    .filter((c) => (!c.pages || c.pages.includes(page)) && (!c.when || c.when(ctx)))
    .sort((a, b) => (COLUMN_SECTIONS[a.section] ?? 9) - (COLUMN_SECTIONS[b.section] ?? 9) || a.order - b.order);
}

/** The cards of `page`, grouped by section in section order: [{section, cards}]. */
export function boardFor(page, ctx) {
  const shown = [...cards.values()].filter((c) => c.pages.includes(page) && (!c.when || c.when(ctx)));
  return [...sections.values()]
    .sort((a, b) => a.order - b.order)
    .map((section) => ({
      section,
      cards: shown.filter((c) => c.section === section.id).sort((a, b) => a.order - b.order),
    }))
    .filter((g) => g.cards.length || g.section.empty[page]);
}

function titleOf(card, ctx) {
  return typeof card.title === 'function' ? card.title(ctx) : card.title;
}

/** One card: a <section> with its heading; body filled when load() ends. */
function renderCard(card, ctx) {
  const headingId = `card-${card.id}-title`;
  const body = h('div', { class: 'card-body' });
  const size = typeof card.size === 'function' ? card.size(ctx) : card.size;
  const el = h(
    'section',
    { class: ['card', `card-${size}`, card.placeholder ? 'card-placeholder' : null], 'aria-labelledby': headingId, dataset: { card: card.id } },
    h('h3', { id: headingId, class: 'card-title' }, titleOf(card, ctx)),
    body,
  );
  if (card.placeholder) {
    replace(body, h('p', { class: 'placeholder-text' }, card.placeholder), h('p', { class: 'placeholder-tag' }, 'Arrives in a later release'));
    return el;
  }
  const run = async () => {
    replace(body, loading());
    try {
      const data = card.load ? await card.load(ctx) : undefined;
      replace(body, await card.render(data, ctx));
    } catch (err) {
      console.error(`card ${card.id}:`, err);
      // An API error has a message for users; anything else is a bug, shown without its details.
      const shown = err && err.name === 'ApiError' ? err : { message: 'Something went wrong while showing this. Try again, or reload the page.' };
      replace(body, errorBox(shown, { title: `Could not show ${titleOf(card, ctx) || 'this card'}`, retry: run }));
    }
  };
  run();
  return el;
}

/** Render the board of `page` into a fragment: sections in order, cards in each. */
export function renderBoard(page, ctx) {
  const out = h('div', { class: 'board' });
  for (const { section, cards: list } of boardFor(page, ctx)) {
    const headingId = `section-${section.id}`;
    out.append(
      h(
        'section',
        { class: ['board-section', `section-${section.id}`], 'aria-labelledby': headingId },
        h('h2', { id: headingId, class: 'section-title' }, section.title),
        section.intro ? h('p', { class: 'section-intro' }, section.intro) : null,
        list.length
          ? h('div', { class: 'card-grid' }, list.map((card) => renderCard(card, ctx)))
          : h('p', { class: 'section-empty' }, section.empty[page]),
      ),
    );
  }
  return out;
}
