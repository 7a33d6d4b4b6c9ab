// views/admin-comp.js -- admins: commission plans and payout runs (docs/api.md,
// "Compensation"). Upload a plan (a new version of its name; a bad field is named by its
// JSON path), put people on a plan version (and end that), import deals' credit splits from a CSV file, run
// a payout period, look at each person's payout, close a run (final), download payroll,
// resolve disputes with a comment, and adjust a payout with a reason.
import { h, replace } from '../dom.js';
import { API, capitalise, withoutFieldPrefix } from '../api.js';
import { pageHeader, field, showError, clearErrors, busy, announce, confirmDialog, loading, errorBox, empty } from '../ui.js';
import { formatMoney, formatBp, parseMoney } from '../quotas.js';
import { formatStamp, formatDate, count } from '../format.js';
import { importFailure } from './admin-import.js';
import { modelCard, fxCard, auditCard, cell, num, headRow, table } from './comp-tools.js';

const SAMPLE = `{
  "name": "AE 2026",
  "currency": "USD",
  "effective_from": "2026-01-01",
  "quota_period": "quarter",
  "payout_period": "month",
  "components": [
    { "id": "bookings", "type": "commission", "mode": "marginal",
      "tiers": [ { "from_bp": 0, "to_bp": 10000, "rate_ppm": 100000 },
                 { "from_bp": 10000, "rate_ppm": 150000 } ] }
  ]
}`;

/* A plan or run stored without a time (0, as older demos did): shown as unknown, not as 1970. */
const stamp = (seconds) => (seconds ? formatStamp(seconds) : '—');
const planLabel = (v) => `${v.name} v${v.version} (from ${formatDate(v.effective_from)}${v.effective_to ? ` to ${formatDate(v.effective_to)}` : ''}, ${v.currency})`;

/** Every plan version, newest version of each name first: [{id, name, version, ...}]. */
const versionsOf = (plans) => plans.flatMap((p) => p.versions.map((v) => ({ ...v, name: p.name })));

/** Put the plan versions in `select`, keeping the choice made when it is still there. */
function setPlanOptions(select, versions) {
  const was = select.value;
  replace(select, versions.map((v) => h('option', { value: String(v.id) }, planLabel(v))));
  if (versions.some((v) => String(v.id) === was)) select.value = was;
}

// ---- upload --------------------------------------------------------------------------------

