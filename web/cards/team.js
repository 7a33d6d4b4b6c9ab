// cards/team.js -- the team card, the "leading people" summary card and the
// team table's own columns (who the people are: name, title, team, tenure, status).
import { h } from '../dom.js';
import { registerCard, registerColumn, setSectionEmpty, columnsFor } from '../home-cards.js';
import { teamTable } from '../team-table.js';
import { personState, tenureMonths, formatMonths, count } from '../format.js';
import { personLink, statusChip, tenureText } from '../ui.js';

// The columns that say who each person is: section 'people', always first.
registerColumn({ id: 'name', section: 'people', order: 10, header: 'Name', cell: (p) => personLink(p) });
registerColumn({ id: 'title', section: 'people', order: 20, header: 'Title', cell: (p) => p.title || '—' });
registerColumn({ id: 'team', section: 'people', order: 30, header: 'Team', cell: (p) => p.team || '—' });
registerColumn({ id: 'tenure', section: 'people', order: 40, header: 'Tenure', cell: (p, _d, ctx) => tenureText(p, ctx.today) });
registerColumn({ id: 'status', section: 'people', order: 50, header: 'Status', cell: (p, _d, ctx) => statusChip(p, ctx.today) });

registerCard({
  id: 'team',
  section: 'leading',
  order: 10,
  // Two thirds of the row beside the summary; the whole row once later parts add columns.
  size: (ctx) => (columnsFor(ctx.page, ctx).length > 5 ? 'full' : 'wide'),
  pages: ['manager-home', 'admin-home', 'person'],
  title: (ctx) => {
    if (ctx.page === 'admin-home') return 'Everyone';
    if (ctx.page === 'person' && !(ctx.me && ctx.me.id === ctx.subject.id)) return `${ctx.subject.name}'s team`;
    return 'Your team';
  },
  when: (ctx) => ctx.page !== 'person' || ctx.team.length > 0,
  render: (_data, ctx) =>
    teamTable(ctx, {
      firstGroup: ctx.page === 'admin-home' ? 'Top of the org' : 'Direct reports',
      emptyText:
        ctx.page === 'admin-home'
          ? 'No people yet. Add them one by one or import a CSV file.'
          : 'No one reports to you yet. When people are added under you, your team shows here.',
    }),
});

/** The facts about leading a team that exist so far. */
export function teamFacts(team, today) {
  const current = team.filter((p) => p.status !== 'left');
  const states = current.map((p) => ({ p, state: personState(p, today) }));
  const started = current.filter((p) => personState(p, today).key !== 'joining');
  const avgMonths = started.length ? started.reduce((sum, p) => sum + tenureMonths(p.start_date, today), 0) / started.length : null;
  return {
    headcount: current.length,
    direct: current.filter((p) => p.depth === 1).length,
    ramping: states.filter((s) => s.state.key === 'ramping' || s.state.key === 'joining'),
    leaving: current.filter((p) => p.status === 'leaving'),
    left: team.filter((p) => p.status === 'left').length,
    avgMonths,
  };
}

function factList(items, renderItem, noneText) {
  if (!items.length) return h('p', { class: 'muted small' }, noneText);
  return h('ul', { class: 'fact-list' }, items.map((it) => h('li', null, renderItem(it))));
}

registerCard({
  id: 'leading-summary',
  section: 'leading',
  order: 20,
  pages: ['manager-home', 'admin-home', 'person'],
  title: (ctx) => (ctx.page === 'admin-home' ? 'The org at a glance' : 'Leading this team'),
  when: (ctx) => ctx.team.length > 0,
  render: (_data, ctx) => {
    const f = teamFacts(ctx.team, ctx.today);
    const wider = f.headcount - f.direct;
    return h(
      'div',
      { class: 'facts' },
      h(
        'dl',
        { class: 'fact-grid' },
        h('div', { class: 'fact' }, h('dt', null, 'People'), h('dd', null, String(f.headcount)),
          h('dd', { class: 'fact-note' }, ctx.page === 'admin-home' ? 'in the org' : `${f.direct} direct${wider ? `, ${wider} in the wider team` : ''}`)),
        h('div', { class: 'fact' }, h('dt', null, 'New hires ramping'), h('dd', null, String(f.ramping.length)),
          h('dd', { class: 'fact-note' }, 'started in the last 120 days')),
        h('div', { class: 'fact' }, h('dt', null, 'Leaving'), h('dd', null, String(f.leaving.length)),
          h('dd', { class: 'fact-note' }, f.left ? `${f.left} left already` : 'marked as leaving')),
        h('div', { class: 'fact' }, h('dt', null, 'Average tenure'), h('dd', null, f.avgMonths === null ? '—' : formatMonths(f.avgMonths)),
          h('dd', { class: 'fact-note' }, 'of people who have started')),
      ),
      h('h4', { class: 'fact-heading' }, 'Ramping: give them time and attention'),
      factList(f.ramping, ({ p, state }) => [personLink(p), h('span', { class: 'muted' }, ` · ${state.detail}`)], 'No new hires ramping.'),
      h('h4', { class: 'fact-heading' }, 'Leaving'),
      factList(f.leaving, (p) => [personLink(p), h('span', { class: 'muted' }, p.title ? ` · ${p.title}` : '')], `No one is leaving${ctx.page === 'admin-home' ? '' : ' this team'}.`),
      h('p', { class: 'muted small' }, `Counts cover ${count(f.headcount)}; people who left are not counted.`),
    );
  },
});

setSectionEmpty(
  'managing',
  'manager-home',
  'Sales numbers arrive with pipeline and quotas. They will show here, after your people.',
);
setSectionEmpty('managing', 'admin-home', 'Sales numbers arrive with pipeline and quotas.');
