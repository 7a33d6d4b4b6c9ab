// cards/territory.js -- "Who gained and who lost" on the manager home ('leading'): after a
// realignment is applied, each person of the manager's tree whose accounts changed, worded as
// the conversation the manager should lead (GET /territory/changes, checked against the tree).
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { money } from '../pipeline.js';
import { formatStamp } from '../format.js';

const CURRENCY = 'EUR'; // as views/territory.js: scenarios carry amounts in one currency

const accounts = (n) => `${n} ${n === 1 ? 'account' : 'accounts'}`;
const first = (name) => name.split(' ')[0];

/** One person's change as a sentence that says what to do about it. */
export function talkingPoint(p) {
  const inP = money(p.pipeline_gained_minor, CURRENCY), outP = money(p.pipeline_lost_minor, CURRENCY);
  if (p.lost && !p.gained) return `${p.name} lost ${accounts(p.lost)} and ${outP} of pipeline: talk with ${first(p.name)} before they hear it elsewhere, and say what stays theirs.`;
  if (p.gained && !p.lost) return `${p.name} gained ${accounts(p.gained)} and ${inP} of pipeline: agree with ${first(p.name)} which new relationships come first and who introduces them.`;
  return `${p.name} gained ${accounts(p.gained)} (${inP} of pipeline) and lost ${accounts(p.lost)} (${outP}): walk ${first(p.name)} through why, account by account.`;
}

registerCard({
  id: 'realignment',
  section: 'leading',
  order: 70,
  size: 'wide',
  pages: ['manager-home'],
  title: 'Who gained and who lost',
  when: (ctx) => Boolean(ctx.me),
  load: (ctx) => ctx.api.get(`/territory/changes?person_id=${ctx.me.id}`),
  render: (ch) => {
    if (!ch.scenario || !ch.people.length) return h('p', { class: 'muted' }, 'No realignment has moved accounts in your team yet.');
    return h(
      'div',
      { class: 'realignment-card' },
      h('p', { class: 'fact-heading first' }, `“${ch.scenario.name}”, applied ${formatStamp(ch.scenario.applied_at)}. A realignment is a conversation to lead, not only a file to load.`),
      h('ul', { class: 'plain-list realignment-talks' }, ch.people.map((p) => h('li', { dataset: { person: String(p.person_id) } }, talkingPoint(p)))),
      h('p', null, h('a', { href: `#/territory/${ch.scenario.id}` }, 'Open the scenario')),
    );
  },
});