function uploadCard(ctx, onDone) {
  const file = field({ label: 'Plan file (JSON)', name: 'file', type: 'file', attrs: { accept: '.json,application/json' }, hint: 'Or paste the document below. The format is in docs/comp-plans.md.' });
  const text = field({ label: 'Plan document', name: 'document', type: 'textarea', value: SAMPLE, attrs: { rows: '14', spellcheck: 'false', class: 'code-input' } });
  const result = h('div', { class: 'comp-upload-result' });
  const form = h('form', { class: 'card form-card comp-upload', novalidate: true }, h('h2', null, 'Upload a plan'),
    h('p', { class: 'small muted' }, 'A plan with a name already stored becomes its next version; older versions never change.'),
    file, text, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Upload plan')), result);
  file.control.addEventListener('change', async () => {
    const chosen = file.control.files[0];
    if (chosen) text.control.value = await chosen.text();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(result);
    let doc;
    try {
      doc = JSON.parse(text.control.value);
    } catch (err) {
      return showError(form, { field: 'document', message: `This is not JSON: ${err.message}` });
    }
    try {
      const stored = await busy(form, () => ctx.api.post('/comp/plans', doc), 'Uploading…');
      replace(result, h('p', { class: 'notice notice-success', role: 'status' }, `Stored ${doc.name} version ${stored.version}.`));
      onDone();
    } catch (err) {
      if (err.status === 401) return;
      replace(result, importFailure(err, 'the plan', 'line', 'The plan was not stored'), err.field ? h('p', { class: 'comp-error-field' }, 'Field: ', h('code', null, err.field)) : null);
    }
  });
  return form;
}

// ---- credit splits from a file -----------------------------------------------------------

/** Many deals' splits at once (POST /import/splits): each deal in the file gets exactly the
 * splits of its lines; a file with a bad line sets none, and every bad line is listed. */
function splitsCard(ctx) {
  const file = field({ label: 'Splits file (CSV)', name: 'file', type: 'file', attrs: { accept: '.csv,text/csv' }, hint: 'Columns: deal_id (or external_id, below), email, kind (direct or overlay) and share_bp (6000 is 60%). A deal’s direct shares come to 10000, or it has none and its owner keeps the whole deal.' });
  const source = field({ label: 'Deals named by', name: 'source', type: 'select', value: '', options: [
    { value: '', label: 'deal_id: the deal’s id in reins' },
    { value: 'salesforce', label: 'external_id: its Salesforce id' },
    { value: 'hubspot', label: 'external_id: its HubSpot id' },
  ] });
  const result = h('div', { class: 'comp-splits-result' });
  // the splits there are, in the same format, to edit and import again
  const download = h('a', { href: `${API}/export/splits`, download: 'splits.csv', class: 'comp-splits-export' }, 'Download the current splits as CSV');
  source.control.addEventListener('change', () => {
    download.href = `${API}/export/splits${source.control.value ? `?source=${source.control.value}` : ''}`;
  });
  const form = h('form', { class: 'card form-card comp-splits-import', novalidate: true }, h('h2', null, 'Import credit splits'),
    h('p', { class: 'small muted' }, 'For splits kept in the CRM or a spreadsheet. Deals not in the file keep theirs; nothing is set unless every line is good.'),
    file, source, h('p', { class: 'small' }, download, ' to start from what is set now.'),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Import splits')), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(result);
    const chosen = file.control.files[0];
    if (!chosen) return showError(form, { field: 'file', message: 'Choose a CSV file first.' });
    const crm = source.control.value;
    try {
      const answer = await busy(form, async () => ctx.api.postCsv(`/import/splits${crm ? `?source=${crm}` : ''}`, await chosen.text()), 'Importing…');
      const deals = answer.created + answer.updated;
      const had = answer.updated ? `, replacing the splits ${answer.updated === 1 ? 'one of them' : `${answer.updated} of them`} had` : '';
      const same = answer.unchanged ? ` ${count(answer.unchanged, 'deal already had', 'deals already had')} the file’s splits.` : '';
      replace(result, h('p', { class: 'notice notice-success', role: 'status' }, `Splits set on ${count(deals, 'deal', 'deals')}${had}.${same}`));
    } catch (err) {
      if (err.status === 401) return;
      replace(result, importFailure(err, chosen.name, 'line'));
    }
  });
  return form;
}

// ---- plans and assignments -----------------------------------------------------------------

function documentToggle(ctx, v) {
  const box = h('details', { class: 'comp-document' }, h('summary', null, 'Document'));
  box.addEventListener('toggle', async () => {
    if (!box.open || box.dataset.loaded) return;
    box.dataset.loaded = '1';
    try {
      const plan = await ctx.api.get(`/comp/plans/${v.id}`);
      box.append(h('pre', { class: 'sample' }, JSON.stringify(plan.document, null, 2)));
    } catch (err) {
      if (err.status !== 401) box.append(errorBox(err));
    }
  });
  return box;
}

function plansTable(ctx, plans) {
  if (!plans.length) return empty('No plans yet. Upload the first one above.');
  return table('comp-plans', 'Plan versions', headRow('Plan', 'Version', 'Effective', 'Currency', 'Uploaded', 'People', 'Runs', ''),
    versionsOf(plans).map((v) => h('tr', { dataset: { plan: v.id } },
      h('th', { scope: 'row' }, v.name), num('Version', String(v.version)),
      cell('Effective', `${formatDate(v.effective_from)} – ${v.effective_to ? formatDate(v.effective_to) : 'open'}`),
      cell('Currency', v.currency), cell('Uploaded', stamp(v.created_at), v.uploaded_by ? ` by ${v.uploaded_by}` : ''),
      num('People', String(v.assignments)), num('Runs', String(v.runs)), cell('Document', documentToggle(ctx, v)))));
}

