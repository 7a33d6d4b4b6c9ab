// cards/leading.js -- the leading-people cards and team-table columns of
// one-on-ones, growth and recognition (docs/api.md), registered through
// home-cards.js:
//
//   card 'one-on-ones'    manager home: who is overdue, the next ones, open action items;
//                         seller home: their one-on-ones with their manager;
//                         a person's page: the user's series with that person
//   card 'growth-recent'  manager home: rating changes and goal check-ins of the last 30 days
//   card 'recognition'    manager home: who has not been recognised in 60 days, recent kudos
//   card 'growth'         seller home and a person's page: the skills matrix and goals (growth.js)
//   card 'person-kudos'   a person's page: their recent kudos, "Give kudos"
//   column 'last-one-on-one'  manager home: when the user last held a one-on-one with each report
//   column 'last-recognised'  manager home and a person's page: the last kudos each person got
import { h } from '../dom.js';
import { registerCard, registerColumn } from '../home-cards.js';
import { formatDate, stampToIso, ago, fromNow, count } from '../format.js';
import { personLink } from '../ui.js';
import { otherSide, sortSeries, prepareNext, badge, lastHeldText, nextDateText, kudosItem } from '../leading.js';
import { growthPanel } from '../growth.js';

export const OVERDUE_DAYS = 30;
export const GAP_DAYS = 60;

const loadSeries = (ctx) => ctx.api.get(`/oneonones?overdue_days=${OVERDUE_DAYS}`, { cache: true });

function prepareButton(ctx, seriesId, label) {
  const b = h('button', { type: 'button', class: 'button button-small', dataset: { series: String(seriesId) } }, label);
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      await prepareNext(ctx.api, seriesId);
    } catch (err) {
      b.disabled = false;
      b.replaceWith(h('span', { class: 'field-error' }, err.message));
    }
  });
  return b;
}

function more(href, text) {
  return h('p', { class: 'card-more' }, h('a', { href }, text));
}

function managerOneOnOnes(data, ctx) {
  const mine = data.series.filter((s) => s.manager && s.manager.id === ctx.me.id && s.active !== false);
  const overdue = mine.filter((s) => s.overdue);
  const upcoming = sortSeries(mine.filter((s) => !s.overdue)).slice(0, 3);
  const open = mine.filter((s) => s.open_actions > 0).sort((a, b) => b.open_actions - a.open_actions);
  const openTotal = open.reduce((n, s) => n + s.open_actions, 0);
  const without = data.without_series || [];
  const nameOf = (s) => personLink(s.report);
  return h(
    'div',
    { class: 'facts' },
    h(
      'dl',
      { class: 'fact-grid' },
      h('div', { class: ['fact', overdue.length ? 'fact-alert' : null] }, h('dt', null, 'Overdue'), h('dd', null, String(overdue.length)), h('dd', { class: 'fact-note' }, `none held in ${OVERDUE_DAYS} days`)),
      h('div', { class: 'fact' }, h('dt', null, 'Open action items'), h('dd', null, String(openTotal)), h('dd', { class: 'fact-note' }, `across ${count(open.length)}`)),
    ),
    h('h4', { class: 'fact-heading' }, 'Overdue: meet them first'),
    overdue.length
      ? h('ul', { class: 'fact-list card-rows' }, overdue.slice(0, 5).map((s) => h('li', { dataset: { person: String(s.report.id) } }, h('span', null, nameOf(s), h('span', { class: 'muted' }, ' · last '), lastHeldText(s.last_held, ctx.today)), prepareButton(ctx, s.id, 'Prepare'))))
      : h('p', { class: 'muted small' }, 'No one is overdue.'),
    overdue.length > 5 ? h('p', { class: 'muted small' }, `and ${overdue.length - 5} more`) : null,
    h('h4', { class: 'fact-heading' }, 'Coming up'),
    upcoming.length
      ? h('ul', { class: 'fact-list' }, upcoming.map((s) => h('li', null, nameOf(s), h('span', { class: 'muted' }, ` · ${formatDate(s.next_date)}, ${fromNow(s.next_date, ctx.today)}`))))
      : h('p', { class: 'muted small' }, 'Nothing planned.'),
    open.length ? [h('h4', { class: 'fact-heading' }, 'Open action items'), h('ul', { class: 'fact-list' }, open.slice(0, 5).map((s) => h('li', null, nameOf(s), h('span', { class: 'muted' }, ` · ${count(s.open_actions, 'item', 'items')}`))))] : null,
    without.length ? h('p', { class: 'notice notice-warning small' }, `${count(without.length, 'direct report has', 'direct reports have')} no one-on-ones yet. `, h('a', { href: '#/oneonones' }, 'Start them')) : null,
    more('#/oneonones', 'All one-on-ones'),
  );
}

