// cards/quotas.js -- goals and attainment cards (docs/api.md, "Goals and quotas"), in the
// 'managing' section, after the people:
//
//   card 'goals'             seller home and a person's page: this quarter's goal and attainment
//                            with pace and ramp, and the month and the fiscal year below it
//   card 'team-attainment'   manager home: the manager's tree rolled up, each person's line,
//                            and their team's set quota against the sum of its members'
//   card 'org-attainment'    admin home: every team's set quota, the sum of its members',
//                            the difference, and attainment with pace
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { attainmentFacts, attainmentTable, formatBp, formatMoney, paceChip } from '../quotas.js';

const periodName = { month: 'this month', quarter: 'this quarter', year: 'this fiscal year' };

async function periodsOf(ctx) {
  const kinds = ['quarter', 'month', 'year'];
  return Promise.all(kinds.map((k) => ctx.api.get(`/periods?kind=${k}&date=${ctx.today}`, { cache: true })));
}

registerCard({
  id: 'goals',
  section: 'managing',
  order: 10,
  size: 'wide',
  pages: ['seller-home', 'person'],
  title: (ctx) => (ctx.page === 'person' && !(ctx.me && ctx.me.id === ctx.subject.id) ? `${ctx.subject.name}'s goal` : 'Goals and attainment'),
  when: (ctx) => Boolean(ctx.subject),
  load: async (ctx) => {
    const periods = await periodsOf(ctx);
    const lines = await Promise.all(
      periods.map((p) => ctx.api.get(`/attainment/people/${ctx.subject.id}?period=${p.key}&as_of=${ctx.today}`, { cache: true })),
    );
    return { periods, lines };
  },
  render: ({ periods, lines }) => {
    const [quarter, ...others] = lines;
    return h(
      'div',
      { class: 'goal-card' },
      h('p', { class: 'fact-heading first' }, `${quarter.period.key} · ${periodName.quarter}`),
      attainmentFacts(quarter.line, { periodLabel: periods[0].key }),
      h(
        'ul',
        { class: 'fact-list goal-periods' },
        others.map((o) =>
          h(
            'li',
            { dataset: { period: o.period.key } },
            h('strong', null, o.period.key),
            h('span', { class: 'muted' }, ` · ${periodName[o.period.kind]}: `),
            o.line.has_quota
              ? [`${formatMoney(o.line.attainment.won_minor, o.line.currency)} of ${formatMoney(o.line.attainment.quota_minor, o.line.currency)} (${formatBp(o.line.attainment.attainment_bp)}) `, paceChip(o.line.attainment)]
              : `${formatMoney(o.line.attainment.won_minor, o.line.currency)} won, no quota set`,
          ),
        ),
      ),
    );
  },
});

