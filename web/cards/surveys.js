// cards/surveys.js -- the engagement cards (docs/api.md, "Pulse surveys"):
//
//   card 'pulse'        seller and manager homes: the open pulse waiting for the user's answer
//   card 'engagement'   manager home: the team's drivers with their change and trend, and the
//                       weakest driver as a topic for the next team meeting and one-on-ones;
//                       admin home: the same for the whole company
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { formatDate } from '../format.js';
import { mean, change, driverLabel, favourableBar, sparkline, trendByDriver } from '../surveys.js';

registerCard({
  id: 'pulse',
  section: 'leading',
  order: 11,
  pages: ['seller-home', 'manager-home'],
  title: 'Pulse survey',
  when: (ctx) => Boolean(ctx.me),
  load: (ctx) => ctx.api.get('/surveys'),
  render: ({ surveys }) => {
    const waiting = surveys.filter((s) => s.open && s.invited_you && !s.answered);
    if (!waiting.length) {
      const answered = surveys.find((s) => s.open && s.answered);
      return h('p', { class: 'muted' }, answered ? 'You have answered the open pulse. Thank you.' : 'No pulse is open right now.', ' ', h('a', { href: '#/surveys' }, 'All surveys'));
    }
    const s = waiting[0];
    return h(
      'div',
      { class: 'pulse-reminder' },
      h('p', null, h('strong', null, s.title), ` is open until ${formatDate(s.closes_on)}. It takes about two minutes, and your answers are never shown with your name.`),
      h('p', null, h('a', { class: 'button button-primary', href: `#/surveys/${s.id}` }, 'Answer now')),
    );
  },
});

function engagement(summary) {
  const latest = summary.latest;
  if (!latest) {
    return h('p', { class: 'muted' }, 'No results to show yet: they appear once enough of the team has answered a pulse. ', h('a', { href: '#/surveys' }, 'Surveys'));
  }
  const by = trendByDriver(summary.trend);
  const drivers = latest.drivers.filter((d) => d.kind === 'likert');
  const enps = latest.drivers.find((d) => d.kind === 'enps');
  return h(
    'div',
    { class: 'engagement' },
    summary.weakest ? h('p', { class: 'notice notice-warning small', dataset: { weakest: summary.weakest.driver } }, h('strong', null, `Talk about ${driverLabel(summary.weakest.driver).toLowerCase()}. `), summary.weakest.suggestion) : null,
    h('p', { class: 'muted small' }, `${latest.survey.title}: ${latest.respondents} answers (${latest.participation_pct}%).`, enps && enps.enps != null ? ` eNPS ${enps.enps > 0 ? '+' : ''}${enps.enps}.` : ''),
    h(
      'div',
      { class: 'table-wrap' },
      h(
      'table',
      { class: 'table drivers-table compact' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Driver'), h('th', { scope: 'col', class: 'num' }, 'Mean'), h('th', { scope: 'col' }, 'Favourable'), h('th', { scope: 'col' }, 'Trend'))),
      h(
        'tbody',
        null,
        drivers.map((d) =>
          h(
            'tr',
            { dataset: { driver: d.driver } },
            h('th', { scope: 'row' }, driverLabel(d.driver)),
            h('td', { class: 'num' }, mean(d.mean_x100), d.change_x100 != null ? h('span', { class: 'muted small' }, ` ${change(d.change_x100)}`) : null),
            h('td', null, favourableBar(d.favourable_pct, driverLabel(d.driver))),
            h('td', null, by.has(d.driver) ? sparkline(by.get(d.driver), driverLabel(d.driver)) : null),
          ),
        ),
      ),
      ),
    ),
    h('p', { class: 'card-more' }, h('a', { href: `#/surveys/${latest.survey.id}/results` }, 'All results')),
  );
}

registerCard({
  id: 'engagement',
  section: 'leading',
  order: 25,
  size: 'wide',
  pages: ['manager-home', 'admin-home'],
  title: (ctx) => (ctx.page === 'admin-home' ? 'Engagement: the company' : 'Engagement: your team'),
  load: (ctx) => ctx.api.get('/surveys/summary'),
  render: (summary) => engagement(summary),
});