function ownOneOnOnes(data, ctx) {
  const series = sortSeries(data.series.filter((s) => s.active !== false));
  if (!series.length) return h('div', null, h('p', { class: 'muted' }, 'No one-on-ones yet. When your manager starts them, your next meeting and its agenda show here.'), more('#/oneonones', 'One-on-ones'));
  return h(
    'div',
    null,
    h(
      'ul',
      { class: 'series-cards' },
      series.map((s) => {
        const other = otherSide(s, ctx.me.id);
        return h(
          'li',
          { class: 'series-card', dataset: { series: String(s.id) } },
          h('p', { class: 'series-with' }, h('strong', null, other.person.name), h('span', { class: 'muted' }, ` · ${other.role}`), s.overdue ? [' ', badge('Overdue', 'warning')] : null),
          h('dl', { class: 'mini-facts' }, h('div', null, h('dt', null, 'Next'), h('dd', null, nextDateText(s.next_date, ctx.today))), h('div', null, h('dt', null, 'Last held'), h('dd', null, lastHeldText(s.last_held, ctx.today))), h('div', null, h('dt', null, 'Open action items'), h('dd', null, String(s.open_actions || 0)))),
          prepareButton(ctx, s.id, 'Open the agenda'),
        );
      }),
    ),
    h('p', { class: 'muted small' }, 'Add what you want to talk about before the meeting: the agenda is shared.'),
    more('#/oneonones', 'All one-on-ones'),
  );
}

function personOneOnOne(data, ctx) {
  const s = data.series.find((x) => (x.report && x.report.id === ctx.subject.id) || (x.manager && x.manager.id === ctx.subject.id));
  const first = ctx.subject.name.split(/\s+/)[0];
  if (!s) {
    const direct = (data.without_series || []).some((p) => p.id === ctx.subject.id);
    return h('div', null, h('p', { class: 'muted' }, `You have no one-on-ones with ${first}.`), direct ? h('p', null, h('a', { href: '#/oneonones', class: 'button button-small' }, 'Start one-on-ones')) : null);
  }
  return h(
    'div',
    null,
    h('dl', { class: 'mini-facts' }, h('div', null, h('dt', null, 'Last held'), h('dd', null, lastHeldText(s.last_held, ctx.today), s.overdue ? [' ', badge('Overdue', 'warning')] : null)), h('div', null, h('dt', null, 'Next'), h('dd', null, nextDateText(s.next_date, ctx.today))), h('div', null, h('dt', null, 'Open action items'), h('dd', null, String(s.open_actions || 0)))),
    prepareButton(ctx, s.id, 'Prepare next'),
  );
}