registerCard({
  id: 'team-attainment',
  section: 'managing',
  order: 10,
  size: 'full',
  pages: ['manager-home'],
  title: 'Your team against quota',
  when: (ctx) => Boolean(ctx.me),
  load: async (ctx) => {
    const quarter = await ctx.api.get(`/periods?kind=quarter&date=${ctx.today}`, { cache: true });
    const q = `period=${quarter.key}&as_of=${ctx.today}`;
    const tree = await ctx.api.get(`/attainment/tree/${ctx.me.id}?${q}`, { cache: true });
    let team = null;
    if (ctx.me.team_id) {
      try {
        team = await ctx.api.get(`/attainment/teams/${ctx.me.team_id}?${q}`, { cache: true });
      } catch (err) {
        if (err.status !== 404) throw err; // a team reaching outside the tree is not theirs to see
      }
    }
    return { quarter, tree, team };
  },
  render: ({ quarter, tree, team }) => {
    const t = tree.total;
    const people = tree.people.filter((l) => l.depth > 0);
    const withQuota = people.filter((l) => l.has_quota);
    const behind = withQuota.filter((l) => l.attainment.pace_bp !== null && l.attainment.pace_bp < 8500);
    return h(
      'div',
      { class: 'team-attainment' },
      h('p', { class: 'fact-heading first' }, `${quarter.key} · everyone below you`),
      attainmentFacts({ ...t, name: 'Your team' }, { periodLabel: quarter.key }),
      team
        ? h(
            'p',
            { class: 'small team-quota', dataset: { team: String(team.line.team_id) } },
            team.line.has_quota
              ? [
                  h('strong', null, `${team.line.name} team quota ${formatMoney(team.line.quota_set_minor, team.line.currency)}`),
                  ` · members' quotas sum to ${formatMoney(team.summed_minor, team.line.currency)}`,
                  team.difference_minor !== 0
                    ? h('span', { class: 'muted' }, ` (${team.difference_minor > 0 ? 'set above the sum by' : 'set below the sum by'} ${formatMoney(Math.abs(team.difference_minor), team.line.currency)})`)
                    : h('span', { class: 'muted' }, ' (the same)'),
                  ` · ${formatBp(team.line.attainment.attainment_bp)} attained`,
                ]
              : `No team quota set for ${team.line.name}; its members' quotas sum to ${formatMoney(team.summed_minor, team.line.currency)}.`,
          )
        : null,
      behind.length
        ? h('p', { class: 'notice notice-warning small' }, `${behind.length} of ${withQuota.length} behind pace. Ask how you can help before you ask for numbers.`)
        : null,
      people.length ? attainmentTable(people, { caption: `Attainment for ${quarter.key}` }) : h('p', { class: 'muted small' }, 'No one reports to you yet.'),
    );
  },
});

registerCard({
  id: 'org-attainment',
  section: 'managing',
  order: 10,
  size: 'full',
  pages: ['admin-home'],
  title: 'Teams against quota',
  load: async (ctx) => {
    const quarter = await ctx.api.get(`/periods?kind=quarter&date=${ctx.today}`, { cache: true });
    const { teams } = await ctx.api.get('/teams', { cache: true });
    const q = `period=${quarter.key}&as_of=${ctx.today}`;
    const lines = await Promise.all(teams.map((t) => ctx.api.get(`/attainment/teams/${t.id}?${q}`, { cache: true })));
    return { quarter, lines };
  },
  render: ({ quarter, lines }) => {
    if (!lines.length) return h('p', { class: 'muted' }, 'No teams yet.');
    const money = (minor, cur) => (minor === null ? '—' : formatMoney(minor, cur));
    return h(
      'div',
      null,
      h('p', { class: 'fact-heading first' }, `${quarter.key} · set quotas against what their members carry`),
      h(
        'table',
        { class: 'data-table compact attainment-table org-attainment' },
        h('caption', { class: 'sr-only' }, `Teams against quota for ${quarter.key}`),
        h('thead', null, h('tr', null, ['Team', 'Team quota', "Members' quotas", 'Difference', 'Won', 'Attainment', 'Pace'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          null,
          lines.map((t) => {
            const a = t.line.attainment;
            const cur = t.line.currency;
            return h(
              'tr',
              { dataset: { team: String(t.line.team_id) } },
              h('th', { scope: 'row' }, t.line.name),
              h('td', null, t.line.has_quota ? money(t.line.quota_set_minor, cur) : 'not set'),
              h('td', null, money(t.summed_minor, cur)),
              h('td', null, t.difference_minor === null ? '—' : `${t.difference_minor < 0 ? '−' : '+'}${money(Math.abs(t.difference_minor), cur)}`),
              h('td', null, money(a.won_minor, cur)),
              h('td', null, formatBp(a.attainment_bp)),
              h('td', null, a.quota_minor ? paceChip(a) : '—'),
            );
          }),
        ),
      ),
      h('p', { class: 'card-more' }, h('a', { href: '#/admin/quotas' }, 'Set quotas and ramps')),
    );
  },
});