/* The assign and run forms stay on the page across refreshes (a run's result stays shown);
 * form.setVersions(versions) updates their plan choice. */
function assignCard(ctx, people, onDone) {
  const plan = field({ label: 'Plan version', name: 'plan_id', type: 'select' });
  const who = field({ label: 'People', name: 'person_id', type: 'select', options: people.map((p) => ({ value: p.id, label: `${p.name}${p.title ? `, ${p.title}` : ''}` })), attrs: { multiple: true, size: String(Math.min(8, Math.max(3, people.length))) }, hint: 'Hold Ctrl (or ⌘) to pick several.' });
  const start = field({ label: 'From', name: 'start_date', type: 'date', required: true });
  const end = field({ label: 'To (empty: open)', name: 'end_date', type: 'date' });
  const form = h('form', { class: 'card form-card comp-assign', novalidate: true }, h('h2', null, 'Put people on a plan'), plan, who, h('div', { class: 'field-row' }, start, end),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Assign')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const ids = [...who.control.selectedOptions].map((o) => Number(o.value));
    if (!ids.length) return showError(form, { field: 'person_id', message: 'Pick at least one person.' });
    const body = { start_date: start.control.value };
    if (end.control.value) body.end_date = end.control.value;
    let done = 0;
    try {
      await busy(form, async () => {
        for (const person_id of ids) {
          await ctx.api.post(`/comp/plans/${plan.control.value}/assignments`, { ...body, person_id });
          done++;
        }
      }, 'Assigning…');
      announce(`${count(done)} put on the plan.`, 'success');
      onDone();
    } catch (err) {
      if (err.status === 401) return;
      showError(form, done ? { ...err, message: `${count(done)} assigned, then: ${err.message}` } : err);
      if (done) onDone();
    }
  });
  form.setVersions = (versions) => setPlanOptions(plan.control, versions);
  return form;
}

/* An assignment's end, changed in place: someone who leaves or changes plan is taken off it
 * from a day; an empty date makes the assignment open again. */
