// cards/comp.js -- the commission statement card (docs/api.md, "Compensation"), on the
// seller home in place of the placeholder cards/profile.js registers, and on a person's page
// for their managers and admins (read only: the seller alone disputes): the latest payout
// period's totals and attainment, every line explained in plain words, and an estimator of
// what the next deal would earn; any earlier period's statement is a choice away.
import { h } from '../dom.js';
import { registerCard } from '../home-cards.js';
import { busy, clearErrors, field, showError } from '../ui.js';
import { formatBp, formatMoney, parseMoney } from '../quotas.js';

function estimator(ctx, st) {
  const amount = field({ label: 'Deal amount', name: 'amount', attrs: { inputmode: 'decimal', placeholder: 'e.g. 10,000', class: 'comp-estimate-amount' } });
  // optional: a SPIF on a product or deal type pays only on deals that have it
  const product = field({ label: 'Product', name: 'product', attrs: { maxlength: 255, placeholder: 'optional', class: 'comp-estimate-product' } });
  const type = field({ label: 'Deal type', name: 'deal_type', attrs: { maxlength: 255, placeholder: 'optional', class: 'comp-estimate-type' } });
  const out = h('p', { class: 'muted comp-estimate-result', 'aria-live': 'polite' });
  const go = async (e) => {
    e.preventDefault();
    clearErrors(form);
    out.textContent = '';
    const minor = parseMoney(amount.control.value);
    if (!minor) {
      showError(form, { field: 'amount', message: 'Type an amount, like 10,000' });
      return;
    }
    const p = product.control.value.trim();
    const t = type.control.value.trim();
    await busy(form, async () => {
      try {
        const r = await ctx.api.get(`/comp/estimate?plan_id=${st.plan_id}&period=${encodeURIComponent(st.period)}&amount_minor=${minor}&person_id=${st.person_id}&product=${encodeURIComponent(p)}&deal_type=${encodeURIComponent(t)}`);
        const what = [p, t].filter(Boolean).join(', ');
        out.textContent = `A deal of ${formatMoney(minor, st.currency)}${what ? ` (${what})` : ''} closed this period would earn ${formatMoney(r.earns_minor, st.currency)}.`;
      } catch (err) {
        showError(form, err, { amount_minor: 'amount' });
      }
    });
  };
  const form = h(
    'form',
    { class: 'comp-estimate', novalidate: true, onsubmit: go },
    h('fieldset', { class: 'field' }, h('legend', null, ctx.me && ctx.me.id === st.person_id ? 'What would my next deal earn?' : 'What would their next deal earn?'), h('div', { class: 'comp-estimate-fields' }, amount, product, type), h('p', { class: 'hint' }, 'Product and deal type change the answer only where a SPIF pays on them.')),
    h('button', { type: 'submit', class: 'button' }, 'Estimate'),
    out,
  );
  return form;
}

const disputeText = (d) => (d.status === 'resolved' ? `Dispute resolved: ${d.resolution}` : `Disputed: ${d.comment}`);

/** A line's dispute state, or a small form for the person paid to open one. A dispute whose
 * line a re-run has changed (lines are renumbered) is not this line's: see changedDisputes. */
function disputeOf(ctx, st, line) {
  const d = st.disputes.filter((x) => x.line_no === line.line_no && !x.line_changed).pop();
  const said = d ? h('p', { class: 'muted comp-dispute' }, disputeText(d)) : null;
  // one open dispute a line; once resolved, the seller may answer with another
  if ((d && d.status !== 'resolved') || !ctx.me || ctx.me.id !== st.person_id) return said;
  const text = field({ label: 'Why this line is wrong', name: 'comment', required: true, attrs: { maxlength: 2000 }, hint: 'Your admin sees this with the line, and answers here.' });
  const send = async (e) => {
    e.preventDefault();
    clearErrors(box);
    const comment = text.control.value.trim();
    if (!comment) {
      showError(box, { field: 'comment', message: 'Say what is wrong with this line' });
      return;
    }
    await busy(box, async () => {
      try {
        await ctx.api.post('/comp/disputes', { run_id: st.run_id, line_no: line.line_no, comment });
        form.replaceWith(h('p', { class: 'muted comp-dispute' }, `Disputed: ${comment}`));
      } catch (err) {
        showError(box, err);
      }
    });
  };
  const box = h('form', { novalidate: true, onsubmit: send }, text, h('button', { type: 'submit', class: 'button button-small' }, 'Send'));
  const form = h('details', { class: 'comp-dispute' }, h('summary', null, d ? 'Dispute this line again' : 'Dispute this line'), box);
  return said ? [said, form] : form;
}

/** Disputes about lines the period's re-run has since changed, each with its line as it was. */
function changedDisputes(st, cur) {
  const changed = st.disputes.filter((x) => x.line_changed && x.line);
  if (!changed.length) return null;
  return h(
    'div',
    { class: 'comp-disputes-changed' },
    h('p', { class: 'fact-heading' }, 'Disputed lines the period has been re-run over'),
    h('ul', { class: 'comp-lines' }, changed.map((d) => h('li', { dataset: { dispute: d.id } }, h('strong', null, formatMoney(d.line.amount_minor, cur)), ` · ${d.line.date} · `, dealOf(st, d.line), d.line.explanation, ' (as it was)', h('p', { class: 'muted comp-dispute' }, disputeText(d))))),
  );
}