registerCard({
  id: 'one-on-ones',
  section: 'leading',
  order: 12,
  pages: ['manager-home', 'seller-home', 'person'],
  size: (ctx) => (ctx.page === 'seller-home' ? 'wide' : 'normal'),
  title: (ctx) => (ctx.page === 'person' ? 'Your one-on-ones' : 'One-on-ones'),
  when: (ctx) => Boolean(ctx.me) && (ctx.page !== 'person' || (ctx.role === 'manager' && ctx.subject.id !== ctx.me.id)),
  load: loadSeries,
  render: (data, ctx) => {
    if (ctx.page === 'person') return personOneOnOne(data, ctx);
    if (ctx.page === 'manager-home') return managerOneOnOnes(data, ctx);
    return ownOneOnOnes(data, ctx);
  },
});

// ---------------------------------------------------------------- growth

function change(prev, now, label) {
  if (!prev || prev === now) return h('span', null, `${label} ${now}`);
  const up = now > prev;
  return h('span', { class: up ? 'went-up' : 'went-down' }, `${label} ${prev}→${now}`, h('span', { class: 'sr-only' }, up ? ' (up)' : ' (down)'));
}

registerCard({
  id: 'growth-recent',
  section: 'leading',
  order: 14,
  pages: ['manager-home'],
  title: 'Recent growth',
  when: (ctx) => ctx.team.length > 0,
  load: (ctx) => ctx.api.get('/growth/recent?days=30'),
  render: (data, ctx) => {
    const ratings = [...(data.ratings || [])].sort((a, b) => String(b.rated_on).localeCompare(String(a.rated_on)));
    const checkins = [...(data.checkins || [])].sort((a, b) => String(b.created_on).localeCompare(String(a.created_on)));
    if (!ratings.length && !checkins.length) return h('p', { class: 'muted' }, 'No new ratings or goal check-ins in the last 30 days. Rating skills together is a good one-on-one topic.');
    return h(
      'div',
      { class: 'facts' },
      h('h4', { class: 'fact-heading first' }, 'Skills rated'),
      ratings.length
        ? h(
            'ul',
            { class: 'fact-list growth-list' },
            ratings.slice(0, 5).map((r) =>
              h(
                'li',
                null,
                personLink(r.person),
                h('span', { class: 'muted' }, ` · ${r.skill.name} · `),
                change(r.previous && r.previous.competence, r.competence, 'competence'),
                ', ',
                change(r.previous && r.previous.confidence, r.confidence, 'confidence'),
                h('span', { class: 'muted' }, ` · ${r.source === 'self' ? 'self' : 'manager'}, ${ago(r.rated_on, ctx.today)}`),
              ),
            ),
          )
        : h('p', { class: 'muted small' }, 'No ratings in the last 30 days.'),
      h('h4', { class: 'fact-heading' }, 'Goal check-ins'),
      checkins.length
        ? h(
            'ul',
            { class: 'fact-list growth-list' },
            checkins.slice(0, 4).map((c) => h('li', null, personLink(c.person), h('span', { class: 'muted' }, ` · ${c.goal.title} · `), h('strong', null, `${c.progress}%`), h('span', { class: 'muted' }, `, ${ago(c.created_on, ctx.today)}`))),
          )
        : h('p', { class: 'muted small' }, 'No check-ins in the last 30 days.'),
    );
  },
});

registerCard({
  id: 'growth',
  section: 'leading',
  order: 30,
  size: 'full',
  pages: ['seller-home', 'person'],
  title: (ctx) => (ctx.me && ctx.subject.id === ctx.me.id ? 'Your growth' : 'Growth'),
  render: (_data, ctx) => growthPanel(ctx, ctx.subject),
});

// ---------------------------------------------------------------- recognition

async function loadRecognition(ctx) {
  const [gaps, kudos] = await Promise.all([ctx.api.get(`/recognition/gaps?days=${GAP_DAYS}`, { cache: true }), ctx.api.get('/kudos?limit=100', { cache: true })]);
  return { gaps: gaps.people || [], kudos: kudos.kudos || [] };
}