function endForm(ctx, a, onDone) {
  const end = field({ label: `Last day on ${a.plan_name}`, name: 'end_date', type: 'date', attrs: { value: a.end_date || '' }, hint: 'Empty: no end.' });
  const form = h('form', { class: 'comp-assignment-end', novalidate: true }, end,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-small' }, 'Save')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const value = end.control.value;
    try {
      await busy(form, () => ctx.api.patch(`/comp/assignments/${a.id}`, { end_date: value || null }), 'Saving…');
      announce(value ? `${a.person_name} is on ${a.plan_name} until ${formatDate(value)}.` : `${a.person_name} is on ${a.plan_name} with no end.`, 'success');
      onDone();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return h('details', { class: 'comp-assignment-change' }, h('summary', null, a.end_date ? 'Change end' : 'End…'), form);
}

function assignmentsTable(ctx, assignments, onChange) {
  if (!assignments.length) return empty('No one is on a plan yet.');
  return table('comp-assignments', 'Assignments', headRow('Person', 'Plan', 'From', 'To', ''),
    assignments.map((a) => h('tr', { dataset: { assignment: a.id } }, h('th', { scope: 'row' }, a.person_name), cell('Plan', `${a.plan_name} v${a.plan_version}`),
      cell('From', formatDate(a.start_date)), cell('To', a.end_date ? formatDate(a.end_date) : 'open'), cell('Actions', endForm(ctx, a, onChange)))));
}

// ---- adjustments ---------------------------------------------------------------------------

/* An admin's adjustment of someone's pay in a period (an upheld dispute, what the plan cannot
 * express), paid as a line of its own with the reason the seller reads; and the latest ones. */
function adjustCard(ctx, people, onDone) {
  const plan = field({ label: 'Plan version', name: 'plan_id', type: 'select' });
  const who = field({ label: 'Person', name: 'person_id', type: 'select', options: people.map((p) => ({ value: p.id, label: p.name })) });
  const period = field({ label: 'Paid in period', name: 'period', required: true, attrs: { placeholder: '2026-03', size: '9' }, hint: 'An open or not yet run period; its open run is run again at once.' });
  const amount = field({ label: 'Amount', name: 'amount_minor', required: true, attrs: { inputmode: 'decimal', placeholder: 'e.g. 250.00 or -80.00' } });
  const reason = field({ label: 'Reason', name: 'reason', type: 'textarea', required: true, attrs: { rows: '2', maxlength: '2000' }, hint: 'The seller reads it on their statement.' });
  const list = h('div', { class: 'comp-adjustments' });
  const form = h('form', { class: 'card form-card comp-adjust', novalidate: true }, h('h2', null, 'Adjust a payout'), plan, who, h('div', { class: 'field-row' }, period, amount), reason,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Add adjustment')), list);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const text = amount.control.value.trim();
    const negative = text.startsWith('-');
    const minor = parseMoney(negative ? text.slice(1) : text);
    if (!minor) return showError(form, { field: 'amount_minor', message: 'An amount other than 0, like 250.00 or -80.00.' });
    if (!reason.control.value.trim()) return showError(form, { field: 'reason', message: 'Say why: the seller reads it.' });
    try {
      await busy(form, () => ctx.api.post('/comp/adjustments', { plan_id: Number(plan.control.value), person_id: Number(who.control.value), period: period.control.value.trim(), amount_minor: negative ? -minor : minor, reason: reason.control.value.trim() }), 'Adding…');
      announce('Adjustment added.', 'success');
      amount.control.value = '';
      reason.control.value = '';
      onDone();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  form.setVersions = (versions) => setPlanOptions(plan.control, versions);
  // one not yet paid by a closed run may be taken back (a mistake); after, a new one reverses it
  const takeBack = (a) => {
    if (a.run_status === 'closed') return null;
    const button = h('button', { type: 'button', class: 'button button-small button-danger' }, 'Take back…');
    button.addEventListener('click', async () => {
      const ok = await confirmDialog(`Take back ${formatMoney(a.amount_minor, '')} for ${a.person_name}?`, `The ${a.period} run no longer pays it; the audit log keeps it.`, 'Take it back', { danger: true });
      if (!ok) return;
      try {
        await ctx.api.del(`/comp/adjustments/${a.id}`);
        announce('Adjustment taken back.', 'success');
        onDone();
      } catch (err) {
        if (err.status !== 401) announce(capitalise(withoutFieldPrefix(err.message)), 'error');
      }
    });
    return button;
  };
  form.show = (adjustments, currencyOf) => replace(list, adjustments.length
    ? table('comp-adjustments-list', 'Adjustments, newest first', headRow('Person', 'Period', 'Amount', 'Reason', 'By', 'Paid', ''),
      adjustments.map((a) => h('tr', { dataset: { adjustment: a.id } }, h('th', { scope: 'row' }, a.person_name), cell('Period', `${a.period} · ${a.plan_name} v${a.plan_version}`),
        num('Amount', formatMoney(a.amount_minor, currencyOf(a.plan_id))), cell('Reason', a.reason), cell('By', a.by ?? 'reins'),
        cell('Paid', a.run_status === 'closed' ? 'closed run' : a.run_status === 'open' ? 'open run' : 'when the period runs'), cell('Actions', takeBack(a)))))
    : null);
  return form;
}

// ---- runs ----------------------------------------------------------------------------------

function runCard(ctx, onDone) {
  const plan = field({ label: 'Plan version', name: 'plan_id', type: 'select' });
  const period = field({ label: 'Payout period', name: 'period', required: true, attrs: { placeholder: '2026-03', size: '9' }, hint: 'A month (2026-03) or a quarter (2026-Q1), as the plan pays. Running an open period again replaces it.' });
  const result = h('div', { class: 'comp-run-result' });
  const form = h('form', { class: 'card form-card comp-run', novalidate: true }, h('h2', null, 'Run a period'), plan, period,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Run')), result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    replace(result);
    try {
      const run = await busy(form, async () => {
        const made = await ctx.api.post(`/comp/plans/${plan.control.value}/runs`, { period: period.control.value.trim() });
        return ctx.api.get(`/comp/runs/${made.id}`);
      }, 'Running…');
      replace(result, h('p', { class: 'notice notice-success', role: 'status' },
        `Ran ${run.period} of ${run.plan_name} v${run.plan_version}: ${count(run.people)}, ${count(run.lines, 'line', 'lines')}, payout ${formatMoney(run.payout_minor, run.currency)}.`));
      onDone();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  form.setVersions = (versions) => setPlanOptions(plan.control, versions);
  return form;
}

function payoutsRow(ctx, run, span) {
  const box = h('div', null, loading());
  (async () => {
    const r = await ctx.api.get(`/comp/runs/${run.id}`);
    replace(box, r.payouts.length ? table('comp-payouts', `Payouts of ${run.period}`, headRow('Person', 'Attainment', 'Earned this period', 'Paid before', 'Payout', 'Lines', 'Open disputes'),
      r.payouts.map((p) => h('tr', null, h('th', { scope: 'row' }, h('a', { href: `#/people/${p.person_id}`, title: `${p.name}'s page, with the statement` }, p.name)), num('Attainment', formatBp(p.attainment_bp)),
        num('Earned this period', formatMoney(p.earned_minor, r.currency)), num('Paid before', formatMoney(p.paid_to_date_minor, r.currency)),
        num('Payout', formatMoney(p.payout_minor, r.currency)), num('Lines', String(p.lines)), num('Open disputes', String(p.open_disputes)))))
      : empty('No one was paid in this run.'));
  })().catch((err) => err.status !== 401 && replace(box, errorBox(err)));
  return h('tr', { class: 'comp-payouts-row' }, h('td', { colspan: String(span) }, box));
}

function runsTable(ctx, runs, onChange) {
  if (!runs.length) return empty('No payout runs yet.');
  const head = headRow('Period', 'Plan', 'Status', 'People', 'Lines', 'Payout', 'Disputes', 'Run', '');
  const body = h('tbody');
  for (const r of runs) {
    const actions = h('div', { class: 'comp-run-actions' });
    const toggle = h('button', { type: 'button', class: 'button button-small', 'aria-expanded': 'false' }, 'Payouts');
    const tr = h('tr', { dataset: { run: r.id } }, h('th', { scope: 'row' }, r.period), cell('Plan', `${r.plan_name} v${r.plan_version}`),
      cell('Status', h('span', { class: ['chip', r.status === 'closed' ? 'chip-closed' : 'chip-open'] }, r.status === 'closed' ? `closed ${stamp(r.closed_at)}` : 'open')),
      num('People', String(r.people)), num('Lines', String(r.lines)), num('Payout', formatMoney(r.payout_minor, r.currency)),
      num('Disputes', String(r.open_disputes)), cell('Run', stamp(r.created_at)), cell('Actions', actions));
    let open = null;
    toggle.addEventListener('click', () => {
      if (open) {
        open.remove();
        open = null;
      } else {
        open = payoutsRow(ctx, r, 9);
        tr.after(open);
      }
      toggle.setAttribute('aria-expanded', String(Boolean(open)));
    });
    actions.append(toggle);
    if (r.status === 'open') {
      const close = h('button', { type: 'button', class: 'button button-small button-danger' }, 'Close…');
      close.addEventListener('click', async () => {
        const ok = await confirmDialog(`Close ${r.period} of ${r.plan_name}?`, 'A closed run is final: it can never be run again or changed, and its payroll can be exported. A later correction goes into an open period.', 'Close the run', { danger: true });
        if (!ok) return;
        try {
          await ctx.api.post(`/comp/runs/${r.id}/close`);
          announce(`${r.period} is closed.`, 'success');
          onChange();
        } catch (err) {
          if (err.status !== 401) announce(capitalise(withoutFieldPrefix(err.message)), 'error');
        }
      });
      actions.append(' ', close);
    } else {
      actions.append(' ', h('a', { class: 'button button-small', href: `/api/v1/comp/runs/${r.id}/payroll.csv`, download: `payroll-${r.period}.csv` }, 'CSV'),
        ' ', h('a', { class: 'button button-small', href: `/api/v1/comp/runs/${r.id}/payroll.xlsx`, download: `payroll-${r.period}.xlsx` }, 'XLSX'));
    }
    body.append(tr);
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: ['data-table', 'compact', 'comp-runs'] }, h('caption', { class: 'sr-only' }, 'Payout runs'), head, body));
}

// ---- disputes ------------------------------------------------------------------------------

function disputeItem(ctx, d, currencies, onChange) {
  // the line as the seller's statement numbers it; one a re-run has replaced is said so
  const where = d.line_changed ? 'The line as it was when disputed (the period has been run again since): ' : `Line ${d.statement_line} of the statement: `;
  const line = d.line
    ? h('p', { class: ['comp-dispute-line', d.line_changed ? 'comp-dispute-changed' : null] }, where,
      // an admin may open every deal
      d.line.deal_name ? [h('a', { href: `#/opportunities/${d.line.deal_id}`, class: 'comp-deal' }, d.line.deal_name), ' · '] : null,
      `${d.line.explanation} `, h('strong', null, formatMoney(d.line.amount_minor, currencies.get(d.run_id) ?? '')))
    : h('p', { class: 'comp-dispute-line muted' }, 'The disputed line is no longer in this run (it was run again).');
  const head = h('p', { class: 'comp-dispute-head' }, h('strong', null, d.person_name), ` · ${d.plan_name} · ${d.period} · opened ${stamp(d.opened_at)}`);
  const said = h('blockquote', { class: 'comp-dispute-comment' }, d.comment);
  if (d.status === 'resolved') {
    return h('li', { class: ['card', 'comp-dispute', 'resolved'], dataset: { dispute: d.id } }, head, line, said,
      h('p', { class: 'comp-resolution' }, h('span', { class: 'chip chip-closed' }, 'resolved'), ` ${stamp(d.resolved_at)}: ${d.resolution}`));
  }
  const comment = field({ label: 'Resolution', name: 'comment', type: 'textarea', required: true, attrs: { rows: '2', maxlength: '2000' } });
  // upheld with money: paid as an adjustment, with the resolution as its reason
  const pay = field({ label: 'Pay (optional)', name: 'adjust_minor', attrs: { inputmode: 'decimal', placeholder: 'e.g. 120.50 or -40.00' }, hint: `An adjustment in ${d.period} (or the period below), resolved and paid at once.` });
  const payIn = field({ label: 'In period', name: 'period', attrs: { placeholder: d.period, size: '9' } });
  const form = h('form', { class: 'comp-resolve', novalidate: true }, comment, h('div', { class: 'field-row' }, pay, payIn),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary button-small' }, 'Resolve')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { comment: comment.control.value.trim() };
    const text = pay.control.value.trim();
    if (text) {
      const negative = text.startsWith('-');
      const minor = parseMoney(negative ? text.slice(1) : text);
      if (!minor) return showError(form, { field: 'adjust_minor', message: 'An amount other than 0, like 120.50 or -40.00, or nothing.' });
      body.adjust_minor = negative ? -minor : minor;
      if (payIn.control.value.trim()) body.period = payIn.control.value.trim();
    }
    try {
      await busy(form, () => ctx.api.post(`/comp/disputes/${d.id}/resolve`, body), 'Resolving…');
      announce(body.adjust_minor ? 'Dispute resolved and the adjustment added.' : 'Dispute resolved.', 'success');
      onChange();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
  });
  return h('li', { class: ['card', 'comp-dispute', 'open'], dataset: { dispute: d.id } }, head, line, said, form);
}

// ---- the page ------------------------------------------------------------------------------

export async function render(root, ctx) {
  ctx.setTitle('Commission');
  root.append(pageHeader('Commission', { intro: 'Plans, who is on them, payout runs and disputes. A closed run is final; payroll is exported from closed runs.' }));
  const plansBox = h('div', null, loading());
  const assignmentsBox = h('div');
  const runsBox = h('div', null, loading());
  const disputesBox = h('div', null, loading());
  const modelBox = h('div');
  root.append(
    uploadCard(ctx, () => refresh()),
    h('section', { class: 'card comp-section' }, h('h2', null, 'Plans'), plansBox),
    splitsCard(ctx),
    assignmentsBox,
    h('section', { class: 'card comp-section' }, h('h2', null, 'Payout runs'), runsBox),
    h('section', { class: 'card comp-section' }, h('h2', null, 'Disputes'), disputesBox),
    modelBox,
    fxCard(ctx),
    auditCard(ctx),
  );
  let assign = null, run = null, adjust = null;
  async function refresh() {
    try {
      if (!assign) {
        const people = (await ctx.api.get('/people?status=active')).people;
        assign = assignCard(ctx, people, refresh);
        run = runCard(ctx, refresh);
        adjust = adjustCard(ctx, people, refresh);
        assign.hidden = run.hidden = adjust.hidden = true;
        assignmentsBox.after(run);
        assignmentsBox.before(assign);
        disputesBox.parentNode.after(adjust);
      }
      const [plans, assignments, runs, disputes, adjustments] = await Promise.all([ctx.api.get('/comp/plans'), ctx.api.get('/comp/assignments'), ctx.api.get('/comp/runs'), ctx.api.get('/comp/disputes'), ctx.api.get('/comp/adjustments')]);
      if (!ctx.isCurrent()) return;
      const versions = versionsOf(plans.plans);
      replace(plansBox, plansTable(ctx, plans.plans));
      // the modelling card starts from the newest plan version's document, once
      if (versions.length && !modelBox.firstChild) {
        const newest = [...versions].sort((a, b) => b.created_at - a.created_at || b.id - a.id)[0];
        replace(modelBox, modelCard(ctx, (await ctx.api.get(`/comp/plans/${newest.id}`)).document, versions, newest.id));
      }
      // nothing to assign or run before the first plan
      for (const form of [assign, run, adjust]) {
        form.setVersions(versions);
        form.hidden = !versions.length;
      }
      const planCurrency = new Map(versions.map((v) => [v.id, v.currency]));
      adjust.show(adjustments.adjustments, (id) => planCurrency.get(id) ?? '');
      // a long list starts folded: the forms around it matter more
      const n = assignments.assignments.length;
      const wasOpen = assignmentsBox.querySelector('details')?.open;
      replace(assignmentsBox, versions.length ? h('details', { class: 'card comp-section comp-assignments-list', open: wasOpen ?? n <= 12 }, h('summary', null, h('h2', null, `Who is on which plan (${count(n, 'assignment', 'assignments')})`)), assignmentsTable(ctx, assignments.assignments, refresh)) : null);
      replace(runsBox, runsTable(ctx, runs.runs, refresh));
      const currencies = new Map(runs.runs.map((r) => [r.id, r.currency]));
      const open = disputes.disputes.filter((d) => d.status === 'open').length;
      replace(disputesBox, disputes.disputes.length
        ? [h('p', { class: 'small muted' }, `${count(open, 'open dispute', 'open disputes')}, oldest first; resolved ones below.`),
          h('ul', { class: 'comp-disputes' }, disputes.disputes.map((d) => disputeItem(ctx, d, currencies, refresh)))]
        : empty('No disputes.'));
    } catch (err) {
      if (err.status !== 401) replace(plansBox, errorBox(err, { retry: refresh }));
    }
  }
  await refresh();
}