/** The deal a line is about, by its name in the pipeline, linked when it is the person's own
 * (whoever may read their statement may open their deals; a split partner's or an overlay's
 * deal belongs to someone else). */
function dealOf(st, l) {
  if (!l.deal_name) return null;
  const name = l.deal_owner_id === st.person_id ? h('a', { href: `#/opportunities/${l.deal_id}`, class: 'comp-deal' }, l.deal_name) : h('span', { class: 'comp-deal' }, l.deal_name);
  return [name, ' · '];
}

/** One period's statement: totals, its explained lines with their disputes, and, while the
 * period is open, the estimator. */
function statementBody(st, ctx) {
  const cur = st.currency || 'USD';
  return h(
    'div',
    { class: 'comp-statement-body', dataset: { period: st.period } },
    h('p', { class: 'fact-heading first' }, `${st.period} · ${st.plan_name} v${st.plan_version} · ${st.status === 'closed' ? 'closed' : 'open, may still change'}`),
    h(
      'ul',
      { class: 'fact-list comp-totals' },
      h('li', null, h('strong', null, 'Payout: '), formatMoney(st.totals.payout_minor, cur)),
      h('li', null, h('strong', null, 'Earned this period: '), formatMoney(st.totals.earned_minor, cur)),
      h('li', null, h('strong', null, 'Paid before: '), formatMoney(st.totals.paid_to_date_minor, cur)),
      h('li', null, h('strong', null, 'Attainment: '), st.totals.attainment_bp >= 0 ? formatBp(st.totals.attainment_bp) : '—'),
    ),
    st.lines.length
      ? h('ol', { class: 'comp-lines' }, st.lines.map((l) => h('li', { dataset: { rule: l.rule } }, h('strong', null, formatMoney(l.amount_minor, cur)), ` · ${l.date} · `, dealOf(st, l), l.explanation, disputeOf(ctx, st, l))))
      : h('p', { class: 'muted' }, 'No lines this period.'),
    changedDisputes(st, cur),
    st.status === 'closed' ? null : estimator(ctx, st), // a closed period takes no more deals
  );
}

const statementUrl = (s, personId) => `/comp/statement?plan_id=${s.plan_id}&period=${encodeURIComponent(s.period)}&person_id=${personId}`;

/** A choice of every period with a statement, newest first; picking one shows its statement
 * in place of the one shown. Nothing to choose with a single statement. */
function periodPicker(ctx, list, st, shown) {
  if (list.length < 2) return null;
  const note = h('span', { class: 'muted', 'aria-live': 'polite' });
  const pick = h(
    'select',
    { 'aria-label': 'Statement period', class: 'comp-period' },
    list.map((s, i) => h('option', { value: String(i), selected: s.plan_id === st.plan_id && s.period === st.period }, `${s.period} · ${s.plan_name}${s.status === 'closed' ? '' : ' · open'}`)),
  );
  let asked = 0; // the latest choice wins, whatever order the answers come in
  pick.addEventListener('change', async () => {
    const s = list[Number(pick.value)];
    const mine = ++asked;
    note.textContent = '';
    try {
      const got = await ctx.api.get(statementUrl(s, st.person_id));
      if (mine !== asked) return;
      const next = statementBody(got, ctx);
      shown.body.replaceWith(next);
      shown.body = next;
    } catch (err) {
      if (mine === asked) note.textContent = err.message || 'That statement could not be loaded.';
    }
  });
  return h('p', { class: 'comp-period-pick' }, h('label', null, 'Statement for ', pick), ' ', note);
}

/** Whether the page is about someone other than the viewer (a manager or an admin reading a
 * seller's statement): they read it, the seller alone disputes it. */
const aboutOther = (ctx) => !(ctx.me && ctx.subject && ctx.me.id === ctx.subject.id);

registerCard({
  id: 'statement',
  section: 'managing',
  order: 20,
  size: 'wide',
  pages: ['seller-home', 'person'],
  title: (ctx) => (aboutOther(ctx) ? `${ctx.subject.name}'s commission statement` : 'Commission statement'),
  when: (ctx) => Boolean(ctx.subject),
  load: async (ctx) => {
    const list = (await ctx.api.get(`/comp/statements?person_id=${ctx.subject.id}`)).statements;
    if (!list.length) return null;
    return { list, st: await ctx.api.get(statementUrl(list[0], ctx.subject.id)) };
  },
  render: (data, ctx) => {
    if (!data) {
      return h('p', { class: 'muted' }, aboutOther(ctx)
        ? `No commission statement for ${ctx.subject.name} yet: one appears after the first payout run of a plan they are on.`
        : 'No commission statement yet: it appears after the first payout run of your plan.');
    }
    const shown = { body: statementBody(data.st, ctx) };
    return h('div', { class: 'comp-statement' }, periodPicker(ctx, data.list, data.st, shown), shown.body);
  },
});