registerCard({
  id: 'recognition',
  section: 'leading',
  order: 16,
  pages: ['manager-home'],
  title: 'Recognition',
  when: (ctx) => ctx.team.length > 0,
  load: loadRecognition,
  render: ({ gaps, kudos }, ctx) => {
    const team = new Set(ctx.team.map((p) => p.id));
    const recent = kudos.filter((k) => k.to && team.has(k.to.id)).slice(0, 3);
    const sorted = [...gaps].sort((a, b) => (a.last_recognised_at ?? 0) - (b.last_recognised_at ?? 0));
    return h(
      'div',
      { class: 'facts' },
      h('dl', { class: 'fact-grid' }, h('div', { class: ['fact', gaps.length ? 'fact-alert' : null] }, h('dt', null, 'Not recognised'), h('dd', null, String(gaps.length)), h('dd', { class: 'fact-note' }, `in ${GAP_DAYS} days`)), h('div', { class: 'fact' }, h('dt', null, 'Kudos to the team'), h('dd', null, String(kudos.filter((k) => k.to && team.has(k.to.id) && k.created_at >= Date.parse(`${ctx.today}T00:00:00Z`) / 1000 - 30 * 86400).length)), h('dd', { class: 'fact-note' }, 'in the last 30 days'))),
      h('h4', { class: 'fact-heading' }, `No kudos in ${GAP_DAYS} days`),
      sorted.length
        ? h(
            'ul',
            { class: 'fact-list card-rows gap-list' },
            sorted.slice(0, 6).map((p) =>
              h(
                'li',
                { dataset: { person: String(p.id) } },
                h('span', null, personLink(p), h('span', { class: 'muted' }, p.last_recognised_at ? ` · last ${ago(stampToIso(p.last_recognised_at), ctx.today)}` : ' · never recognised')),
                h('a', { href: `#/kudos?to=${p.id}`, class: 'button button-small', 'aria-label': `Give kudos to ${p.name}` }, 'Give kudos'),
              ),
            ),
          )
        : h('p', { class: 'muted small' }, `Everyone was recognised in the last ${GAP_DAYS} days.`),
      sorted.length > 6 ? h('p', { class: 'muted small' }, `and ${sorted.length - 6} more`) : null,
      h('h4', { class: 'fact-heading' }, 'Recent kudos for your team'),
      recent.length ? h('ul', { class: 'kudos-list compact' }, recent.map((k) => kudosItem(k, ctx.me && ctx.me.id, { linkPeople: true }))) : h('p', { class: 'muted small' }, 'None yet.'),
      more('#/kudos', 'Give kudos, see them all'),
    );
  },
});

// The seller's own recognition, in numbers (the feed, with names, is on #/kudos).
registerCard({
  id: 'my-kudos',
  section: 'leading',
  order: 20,
  pages: ['seller-home'],
  title: 'Recognition',
  when: (ctx) => Boolean(ctx.me),
  load: (ctx) => ctx.api.get(`/kudos?person_id=${ctx.me.id}&limit=100`),
  render: (data, ctx) => {
    const since = Date.parse(`${ctx.today}T00:00:00Z`) / 1000 - 90 * 86400;
    const list = data.kudos || [];
    const received = list.filter((k) => k.to && k.to.id === ctx.me.id);
    const given = list.filter((k) => k.from && k.from.id === ctx.me.id);
    const last = received.reduce((m, k) => Math.max(m, k.created_at), 0);
    return h(
      'div',
      { class: 'facts' },
      h(
        'dl',
        { class: 'fact-grid' },
        h('div', { class: 'fact' }, h('dt', null, 'Kudos received'), h('dd', null, String(received.filter((k) => k.created_at >= since).length)), h('dd', { class: 'fact-note' }, 'in the last 90 days')),
        h('div', { class: 'fact' }, h('dt', null, 'Kudos given'), h('dd', null, String(given.filter((k) => k.created_at >= since).length)), h('dd', { class: 'fact-note' }, 'in the last 90 days')),
      ),
      h('p', { class: 'muted small' }, last ? `The last one came ${ago(stampToIso(last), ctx.today)}.` : 'None received yet.'),
      h('p', { class: 'card-buttons' }, h('a', { href: '#/kudos', class: 'button button-small button-primary' }, 'Give kudos'), h('a', { href: '#/kudos', class: 'button button-small' }, 'See the feed')),
    );
  },
});

