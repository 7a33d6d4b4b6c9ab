// cards/forecast.js -- the forecast card on the manager home ('managing'): the tree's number
// against the model's range, and who has not called or drifts from the model.
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { fmt, attention, rangeChart, scaleOf } from '../forecast.js';

registerCard({
  id: 'forecast',
  section: 'managing',
  order: 20,
  pages: ['manager-home'],
  title: 'Forecast',
  when: (ctx) => Boolean(ctx.me),
  load: (ctx) => ctx.api.get(`/forecast?person_id=${ctx.me.id}`),
  render: (page) => {
    const top = page.people[0];
    const { missing, drifting } = attention(page.people);
    return h('div', { class: 'forecast-card' },
      h('p', null, `${page.period}: `, top.number ? `number ${fmt(top.number.commit_minor)} commit, ${fmt(top.number.best_case_minor)} best case` : 'no calls yet', top.model ? `; the model says ${fmt(top.model.p10_minor)} to ${fmt(top.model.p90_minor)}` : ''),
      rangeChart(top, scaleOf([top])),
      top.model?.quota_minor != null ? h('p', { class: 'fc-card-quota' }, `Chance of reaching the quota (${fmt(top.model.quota_minor)}): ${Math.round(top.model.p_quota_ppm / 10000)}%`) : null,
      h('p', { class: 'muted' }, `${missing.length} not called yet · ${drifting.length} far from the model`),
      h('p', null, h('a', { href: '#/forecast' }, 'Open the forecast')),
    );
  },
});
