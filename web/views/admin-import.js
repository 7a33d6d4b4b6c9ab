// views/admin-import.js -- admins: import people from a CSV file
// (POST /api/v1/import/people, Content-Type text/csv). A file with bad lines
// changes nothing; each bad line is listed with its line number and field.
import { h, replace } from '../dom.js';
import { API, withoutFieldPrefix, capitalise } from '../api.js';
import { pageHeader, field, formError, showError, clearErrors, busy } from '../ui.js';
import { count } from '../format.js';

const COLUMNS = [
  ['name', 'yes', 'Full name'],
  ['email', 'yes', 'Unique; a person already known by this email is updated'],
  ['start_date', 'yes', 'YYYY-MM-DD'],
  ['title', 'no', 'Job title'],
  ['manager_email', 'no', 'The manager’s email: someone in the file or already known'],
  ['team', 'no', 'Team name; created if new'],
  ['status', 'no', 'active (the default), leaving or left'],
];

function formatHelp() {
  return h(
    'details',
    { class: 'card format-help', open: true },
    h('summary', null, 'The CSV format'),
    h('p', null, 'The first row names the columns, in any order; case does not matter.'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'data-table compact' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Required'), h('th', { scope: 'col' }, 'Meaning'))),
        h('tbody', null, COLUMNS.map(([c, req, text]) => h('tr', null, h('th', { scope: 'row' }, h('code', null, c)), h('td', { 'data-label': 'Required' }, req), h('td', { 'data-label': 'Meaning' }, text)))),
      ),
    ),
    h('pre', { class: 'sample' }, 'name,email,title,manager_email,team,start_date\nAna Lima,ana.lima@example.com,Account Executive,maya@example.com,West,2026-09-01'),
    h('p', null, h('a', { href: `${API}/export/people`, download: 'people.csv' }, 'Download everyone as CSV'), ' to start from the current data.'),
  );
}

/**
 * Why an all-or-nothing import wrote nothing: each bad line of `fileName` in a table when the
 * server named them (err.lines), else its message under `title`. `noun` is 'line' or 'row'.
 */
export function importFailure(err, fileName, noun, title = 'Nothing was imported') {
  if (!err.lines || !err.lines.length) {
    return h('div', { class: 'error-box', role: 'alert' }, h('p', { class: 'error-title' }, title), h('p', null, err.message));
  }
  const n = new Set(err.lines.map((l) => l.line)).size;
  return h(
    'div',
    { class: 'error-box import-error', role: 'alert' },
    h('p', { class: 'error-title' }, `Nothing was imported: ${n} ${n === 1 ? `${noun} needs` : `${noun}s need`} fixing`),
    h('p', null, `Fix ${n === 1 ? `this ${noun}` : `these ${noun}s`} in ${fileName} and import the file again. Line 1 is the header row.`),
    linesTable(err.lines),
  );
}

function linesTable(lines) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table import-errors' },
      h('caption', { class: 'sr-only' }, 'Lines to fix'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Problem'))),
      h(
        'tbody',
        null,
        lines.map((l) => {
          const msg = capitalise(withoutFieldPrefix(l.message));
          return h(
            'tr',
            null,
            h('td', { 'data-label': 'Line', class: 'num' }, String(l.line ?? '')),
            h('td', { 'data-label': 'Field' }, l.field ? h('code', null, l.field) : h('span', { class: 'muted' }, '—')),
            h('td', { 'data-label': 'Problem' }, msg),
          );
        }),
      ),
    ),
  );
}

export function render(root, ctx) {
  ctx.setTitle('Import people');
  root.append(
    pageHeader('Import people', {
      intro: 'Add or update many people at once from a CSV file, for example an export of your CRM or HR system. Nothing changes unless every line is good.',
    }),
  );

  const file = field({ label: 'CSV file', name: 'file', type: 'file', required: true, hint: 'A .csv file, up to 16 MiB.', attrs: { accept: '.csv,text/csv' } });
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form card', novalidate: true },
    formError(),
    file,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Import')),
  );
  file.control.addEventListener('change', () => {
    clearErrors(form);
    replace(result);
  });

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
    let text;
    try {
      text = await chosen.text();
    } catch {
      showError(form, { field: 'file', message: 'That file could not be read.' });
      return;
    }
    try {
      const answer = await busy(form, () => ctx.api.postCsv('/import/people', text), 'Importing…');
      replace(
        result,
        h(
          'div',
          { class: 'notice notice-success', role: 'status' },
          h('p', { class: 'notice-title' }, `Imported ${chosen.name}`),
          h('p', null, `${count(answer.created)} added, ${count(answer.updated)} updated.`),
          h('p', null, h('a', { href: '#/org' }, 'See the org'), ' · ', h('a', { href: '#/admin/people' }, 'See everyone')),
        ),
      );
    } catch (err) {
      if (err.status === 401) return;
      replace(result, importFailure(err, chosen.name, 'line'));
    }
  });

  root.append(form, result, formatHelp());
}