registerCard({
  id: 'person-kudos',
  section: 'leading',
  order: 13,
  pages: ['person'],
  title: 'Recognition',
  load: (ctx) => ctx.api.get(`/kudos?person_id=${ctx.subject.id}&limit=5`),
  render: (data, ctx) => {
    const list = (data.kudos || []).filter((k) => k.to && k.to.id === ctx.subject.id);
    const self = ctx.me && ctx.me.id === ctx.subject.id;
    return h(
      'div',
      null,
      list.length ? h('ul', { class: 'kudos-list compact' }, list.slice(0, 3).map((k) => kudosItem(k, ctx.me && ctx.me.id, { linkPeople: true }))) : h('p', { class: 'muted' }, `${self ? 'You have' : `${ctx.subject.name.split(/\s+/)[0]} has`} no kudos yet.`),
      h('p', { class: 'card-buttons' }, ctx.me && !self && ctx.subject.status !== 'left' ? h('a', { href: `#/kudos?to=${ctx.subject.id}`, class: 'button button-small button-primary' }, 'Give kudos') : null, h('a', { href: `#/kudos?person=${ctx.subject.id}`, class: 'button button-small' }, 'All their kudos')),
    );
  },
});

// ---------------------------------------------------------------- columns

registerColumn({
  id: 'last-one-on-one',
  section: 'leading',
  order: 10,
  header: 'Last 1:1',
  label: 'Last one-on-one',
  pages: ['manager-home'],
  when: (ctx) => Boolean(ctx.me),
  load: async (ctx) => {
    const data = await loadSeries(ctx);
    return new Map(data.series.filter((s) => s.manager && s.manager.id === ctx.me.id).map((s) => [s.report.id, s]));
  },
  cell: (p, bySeries, ctx) => {
    const s = bySeries.get(p.id);
    if (!s) return p.depth === 1 ? h('span', { class: 'muted' }, 'no series') : h('span', { class: 'muted', title: 'Their one-on-ones are with their own manager' }, '—');
    return h('span', { class: 'cell-stack' }, s.last_held ? h('time', { datetime: s.last_held, title: formatDate(s.last_held) }, ago(s.last_held, ctx.today)) : h('span', { class: 'muted' }, 'never'), s.overdue ? badge('Overdue', 'warning') : null);
  },
});

registerColumn({
  id: 'last-recognised',
  section: 'leading',
  order: 20,
  header: 'Last kudos',
  label: 'Last recognised',
  pages: ['manager-home', 'person'],
  when: (ctx) => Boolean(ctx.me),
  load: async (ctx) => {
    const { gaps, kudos } = await loadRecognition(ctx);
    const last = new Map();
    for (const k of kudos) if (k.to && (!last.has(k.to.id) || last.get(k.to.id) < k.created_at)) last.set(k.to.id, k.created_at);
    const gap = new Map(gaps.map((p) => [p.id, p.last_recognised_at ?? null]));
    return { last, gap };
  },
  cell: (p, { last, gap }, ctx) => {
    if (gap.has(p.id)) {
      const at = gap.get(p.id);
      return h('span', { class: 'cell-stack' }, at ? h('span', null, ago(stampToIso(at), ctx.today)) : h('span', { class: 'muted' }, 'never'), badge(`${GAP_DAYS}+ days`, 'warning', `Not recognised in ${GAP_DAYS} days`));
    }
    const at = last.get(p.id);
    return at ? h('span', null, ago(stampToIso(at), ctx.today)) : h('span', { class: 'muted' }, `within ${GAP_DAYS} days`);
  },
});
