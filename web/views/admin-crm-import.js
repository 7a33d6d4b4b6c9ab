// views/admin-crm-import.js -- admins: import a Salesforce or HubSpot export of opportunities or
// accounts (POST /api/v1/import/{object}?source=...), and edit the saved column mapping. A file
// with bad rows changes nothing; each bad row is listed with its line and field.
import { h, replace } from '../dom.js';
import { pageHeader, field, formError, showError, clearErrors, busy, announce } from '../ui.js';
import { importFailure } from './admin-import.js';

export function render(root, ctx) {
  ctx.setTitle('CRM import');
  root.append(
    pageHeader('Import from your CRM', {
      intro: 'Import a Salesforce opportunity or account report, or a HubSpot deal or company export. Deals already imported are updated in place and their changes kept as history. Nothing changes unless every row is good.',
    }),
  );
  const source = field({ label: 'From', name: 'source', type: 'select', options: [{ value: 'salesforce', label: 'Salesforce' }, { value: 'hubspot', label: 'HubSpot' }] });
  const object = field({ label: 'What', name: 'object', type: 'select', options: [{ value: 'opportunities', label: 'Opportunities (deals)' }, { value: 'accounts', label: 'Accounts (companies)' }] });
  const file = field({ label: 'CSV file', name: 'file', type: 'file', required: true, hint: 'A .csv export, up to 16 MiB.', attrs: { accept: '.csv,text/csv' } });
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'form card', novalidate: true }, formError(), source, object, file, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Import')));
  const mapping = h('div', { class: 'mapping' });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    replace(result);
    const chosen = file.control.files && file.control.files[0];
    if (!chosen) {
      showError(form, { field: 'file', message: 'Choose a CSV file first.' });
      return;
    }
    if (chosen.size > 16 * 1024 * 1024) {
      showError(form, { field: 'file', message: 'That file is over 16 MiB, the most one import takes. Split it into smaller files.' });
      return;
    }
    const text = await chosen.text();
    const path = `/import/${object.control.value}?source=${source.control.value}&filename=${encodeURIComponent(chosen.name)}`;
    try {
      const a = await busy(form, () => ctx.api.postCsv(path, text), 'Importing…');
      replace(
        result,
        h(
          'div',
          { class: 'notice notice-success', role: 'status' },
          h('p', { class: 'notice-title' }, `Imported ${chosen.name}`),
          h('p', null, `${a.created} added, ${a.updated} updated, ${a.unchanged} unchanged.`),
          h('p', null, h('a', { href: '#/pipeline' }, 'See the pipeline')),
        ),
      );
    } catch (err) {
      if (err.status === 401) return;
      replace(result, importFailure(err, chosen.name, 'row'));
    }
  });

  async function drawMapping() {
    const m = await ctx.api.get(`/crm-mappings?source=${source.control.value}&object=${object.control.value}`);
    if (!ctx.isCurrent()) return;
    const inputs = m.fields.map((f) => field({ label: f.field, name: f.field, value: f.column, hint: `Default: ${f.default}` }));
    const mform = h(
      'form',
      { class: 'form card mapping-form', novalidate: true },
      h('h2', { class: 'card-title' }, `Columns of a ${source.control.value === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${m.object} file`),
      h('p', { class: 'muted' }, 'Which column header holds each field. Clear a box to go back to the default.'),
      formError(),
      inputs,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button' }, 'Save the mapping')),
    );
    mform.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(mform);
      const columns = Object.fromEntries(inputs.map((i, k) => [m.fields[k].field, i.control.value.trim()]));
      try {
        await busy(mform, () => ctx.api.put(`/crm-mappings?source=${source.control.value}&object=${object.control.value}`, { columns }), 'Saving…');
        announce('Mapping saved', 'success');
        drawMapping();
      } catch (err) {
        if (err.status !== 401) showError(mform, err);
      }
    });
    replace(mapping, h('details', { class: 'card' }, h('summary', null, 'Column mapping'), mform));
  }
  source.control.addEventListener('change', drawMapping);
  object.control.addEventListener('change', drawMapping);
  root.append(form, result, mapping);
  return drawMapping();
}
